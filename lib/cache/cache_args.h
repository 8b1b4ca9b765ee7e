/*
 * The argument checks every built-in cache backend makes, as the cache
 * contract (erp/sys/cache.h) words them.
 */
#ifndef ERP_LIB_CACHE_ARGS_H
#define ERP_LIB_CACHE_ARGS_H

#include <erp/sys/cache.h>

/** ERP_EINVALID (field "cache" or "key") for a NULL cache or key; else ERP_OK. */
int erp__cache_check_key(const erp_cache *cache, const char *key);

/** ERP_EINVALID (field "ttl_ms") for a negative TTL; else ERP_OK. */
int erp__cache_check_ttl(int64_t ttl_ms);

#endif
