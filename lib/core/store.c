/* Opening, closing and checking stores (erp/store.h). */
#include "cache_internal.h"
#include "db.h"
#include "migrate.h"
#include "module.h"
#include "util/error.h"
#include "util/json_out.h"
#include "registry.h"
#include "store_internal.h"

#include <jansson.h>
#include <sodium.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_URL "sqlite:erp.db"
#define DEFAULT_CACHE_URL "mem:"

/* Copies the caller's options (of any known version) over the defaults. */
static int options_fill(erp_store_options *o, const erp_store_options *given)
{
	erp_store_options defaults = ERP_STORE_OPTIONS_INIT;
	*o = defaults;
	if (given) {
		if (given->version < 1 || given->version > ERP_STORE_OPTIONS_VERSION)
			return erp__invalid("version", "erp_store_options version %u is not supported (this liberp knows 1 to %d)",
			                    given->version, ERP_STORE_OPTIONS_VERSION);
		/* An older caller's struct ends before the fields of later versions. */
		size_t size = given->version == 1   ? offsetof(erp_store_options, password_ops_limit)
		              : given->version == 2 ? offsetof(erp_store_options, relaxed_durability)
		                                    : sizeof *o;
		memcpy(o, given, size);
		o->version = ERP_STORE_OPTIONS_VERSION;
	}
	if (!o->cache_url)
		o->cache_url = DEFAULT_CACHE_URL;
	if (o->pool_size < 0 || o->pool_size > 256)
		return erp__invalid("pool_size", "pool_size must be 0 (default) to 256, not %d", o->pool_size);
	if (o->pool_size == 0)
		o->pool_size = 4;
	if (o->busy_timeout_ms < 0)
		return erp__invalid("busy_timeout_ms", "busy_timeout_ms must not be negative");
	if (o->busy_timeout_ms == 0)
		o->busy_timeout_ms = 5000;
	if (o->connect_timeout_s < 0)
		return erp__invalid("connect_timeout_s", "connect_timeout_s must not be negative");
	if (o->connect_timeout_s == 0)
		o->connect_timeout_s = 10;
	if (o->statement_timeout_ms < 0)
		return erp__invalid("statement_timeout_ms", "statement_timeout_ms must not be negative");
	if (o->cache_max_bytes == 0)
		o->cache_max_bytes = (size_t)64 << 20;
	return erp__modules_options(o);
}

static bool storage_complete(const erp_storage *s)
{
	return s->version == ERP_STORAGE_VERSION && s->dialect && s->dialect->version == ERP_SQL_DIALECT_VERSION &&
	       s->dialect->bootstrap && s->close && s->begin && s->commit && s->rollback && s->query && s->next &&
	       s->column_count && s->column && s->rows_close && s->exec && s->exec_script;
}

static bool cache_complete(const erp_cache *c)
{
	return c->version == ERP_CACHE_VERSION && c->close && c->get && c->set && c->del && c->incr;
}

static int open_storage(erp_storage **out, const char *url, const erp_store_options *o)
{
	char scheme[32], known[256];
	if (!erp__url_scheme(scheme, sizeof scheme, url)) {
		erp__backend_schemes(known, sizeof known, false);
		return erp__invalid("url", "storage URL '%.200s' has no scheme (expected one of: %s)", url, known);
	}
	const erp_storage_backend *b = erp__storage_backend_find(scheme);
	if (!b) {
		erp__backend_schemes(known, sizeof known, false);
		return erp__invalid("url", "unknown storage scheme '%s' (this liberp has: %s)", scheme, known);
	}
	int rc = b->open(out, url, o);
	if (rc != ERP_OK)
		return rc;
	if (!storage_complete(*out)) {
		(*out)->close(*out);
		*out = NULL;
		return erp__error(ERP_EBACKEND, NULL, NULL, "storage backend '%s' returned an incomplete or wrong-version erp_storage", scheme);
	}
	return ERP_OK;
}

static int open_cache(erp_cache **out, const char *url, const erp_store_options *o)
{
	char scheme[32], known[256];
	if (!erp__url_scheme(scheme, sizeof scheme, url)) {
		erp__backend_schemes(known, sizeof known, true);
		return erp__invalid("cache_url", "cache URL '%.200s' has no scheme (expected one of: %s)", url, known);
	}
	const erp_cache_backend *b = erp__cache_backend_find(scheme);
	if (!b) {
		erp__backend_schemes(known, sizeof known, true);
		return erp__invalid("cache_url", "unknown cache scheme '%s' (this liberp has: %s)", scheme, known);
	}
	int rc = b->open(out, url, o);
	if (rc != ERP_OK)
		return rc;
	if (!cache_complete(*out)) {
		(*out)->close(*out);
		*out = NULL;
		return erp__error(ERP_EBACKEND, NULL, NULL, "cache backend '%s' returned an incomplete or wrong-version erp_cache", scheme);
	}
	return ERP_OK;
}

