/* Forward-only, checksummed migrations. */
#include "conformance.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void test_migrations__changed_text_is_refused(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store *s = NULL;
	erp_store_options opts = erp_test_store_options();
	assert_erp_ok(erp_store_open(&s, url, &opts));
	/* As if migration 1 had been applied from another text. */
	assert_erp_ok(erp_test_exec(s, NULL, "UPDATE {system.migrations} SET checksum = 'deadbeef' WHERE number = 1"));
	erp_buf report = ERP_BUF_INIT;
	assert_erp_error(erp_store_verify(&report, s), ERP_EBACKEND, NULL);
	assert_non_null(strstr(report.ptr, "\"ok\":false"));
	erp_buf_dispose(&report);
	erp_store_close(s);

	s = (erp_store *)&s;
	assert_erp_error(erp_store_open(&s, url, &opts), ERP_EBACKEND, NULL);
	assert_non_null(strstr(erp_error_last()->message, "different text"));
	assert_null(s);
	erp_test_url_drop(url);
}

void test_migrations__newer_store_is_refused(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store *s = NULL;
	erp_store_options opts = erp_test_store_options();
	assert_erp_ok(erp_store_open(&s, url, &opts));
	int version = 0;
	assert_erp_ok(erp_store_schema_version(&version, s));
	char sql[256];
	snprintf(sql, sizeof sql,
	         "INSERT INTO {system.migrations} (number, name, checksum, applied_at) "
	         "VALUES (%d, '%04d_from_the_future.sql', 'x', '2099-01-01T00:00:00.000000Z')", version + 1, version + 1);
	assert_erp_ok(erp_test_exec(s, NULL, sql));
	erp_store_close(s);

	s = NULL;
	assert_erp_error(erp_store_open(&s, url, &opts), ERP_EBACKEND, NULL);
	assert_non_null(strstr(erp_error_last()->message, "newer liberp"));
	assert_null(s);
	erp_test_url_drop(url);
}

void test_migrations__no_migrate_refuses_an_empty_store(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store *s = NULL;
	erp_store_options opts = erp_test_store_options();
	opts.no_migrate = 1;
	if (erp_test_backend_is("sqlite")) {
		/* A SQLite file that is not there: refused, and not made. */
		const char *path = url + strlen("sqlite:");
		assert_int_equal(access(path, F_OK), -1);
		assert_erp_error(erp_store_open(&s, url, &opts), ERP_EBACKEND, NULL);
		assert_non_null(strstr(erp_error_last()->message, "does not exist"));
		assert_null(s);
		assert_int_equal(access(path, F_OK), -1);
		assert_int_equal(errno, ENOENT);
		/* an empty file is there, but holds no schema */
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fclose(f);
	}
	assert_erp_error(erp_store_open(&s, url, &opts), ERP_EBACKEND, NULL);
	assert_non_null(strstr(erp_error_last()->message, "no liberp schema"));
	assert_null(s);
	/* and it created nothing: a normal open afterwards migrates from scratch */
	opts.no_migrate = 0;
	assert_erp_ok(erp_store_open(&s, url, &opts));
	int version = 0;
	assert_erp_ok(erp_store_schema_version(&version, s));
	assert_int_equal(version, (int)s->storage->dialect->migration_count);
	erp_store_close(s);
	erp_test_url_drop(url);
}

void test_migrations__every_migration_is_numbered_in_order(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store *s = NULL;
	erp_store_options opts = erp_test_store_options();
	assert_erp_ok(erp_store_open(&s, url, &opts));
	const erp_sql_dialect *d = s->storage->dialect;
	for (size_t i = 0; i < d->migration_count; i++) {
		assert_int_equal(d->migrations[i].number, (int)i + 1);
		char prefix[16];
		snprintf(prefix, sizeof prefix, "%04d_", (int)i + 1);
		assert_memory_equal(d->migrations[i].name, prefix, 5);
	}
	erp_store_close(s);
	erp_test_url_drop(url);
}

ERP_CONFORMANCE_GROUP(30, NULL, NULL);
