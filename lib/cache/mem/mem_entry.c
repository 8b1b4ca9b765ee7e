/*
 * One cached entry of the mem: cache (see mem_entry.h).
 */
#include "mem_entry.h"

#include <stdlib.h>
#include <string.h>

/* Header + key + NUL, or SIZE_MAX on overflow; the value follows. */
static size_t entry_prefix(size_t klen)
{
	if (klen > SIZE_MAX - sizeof(erp__mem_entry) - 1)
		return SIZE_MAX;
	return sizeof(erp__mem_entry) + klen + 1;
}

/* The bytes to allocate, or SIZE_MAX on overflow. */
static size_t entry_alloc_size(size_t klen, size_t vlen)
{
	size_t prefix = entry_prefix(klen);
	if (prefix == SIZE_MAX || vlen > SIZE_MAX - 1 - prefix)
		return SIZE_MAX;
	return prefix + vlen;
}

size_t erp__mem_entry_charge(size_t klen, size_t vlen)
{
	const size_t slots = 2 * sizeof(erp__mem_entry *);
	size_t size = entry_alloc_size(klen, vlen);
	if (size == SIZE_MAX || size > SIZE_MAX - 1 - slots)
		return SIZE_MAX;
	return size + slots;
}

erp__mem_entry *erp__mem_entry_new(uint64_t hash, const char *key, size_t klen,
                                   const char *value, size_t vlen, int64_t expires_ms)
{
	size_t size = entry_alloc_size(klen, vlen);
	if (size == SIZE_MAX)
		return NULL;
	erp__mem_entry *e = malloc(size);
	if (!e)
		return NULL;
	e->hnext = NULL;
	e->newer = NULL;
	e->older = NULL;
	e->hash = hash;
	e->expires_ms = expires_ms;
	e->charge = erp__mem_entry_charge(klen, vlen);
	e->klen = klen;
	e->vlen = vlen;
	memcpy(e->data, key, klen);
	e->data[klen] = '\0';
	if (vlen)
		memcpy(e->data + klen + 1, value, vlen);
	return e;
}

void erp__mem_entry_free(erp__mem_entry *entry)
{
	free(entry);
}

const char *erp__mem_entry_key(const erp__mem_entry *entry)
{
	return entry->data;
}

char *erp__mem_entry_value(erp__mem_entry *entry)
{
	return entry->data + entry->klen + 1;
}
