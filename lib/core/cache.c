/* The core's use of the store's cache (cache_internal.h). */
#include "cache_internal.h"

#include "db.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

void erp__cache_key(char out[ERP__CACHE_KEY_MAX], const erp_store *store, const char *kind, const char *name)
{
	snprintf(out, ERP__CACHE_KEY_MAX, "%s%s:%s", store->cache_prefix, kind, name);
}

bool erp__cache_shared(const erp_store *store)
{
	const erp_cache *c = store->cache;
	return c->version >= 2 && (c->flags & ERP_CACHE_SHARED) && c->add;
}

/* Counts a failed call; keeps its message for the health report. */
static int note(erp_store *store, int rc)
{
	if (rc == ERP_EBACKEND) {
		atomic_fetch_add(&store->cache_failures, 1);
		pthread_mutex_lock(&store->lock);
		snprintf(store->cache_error, sizeof store->cache_error, "%s", erp_error_last()->message);
		pthread_mutex_unlock(&store->lock);
	}
	return rc;
}

int erp__cache_get(erp_buf *out, erp_store *store, const char *key)
{
	return note(store, store->cache->get(out, store->cache, key));
}

int erp__cache_set(erp_store *store, const char *key, const char *value, size_t len, int64_t ttl_ms)
{
	return note(store, store->cache->set(store->cache, key, value, len, ttl_ms));
}

int erp__cache_add(erp_store *store, const char *key, const char *value, size_t len, int64_t ttl_ms)
{
	if (store->cache->version < 2 || !store->cache->add)
		return erp__error(ERP_EBACKEND, NULL, NULL, "the %s cache cannot add", store->cache->name);
	return note(store, store->cache->add(store->cache, key, value, len, ttl_ms));
}

int erp__cache_incr(int64_t *out, erp_store *store, const char *key, int64_t delta, int64_t ttl_ms)
{
	return note(store, store->cache->incr(out, store->cache, key, delta, ttl_ms));
}

static int identity_body(erp__tx *tx, void *payload)
{
	char *id = payload;
	int rc = erp__db_first_text(tx, "SELECT id FROM {system.store_identity}", NULL, 0, id, 33);
	if (rc < 0)
		return rc;
	if (rc == 0 || !id[0])
		return erp__error(ERP_EBACKEND, NULL, NULL, "the store has no identity row (system.store_identity)");
	return ERP_OK;
}

int erp__cache_prefix_load(erp_store *store)
{
	char id[33] = "";
	erp_storage_scope scope = { NULL, NULL, 0 };
	int rc = erp__tx_run(store, ERP_TX_READ, &scope, identity_body, id);
	if (rc != ERP_OK)
		return rc;
	snprintf(store->cache_prefix, sizeof store->cache_prefix, "erp:%s:", id);
	return ERP_OK;
}
