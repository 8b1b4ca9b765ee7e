/*
 * What every conformance test needs: the backend under test, fresh and
 * shared stores on it, unique tenants, and direct row counts to prove that
 * refused input wrote nothing.
 *
 * The suite runs once per backend: `test_conformance sqlite` or
 * `test_conformance postgresql` (which reads ERP_TEST_PG_URL and exits 77,
 * "skipped", when it is unset), and once per cache backend, chosen by the
 * environment: ERP_TEST_CACHE=mem (the default) or ERP_TEST_CACHE=redis,
 * which reads the Redis URL from ERP_TEST_REDIS_URL (exit 77 when unset).
 */
#ifndef ERP_TEST_BACKEND_H
#define ERP_TEST_BACKEND_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <erp/erp.h>
#include <erp/sys/storage.h>
#include <jansson.h>

/** Exit code that CTest reports as "skipped". */
#define ERP_TEST_SKIP 77

/**
 * Chooses the storage backend for this run, and the cache backend from
 * ERP_TEST_CACHE; ERP_TEST_SKIP when either is not configured, 2 for an
 * unknown name.
 */
int erp_test_backend_init(const char *name);

/** "sqlite" or "postgresql". */
const char *erp_test_backend_name(void);

/** The cache backend of this run: "mem" or "redis". */
const char *erp_test_cache_name(void);

/**
 * The options every store of the suite is opened with: the run's cache
 * (cache_url "mem:" or ERP_TEST_REDIS_URL) and the cheapest argon2id
 * password hashing libsodium allows (1 pass, 8 KiB), so that tests that
 * make users stay fast; everything else is the default. A test that needs
 * another option starts from these and changes that one field.
 */
erp_store_options erp_test_store_options(void);

/** True when the backend under test is `name`. */
int erp_test_backend_is(const char *name);

/** A URL for a new, empty store; release it with erp_test_url_drop(). */
char *erp_test_url_fresh(void);

/** Deletes the store behind a fresh URL (file or database) and frees the URL. */
void erp_test_url_drop(char *url);

/** Opens a fresh store with erp_test_store_options() (asserts success). */
erp_store *erp_test_store_fresh(char **url_out);

/** Closes a fresh store and drops it. */
void erp_test_store_drop(erp_store *store, char *url);

/** Creates a tenant with a unique name; `out` receives its id. */
void erp_test_tenant(char out[37], erp_store *store);

/** A context for `tenant` with `role` (asserts success). */
erp_ctx *erp_test_ctx(erp_store *store, const char *tenant, int role);

/**
 * Runs `sql` (a core template, `{area.table}` names) that returns one
 * integer, in `tenant`'s scope (NULL: store scope), and returns it.
 */
int64_t erp_test_scalar(erp_store *store, const char *tenant, const char *sql);

/** Counts the rows of `table` (a template name such as "{system.settings}") that belong to `tenant`. */
int64_t erp_test_count(erp_store *store, const char *tenant, const char *table);

/** PostgreSQL only: runs one statement over a libpq connection to ERP_TEST_PG_URL. */
int erp_test_exec_admin(const char *sql);

/** Runs a write statement (template) in `tenant`'s scope (NULL: store scope) as admin. */
int erp_test_exec(erp_store *store, const char *tenant, const char *sql);

/** Asserts that `rc` is `code` and that erp_error_last() names `field` (NULL: any). */
#define assert_erp_error(rc, code, field) erp_test_assert_error((rc), (code), (field), __FILE__, __LINE__)
void erp_test_assert_error(int rc, int code, const char *field, const char *file, int line);

/** Asserts ERP_OK, printing erp_error_last() otherwise. */
#define assert_erp_ok(rc) erp_test_assert_error((rc), ERP_OK, NULL, __FILE__, __LINE__)

/** Prints a printf-style message, then fails the test at `file`:`line` (the caller's). */
void erp_test_fail_at(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** True when the test runs under valgrind (loops then do less work). */
int erp_test_under_valgrind(void);

/** Makes a unique suffix for names ("t" + 12 random hex digits). */
void erp_test_unique(char out[16]);

/**
 * Runs `sql` (a core template) that returns one row of `n` integers, in
 * `tenant`'s scope (NULL: store scope), into out[0..n-1].
 */
void erp_test_scalars(int64_t *out, size_t n, erp_store *store, const char *tenant, const char *sql);

/** Parses JSON text (any value); fails the test when it does not parse. New reference. */
json_t *erp_test_json(const char *text);

/** Copies the string member `key` of the JSON object text `json` into out (fails when absent). */
void erp_test_json_string(char *out, size_t cap, const char *json, const char *key);

/** Fails the test, showing both, unless two JSON values are equal. */
#define assert_json_equal(a, b) erp_test_assert_json_equal((a), (b), __FILE__, __LINE__)
void erp_test_assert_json_equal(const json_t *a, const json_t *b, const char *file, int line);

#endif
