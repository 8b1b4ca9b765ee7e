/*
 * The store handle (erp/store.h) as the core sees it.
 */
#ifndef ERP_LIB_STORE_INTERNAL_H
#define ERP_LIB_STORE_INTERNAL_H

#include <erp/store.h>
#include <erp/sys/cache.h>
#include <erp/sys/storage.h>

struct erp_store {
	erp_storage *storage;      /* the opened storage backend */
	erp_cache *cache;          /* the opened cache backend */
	erp_store_options opts;    /* a copy, every field filled in */
};

#endif
