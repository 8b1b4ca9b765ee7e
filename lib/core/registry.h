/*
 * Process-wide registries of storage and cache backends, by URL scheme.
 * The built-in backends are registered on first use.
 */
#ifndef ERP_LIB_REGISTRY_H
#define ERP_LIB_REGISTRY_H

#include <erp/sys/cache.h>
#include <erp/sys/storage.h>
#include <stdbool.h>

/** Initialises libsodium and registers the built-ins, once per process. */
int erp__library_init(void);

/**
 * Splits the scheme off `url` (the letters before the first ':') into
 * `scheme` (capacity `cap`). False for a URL without a valid scheme.
 */
bool erp__url_scheme(char *scheme, size_t cap, const char *url);

/** The storage backend for a scheme, or NULL. */
const erp_storage_backend *erp__storage_backend_find(const char *scheme);

/** The cache backend for a scheme, or NULL. */
const erp_cache_backend *erp__cache_backend_find(const char *scheme);

/** Writes the registered storage (or cache) schemes, comma-separated, into `out`. */
void erp__backend_schemes(char *out, size_t cap, bool cache);

#endif
