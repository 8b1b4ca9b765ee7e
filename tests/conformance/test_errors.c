/* The thread-local last error (erp/errors.h), on any backend. */
#include "conformance.h"

#include <pthread.h>
#include <string.h>

static void test_errors__last_is_never_null(void **state)
{
	(void)state;
	erp_error_clear();
	const erp_error *e = erp_error_last();
	assert_non_null(e);
	assert_int_equal(e->code, ERP_OK);
	assert_non_null(e->message);
	assert_string_equal(e->message, "");
	assert_null(e->field);
}

static void test_errors__names_every_code(void **state)
{
	(void)state;
	assert_string_equal(erp_error_name(ERP_EINVALID), "ERP_EINVALID");
	assert_string_equal(erp_error_name(ERP_EBACKEND), "ERP_EBACKEND");
	assert_string_equal(erp_error_name(ERP_ERETRY), "ERP_ERETRY");
	assert_string_equal(erp_error_name(-999), "ERP_ERROR");
	for (int code = ERP_OK; code >= ERP_EBACKEND; code--)
		assert_non_null(erp_error_name(code));
}

static void *fail_in_thread(void *arg)
{
	(void)arg;
	erp_store *s = NULL;
	int rc = erp_store_open(&s, "nosuchscheme:x", NULL);
	return (void *)(intptr_t)(rc == ERP_EINVALID && strcmp(erp_error_last()->field, "url") == 0);
}

static void test_errors__are_per_thread(void **state)
{
	(void)state;
	erp_buf b = ERP_BUF_INIT;
	assert_erp_error(erp_tenant_list(&b, NULL), ERP_EINVALID, "store");
	pthread_t t;
	void *ok = NULL;
	assert_int_equal(pthread_create(&t, NULL, fail_in_thread, NULL), 0);
	assert_int_equal(pthread_join(t, &ok), 0);
	assert_true(ok != NULL);
	/* The other thread's failure did not touch this thread's error. */
	assert_string_equal(erp_error_last()->field, "store");
}

static void test_errors__buf_dispose_accepts_null_and_empty(void **state)
{
	(void)state;
	erp_buf_dispose(NULL);
	erp_buf b = ERP_BUF_INIT;
	erp_buf_dispose(&b);
	assert_null(b.ptr);
	erp_store_close(NULL);
	erp_ctx_free(NULL);
}

static void test_errors__version_matches_header(void **state)
{
	(void)state;
	assert_string_equal(erp_version(), LIBERP_VERSION);
	assert_int_equal(erp_version_number(), LIBERP_VERSION_NUMBER);
}

int erp_conformance_errors(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors__last_is_never_null),
		cmocka_unit_test(test_errors__names_every_code),
		cmocka_unit_test(test_errors__are_per_thread),
		cmocka_unit_test(test_errors__buf_dispose_accepts_null_and_empty),
		cmocka_unit_test(test_errors__version_matches_header),
	};
	return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
