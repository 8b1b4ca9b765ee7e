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

/** Room for a libsodium password hash string (crypto_pwhash_STRBYTES). */
#define ERP__PASSWORD_HASH_CAP 128

struct erp_store {
	erp_storage *storage;      /* the opened storage backend */
	erp_cache *cache;          /* the opened cache backend */
	erp_store_options opts;    /* a copy, every field filled in */
	char cache_prefix[48];     /* "erp:<store identity>:" before every cache key */
	atomic_llong cache_failures; /* cache calls that failed since open */
	atomic_llong session_cache_distrust_until_ms; /* session.c: cached sessions unused until then */
	pthread_mutex_t lock;      /* guards what follows */
	char cache_error[256];     /* the last cache failure's message */
	bool dummy_ready;          /* dummy_hash has been made */
	char dummy_hash[ERP__PASSWORD_HASH_CAP]; /* verified against for unknown users */
	struct erp__post_group *posts; /* group commit of single postings (ledger_group.c) */
};

#endif
