/*
 * The redis: cache backend: opening from a URL, closing, and the erp_cache
 * members, which check their arguments and hand the work to redis_cmd.c
 * (see redis_cache.h).
 */
#include "cache/cache_args.h"
#include "cache/cache_errors.h"
#include "redis_cache.h"

#include <stddef.h>
#include <stdlib.h>

#include "redis_cmd.h"
#include "redis_pool.h"
#include "redis_url.h"

#define DEFAULT_POOL_SIZE 4

typedef struct erp__redis_cache {
	erp_cache parent;    /* first: the core sees only this */
	erp__redis_url url;
	erp__redis_pool pool; /* borrows &url */
} erp__redis_cache;

_Static_assert(offsetof(erp__redis_cache, parent) == 0, "erp_cache must come first");

static erp__redis_pool *pool_of(erp_cache *cache)
{
	return &((erp__redis_cache *)cache)->pool;
}

static void redis_close(erp_cache *cache)
{
	erp__redis_cache *c = (erp__redis_cache *)cache;
	if (!c)
		return;
	erp__redis_pool_destroy(&c->pool);
	erp__redis_url_free(&c->url);
	free(c);
}

static int redis_get(erp_buf *out, erp_cache *cache, const char *key)
{
	int rc = erp__cache_check_get(out, cache, key);
	if (rc != ERP_OK)
		return rc;
	return erp__redis_cmd_get(out, pool_of(cache), key);
}

static int redis_set(erp_cache *cache, const char *key, const char *value, size_t len, int64_t ttl_ms)
{
	int rc = erp__cache_check_store(cache, key, value, len, ttl_ms);
	if (rc != ERP_OK)
		return rc;
	return erp__redis_cmd_set(pool_of(cache), key, value, len, ttl_ms);
}

static int redis_add(erp_cache *cache, const char *key, const char *value, size_t len, int64_t ttl_ms)
{
	int rc = erp__cache_check_store(cache, key, value, len, ttl_ms);
	if (rc != ERP_OK)
		return rc;
	return erp__redis_cmd_add(pool_of(cache), key, value, len, ttl_ms);
}

static int redis_del(erp_cache *cache, const char *key)
{
	int rc = erp__cache_check_key(cache, key);
	if (rc != ERP_OK)
		return rc;
	return erp__redis_cmd_del(pool_of(cache), key);
}

static int redis_incr(int64_t *out, erp_cache *cache, const char *key, int64_t delta, int64_t ttl_ms)
{
	int rc = erp__cache_check_incr(out, cache, key, ttl_ms);
	if (rc != ERP_OK)
		return rc;
	return erp__redis_cmd_incr(out, pool_of(cache), key, delta, ttl_ms);
}

static int redis_ping(erp_cache *cache)
{
	int rc = erp__cache_check_cache(cache);
	if (rc != ERP_OK)
		return rc;
	return erp__redis_cmd_ping(pool_of(cache));
}

/* The members of every redis: cache. */
static const erp_cache redis_members = {
	.version = ERP_CACHE_VERSION,
	.name = "redis",
	.close = redis_close,
	.get = redis_get,
	.set = redis_set,
	.del = redis_del,
	.incr = redis_incr,
	.ping = redis_ping,
	.add = redis_add,
	.flags = ERP_CACHE_SHARED,
};

static int redis_open(erp_cache **out, const char *url, const erp_store_options *opts)
{
	int rc = erp__cache_check_open(out);
	if (rc != ERP_OK)
		return rc;
	erp__redis_cache *c = calloc(1, sizeof *c);
	if (!c)
		return erp__cache_oom("redis");
	rc = erp__redis_url_parse(&c->url, url);
	if (rc != ERP_OK) {
		free(c);
		return rc;
	}
	size_t pool_size = opts && opts->pool_size > 0 ? (size_t)opts->pool_size : DEFAULT_POOL_SIZE;
	rc = erp__redis_pool_init(&c->pool, &c->url, pool_size);
	if (rc != ERP_OK) {
		erp__redis_url_free(&c->url);
		free(c);
		return rc;
	}

	c->parent = redis_members;
	*out = &c->parent;
	return ERP_OK;
}

const erp_cache_backend erp__redis_cache_backend = {
	ERP_CACHE_BACKEND_VERSION,
	"redis",
	redis_open,
};
