/*
 * The argument checks every built-in cache backend makes, as the cache
 * contract (erp/sys/cache.h) words them. One function per erp_cache member,
 * making its checks in the order the backends always have, so that a call
 * with several bad arguments names the same field on every backend:
 *
 *   get    cache, key, out
 *   set    cache, key, ttl_ms, value      (erp__cache_check_store)
 *   add    cache, key, ttl_ms, value      (erp__cache_check_store)
 *   del    cache, key                     (erp__cache_check_key)
 *   incr   cache, key, ttl_ms, out
 *   ping   cache                          (erp__cache_check_cache)
 *   open   out
 *
 * Every refusal is ERP_EINVALID, raised with erp_error_set() with the field
 * named and the message "<field> is NULL", except a negative TTL: field
 * "ttl_ms", "ttl_ms must be 0 (never expires) or a positive number of
 * milliseconds". Each returns ERP_OK when the arguments are fine.
 */
#ifndef ERP_LIB_CACHE_ARGS_H
#define ERP_LIB_CACHE_ARGS_H

#include <erp/buf.h>
#include <erp/sys/cache.h>
#include <stddef.h>
#include <stdint.h>

/** ERP_EINVALID (field "cache") for a NULL cache. */
int erp__cache_check_cache(const erp_cache *cache);

/** ERP_EINVALID (field "cache" or "key") for a NULL cache or key: what del checks. */
int erp__cache_check_key(const erp_cache *cache, const char *key);

/** get: the key as erp__cache_check_key(), then ERP_EINVALID (field "out") for a NULL out. */
int erp__cache_check_get(const erp_buf *out, const erp_cache *cache, const char *key);

/**
 * set and add: the key as erp__cache_check_key(), then ERP_EINVALID (field
 * "ttl_ms") for a negative TTL, then (field "value") for a NULL value with
 * len > 0 (a NULL value with len 0 is the empty value).
 */
int erp__cache_check_store(const erp_cache *cache, const char *key, const char *value, size_t len,
                           int64_t ttl_ms);

/**
 * incr: the key as erp__cache_check_key(), then ERP_EINVALID (field
 * "ttl_ms") for a negative TTL, then (field "out") for a NULL out.
 */
int erp__cache_check_incr(const int64_t *out, const erp_cache *cache, const char *key, int64_t ttl_ms);

/**
 * A backend's open(): ERP_EINVALID (field "out") for a NULL out; otherwise
 * sets *out = NULL, so that an open that fails later leaves NULL there.
 */
int erp__cache_check_open(erp_cache **out);

#endif
