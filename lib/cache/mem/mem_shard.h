/*
 * One shard of the mem: cache: a mutex, a chained hash table that grows, an
 * LRU list and a byte budget. The cache (mem_cache.c) splits its keys over
 * up to 16 shards by hash; each shard is a complete small cache.
 *
 * Every function takes the shard's lock itself and is thread-safe, except
 * init and fini. Errors are raised with erp_error_set() after the lock is
 * released; a miss (ERP_ENOTFOUND) raises nothing. Entries taken out are
 * freed after the lock is released; allocations made under it are only the
 * copy for get (erp_buf_set), an incr's new entry, and the rare doubling
 * of the bucket array.
 */
#ifndef ERP_LIB_CACHE_MEM_SHARD_H
#define ERP_LIB_CACHE_MEM_SHARD_H

#include <erp/buf.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "mem_entry.h"

/* Shards sit side by side in one array: keep each on its own cache lines
 * so that two threads working in neighbouring shards do not false-share. */
#define ERP__MEM_SHARD_ALIGN 64

typedef struct erp__mem_shard {
	_Alignas(ERP__MEM_SHARD_ALIGN) pthread_mutex_t lock;
	erp__mem_entry **buckets; /* nbuckets chains */
	size_t nbuckets;          /* a power of two */
	size_t count;             /* entries */
	size_t bytes;             /* sum of the entries' charges */
	size_t budget;            /* bytes may not stay above this */
	erp__mem_entry *newest;   /* LRU head: most recently used */
	erp__mem_entry *oldest;   /* LRU tail: evicted first */
} erp__mem_shard;

/**
 * Initialises an empty shard that holds at most `budget` bytes of entries
 * (as counted by erp__mem_entry_charge()).
 *
 * @return ERP_OK; ERP_ERROR (raised) when out of memory or when the mutex
 *         cannot be created; the shard then needs no fini.
 */
int erp__mem_shard_init(erp__mem_shard *shard, size_t budget);

/** Frees every entry, the table and the mutex. Not thread-safe. */
void erp__mem_shard_fini(erp__mem_shard *shard);

/**
 * Copies the value of a live key into `out` (erp_buf_set) and makes it the
 * most recently used; an expired key is freed.
 *
 * @return ERP_OK; ERP_ENOTFOUND (not raised) when absent or expired, `out`
 *         untouched; ERP_ERROR (raised) when out of memory.
 */
int erp__mem_shard_get(erp_buf *out, erp__mem_shard *shard, uint64_t hash,
                       const char *key, size_t klen);

/**
 * Stores a copy of the value, replacing the key's old value, then evicts
 * least recently used entries until the shard is within its budget.
 *
 * @param ttl_ms milliseconds from now until the entry expires; 0: never.
 * @return ERP_OK, also when the entry is larger than the whole budget and
 *         is not stored (any old value is then removed);
 *         ERP_ERROR (raised) when out of memory (the old value is removed too,
 *         so that a stale value is never served).
 */
int erp__mem_shard_set(erp__mem_shard *shard, uint64_t hash, const char *key, size_t klen,
                       const char *value, size_t vlen, int64_t ttl_ms);

/**
 * Stores a copy of the value only when the key is absent or expired (an
 * insert-if-absent under the shard lock), then evicts least recently used
 * entries until the shard is within its budget. A present key is left as
 * it is: neither its value, its deadline nor its LRU place changes.
 *
 * @param ttl_ms milliseconds from now until the entry expires; 0: never.
 * @return ERP_OK when stored, also when the entry is larger than the whole
 *         budget and is declined; ERP_EEXISTS (not raised) when the key is
 *         present and live; ERP_ERROR (raised) when out of memory (nothing
 *         is stored).
 */
int erp__mem_shard_add(erp__mem_shard *shard, uint64_t hash, const char *key, size_t klen,
                       const char *value, size_t vlen, int64_t ttl_ms);

/** Removes the key. @return ERP_OK, also when it was absent. */
int erp__mem_shard_del(erp__mem_shard *shard, uint64_t hash, const char *key, size_t klen);

/**
 * Adds `delta` to the decimal integer at the key, under the lock.
 *
 * An absent (or expired) key counts as 0 and is created to expire after
 * `ttl_ms` milliseconds (0: never); an existing key keeps its own deadline. The new
 * value is stored as its decimal text and becomes the most recently used.
 *
 * @return ERP_OK and *out = the new value (when the new key is larger than
 *         the whole budget it is not stored, and *out is 0 + delta);
 *         ERP_EINVALID (raised, field "key") when the stored value is not a
 *         decimal int64; ERP_EINVALID (raised, field "delta") when the sum
 *         overflows an int64; ERP_ERROR (raised) when out of memory.
 *         On error the stored value is unchanged and *out untouched.
 */
int erp__mem_shard_incr(int64_t *out, erp__mem_shard *shard, uint64_t hash, const char *key,
                        size_t klen, int64_t delta, int64_t ttl_ms);

#endif