int erp_store_open(erp_store **out, const char *url, const erp_store_options *opts)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	*out = NULL;
	int rc = erp__library_init();
	if (rc != ERP_OK)
		return rc;
	if (!url)
		url = DEFAULT_URL;
	erp_store *store = calloc(1, sizeof *store);
	if (!store)
		return erp__oom();
	if (pthread_mutex_init(&store->lock, NULL) != 0) {
		free(store);
		return erp__oom();
	}
	atomic_init(&store->cache_failures, 0);
	if ((rc = options_fill(&store->opts, opts)) != ERP_OK || (rc = erp__modules_start(store)) != ERP_OK ||
	    (rc = open_storage(&store->storage, url, &store->opts)) != ERP_OK ||
	    (rc = open_cache(&store->cache, store->opts.cache_url, &store->opts)) != ERP_OK ||
	    (rc = erp__migrate(store, !store->opts.no_migrate)) != ERP_OK ||
	    (rc = erp__cache_prefix_load(store)) != ERP_OK) {
		erp_store_close(store);
		return rc;
	}
	/* The caller's string may not outlive the call. */
	store->opts.cache_url = NULL;
	*out = store;
	return ERP_OK;
}

void erp_store_close(erp_store *store)
{
	if (!store)
		return;
	if (store->cache)
		store->cache->close(store->cache);
	if (store->storage)
		store->storage->close(store->storage);
	erp__modules_stop(store);
	pthread_mutex_destroy(&store->lock);
	free(store);
}

const char *erp_store_backend(const erp_store *store)
{
	return store ? store->storage->dialect->name : NULL;
}

int erp_store_schema_version(int *out, erp_store *store)
{
	if (!out || !store)
		return erp__invalid(out ? "store" : "out", "%s is NULL", out ? "store" : "out");
	return erp__migrate_verify(store, out);
}

int erp_store_verify(erp_buf *out, erp_store *store)
{
	if (!store)
		return erp__invalid("store", "store is NULL");
	json_t *report = json_object();
	json_t *checks = json_array();
	if (!report || !checks) {
		json_decref(report);
		json_decref(checks);
		return erp__oom();
	}
	/* jansson reports a value it could not add only by its return: a report missing one is no report. */
	bool whole = json_object_set_new(report, "checks", checks) == 0;
	int first_failure = ERP_OK;
	char first_message[1024] = "";

	int version = 0;
	int rc = erp__migrate_verify(store, &version);
	whole &= !json_array_append_new(checks, json_pack("{s:s, s:b, s:s}", "name", "migrations", "ok", rc == ERP_OK,
	                                        "detail", rc == ERP_OK ? "every applied migration matches" : erp_error_last()->message));
	if (rc != ERP_OK) {
		first_failure = rc;
		snprintf(first_message, sizeof first_message, "%s", erp_error_last()->message);
	}

	if (store->storage->check) {
		erp_buf found = ERP_BUF_INIT;
		rc = store->storage->check(&found, store->storage);
		whole &= !json_array_append_new(checks, json_pack("{s:s, s:b, s:s}", "name", "storage", "ok", rc == ERP_OK,
		                                        "detail", found.size ? found.ptr : (rc == ERP_OK ? "ok" : erp_error_last()->message)));
		if (rc != ERP_OK && first_failure == ERP_OK) {
			first_failure = rc;
			snprintf(first_message, sizeof first_message, "%s", erp_error_last()->message);
		}
		erp_buf_dispose(&found);
	}

	/* The checks of each module that has one, each with its own entry in the report. */
	for (size_t k = 0; erp__modules[k]; k++) {
		const erp__module *m = erp__modules[k];
		if (!m->verify)
			continue;
		erp__strbuf detail = ERP__STRBUF_INIT;
		rc = m->verify(store, &detail);
		whole &= erp__strbuf_ok(&detail);
		whole &= !json_array_append_new(checks, json_pack("{s:s, s:b, s:s}", "name", m->name, "ok", rc == ERP_OK, "detail",
		                                        detail.len ? erp__strbuf_cstr(&detail) : erp_error_last()->message));
		if (rc != ERP_OK && first_failure == ERP_OK) {
			first_failure = rc;
			snprintf(first_message, sizeof first_message, "%s",
			         detail.len ? erp__strbuf_cstr(&detail) : erp_error_last()->message);
		}
		erp__strbuf_free(&detail);
	}

	whole &= json_object_set_new(report, "ok", json_boolean(first_failure == ERP_OK)) == 0;
	rc = !out ? ERP_OK : whole ? erp__json_to_buf(out, report) : erp__oom();
	json_decref(report);
	if (rc != ERP_OK)
		return rc;
	if (first_failure != ERP_OK)
		return erp__error(first_failure == ERP_EBACKEND ? ERP_EBACKEND : ERP_ERROR, NULL, NULL,
		                  "store verification failed: %s", first_message);
	return ERP_OK;
}
