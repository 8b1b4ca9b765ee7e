/* The thread-local last error (erp/errors.h), on any backend. */
#include "conformance.h"

#include "util/error.h"

#include <erp/sys/backend.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

void test_errors__last_is_never_null(void **state)
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

/* Every code, in order, with its value (codes are stable) and its name. */
static const struct {
	int code, value;
	const char *name;
} codes[] = {
	{ ERP_OK, 0, "ERP_OK" },
	{ ERP_ERROR, -1, "ERP_ERROR" },
	{ ERP_ENOTFOUND, -2, "ERP_ENOTFOUND" },
	{ ERP_EEXISTS, -3, "ERP_EEXISTS" },
	{ ERP_ECONFLICT, -4, "ERP_ECONFLICT" },
	{ ERP_EINVALID, -5, "ERP_EINVALID" },
	{ ERP_EUNBALANCED, -6, "ERP_EUNBALANCED" },
	{ ERP_ELOCKED, -7, "ERP_ELOCKED" },
	{ ERP_ENOSTOCK, -8, "ERP_ENOSTOCK" },
	{ ERP_EPERM, -9, "ERP_EPERM" },
	{ ERP_EAUTH, -10, "ERP_EAUTH" },
	{ ERP_ERETRY, -11, "ERP_ERETRY" },
	{ ERP_EBACKEND, -12, "ERP_EBACKEND" },
	{ ERP_ELIMIT, -13, "ERP_ELIMIT" },
};
#define CODE_COUNT (sizeof codes / sizeof codes[0])
/* The last code: the loop below fails when a code is added to errors.h but not to the table. */
#define LAST_CODE ERP_ELIMIT

void test_errors__names_every_code(void **state)
{
	(void)state;
	assert_int_equal(codes[CODE_COUNT - 1].code, LAST_CODE);
	for (size_t i = 0; i < CODE_COUNT; i++) {
		assert_int_equal(codes[i].code, codes[i].value);
		assert_int_equal(codes[i].code, -(int)i); /* dense: 0, -1, ..., -13 */
		assert_string_equal(erp_error_name(codes[i].code), codes[i].name);
		/* Names are distinct: only ERP_ERROR itself is called "ERP_ERROR". */
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(erp_error_name(codes[i].code), erp_error_name(codes[j].code));
	}
	/* Past the last code, and anything else, is unknown: "ERP_ERROR". */
	assert_string_equal(erp_error_name(LAST_CODE - 1), "ERP_ERROR");
	assert_string_equal(erp_error_name(1), "ERP_ERROR");
	assert_string_equal(erp_error_name(-999), "ERP_ERROR");
}

/* retry_after_ms is set by ERP_ELIMIT only: 0 after every other error and after a clear. */
void test_errors__retry_after_is_only_for_elimit(void **state)
{
	(void)state;
	erp_error_clear();
	assert_int_equal(erp_error_last()->retry_after_ms, 0);
	assert_int_equal(erp__limit(1500, "email", "too many failed logins"), ERP_ELIMIT);
	const erp_error *e = erp_error_last();
	assert_int_equal(e->code, ERP_ELIMIT);
	assert_int_equal(e->retry_after_ms, 1500);
	assert_string_equal(e->field, "email");
	assert_string_equal(e->message, "too many failed logins");
	/* The next error of another code resets it, whichever way it is raised. */
	erp_buf b = ERP_BUF_INIT;
	assert_erp_error(erp_tenant_list(&b, NULL), ERP_EINVALID, "store");
	assert_int_equal(erp_error_last()->retry_after_ms, 0);
	erp__limit(20, NULL, "again");
	assert_int_equal(erp_error_set(ERP_EBACKEND, NULL, NULL, "a backend failed"), ERP_EBACKEND);
	assert_int_equal(erp_error_last()->retry_after_ms, 0);
	erp__limit(20, NULL, "again");
	erp_error_clear();
	assert_int_equal(erp_error_last()->code, ERP_OK);
	assert_int_equal(erp_error_last()->retry_after_ms, 0);
	/* Every other code leaves it 0. */
	for (size_t i = 1; i < CODE_COUNT; i++) {
		if (codes[i].code == ERP_ELIMIT)
			continue;
		erp__limit(7, NULL, "limited");
		erp_error_set(codes[i].code, NULL, NULL, "failed");
		assert_int_equal(erp_error_last()->code, codes[i].code);
		assert_int_equal(erp_error_last()->retry_after_ms, 0);
	}
}

