/*
 * The keyed string hash of the mem: cache (see mem_hash.h).
 */
#include "mem_hash.h"

#include <sodium.h>
#include <string.h>

_Static_assert(sizeof(((erp__mem_hash_key *)0)->bytes) == crypto_shorthash_siphash24_KEYBYTES,
               "hash key size");
_Static_assert(crypto_shorthash_siphash24_BYTES == sizeof(uint64_t), "hash output size");

int erp__mem_hash_seed(erp__mem_hash_key *key)
{
	/* Idempotent and thread-safe: 0 first time, 1 afterwards, -1 on failure. */
	if (sodium_init() < 0)
		return -1;
	randombytes_buf(key->bytes, sizeof key->bytes);
	return 0;
}

uint64_t erp__mem_hash(const erp__mem_hash_key *key, const char *data, size_t len)
{
	unsigned char digest[crypto_shorthash_siphash24_BYTES];
	uint64_t h;
	crypto_shorthash_siphash24(digest, (const unsigned char *)data, (unsigned long long)len,
	                           key->bytes);
	memcpy(&h, digest, sizeof h);
	return h;
}
