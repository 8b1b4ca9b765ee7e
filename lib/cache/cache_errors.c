/* The cache contract's errors, worded alike by every backend (cache_errors.h). */
#include "cache_errors.h"

#include "util/error.h"

int erp__cache_oom(const char *name)
{
	return erp__error(ERP_ERROR, NULL, NULL, "%s cache: out of memory", name);
}

int erp__cache_not_integer(const char *name)
{
	return erp__error(ERP_EINVALID, NULL, "key",
	                  "%s cache: the value at this key is not a decimal 64-bit integer", name);
}

int erp__cache_overflow(const char *name)
{
	return erp__error(ERP_EINVALID, NULL, "delta",
	                  "%s cache: incrementing this key would overflow a 64-bit integer", name);
}
