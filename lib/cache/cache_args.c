/* Argument checks shared by the built-in cache backends (cache_args.h). */
#include "cache_args.h"

int erp__cache_check_key(const erp_cache *cache, const char *key)
{
	if (!cache)
		return erp_error_set(ERP_EINVALID, NULL, "cache", "cache is NULL");
	if (!key)
		return erp_error_set(ERP_EINVALID, NULL, "key", "key is NULL");
	return ERP_OK;
}

int erp__cache_check_ttl(int64_t ttl_ms)
{
	if (ttl_ms < 0)
		return erp_error_set(ERP_EINVALID, NULL, "ttl_ms",
		                     "ttl_ms must be 0 (never expires) or a positive number of milliseconds");
	return ERP_OK;
}
