/*
 * The redis: cache backend: opening from a URL, closing, and the erp_cache
 * members, which check their arguments and hand the work to redis_cmd.c
 * (see redis_cache.h).
 */
#include "cache/cache_args.h"
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

static int check_store(const erp_cache *cache, const char *key, const char *value, size_t len, int64_t ttl_ms)
{
	int rc = erp__cache_check_key(cache, key);
	if (rc == ERP_OK)
		rc = erp__cache_check_ttl(ttl_ms);
	if (rc == ERP_OK && !value && len > 0)
		rc = erp_error_set(ERP_EINVALID, NULL, "value", "value is NULL");
	return rc;
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
	int rc = erp__cache_check_key(cache, key);
	if (rc != ERP_OK)
		return rc;
	if (!out)
		return erp_error_set(ERP_EINVALID, NULL, "out", "out is NULL");
	return erp__redis_cmd_get(out, pool_of(cache), key);
}

static int redis_set(erp_cache *cache, const char *key, const char *value, size_t len, int64_t ttl_ms)
{
	int rc = check_store(cache, key, value, len, ttl_ms);
	if (rc != ERP_OK)
		return rc;
	return erp__redis_cmd_set(pool_of(cache), key, value, len, ttl_ms);
}

static int redis_add(erp_cache *cache, const char *key, const char *value, size_t len, int64_t ttl_ms)
{
	int rc = check_store(cache, key, value, len, ttl_ms);
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
	int rc = erp__cache_check_key(cache, key);
	if (rc == ERP_OK)
		rc = erp__cache_check_ttl(ttl_ms);
	if (rc != ERP_OK)
		return rc;
	if (!out)
		return erp_error_set(ERP_EINVALID, NULL, "out", "out is NULL");
	return erp__redis_cmd_incr(out, pool_of(cache), key, delta, ttl_ms);
}

static int redis_ping(erp_cache *cache)
{
	if (!cache)
		return erp_error_set(ERP_EINVALID, NULL, "cache", "cache is NULL");
	return erp__redis_cmd_ping(pool_of(cache));
}

static int redis_open(erp_cache **out, const char *url, const erp_store_options *opts)
{
	if (!out)
		return erp_error_set(ERP_EINVALID, NULL, "out", "out is NULL");
	*out = NULL;
	erp__redis_cache *c = calloc(1, sizeof *c);
	if (!c)
		return erp_error_set(ERP_ERROR, NULL, NULL, "redis cache: out of memory");
	int rc = erp__redis_url_parse(&c->url, url);
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

	c->parent.version = ERP_CACHE_VERSION;
	c->parent.name = "redis";
	c->parent.close = redis_close;
	c->parent.get = redis_get;
	c->parent.set = redis_set;
	c->parent.del = redis_del;
	c->parent.incr = redis_incr;
	c->parent.ping = redis_ping;
	c->parent.add = redis_add;
	c->parent.flags = ERP_CACHE_SHARED;
	*out = &c->parent;
	return ERP_OK;
}

const erp_cache_backend erp__redis_cache_backend = {
	ERP_CACHE_BACKEND_VERSION,
	"redis",
	redis_open,
};
