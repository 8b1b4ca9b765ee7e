/*
 * The mem: cache backend: opening from a URL, and the erp_cache methods,
 * which pick a shard by hash and hand the work to it (see mem_cache.h).
 */
#include "cache/cache_args.h"
#include "mem_cache.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem_hash.h"
#include "mem_shard.h"

#define DEFAULT_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define MAX_SHARDS 16                     /* a power of two, at most 2^4 */
#define MIN_SHARD_BYTES ((size_t)1024 * 1024)

typedef struct erp__mem_cache {
	erp_cache parent;       /* first: the core sees only this */
	erp__mem_hash_key hkey; /* secret, per cache */
	size_t nshards;         /* a power of two, 1..MAX_SHARDS */
	erp__mem_shard *shards; /* aligned to ERP__MEM_SHARD_ALIGN */
} erp__mem_cache;

_Static_assert(offsetof(erp__mem_cache, parent) == 0, "erp_cache must come first");

/* The shard of a key: the top bits of its hash, so that it does not depend
 * on the low bits that choose the bucket inside the shard. */
static erp__mem_shard *shard_for(erp__mem_cache *c, uint64_t hash)
{
	return &c->shards[(size_t)(hash >> 60) & (c->nshards - 1)];
}

static void mem_close(erp_cache *cache)
{
	erp__mem_cache *c = (erp__mem_cache *)cache;
	if (!c)
		return;
	for (size_t i = 0; i < c->nshards; i++)
		erp__mem_shard_fini(&c->shards[i]);
	free(c->shards);
	free(c);
}

static int mem_get(erp_buf *out, erp_cache *cache, const char *key)
{
	int rc = erp__cache_check_key(cache, key);
	if (rc != ERP_OK)
		return rc;
	if (!out)
		return erp_error_set(ERP_EINVALID, NULL, "out", "out is NULL");
	erp__mem_cache *c = (erp__mem_cache *)cache;
	size_t klen = strlen(key);
	uint64_t hash = erp__mem_hash(&c->hkey, key, klen);
	return erp__mem_shard_get(out, shard_for(c, hash), hash, key, klen);
}

static int mem_set(erp_cache *cache, const char *key, const char *value, size_t len, int64_t ttl_ms)
{
	int rc = erp__cache_check_key(cache, key);
	if (rc == ERP_OK)
		rc = erp__cache_check_ttl(ttl_ms);
	if (rc != ERP_OK)
		return rc;
	if (!value && len > 0)
		return erp_error_set(ERP_EINVALID, NULL, "value", "value is NULL");
	erp__mem_cache *c = (erp__mem_cache *)cache;
	size_t klen = strlen(key);
	uint64_t hash = erp__mem_hash(&c->hkey, key, klen);
	return erp__mem_shard_set(shard_for(c, hash), hash, key, klen, value, len, ttl_ms);
}

static int mem_add(erp_cache *cache, const char *key, const char *value, size_t len, int64_t ttl_ms)
{
	int rc = erp__cache_check_key(cache, key);
	if (rc == ERP_OK)
		rc = erp__cache_check_ttl(ttl_ms);
	if (rc != ERP_OK)
		return rc;
	if (!value && len > 0)
		return erp_error_set(ERP_EINVALID, NULL, "value", "value is NULL");
	erp__mem_cache *c = (erp__mem_cache *)cache;
	size_t klen = strlen(key);
	uint64_t hash = erp__mem_hash(&c->hkey, key, klen);
	return erp__mem_shard_add(shard_for(c, hash), hash, key, klen, value, len, ttl_ms);
}

static int mem_del(erp_cache *cache, const char *key)
{
	int rc = erp__cache_check_key(cache, key);
	if (rc != ERP_OK)
		return rc;
	erp__mem_cache *c = (erp__mem_cache *)cache;
	size_t klen = strlen(key);
	uint64_t hash = erp__mem_hash(&c->hkey, key, klen);
	return erp__mem_shard_del(shard_for(c, hash), hash, key, klen);
}

static int mem_incr(int64_t *out, erp_cache *cache, const char *key, int64_t delta, int64_t ttl_ms)
{
	int rc = erp__cache_check_key(cache, key);
	if (rc == ERP_OK)
		rc = erp__cache_check_ttl(ttl_ms);
	if (rc != ERP_OK)
		return rc;
	if (!out)
		return erp_error_set(ERP_EINVALID, NULL, "out", "out is NULL");
	erp__mem_cache *c = (erp__mem_cache *)cache;
	size_t klen = strlen(key);
	uint64_t hash = erp__mem_hash(&c->hkey, key, klen);
	return erp__mem_shard_incr(out, shard_for(c, hash), hash, key, klen, delta, ttl_ms);
}

static int mem_ping(erp_cache *cache)
{
	(void)cache;
	return ERP_OK;
}

/* "mem:" or "mem://", scheme in any case; NULL counts as "mem:". */
static int url_ok(const char *url)
{
	if (!url)
		return 1;
	if (strncasecmp(url, "mem:", 4) != 0)
		return 0;
	return strcmp(url + 4, "") == 0 || strcmp(url + 4, "//") == 0;
}

/* The most shards (a power of two) that each get MIN_SHARD_BYTES. */
static size_t shard_count(size_t total)
{
	size_t n = MAX_SHARDS;
	while (n > 1 && total / n < MIN_SHARD_BYTES)
		n /= 2;
	return n;
}

static int mem_open(erp_cache **out, const char *url, const erp_store_options *opts)
{
	if (!out)
		return erp_error_set(ERP_EINVALID, NULL, "out", "out is NULL");
	*out = NULL;
	if (!url_ok(url))
		return erp_error_set(ERP_EINVALID, NULL, "cache_url",
		                     "the mem: cache takes no host, path or options: use \"mem:\"");

	size_t total = opts && opts->cache_max_bytes ? opts->cache_max_bytes : DEFAULT_MAX_BYTES;
	erp__mem_cache *c = calloc(1, sizeof *c);
	if (!c)
		return erp_error_set(ERP_ERROR, NULL, NULL, "mem cache: out of memory");
	if (erp__mem_hash_seed(&c->hkey) != 0) {
		free(c);
		return erp_error_set(ERP_ERROR, NULL, NULL, "mem cache: cannot initialise libsodium");
	}

	size_t n = shard_count(total);
	/* aligned_alloc wants a size that is a multiple of the alignment, which
	 * sizeof a 64-aligned struct always is. */
	c->shards = aligned_alloc(ERP__MEM_SHARD_ALIGN, n * sizeof *c->shards);
	if (!c->shards) {
		free(c);
		return erp_error_set(ERP_ERROR, NULL, NULL, "mem cache: out of memory");
	}
	for (; c->nshards < n; c->nshards++) {
		int rc = erp__mem_shard_init(&c->shards[c->nshards], total / n);
		if (rc != ERP_OK) {
			mem_close(&c->parent); /* frees the shards made so far */
			return rc;
		}
	}

	c->parent.version = ERP_CACHE_VERSION;
	c->parent.name = "mem";
	c->parent.close = mem_close;
	c->parent.get = mem_get;
	c->parent.set = mem_set;
	c->parent.del = mem_del;
	c->parent.incr = mem_incr;
	c->parent.ping = mem_ping;
	c->parent.add = mem_add;
	c->parent.flags = 0; /* private to this process: not ERP_CACHE_SHARED */
	*out = &c->parent;
	return ERP_OK;
}

const erp_cache_backend erp__mem_cache_backend = {
	ERP_CACHE_BACKEND_VERSION,
	"mem",
	mem_open,
};
