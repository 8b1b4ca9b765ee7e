/*
 * The keyed string hash of the mem: cache.
 *
 * Keys are partly chosen by outsiders (rate-limit keys carry a client's
 * address or login name), so an unkeyed hash such as FNV-1a would let
 * anyone who can send requests pile all their keys into one chain and turn
 * each lookup into a linear scan ("hash flooding"). SipHash-2-4 with a
 * random 128-bit key per cache, from libsodium (already a dependency of
 * liberp), makes collisions unpredictable at a cost of tens of nanoseconds
 * per short key.
 */
#ifndef ERP_LIB_CACHE_MEM_HASH_H
#define ERP_LIB_CACHE_MEM_HASH_H

#include <stddef.h>
#include <stdint.h>

/** A secret hash key; one per cache. */
typedef struct erp__mem_hash_key {
	unsigned char bytes[16];
} erp__mem_hash_key;

/**
 * Fills `key` with random bytes (initialising libsodium if needed).
 *
 * @return 0; -1 when libsodium cannot be initialised. Raises nothing.
 */
int erp__mem_hash_seed(erp__mem_hash_key *key);

/** SipHash-2-4 of `len` bytes of `data` under `key`. Thread-safe. */
uint64_t erp__mem_hash(const erp__mem_hash_key *key, const char *data, size_t len);

#endif
