/*
 * auth/ as a module of the store (core/module.h): the options it owns
 * (password cost, session lifetimes, throttling: auth_options.c) and its
 * per-store state.
 */
#ifndef ERP_LIB_AUTH_MODULE_H
#define ERP_LIB_AUTH_MODULE_H

#include "core/module.h"
#include "password.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct {
	pthread_mutex_t lock;  /* guards the dummy hash */
	bool dummy_ready;      /* dummy_hash has been made */
	char dummy_hash[ERP__PASSWORD_HASH_CAP]; /* verified against for unknown users (password.c) */
	atomic_llong session_cache_distrust_until_ms; /* session.c: cached sessions unused until then */
} erp__auth_state;

extern const erp__module erp__auth_module;

/** The store's auth state (always there once the store is open). */
erp__auth_state *erp__auth_state_of(const erp_store *store);

#endif
