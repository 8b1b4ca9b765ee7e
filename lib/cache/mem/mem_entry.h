/*
 * One cached entry of the mem: cache: a single allocation holding the
 * header, the key (NUL-terminated) and the value bytes, and what it costs
 * against the byte budget.
 *
 * Entries are owned by their shard (mem_shard.h) and only touched under
 * its lock; nothing here locks.
 */
#ifndef ERP_LIB_CACHE_MEM_ENTRY_H
#define ERP_LIB_CACHE_MEM_ENTRY_H

#include <stddef.h>
#include <stdint.h>

typedef struct erp__mem_entry erp__mem_entry;
struct erp__mem_entry {
	erp__mem_entry *hnext;  /* next in the hash bucket's chain */
	erp__mem_entry *newer;  /* LRU neighbour towards the most recent */
	erp__mem_entry *older;  /* LRU neighbour towards the least recent */
	uint64_t hash;          /* full hash of the key */
	int64_t expires_ms;     /* monotonic deadline (mem_clock.h); 0: never */
	size_t charge;          /* what the entry counts against the budget */
	size_t klen;            /* key length, without its NUL */
	size_t vlen;            /* value length */
	char data[];            /* key, NUL, value */
};

/**
 * What an entry with a `klen`-byte key and a `vlen`-byte value counts
 * against the budget: the header, the key and its NUL, the value, and two
 * bucket slots (the table grows at load factor 1, so each entry owns between
 * one and two slots of the bucket array). Allocator overhead is not counted.
 *
 * @return the charge; SIZE_MAX when it does not fit in a size_t.
 */
size_t erp__mem_entry_charge(size_t klen, size_t vlen);

/**
 * Allocates an entry holding copies of `key` and `value`; its list links are
 * NULL and its charge is erp__mem_entry_charge(klen, vlen).
 *
 * @param value may be NULL when vlen is 0.
 * @return the entry, to be released with erp__mem_entry_free(); NULL when
 *         out of memory or when the sizes overflow. Raises nothing.
 */
erp__mem_entry *erp__mem_entry_new(uint64_t hash, const char *key, size_t klen,
                                   const char *value, size_t vlen, int64_t expires_ms);

/** Releases an entry; NULL is ignored. */
void erp__mem_entry_free(erp__mem_entry *entry);

/** The entry's key (NUL-terminated), borrowed. */
const char *erp__mem_entry_key(const erp__mem_entry *entry);

/** The entry's value (vlen bytes, not NUL-terminated), borrowed. */
char *erp__mem_entry_value(erp__mem_entry *entry);

#endif
