/* Argument checks shared by the built-in cache backends (cache_args.h). */
#include "cache_args.h"

#include <erp/errors.h>
#include <erp/sys/backend.h>

static int check_out(const void *out)
{
	if (!out)
		return erp_error_set(ERP_EINVALID, NULL, "out", "out is NULL");
	return ERP_OK;
}

static int check_ttl(int64_t ttl_ms)
{
	if (ttl_ms < 0)
		return erp_error_set(ERP_EINVALID, NULL, "ttl_ms",
		                     "ttl_ms must be 0 (never expires) or a positive number of milliseconds");
	return ERP_OK;
}

int erp__cache_check_cache(const erp_cache *cache)
{
	if (!cache)
		return erp_error_set(ERP_EINVALID, NULL, "cache", "cache is NULL");
	return ERP_OK;
}

int erp__cache_check_key(const erp_cache *cache, const char *key)
{
	int rc = erp__cache_check_cache(cache);
	if (rc == ERP_OK && !key)
		rc = erp_error_set(ERP_EINVALID, NULL, "key", "key is NULL");
	return rc;
}

int erp__cache_check_get(const erp_buf *out, const erp_cache *cache, const char *key)
{
	int rc = erp__cache_check_key(cache, key);
	if (rc == ERP_OK)
		rc = check_out(out);
	return rc;
}

int erp__cache_check_store(const erp_cache *cache, const char *key, const char *value, size_t len,
                           int64_t ttl_ms)
{
	int rc = erp__cache_check_key(cache, key);
	if (rc == ERP_OK)
		rc = check_ttl(ttl_ms);
	if (rc == ERP_OK && !value && len > 0)
		rc = erp_error_set(ERP_EINVALID, NULL, "value", "value is NULL");
	return rc;
}

int erp__cache_check_incr(const int64_t *out, const erp_cache *cache, const char *key, int64_t ttl_ms)
{
	int rc = erp__cache_check_key(cache, key);
	if (rc == ERP_OK)
		rc = check_ttl(ttl_ms);
	if (rc == ERP_OK)
		rc = check_out(out);
	return rc;
}

int erp__cache_check_open(erp_cache **out)
{
	int rc = check_out(out);
	if (rc == ERP_OK)
		*out = NULL;
	return rc;
}
