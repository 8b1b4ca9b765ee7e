/* Opening, closing and verifying stores (erp/store.h). */
#include "conformance.h"
#include "core/db.h"

#include <string.h>

void test_store__open_applies_every_migration(void **state)
{
	erp_conformance_fixture *f = *state;
	int version = 0;
	assert_erp_ok(erp_store_schema_version(&version, f->store));
	assert_true(version >= 1);
	assert_int_equal(version, (int)f->store->storage->dialect->migration_count);
	assert_int_equal(erp_test_scalar(f->store, NULL, "SELECT count(*) FROM {system.migrations}"), version);
	assert_string_equal(erp_store_backend(f->store), erp_test_backend_name());
}

void test_store__reopen_keeps_data_and_migrates_nothing(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store *s = NULL;
	erp_store_options opts = erp_test_store_options();
	assert_erp_ok(erp_store_open(&s, url, &opts));
	char tenant[37];
	erp_test_tenant(tenant, s);
	/* Applied in one transaction, so at one moment. */
	assert_int_equal(erp_test_scalar(s, NULL, "SELECT count(DISTINCT applied_at) FROM {system.migrations}"), 1);
	int64_t count = erp_test_scalar(s, NULL, "SELECT count(*) FROM {system.migrations}");
	erp_store_close(s);
	s = NULL;
	assert_erp_ok(erp_store_open(&s, url, &opts)); /* reopening applies nothing */
	assert_int_equal(erp_test_scalar(s, NULL, "SELECT count(*) FROM {system.migrations}"), count);
	assert_int_equal(erp_test_scalar(s, NULL, "SELECT count(DISTINCT applied_at) FROM {system.migrations}"), 1);
	erp_store_close(s);

	s = NULL;
	opts.no_migrate = 1; /* the schema is complete: opening without migrating works */
	assert_erp_ok(erp_store_open(&s, url, &opts));
	erp_buf json = ERP_BUF_INIT;
	assert_erp_ok(erp_tenant_get(&json, s, tenant));
	assert_non_null(strstr(json.ptr, tenant));
	erp_buf_dispose(&json);
	erp_store_close(s);
	erp_test_url_drop(url);
}

void test_store__open_rejects_null_out_and_bad_urls(void **state)
{
	(void)state;
	erp_store *s = (erp_store *)&s;
	assert_erp_error(erp_store_open(NULL, "sqlite::memory:", NULL), ERP_EINVALID, "out");
	const char *bad[] = { "", "nocolon", ":memory:", "1sqlite:x", "SQLITE:x", "mysql://u@h/db", "sqlite:" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		s = (erp_store *)&s;
		int rc = erp_store_open(&s, bad[i], NULL);
		if (rc != ERP_EINVALID)
			fail_msg("url '%s': expected ERP_EINVALID, got %s: %s", bad[i], erp_error_name(rc), erp_error_last()->message);
		assert_string_equal(erp_error_last()->field, "url");
		assert_null(s);
	}
	assert_erp_error(erp_store_open(&s, "mysql://u@h/db", NULL), ERP_EINVALID, "url");
	assert_non_null(strstr(erp_error_last()->message, "sqlite"));  /* names what is available */
}

void test_store__open_rejects_bad_options(void **state)
{
	(void)state;
	erp_store *s = NULL;
	erp_store_options opts = ERP_STORE_OPTIONS_INIT;
	opts.version = 99;
	assert_erp_error(erp_store_open(&s, "sqlite::memory:", &opts), ERP_EINVALID, "version");
	opts.version = ERP_STORE_OPTIONS_VERSION;
	opts.pool_size = -1;
	assert_erp_error(erp_store_open(&s, "sqlite::memory:", &opts), ERP_EINVALID, "pool_size");
	opts.pool_size = 0;
	opts.cache_url = "memcached://localhost";
	assert_erp_error(erp_store_open(&s, "sqlite::memory:", &opts), ERP_EINVALID, "cache_url");
	opts.cache_url = "mem:garbage";
	assert_erp_error(erp_store_open(&s, "sqlite::memory:", &opts), ERP_EINVALID, "cache_url");
	assert_null(s);
}

void test_store__verify_passes_on_a_sound_store(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_buf report = ERP_BUF_INIT;
	assert_erp_ok(erp_store_verify(&report, f->store));
	assert_non_null(strstr(report.ptr, "\"ok\":true"));
	erp_buf_dispose(&report);
	assert_erp_ok(erp_store_verify(NULL, f->store));
	assert_erp_error(erp_store_verify(NULL, NULL), ERP_EINVALID, "store");
}

void test_store__schema_version_rejects_null(void **state)
{
	erp_conformance_fixture *f = *state;
	int v;
	assert_erp_error(erp_store_schema_version(NULL, f->store), ERP_EINVALID, "out");
	assert_erp_error(erp_store_schema_version(&v, NULL), ERP_EINVALID, "store");
}

/* In a write transaction: 1 when a commit is synced before it returns. */
static int durable_body(erp__tx *tx, void *payload)
{
	int *durable = payload;
	const char *sql = erp_test_backend_is("sqlite") ? "PRAGMA synchronous"
	                                                : "SELECT current_setting('synchronous_commit')";
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, sql, NULL, 0);
	if (rc != ERP_OK)
		return rc;
	if ((rc = erp__db_next(tx, rows)) == 1) {
		char s[24];
		const char *v = erp__db_text(tx, rows, 0, s);
		/* SQLite: 2 is FULL, 1 NORMAL; PostgreSQL: on, off, local... */
		*durable = v && (strcmp(v, "2") == 0 || strcmp(v, "3") == 0 || strcmp(v, "on") == 0);
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

static int writes_durably(const char *url, int relaxed)
{
	erp_store_options opts = erp_test_store_options();
	opts.relaxed_durability = relaxed;
	erp_store *s = NULL;
	assert_erp_ok(erp_store_open(&s, url, &opts));
	int durable = -1;
	erp_storage_scope scope = { NULL, NULL, 0 };
	assert_erp_ok(erp__tx_run(s, ERP_TX_WRITE, &scope, durable_body, &durable));
	erp_store_close(s);
	return durable;
}

/*
 * Acknowledged means durable by default, whatever the database's own
 * default: on PostgreSQL the database is set to synchronous_commit=off
 * first (as the test cluster and some operators have it), and liberp's
 * write transactions still run with it on. The relaxed mode is explicit.
 */
void test_store__writes_are_durable_by_default_whatever_the_server_says(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	if (!erp_test_backend_is("sqlite")) {
		char sql[160];
		const char *db = strrchr(url, '/') + 1;
		snprintf(sql, sizeof sql, "ALTER DATABASE %.*s SET synchronous_commit = off", (int)strcspn(db, "?"), db);
		assert_erp_ok(erp_test_exec_admin(sql));
	}
	assert_int_equal(writes_durably(url, 0), 1);
	assert_int_equal(writes_durably(url, 1), 0);
	erp_test_url_drop(url);
}

ERP_CONFORMANCE_GROUP(20, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
