/*
 * The errors of the cache contract (erp/sys/cache.h) that are not argument
 * checks (those are cache_args.h), raised with the same words by every
 * built-in backend. `name` is the backend's erp_cache.name ("mem",
 * "redis"); each message starts "<name> cache: ". Each raises with
 * erp_error_set() and returns the code it raised.
 *
 * A miss (ERP_ENOTFOUND) and a present key on add (ERP_EEXISTS) are not
 * here: they are normal outcomes and raise nothing. Failing to reach the
 * cache (ERP_EBACKEND) is not either: what went wrong is the backend's own.
 */
#ifndef ERP_LIB_CACHE_ERRORS_H
#define ERP_LIB_CACHE_ERRORS_H

/** ERP_ERROR, "<name> cache: out of memory". */
int erp__cache_oom(const char *name);

/**
 * incr on a value that is not a decimal int64: ERP_EINVALID, field "key",
 * "<name> cache: the value at this key is not a decimal 64-bit integer".
 */
int erp__cache_not_integer(const char *name);

/**
 * incr whose sum would overflow an int64: ERP_EINVALID, field "delta",
 * "<name> cache: incrementing this key would overflow a 64-bit integer".
 */
int erp__cache_overflow(const char *name);

#endif
