/* Backend selection and store fixtures for the conformance suite. */
#include "test_backend.h"

#include "core/db.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#ifdef ERP_HAVE_POSTGRES
#include <libpq-fe.h>
#endif

static char backend[32];
static char cache_name[16] = "mem";
static char cache_url[1024] = "mem:";
#ifdef ERP_HAVE_POSTGRES
static char pg_base_url[1024];
#endif

/* The cache of this run, from ERP_TEST_CACHE (and ERP_TEST_REDIS_URL). */
static int cache_init(void)
{
	const char *cache = getenv("ERP_TEST_CACHE");
	if (!cache || !*cache || strcmp(cache, "mem") == 0) {
		snprintf(cache_name, sizeof cache_name, "mem");
		snprintf(cache_url, sizeof cache_url, "mem:");
		return 0;
	}
	if (strcmp(cache, "redis") == 0) {
		const char *url = getenv("ERP_TEST_REDIS_URL");
		if (!url || !*url) {
			fprintf(stderr, "ERP_TEST_CACHE=redis but ERP_TEST_REDIS_URL is not set: skipping the Redis run\n");
			return ERP_TEST_SKIP;
		}
		if (strlen(url) >= sizeof cache_url) {
			fprintf(stderr, "ERP_TEST_REDIS_URL is too long\n");
			return 2;
		}
		snprintf(cache_name, sizeof cache_name, "redis");
		snprintf(cache_url, sizeof cache_url, "%s", url);
		return 0;
	}
	fprintf(stderr, "unknown ERP_TEST_CACHE '%s' (mem or redis)\n", cache);
	return 2;
}

int erp_test_backend_init(const char *name)
{
	if (!name)
		name = "sqlite";
	snprintf(backend, sizeof backend, "%s", name);
	if (sodium_init() < 0)
		return 1;
	int rc = cache_init();
	if (rc != 0)
		return rc;
	if (strcmp(name, "sqlite") == 0)
		return 0;
	if (strcmp(name, "postgresql") == 0) {
#ifdef ERP_HAVE_POSTGRES
		const char *url = getenv("ERP_TEST_PG_URL");
		if (!url || !*url) {
			fprintf(stderr, "ERP_TEST_PG_URL is not set: skipping the PostgreSQL conformance run\n");
			return ERP_TEST_SKIP;
		}
		snprintf(pg_base_url, sizeof pg_base_url, "%s", url);
		return 0;
#else
		fprintf(stderr, "built without PostgreSQL\n");
		return ERP_TEST_SKIP;
#endif
	}
	fprintf(stderr, "unknown backend '%s'\n", name);
	return 2;
}

const char *erp_test_backend_name(void)
{
	return backend;
}

int erp_test_backend_is(const char *name)
{
	return strcmp(backend, name) == 0;
}

const char *erp_test_cache_name(void)
{
	return cache_name;
}

erp_store_options erp_test_store_options(void)
{
	erp_store_options opts = ERP_STORE_OPTIONS_INIT;
	opts.cache_url = cache_url;
	opts.password_ops_limit = 1;     /* crypto_pwhash_OPSLIMIT_MIN */
	opts.password_mem_limit = 8192;  /* crypto_pwhash_MEMLIMIT_MIN */
	return opts;
}

