/*
 * The built-in in-process cache backend, URL "mem:" (also "mem://"; the
 * scheme is case-insensitive, nothing may follow it).
 *
 * What it is
 *   A bounded LRU map from NUL-terminated keys to byte values with a
 *   per-entry time-to-live, living in the process that opened it: it is
 *   shared by the threads of that process and lost when it exits.
 *
 * Bound
 *   opts->cache_max_bytes (0 or no opts: 64 MiB) bounds the bytes the cache
 *   accounts for: for each entry its key and NUL, its value, its header and
 *   two bucket slots (mem_entry.h). Allocator overhead, and bucket slots kept
 *   from an earlier high-water mark, are not counted. When a store pushes a
 *   shard over its budget, its least recently used entries are evicted
 *   there and then. A get counts as a use.
 *
 * Time-to-live
 *   Measured in milliseconds on CLOCK_MONOTONIC (mem_clock.h), so setting
 *   the wall clock neither expires nor revives anything. Expiry is lazy: an
 *   expired entry is freed when it is next accessed, or evicted by LRU like
 *   any other; it is never returned.
 *
 * Sharding, and why
 *   Keys are spread by a keyed SipHash (mem_hash.h) over N independent
 *   shards (mem_shard.h), each with its own mutex, hash table, LRU list and
 *   budget = total / N. Every get moves its entry to the head of an LRU
 *   list, so every operation writes and a single mutex would serialise all
 *   threads; with N locks, threads on different keys rarely meet. The price
 *   is that LRU order and the budget are per shard: the cache as a whole is
 *   an approximate LRU, and no entry larger than total / N can be stored.
 *   N is 16 when each shard gets at least 1 MiB (a total of 16 MiB or more:
 *   the default 64 MiB gives 16 shards of 4 MiB), and is halved until it
 *   does, down to 1, so a small cache (a test, a tiny device) is an exact
 *   LRU and can still hold its largest values. The keyed hash spreads keys
 *   evenly and unpredictably, so no shard fills first by accident or by an
 *   attacker's choice of keys.
 *
 * Contract details (erp/sys/cache.h)
 *   - get: a miss or an expired key returns ERP_ENOTFOUND WITHOUT calling
 *     erp_error_set(): a miss is the normal case, not an error, and the
 *     thread's last error is left alone. `out` is then untouched.
 *   - set: an entry larger than a shard's budget is not stored and any old
 *     value under the key is removed; ERP_OK all the same (a cache may drop
 *     anything). On out of memory the old value is removed too, and
 *     ERP_ERROR is raised.
 *   - add: stores only when the key is absent or expired (checked and
 *     inserted under the shard lock, so of concurrent adds exactly one
 *     wins); a live key gives ERP_EEXISTS WITHOUT calling erp_error_set()
 *     and keeps its value, deadline and LRU place. An entry larger than a
 *     shard's budget is declined with ERP_OK, as for set.
 *   - flags: 0. The cache lives in one process and cannot see what another
 *     store changes, so it is never ERP_CACHE_SHARED.
 *   - incr: absent or expired counts as 0; the value is stored as decimal
 *     text ("42"), so get returns it; a stored value that is not a decimal
 *     int64 gives ERP_EINVALID field "key"; an overflowing sum gives
 *     ERP_EINVALID field "delta"; the key's value is then unchanged.
 *   - ttl_ms < 0 gives ERP_EINVALID field "ttl_ms"; a NULL key, field
 *     "key"; a NULL value with len > 0, field "value"; a NULL out, "out".
 *   - Out of memory: ERP_ERROR (raised); nothing leaks and the cache stays
 *     consistent. ping: always ERP_OK.
 *   - Every function may be called concurrently, except close, which must
 *     be the last call. The only outside function called under a shard
 *     lock is erp_buf_set() (get copies the value before the entry can be
 *     evicted); errors are raised and memory is freed after unlocking.
 */
#ifndef ERP_LIB_CACHE_MEM_CACHE_H
#define ERP_LIB_CACHE_MEM_CACHE_H

#include <erp/sys/cache.h>

/** The "mem" cache backend; the core registers it at start-up. */
extern const erp_cache_backend erp__mem_cache_backend;

#endif
