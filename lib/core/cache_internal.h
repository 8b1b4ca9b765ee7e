/*
 * The core's way to the store's cache: keys namespaced by the store's
 * identity, and failures counted for erp_store_health() and then answered
 * from storage by the caller. The cache is never the system of record.
 */
#ifndef ERP_LIB_CACHE_INTERNAL_H
#define ERP_LIB_CACHE_INTERNAL_H

#include "store_internal.h"

#include <stdbool.h>
#include <stddef.h>

/** Longest key the core makes. */
#define ERP__CACHE_KEY_MAX 400

/**
 * Writes "erp:<store identity>:<kind>:<name>" into `out` (ERP__CACHE_KEY_MAX
 * bytes): the namespace of every key the core keeps. Tenant data use the
 * kind "t:<tenant id>:<what>".
 */
void erp__cache_key(char out[ERP__CACHE_KEY_MAX], const erp_store *store, const char *kind, const char *name);

/** True when the store's cache is shared by every store on its storage (and supports add). */
bool erp__cache_shared(const erp_store *store);

/**
 * The cache calls of erp/sys/cache.h for the core. Each returns what the
 * backend returns; an ERP_EBACKEND is counted and remembered for
 * erp_store_health() (the caller then goes to storage, or lets the request
 * through).
 */
int erp__cache_get(erp_buf *out, erp_store *store, const char *key);
int erp__cache_set(erp_store *store, const char *key, const char *value, size_t len, int64_t ttl_ms);
int erp__cache_add(erp_store *store, const char *key, const char *value, size_t len, int64_t ttl_ms);
int erp__cache_incr(int64_t *out, erp_store *store, const char *key, int64_t delta, int64_t ttl_ms);

/** Reads the store's identity from storage and sets its cache prefix (at open). */
int erp__cache_prefix_load(erp_store *store);

#endif