void erp_test_unique(char out[16])
{
	unsigned char b[6];
	randombytes_buf(b, sizeof b);
	snprintf(out, 16, "t%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

#ifdef ERP_HAVE_POSTGRES
/* Base URL with its database name replaced by `db`. */
static char *pg_url_with_db(const char *db)
{
	const char *slash = strrchr(pg_base_url, '/');
	const char *query = strchr(pg_base_url, '?');
	size_t head = (size_t)(slash - pg_base_url) + 1;
	size_t n = head + strlen(db) + (query ? strlen(query) : 0) + 1;
	char *url = malloc(n);
	assert_non_null(url);
	snprintf(url, n, "%.*s%s%s", (int)head, pg_base_url, db, query ? query : "");
	return url;
}

static void pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(pg_base_url);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to %s: %s", pg_base_url, PQerrorMessage(c));
	/* A backend of a store just closed may still be exiting (DROP DATABASE): try again shortly. */
	for (int attempt = 0;; attempt++) {
		PGresult *r = PQexec(c, sql);
		bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (ok)
			break;
		if (attempt == 20)
			fail_msg("%s: %s", sql, PQerrorMessage(c));
		usleep(100000);
	}
	PQfinish(c);
}
#endif

int erp_test_exec_admin(const char *sql)
{
#ifdef ERP_HAVE_POSTGRES
	pg_admin(sql);
	return ERP_OK;
#else
	(void)sql;
	return ERP_ERROR;
#endif
}

char *erp_test_url_fresh(void)
{
	char u[16];
	erp_test_unique(u);
	if (erp_test_backend_is("sqlite")) {
		char dir[] = "/tmp/erp-test-XXXXXX";
		assert_non_null(mkdtemp(dir));
		char *url = malloc(256);
		assert_non_null(url);
		snprintf(url, 256, "sqlite:%s/store.db", dir);
		return url;
	}
#ifdef ERP_HAVE_POSTGRES
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE DATABASE erp_%s", u);
	pg_admin(sql);
	char db[32];
	snprintf(db, sizeof db, "erp_%s", u);
	return pg_url_with_db(db);
#else
	fail_msg("no backend");
	return NULL;
#endif
}

void erp_test_url_drop(char *url)
{
	if (!url)
		return;
	if (strncmp(url, "sqlite:", 7) == 0) {
		const char *path = url + 7;
		char p[300];
		const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
		for (size_t i = 0; i < 4; i++) {
			snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
			unlink(p);
		}
		snprintf(p, sizeof p, "%s", path);
		char *slash = strrchr(p, '/');
		if (slash) {
			*slash = '\0';
			rmdir(p);
		}
	}
#ifdef ERP_HAVE_POSTGRES
	else {
		const char *slash = strrchr(url, '/');
		char db[64];
		snprintf(db, sizeof db, "%s", slash + 1);
		char *q = strchr(db, '?');
		if (q)
			*q = '\0';
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
		pg_admin(sql);
	}
#endif
	free(url);
}

int erp_test_under_valgrind(void)
{
	return RUNNING_ON_VALGRIND ? 1 : 0;
}

void erp_test_fail_at(const char *file, int line, const char *fmt, ...)
{
	char msg[1400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	print_error("%s\n", msg);
	_fail(file, line);
}

void erp_test_assert_error(int rc, int code, const char *field, const char *file, int line)
{
	const erp_error *e = erp_error_last();
	if (rc != code)
		erp_test_fail_at(file, line, "expected %s, got %s (%d): %s%s%s", erp_error_name(code), erp_error_name(rc), rc,
		             e->message, e->field ? " field=" : "", e->field ? e->field : "");
	if (code == ERP_OK)
		return;
	if (e->code != code)
		erp_test_fail_at(file, line, "erp_error_last()->code is %s, expected %s", erp_error_name(e->code), erp_error_name(code));
	if (!e->message || !e->message[0])
		erp_test_fail_at(file, line, "erp_error_last() has no message");
	if (field && (!e->field || strcmp(e->field, field) != 0))
		erp_test_fail_at(file, line, "expected field '%s', got '%s' (%s)", field, e->field ? e->field : "(none)", e->message);
}

erp_store *erp_test_store_fresh(char **url_out)
{
	char *url = erp_test_url_fresh();
	erp_store *store = NULL;
	erp_store_options opts = erp_test_store_options();
	assert_erp_ok(erp_store_open(&store, url, &opts));
	*url_out = url;
	return store;
}

void erp_test_store_drop(erp_store *store, char *url)
{
	erp_store_close(store);
	erp_test_url_drop(url);
}

void erp_test_tenant(char out[37], erp_store *store)
{
	char u[16], name[64];
	erp_test_unique(u);
	snprintf(name, sizeof name, "Tenant %s", u);
	erp_buf id = ERP_BUF_INIT;
	assert_erp_ok(erp_tenant_create(&id, store, name, "USD"));
	assert_int_equal(id.size, 36);
	memcpy(out, id.ptr, 37);
	erp_buf_dispose(&id);
}

erp_ctx *erp_test_ctx(erp_store *store, const char *tenant, int role)
{
	erp_ctx *ctx = NULL;
	assert_erp_ok(erp_ctx_new(&ctx, store, tenant, "tester", role));
	return ctx;
}

typedef struct {
	const char *sql;
	int64_t value;
} scalar_job;

static int scalar_body(erp__tx *tx, void *payload)
{
	scalar_job *job = payload;
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, job->sql, NULL, 0);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	job->value = rc == 1 ? erp__db_int(tx, rows, 0) : -1;
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

int64_t erp_test_scalar(erp_store *store, const char *tenant, const char *sql)
{
	scalar_job job = { sql, -1 };
	erp_storage_scope scope = { tenant, "tester", tenant ? ERP_ROLE_ADMIN : 0 };
	assert_erp_ok(erp__tx_run(store, ERP_TX_READ, &scope, scalar_body, &job));
	return job.value;
}

int64_t erp_test_count(erp_store *store, const char *tenant, const char *table)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE tenant_id = '%s'", table, tenant);
	return erp_test_scalar(store, tenant, sql);
}

static int exec_body(erp__tx *tx, void *payload)
{
	return erp__db_exec(tx, payload, NULL, 0, NULL);
}

int erp_test_exec(erp_store *store, const char *tenant, const char *sql)
{
	erp_storage_scope scope = { tenant, "tester", tenant ? ERP_ROLE_ADMIN : 0 };
	return erp__tx_run(store, ERP_TX_WRITE, &scope, exec_body, (void *)sql);
}

typedef struct {
	const char *sql;
	int64_t *out;
	size_t n;
	int found;
} scalars_job;

static int scalars_body(erp__tx *tx, void *payload)
{
	scalars_job *job = payload;
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, job->sql, NULL, 0);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	job->found = rc == 1;
	for (size_t i = 0; rc == 1 && i < job->n; i++)
		job->out[i] = erp__db_int(tx, rows, i);
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

void erp_test_scalars(int64_t *out, size_t n, erp_store *store, const char *tenant, const char *sql)
{
	scalars_job job = { sql, out, n, 0 };
	erp_storage_scope scope = { tenant, "tester", tenant ? ERP_ROLE_ADMIN : 0 };
	assert_erp_ok(erp__tx_run(store, ERP_TX_READ, &scope, scalars_body, &job));
	assert_true(job.found);
}

json_t *erp_test_json(const char *text)
{
	json_error_t err;
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, &err) : NULL;
	if (!v)
		fail_msg("not JSON (%s): %.300s", text ? err.text : "NULL", text ? text : "");
	return v;
}

void erp_test_json_string(char *out, size_t cap, const char *json, const char *key)
{
	json_t *v = erp_test_json(json);
	const char *s = json_string_value(json_object_get(v, key));
	if (!s)
		fail_msg("no string \"%s\" in %.300s", key, json);
	snprintf(out, cap, "%s", s);
	json_decref(v);
}

void erp_test_assert_json_equal(const json_t *a, const json_t *b, const char *file, int line)
{
	if (a && b && json_equal((json_t *)a, (json_t *)b))
		return;
	char *ta = a ? json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
	char *tb = b ? json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
	char msg[1300];
	snprintf(msg, sizeof msg, "JSON differs:\n  %.600s\n  %.600s", ta ? ta : "(null)", tb ? tb : "(null)");
	free(ta);
	free(tb);
	erp_test_fail_at(file, line, "%s", msg);
}
