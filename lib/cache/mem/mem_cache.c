/*
 * The mem: cache backend: opening from a URL, and the erp_cache methods,
 * which pick a shard by hash and hand the work to it (see mem_cache.h).
 */
#include "cache/cache_args.h"
#include "cache/cache_errors.h"
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

/* Where a key lives: its length, its hash and the shard that holds it. */
typedef struct mem_place {
	erp__mem_shard *shard;
	uint64_t hash;
	size_t klen;
} mem_place;

static mem_place place_of(erp_cache *cache, const char *key)
{
	erp__mem_cache *c = (erp__mem_cache *)cache;
	mem_place p;
	p.klen = strlen(key);
	p.hash = erp__mem_hash(&c->hkey, key, p.klen);
	p.shard = shard_for(c, p.hash);
	return p;
}

static int mem_get(erp_buf *out, erp_cache *cache, const char *key)
{
	int rc = erp__cache_check_get(out, cache, key);
	if (rc != ERP_OK)
		return rc;
	mem_place p = place_of(cache, key);
	return erp__mem_shard_get(out, p.shard, p.hash, key, p.klen);
}

/* erp__mem_shard_set or erp__mem_shard_add. */
typedef int (*mem_store_fn)(erp__mem_shard *shard, uint64_t hash, const char *key, size_t klen,
                            const char *value, size_t vlen, int64_t ttl_ms);

static int mem_store(mem_store_fn store, erp_cache *cache, const char *key, const char *value, size_t len,
                     int64_t ttl_ms)
{
	int rc = erp__cache_check_store(cache, key, value, len, ttl_ms);
	if (rc != ERP_OK)
		return rc;
	mem_place p = place_of(cache, key);
	return store(p.shard, p.hash, key, p.klen, value, len, ttl_ms);
}

static int mem_set(erp_cache *cache, const char *key, const char *value, size_t len, int64_t ttl_ms)
{
	return mem_store(erp__mem_shard_set, cache, key, value, len, ttl_ms);
}

static int mem_add(erp_cache *cache, const char *key, const char *value, size_t len, int64_t ttl_ms)
{
	return mem_store(erp__mem_shard_add, cache, key, value, len, ttl_ms);
}

static int mem_del(erp_cache *cache, const char *key)
{
	int rc = erp__cache_check_key(cache, key);
	if (rc != ERP_OK)
		return rc;
	mem_place p = place_of(cache, key);
	return erp__mem_shard_del(p.shard, p.hash, key, p.klen);
}

static int mem_incr(int64_t *out, erp_cache *cache, const char *key, int64_t delta, int64_t ttl_ms)
{
	int rc = erp__cache_check_incr(out, cache, key, ttl_ms);
	if (rc != ERP_OK)
		return rc;
	mem_place p = place_of(cache, key);
	return erp__mem_shard_incr(out, p.shard, p.hash, key, p.klen, delta, ttl_ms);
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

/* The members of every mem: cache. */
static const erp_cache mem_members = {
	.version = ERP_CACHE_VERSION,
	.name = "mem",
	.close = mem_close,
	.get = mem_get,
	.set = mem_set,
	.del = mem_del,
	.incr = mem_incr,
	.ping = mem_ping,
	.add = mem_add,
	.flags = 0, /* private to this process: not ERP_CACHE_SHARED */
};

static int mem_open(erp_cache **out, const char *url, const erp_store_options *opts)
{
	int rc = erp__cache_check_open(out);
	if (rc != ERP_OK)
		return rc;
	if (!url_ok(url))
		return erp_error_set(ERP_EINVALID, NULL, "cache_url",
		                     "the mem: cache takes no host, path or options: use \"mem:\"");

	size_t total = opts && opts->cache_max_bytes ? opts->cache_max_bytes : DEFAULT_MAX_BYTES;
	erp__mem_cache *c = calloc(1, sizeof *c);
	if (!c)
		return erp__cache_oom("mem");
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
		return erp__cache_oom("mem");
	}
	for (; c->nshards < n; c->nshards++) {
		rc = erp__mem_shard_init(&c->shards[c->nshards], total / n);
		if (rc != ERP_OK) {
			mem_close(&c->parent); /* frees the shards made so far */
			return rc;
		}
	}

	c->parent = mem_members;
	*out = &c->parent;
	return ERP_OK;
}

const erp_cache_backend erp__mem_cache_backend = {
	ERP_CACHE_BACKEND_VERSION,
	"mem",
	mem_open,
};
