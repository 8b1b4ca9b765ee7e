/*
 * The store handle (erp/store.h) as the core sees it.
 */
#ifndef ERP_LIB_STORE_INTERNAL_H
#define ERP_LIB_STORE_INTERNAL_H

#include <erp/store.h>
#include <erp/sys/cache.h>
#include <erp/sys/storage.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

struct erp_store {
	erp_storage *storage;      /* the opened storage backend */
	erp_cache *cache;          /* the opened cache backend */
	erp_store_options opts;    /* a copy, every field filled in */
	char cache_prefix[48];     /* "erp:<store identity>:" before every cache key */
	atomic_llong cache_failures; /* cache calls that failed since open */
	pthread_mutex_t lock;      /* guards cache_error */
	char cache_error[256];     /* the last cache failure's message */
	void **module_state;       /* per module of erp__modules (core/module.h), NULL when none */
	size_t module_count;       /* modules started */
};

#endif