/* A real ERP_ELIMIT: failed logins past the limit, with when to retry; the next other error says 0. */
void test_errors__elimit_from_failed_logins(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store_options opts = erp_test_store_options();
	opts.login_max_failures = 2;
	opts.login_window_ms = 60000;
	erp_store *s = NULL;
	assert_erp_ok(erp_store_open(&s, url, &opts));
	char tenant[37], u[16], email[64];
	erp_test_tenant(tenant, s);
	erp_test_unique(u);
	snprintf(email, sizeof email, "%s@errors.example", u);
	erp_ctx *admin = erp_test_ctx(s, tenant, ERP_ROLE_ADMIN);
	erp_buf invitation = ERP_BUF_INIT;
	assert_erp_ok(erp_invitation_create(&invitation, NULL, admin, email, ERP_ROLE_READONLY, 0));
	assert_erp_ok(erp_invitation_accept_password(NULL, NULL, s, invitation.ptr, "Limited", "right password"));
	erp_buf_dispose(&invitation);
	erp_buf token = ERP_BUF_INIT;
	for (int i = 0; i < 2; i++) {
		assert_erp_error(erp_session_login(&token, NULL, s, email, "wrong password", tenant, NULL), ERP_EAUTH, NULL);
		assert_int_equal(erp_error_last()->retry_after_ms, 0);
	}
	/* Refused before the password is looked at: the right one is refused too. */
	assert_erp_error(erp_session_login(&token, NULL, s, email, "right password", tenant, NULL), ERP_ELIMIT, NULL);
	int64_t retry = erp_error_last()->retry_after_ms;
	if (retry <= 0 || retry > 60000)
		fail_msg("retry_after_ms %lld is not within the 60 s window", (long long)retry);
	assert_null(token.ptr);
	assert_erp_error(erp_session_login(&token, NULL, s, email, "wrong password", tenant, NULL), ERP_ELIMIT, NULL);
	assert_true(erp_error_last()->retry_after_ms > 0);
	erp_ctx *resumed = NULL;
	assert_erp_error(erp_session_resume(&resumed, s, "not a token"), ERP_EAUTH, NULL);
	assert_int_equal(erp_error_last()->retry_after_ms, 0);
	assert_null(resumed);
	erp_buf_dispose(&token);
	erp_ctx_free(admin);
	erp_store_close(s);
	erp_test_url_drop(url);
}

static void *fail_in_thread(void *arg)
{
	(void)arg;
	erp_store *s = NULL;
	int rc = erp_store_open(&s, "nosuchscheme:x", NULL);
	return (void *)(intptr_t)(rc == ERP_EINVALID && strcmp(erp_error_last()->field, "url") == 0);
}

void test_errors__are_per_thread(void **state)
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

void test_errors__buf_dispose_accepts_null_and_empty(void **state)
{
	(void)state;
	erp_buf_dispose(NULL);
	erp_buf b = ERP_BUF_INIT;
	erp_buf_dispose(&b);
	assert_null(b.ptr);
	erp_store_close(NULL);
	erp_ctx_free(NULL);
}

void test_errors__version_matches_header(void **state)
{
	(void)state;
	assert_string_equal(erp_version(), LIBERP_VERSION);
	assert_int_equal(erp_version_number(), LIBERP_VERSION_NUMBER);
}

ERP_CONFORMANCE_GROUP(10, NULL, NULL);
