/* erp_store_health (erp/store.h): does the storage answer, does the cache? */
#include "cache_internal.h"
#include "db.h"
#include "util/error.h"
#include "util/json_out.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t clock_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int ping_body(erp__tx *tx, void *payload)
{
	(void)payload;
	return erp__db_exists(tx, "SELECT 1", NULL, 0) == 1 ? ERP_OK : ERP_EBACKEND;
}

/* A reachable cache answers a ping (or, without one, a read). */
static int cache_ping(erp_store *store)
{
	erp_cache *c = store->cache;
	if (c->ping) {
		int rc = c->ping(c);
		if (rc == ERP_EBACKEND)
			atomic_fetch_add(&store->cache_failures, 1);
		return rc;
	}
	char key[ERP__CACHE_KEY_MAX];
	erp_buf v = ERP_BUF_INIT;
	erp__cache_key(key, store, "health", "ping");
	int rc = erp__cache_get(&v, store, key);
	erp_buf_dispose(&v);
	return rc == ERP_ENOTFOUND ? ERP_OK : rc;
}

int erp_store_health(erp_buf *out, erp_store *store)
{
	if (!store)
		return erp__invalid("store", "store is NULL");
	int64_t t0 = clock_us();
	erp_storage_scope scope = { NULL, NULL, 0 };
	int storage_rc = erp__tx_run(store, ERP_TX_READ, &scope, ping_body, NULL);
	char storage_error[300] = "";
	if (storage_rc != ERP_OK)
		snprintf(storage_error, sizeof storage_error, "%s", erp_error_last()->message);
	int64_t t1 = clock_us();
	int cache_rc = cache_ping(store);
	char cache_error[300] = "";
	if (cache_rc != ERP_OK)
		snprintf(cache_error, sizeof cache_error, "%s", erp_error_last()->message);
	int64_t t2 = clock_us();

	const char *status = storage_rc != ERP_OK ? "down" : cache_rc != ERP_OK ? "degraded" : "ok";
	if (out) {
		json_t *storage = json_pack("{s:s, s:b, s:I}", "backend", store->storage->dialect->name, "ok", storage_rc == ERP_OK,
		                            "latency_us", (json_int_t)(t1 - t0));
		json_t *cache = json_pack("{s:s, s:b, s:b, s:I, s:I}", "backend", store->cache->name, "shared",
		                          erp__cache_shared(store), "ok", cache_rc == ERP_OK, "latency_us", (json_int_t)(t2 - t1),
		                          "failures", (json_int_t)atomic_load(&store->cache_failures));
		bool ok = storage && cache;
		if (storage_rc != ERP_OK)
			erp__json_set(storage, "error", json_string(storage_error), &ok);
		if (cache_rc != ERP_OK)
			erp__json_set(cache, "error", json_string(cache_error), &ok);
		json_t *report = json_pack("{s:s, s:o?, s:o?}", "status", status, "storage", storage, "cache", cache);
		int rc = report && ok ? erp__json_to_buf(out, report) : erp__oom();
		json_decref(report);
		if (rc != ERP_OK)
			return rc;
	}
	if (storage_rc != ERP_OK)
		return erp__error(ERP_EBACKEND, NULL, NULL, "storage does not answer: %s", storage_error);
	return ERP_OK;
}
