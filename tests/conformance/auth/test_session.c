/*
 * Sessions (erp/session.h): login, resume, logout, expiry (idle and
 * absolute), restart, two stores on one storage (and one cache), bad
 * tokens, throttling, the rate limiter, health, and Redis going away.
 *
 * Every refused call also proves that it wrote nothing: the session rows,
 * their last-seen times and the audit log stay as they were.
 */
#include "conformance.h"
#include "test_redis.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PASSWORD "correct horse battery"

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A tenant with one user of `role`; writes the user's email and id. */
static void make_user(erp_store *store, char tenant[37], char email[96], char user_id[37], int role)
{
	char u[16];
	erp_test_unique(u);
	erp_test_tenant(tenant, store);
	snprintf(email, 96, "User.%s@Example.com", u);
	erp_ctx *sys = erp_test_ctx(store, tenant, ERP_ROLE_ADMIN);
	erp_buf id = ERP_BUF_INIT;
	erp_buf invitation = ERP_BUF_INIT;
	assert_erp_ok(erp_invitation_create(&invitation, NULL, sys, email, role, 0));
	assert_erp_ok(erp_invitation_accept_password(NULL, &id, store, invitation.ptr, "Test User", PASSWORD));
	erp_buf_dispose(&invitation);
	snprintf(user_id, 37, "%s", id.ptr);
	erp_buf_dispose(&id);
	erp_ctx_free(sys);
}

static void login(char token[ERP_SESSION_TOKEN_LEN + 1], erp_store *store, const char *email, const char *tenant)
{
	erp_buf t = ERP_BUF_INIT;
	assert_erp_ok(erp_session_login(&t, NULL, store, email, PASSWORD, tenant, "127.0.0.1"));
	assert_int_equal(t.size, ERP_SESSION_TOKEN_LEN);
	snprintf(token, ERP_SESSION_TOKEN_LEN + 1, "%s", t.ptr);
	erp_buf_dispose(&t);
}

static int resume_rc(erp_store *store, const char *token)
{
	erp_ctx *ctx = NULL;
	int rc = erp_session_resume(&ctx, store, token);
	assert_true(rc == ERP_OK ? ctx != NULL : ctx == NULL);
	erp_ctx_free(ctx);
	return rc;
}

/* Sessions, their last-seen times and the audit rows of a tenant, in one number each. */
typedef struct {
	int64_t sessions, seen, audit;
} auth_state;

static auth_state auth_state_of(erp_store *store, const char *tenant)
{
	auth_state s;
	char sql[400];
	snprintf(sql, sizeof sql,
	         "SELECT (SELECT count(*) FROM {auth.sessions}), (SELECT coalesce(sum(last_seen_ms), 0) FROM {auth.sessions}), "
	         "(SELECT count(*) FROM {system.audit_log} WHERE tenant_id = '%s')",
	         tenant);
	int64_t v[3];
	erp_test_scalars(v, 3, store, NULL, sql);
	s.sessions = v[0];
	s.seen = v[1];
	s.audit = v[2];
	return s;
}

static void assert_same_state(auth_state a, auth_state b)
{
	assert_int_equal(a.sessions, b.sessions);
	assert_int_equal(a.seen, b.seen);
	assert_int_equal(a.audit, b.audit);
}

/* ---- tests ----------------------------------------------------------------------- */

void test_session__login_resume_logout(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37], email[96], uid[37], token[44];
	make_user(f->store, tenant, email, uid, ERP_ROLE_READWRITE);

	erp_buf t = ERP_BUF_INIT;
	erp_ctx *ctx = NULL;
	/* the email is case-insensitive */
	assert_erp_ok(erp_session_login(&t, &ctx, f->store, email, PASSWORD, tenant, NULL));
	assert_int_equal(t.size, ERP_SESSION_TOKEN_LEN);
	assert_string_equal(erp_ctx_tenant(ctx), tenant);
	assert_string_equal(erp_ctx_user(ctx), uid);
	assert_int_equal(erp_ctx_role(ctx), ERP_ROLE_READWRITE);
	snprintf(token, sizeof token, "%s", t.ptr);
	erp_buf_dispose(&t);
	/* the token is not stored: only its hash */
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM {auth.sessions} WHERE token_hash = '%s'", token);
	assert_int_equal(erp_test_scalar(f->store, NULL, sql), 0);

	/* the session's context can work */
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_entity_create(&out, ctx, "core.partner", "{\"name\":\"made in a session\"}"));
	erp_buf_dispose(&out);

	erp_ctx *again = NULL;
	assert_erp_ok(erp_session_resume(&again, f->store, token));
	assert_string_equal(erp_ctx_user(again), uid);
	assert_string_equal(erp_ctx_tenant(again), tenant);
	assert_int_equal(erp_ctx_role(again), ERP_ROLE_READWRITE);

	erp_buf list = ERP_BUF_INIT;
	assert_erp_ok(erp_session_list(&list, again, uid));
	json_t *l = erp_test_json(list.ptr);
	assert_int_equal(json_array_size(l), 1);
	assert_true(json_is_true(json_object_get(json_array_get(l, 0), "current")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 0), "client_key")), "");
	json_decref(l);
	erp_buf_dispose(&list);

	assert_erp_ok(erp_session_logout(f->store, token));
	assert_erp_error(resume_rc(f->store, token), ERP_EAUTH, NULL);
	assert_erp_error(erp_session_logout(f->store, token), ERP_EAUTH, NULL);
	/* login and logout are audited */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM {system.audit_log} WHERE entity = 'auth.session' AND action IN ('login', 'logout') "
	         "AND actor = '%s'",
	         uid);
	assert_int_equal(erp_test_scalar(f->store, tenant, sql), 2);
	erp_ctx_free(again);
	erp_ctx_free(ctx);
}

void test_session__wrong_credentials_are_one_answer(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37], email[96], uid[37], other[37], ghost_tenant[37] = "01890000-0000-7000-8000-000000000000";
	make_user(f->store, tenant, email, uid, ERP_ROLE_READONLY);
	erp_test_tenant(other, f->store);
	/* a disabled member */
	char t2[37], email2[96], uid2[37];
	make_user(f->store, t2, email2, uid2, ERP_ROLE_READWRITE);
	erp_ctx *sys = erp_test_ctx(f->store, t2, ERP_ROLE_ADMIN);
	assert_erp_ok(erp_user_set_disabled(sys, uid2, 1));
	erp_ctx_free(sys);

	struct {
		const char *email, *password, *tenant;
	} cases[] = {
		{ "nobody@example.com", PASSWORD, tenant }, /* unknown user */
		{ email, "wrong password!", tenant },       /* wrong password */
		{ email, PASSWORD, other },                 /* no membership there */
		{ email, PASSWORD, ghost_tenant },          /* no such tenant */
		{ email2, PASSWORD, t2 },                   /* disabled membership */
	};
	auth_state before = auth_state_of(f->store, tenant);
	char first_message[256] = "";
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		erp_buf t = ERP_BUF_INIT;
		erp_ctx *ctx = (erp_ctx *)&t; /* must be reset to NULL */
		assert_erp_error(erp_session_login(&t, &ctx, f->store, cases[i].email, cases[i].password, cases[i].tenant, NULL),
		                 ERP_EAUTH, NULL);
		assert_null(ctx);
		assert_int_equal(t.size, 0);
		if (i == 0)
			snprintf(first_message, sizeof first_message, "%s", erp_error_last()->message);
		assert_string_equal(erp_error_last()->message, first_message);
	}
	assert_same_state(before, auth_state_of(f->store, tenant));
	/* failures were counted, per email */
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM {auth.login_failures} WHERE key = 'email:%s'", "nobody@example.com");
	assert_int_equal(erp_test_scalar(f->store, NULL, sql), 1);

	/* malformed input is EINVALID naming the field, and writes nothing either */
	erp_buf t = ERP_BUF_INIT;
	assert_erp_error(erp_session_login(&t, NULL, f->store, "not-an-email", PASSWORD, tenant, NULL), ERP_EINVALID, "email");
	assert_erp_error(erp_session_login(&t, NULL, f->store, email, "short", tenant, NULL), ERP_EINVALID, "password");
	assert_erp_error(erp_session_login(&t, NULL, f->store, email, PASSWORD, "nope", NULL), ERP_EINVALID, "tenant_id");
	assert_erp_error(erp_session_login(&t, NULL, f->store, email, PASSWORD, tenant, "bad\001key"), ERP_EINVALID,
	                 "client_key");
	assert_erp_error(erp_session_login(NULL, NULL, f->store, email, PASSWORD, tenant, NULL), ERP_EINVALID, "out_token");
	assert_same_state(before, auth_state_of(f->store, tenant));
}

static double thread_cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One failed login: its wall-clock time and the calling thread's CPU time, in seconds. */
typedef struct {
	double wall, cpu;
} login_cost;

static login_cost failed_login(erp_store *store, const char *email, const char *password, const char *tenant)
{
	erp_buf tok = ERP_BUF_INIT;
	double t0 = now_s(), c0 = thread_cpu_s();
	assert_erp_error(erp_session_login(&tok, NULL, store, email, password, tenant, NULL), ERP_EAUTH, NULL);
	login_cost c = { now_s() - t0, thread_cpu_s() - c0 };
	return c;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median_of(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * A failed login does the same work whatever failed: one look-up
 * statement, the same argon2id verifications (against the user's hash or
 * the store's dummy one), one recorded failure. The hashing is made costly
 * here (~10 ms) so that it dominates; what this catches is a kind of
 * failure answered without hashing (or with one run fewer: half the time).
 *
 * The kinds (a wrong password, an unknown email, a user of another tenant)
 * are timed in turns, in a rotating order, many times. Two measures: the
 * calling thread's CPU time, compared within each round (the kinds of one
 * round run back to back, under the same load, whereas load that starts or
 * stops mid-test would move whole medians apart), the median of those
 * per-round ratios within a factor of 1.5 (one argon2id run fewer is a
 * factor of 2); and the fastest wall-clock time, which noise can only
 * lengthen, within a factor of 2.
 */
#define LOGIN_KINDS 3
#define LOGIN_ROUNDS 21

void test_session__unknown_user_takes_as_long_as_a_wrong_password(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store_options opts = erp_test_store_options();
	opts.password_ops_limit = 2;
	opts.password_mem_limit = (size_t)8 << 20;
	opts.login_max_failures = 1000;
	erp_store *store = NULL;
	assert_erp_ok(erp_store_open(&store, url, &opts));
	char tenant[37], email[96], uid[37], other_tenant[37], other_email[96], other_uid[37];
	make_user(store, tenant, email, uid, ERP_ROLE_READONLY);
	make_user(store, other_tenant, other_email, other_uid, ERP_ROLE_READONLY);
	const char *who[LOGIN_KINDS] = { email, "nobody.at.all@example.com", other_email };
	const char *what[LOGIN_KINDS] = { "wrong password", "unknown user", "not a member" };
	const char *pass[LOGIN_KINDS] = { "not the password", "not the password", PASSWORD };
	double cpu[LOGIN_KINDS][LOGIN_ROUNDS], fastest[LOGIN_KINDS];
	for (int k = 0; k < LOGIN_KINDS; k++)
		fastest[k] = 1e9;
	/* a first round unmeasured: the dummy hash is made, statements prepared */
	for (int k = 0; k < LOGIN_KINDS; k++)
		(void)failed_login(store, who[k], pass[k], tenant);
	for (int i = 0; i < LOGIN_ROUNDS; i++) {
		for (int j = 0; j < LOGIN_KINDS; j++) {
			int k = (i + j) % LOGIN_KINDS;
			login_cost c = failed_login(store, who[k], pass[k], tenant);
			cpu[k][i] = c.cpu;
			fastest[k] = c.wall < fastest[k] ? c.wall : fastest[k];
		}
	}
	double ratio[LOGIN_KINDS];
	for (int k = 0; k < LOGIN_KINDS; k++) {
		double r[LOGIN_ROUNDS];
		for (int i = 0; i < LOGIN_ROUNDS; i++)
			r[i] = cpu[k][i] / (cpu[0][i] > 0 ? cpu[0][i] : 1e-9);
		ratio[k] = median_of(r, LOGIN_ROUNDS);
		double med = median_of(cpu[k], LOGIN_ROUNDS);
		printf("# failed login, %s: median CPU %.2f ms, median CPU ratio to a wrong password in the same round %.3f, "
		       "fastest wall %.2f ms\n",
		       what[k], med * 1e3, ratio[k], fastest[k] * 1e3);
	}
	for (int k = 1; k < LOGIN_KINDS; k++) {
		assert_true(ratio[k] < 1.5 && ratio[k] > 1 / 1.5);
		assert_true(fastest[k] < fastest[0] * 2 && fastest[0] < fastest[k] * 2);
	}
	erp_store_close(store);
	erp_test_url_drop(url);
}

void test_session__bad_tokens_are_refused_and_change_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37], email[96], uid[37], token[44];
	make_user(f->store, tenant, email, uid, ERP_ROLE_READWRITE);
	login(token, f->store, email, tenant);
	auth_state before = auth_state_of(f->store, tenant);

	char truncated[44], forged[44], longer[64], random_token[44];
	snprintf(truncated, sizeof truncated, "%.42s", token);
	snprintf(forged, sizeof forged, "%s", token);
	forged[10] = forged[10] == 'A' ? 'B' : 'A';
	snprintf(longer, sizeof longer, "%sA", token);
	/* a well-formed token that was never issued */
	snprintf(random_token, sizeof random_token, "%s", token);
	for (int i = 0; i < 42; i++)
		random_token[i] = "abcdefghijklmnopqrstuvwxyz0123456789-_ABCDEF"[(i * 7 + 3) % 44];
	const char *bad[] = { truncated, forged, longer, random_token, "", "not a token at all", "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", NULL };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_erp_error(resume_rc(f->store, bad[i]), ERP_EAUTH, NULL);
		assert_erp_error(erp_session_logout(f->store, bad[i]), ERP_EAUTH, NULL);
	}
	assert_same_state(before, auth_state_of(f->store, tenant));
	assert_erp_ok(resume_rc(f->store, token));
}

static erp_store *open_with(const char *url, int64_t idle_ms, int64_t lifetime_ms)
{
	erp_store_options opts = erp_test_store_options();
	opts.session_idle_ms = idle_ms;
	opts.session_lifetime_ms = lifetime_ms;
	erp_store *store = NULL;
	assert_erp_ok(erp_store_open(&store, url, &opts));
	return store;
}

void test_session__idle_timeout_slides_then_expires(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store *store = open_with(url, 600, 60000);
	char tenant[37], email[96], uid[37], token[44];
	make_user(store, tenant, email, uid, ERP_ROLE_READONLY);
	login(token, store, email, tenant);
	/* used every 150 ms for 1.5 s, well past the 600 ms idle timeout: alive */
	for (int i = 0; i < 10; i++) {
		sleep_ms(150);
		assert_erp_ok(resume_rc(store, token));
	}
	/* then left alone: it ends, and a refused resume writes nothing */
	sleep_ms(800);
	auth_state before = auth_state_of(store, tenant);
	assert_erp_error(resume_rc(store, token), ERP_EAUTH, NULL);
	assert_same_state(before, auth_state_of(store, tenant));
	assert_erp_error(erp_session_logout(store, token), ERP_EAUTH, NULL);
	erp_store_close(store);
	erp_test_url_drop(url);
}

void test_session__absolute_lifetime_ends_a_busy_session(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store *store = open_with(url, 60000, 700);
	char tenant[37], email[96], uid[37], token[44];
	make_user(store, tenant, email, uid, ERP_ROLE_READONLY);
	login(token, store, email, tenant);
	double t0 = now_s();
	int rc;
	while ((rc = resume_rc(store, token)) == ERP_OK && now_s() - t0 < 5)
		sleep_ms(50);
	double lived = now_s() - t0;
	assert_int_equal(rc, ERP_EAUTH);
	assert_true(lived >= 0.6 && lived < 2.0);
	/* a new login works */
	login(token, store, email, tenant);
	assert_erp_ok(resume_rc(store, token));
	erp_store_close(store);
	erp_test_url_drop(url);
}

void test_session__survives_a_restart(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store *store = open_with(url, 0, 0);
	char tenant[37], email[96], uid[37], token[44];
	make_user(store, tenant, email, uid, ERP_ROLE_ADMIN);
	login(token, store, email, tenant);
	erp_store_close(store);
	store = open_with(url, 0, 0);
	erp_ctx *ctx = NULL;
	assert_erp_ok(erp_session_resume(&ctx, store, token));
	assert_string_equal(erp_ctx_user(ctx), uid);
	assert_int_equal(erp_ctx_role(ctx), ERP_ROLE_ADMIN);
	erp_ctx_free(ctx);
	erp_store_close(store);
	erp_test_url_drop(url);
}

/* Two stores on one storage (and, in the redis run, one Redis): two servers. */
void test_session__two_stores_see_each_others_sessions_at_once(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store *a = open_with(url, 0, 0);
	erp_store *b = open_with(url, 0, 0);
	char tenant[37], email[96], uid[37], t1[44], t2[44], t3[44];
	make_user(a, tenant, email, uid, ERP_ROLE_READWRITE);
	login(t1, a, email, tenant);
	login(t2, a, email, tenant);
	login(t3, a, email, tenant);
	/* warm both stores' caches */
	for (int i = 0; i < 3; i++) {
		assert_erp_ok(resume_rc(a, t1));
		assert_erp_ok(resume_rc(b, t1));
		assert_erp_ok(resume_rc(b, t2));
	}
	/* logout on b: a refuses at once */
	assert_erp_ok(erp_session_logout(b, t1));
	assert_erp_error(resume_rc(a, t1), ERP_EAUTH, NULL);

	/* a role change on b: a sees the new role at once */
	erp_ctx *admin_b = erp_test_ctx(b, tenant, ERP_ROLE_ADMIN);
	assert_erp_ok(erp_user_set_role(admin_b, uid, ERP_ROLE_READONLY));
	erp_ctx *ctx = NULL;
	assert_erp_ok(erp_session_resume(&ctx, a, t2));
	assert_int_equal(erp_ctx_role(ctx), ERP_ROLE_READONLY);
	erp_ctx_free(ctx);

	/* disabling on b: every session stops on a at once */
	assert_erp_ok(erp_user_set_disabled(admin_b, uid, 1));
	assert_erp_error(resume_rc(a, t2), ERP_EAUTH, NULL);
	assert_erp_error(resume_rc(a, t3), ERP_EAUTH, NULL);
	assert_erp_error(resume_rc(b, t3), ERP_EAUTH, NULL);
	/* and they stay ended when the membership is enabled again */
	assert_erp_ok(erp_user_set_disabled(admin_b, uid, 0));
	assert_erp_error(resume_rc(a, t2), ERP_EAUTH, NULL);
	login(t1, b, email, tenant);
	assert_erp_ok(resume_rc(a, t1));

	/* revoking every session of the user on a: b refuses at once */
	login(t2, b, email, tenant);
	assert_erp_ok(resume_rc(b, t1));
	assert_erp_ok(resume_rc(b, t2));
	erp_ctx *admin_a = erp_test_ctx(a, tenant, ERP_ROLE_ADMIN);
	int64_t n = 0;
	assert_erp_ok(erp_session_revoke_user(&n, admin_a, uid));
	assert_int_equal(n, 2);
	assert_erp_error(resume_rc(b, t1), ERP_EAUTH, NULL);
	assert_erp_error(resume_rc(b, t2), ERP_EAUTH, NULL);
	erp_ctx_free(admin_a);
	erp_ctx_free(admin_b);
	erp_store_close(a);
	erp_store_close(b);
	erp_test_url_drop(url);
}

void test_session__revoke_ends_one_tenant_only(void **state)
{
	erp_conformance_fixture *f = *state;
	char t1[37], t2[37], email[96], uid[37], a[44], b[44];
	make_user(f->store, t1, email, uid, ERP_ROLE_READWRITE);
	erp_test_tenant(t2, f->store);
	erp_ctx *sys2 = erp_test_ctx(f->store, t2, ERP_ROLE_ADMIN);
	erp_buf invitation = ERP_BUF_INIT;
	assert_erp_ok(erp_invitation_create(&invitation, NULL, sys2, email, ERP_ROLE_READONLY, 0));
	assert_erp_ok(erp_invitation_accept_password(NULL, NULL, f->store, invitation.ptr, NULL, PASSWORD));
	erp_buf_dispose(&invitation);
	login(a, f->store, email, t1);
	login(b, f->store, email, t2);
	erp_ctx *ctx = NULL;
	assert_erp_ok(erp_session_resume(&ctx, f->store, b));
	assert_int_equal(erp_ctx_role(ctx), ERP_ROLE_READONLY);
	/* a readonly user may end their own sessions, not another's */
	int64_t n = -1;
	assert_erp_error(erp_session_revoke_user(&n, ctx, "01890000-0000-7000-8000-000000000000"), ERP_EPERM, NULL);
	assert_int_equal(n, 0);
	assert_erp_ok(erp_session_revoke_user(&n, ctx, uid));
	assert_int_equal(n, 1);
	erp_ctx_free(ctx);
	assert_erp_error(resume_rc(f->store, b), ERP_EAUTH, NULL);
	assert_erp_ok(resume_rc(f->store, a));
	erp_ctx_free(sys2);
}

/* A user outside the context's tenant is not found, as by every user call: nothing is said or ended. */
void test_session__revoke_and_list_of_a_non_member_are_not_found(void **state)
{
	erp_conformance_fixture *f = *state;
	char t1[37], t2[37], e1[96], e2[96], u1[37], u2[37], b[44];
	make_user(f->store, t1, e1, u1, ERP_ROLE_READWRITE);
	make_user(f->store, t2, e2, u2, ERP_ROLE_READWRITE);
	login(b, f->store, e2, t2);
	erp_ctx *admin1 = erp_test_ctx(f->store, t1, ERP_ROLE_ADMIN);
	const char *strangers[] = { u2, "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff" };
	for (size_t i = 0; i < sizeof strangers / sizeof strangers[0]; i++) {
		int64_t n = -1;
		assert_erp_error(erp_session_revoke_user(&n, admin1, strangers[i]), ERP_ENOTFOUND, "user_id");
		assert_int_equal(n, 0);
		erp_buf out = ERP_BUF_INIT;
		assert_erp_error(erp_session_list(&out, admin1, strangers[i]), ERP_ENOTFOUND, "user_id");
		assert_null(out.ptr);
	}
	/* the other tenant's session lives on */
	assert_erp_ok(resume_rc(f->store, b));
	int64_t n = -1;
	assert_erp_ok(erp_session_revoke_user(&n, admin1, u1));
	assert_int_equal(n, 0);
	erp_ctx_free(admin1);
}

void test_session__throttles_failed_logins(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store_options opts = erp_test_store_options();
	opts.login_max_failures = 3;
	opts.login_max_client_failures = 5;
	opts.login_window_ms = 1500;
	erp_store *store = NULL;
	assert_erp_ok(erp_store_open(&store, url, &opts));
	char tenant[37], email[96], uid[37];
	make_user(store, tenant, email, uid, ERP_ROLE_READONLY);
	erp_buf t = ERP_BUF_INIT;
	for (int i = 0; i < 3; i++)
		assert_erp_error(erp_session_login(&t, NULL, store, email, "wrong password", tenant, "10.0.0.1"), ERP_EAUTH, NULL);
	auth_state before = auth_state_of(store, tenant);
	/* even the right password is refused now, before it is checked */
	assert_erp_error(erp_session_login(&t, NULL, store, email, PASSWORD, tenant, "10.0.0.2"), ERP_ELIMIT, "email");
	int64_t retry = erp_error_last()->retry_after_ms;
	assert_true(retry > 0 && retry <= 1500);
	assert_int_equal(t.size, 0);
	assert_same_state(before, auth_state_of(store, tenant));
	/* per client: five failures on other emails from one client */
	for (int i = 0; i < 2; i++)
		assert_erp_error(erp_session_login(&t, NULL, store, "x1@example.com", "wrong password", tenant, "10.0.0.1"),
		                 ERP_EAUTH, NULL);
	assert_erp_error(erp_session_login(&t, NULL, store, "x2@example.com", "wrong password", tenant, "10.0.0.1"),
	                 ERP_ELIMIT, "client_key");
	/* another client is not held back by it */
	assert_erp_error(erp_session_login(&t, NULL, store, "x2@example.com", "wrong password", tenant, "10.0.0.3"), ERP_EAUTH,
	                 NULL);
	/* once the window moves on, the right password works and clears the count */
	sleep_ms((int)retry + 50);
	assert_erp_ok(erp_session_login(&t, NULL, store, email, PASSWORD, tenant, "10.0.0.2"));
	erp_buf_dispose(&t);
	erp_store_close(store);
	erp_test_url_drop(url);
}

typedef struct {
	erp_store *store;
	const char *key;
	int allowed;
} rate_job;

static void *rate_thread(void *arg)
{
	rate_job *job = arg;
	for (int i = 0; i < 50; i++) {
		erp_rate_result r;
		if (erp_rate_limit(&r, job->store, job->key, 100, 60000) == ERP_OK && r.allowed)
			job->allowed++;
	}
	return NULL;
}

void test_session__rate_limit_is_exact_across_threads(void **state)
{
	erp_conformance_fixture *f = *state;
	char key[64], u[16];
	erp_test_unique(u);
	snprintf(key, sizeof key, "ip:%s", u);
	rate_job jobs[8];
	pthread_t th[8];
	for (int i = 0; i < 8; i++) {
		jobs[i] = (rate_job){ f->store, key, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, rate_thread, &jobs[i]), 0);
	}
	int allowed = 0;
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		allowed += jobs[i].allowed;
	}
	assert_int_equal(allowed, 100);
	erp_rate_result r;
	assert_erp_ok(erp_rate_limit(&r, f->store, key, 100, 60000));
	assert_false(r.allowed);
	assert_int_equal(r.count, 401);
	assert_int_equal(r.remaining, 0);
	assert_true(r.retry_after_ms > 0 && r.retry_after_ms <= 60000);
	assert_false(r.degraded);

	/* a short window refuses, then opens again */
	snprintf(key, sizeof key, "tok:%s", u);
	int refused = 0;
	for (int i = 0; i < 10 && !refused; i++) {
		assert_erp_ok(erp_rate_limit(&r, f->store, key, 3, 300));
		refused = !r.allowed;
	}
	assert_true(refused);
	assert_true(r.retry_after_ms > 0 && r.retry_after_ms <= 300);
	sleep_ms((int)r.retry_after_ms + 10);
	assert_erp_ok(erp_rate_limit(&r, f->store, key, 3, 300));
	assert_true(r.allowed);
	assert_erp_error(erp_rate_limit(&r, f->store, "", 3, 300), ERP_EINVALID, "key");
	assert_erp_error(erp_rate_limit(&r, f->store, key, 0, 300), ERP_EINVALID, "limit");
	assert_erp_error(erp_rate_limit(&r, f->store, key, 3, 0), ERP_EINVALID, "window_ms");
	assert_erp_error(erp_rate_limit(&r, f->store, key, 3, (int64_t)2 * 86400000), ERP_EINVALID, "window_ms");
}

void test_session__health_reports_storage_and_cache(void **state)
{
	erp_conformance_fixture *f = *state;
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_store_health(&out, f->store));
	json_t *h = erp_test_json(out.ptr);
	assert_string_equal(json_string_value(json_object_get(h, "status")), "ok");
	json_t *storage = json_object_get(h, "storage"), *cache = json_object_get(h, "cache");
	assert_string_equal(json_string_value(json_object_get(storage, "backend")), erp_test_backend_name());
	assert_true(json_is_true(json_object_get(storage, "ok")));
	assert_string_equal(json_string_value(json_object_get(cache, "backend")), erp_test_cache_name());
	assert_true(json_is_true(json_object_get(cache, "ok")));
	assert_int_equal(json_is_true(json_object_get(cache, "shared")), strcmp(erp_test_cache_name(), "redis") == 0);
	json_decref(h);
	erp_buf_dispose(&out);
	assert_erp_ok(erp_store_health(NULL, f->store));
	assert_erp_error(erp_store_health(&out, NULL), ERP_EINVALID, "store");
}

/*
 * Redis killed in the middle: every call keeps succeeding from storage,
 * health says degraded, and once Redis is back the cache is used again.
 */
void test_session__redis_killed_mid_test_calls_keep_working(void **state)
{
	(void)state;
	erp_test_redis r;
	if (erp_test_redis_start(&r) != 0)
		skip();
	char *url = erp_test_url_fresh();
	erp_store_options opts = erp_test_store_options();
	opts.cache_url = r.url;
	erp_store *store = NULL;
	assert_erp_ok(erp_store_open(&store, url, &opts));
	char tenant[37], email[96], uid[37], token[44], token2[44];
	make_user(store, tenant, email, uid, ERP_ROLE_READWRITE);
	login(token, store, email, tenant);
	assert_erp_ok(resume_rc(store, token));

	erp_test_redis_kill(&r);
	erp_ctx *ctx = NULL;
	assert_erp_ok(erp_session_resume(&ctx, store, token));
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_entity_create(&out, ctx, "core.partner", "{\"name\":\"while Redis is down\"}"));
	erp_buf_dispose(&out);
	erp_ctx_free(ctx);
	login(token2, store, email, tenant);
	assert_erp_ok(resume_rc(store, token2));
	assert_erp_ok(erp_session_logout(store, token2));
	assert_erp_error(resume_rc(store, token2), ERP_EAUTH, NULL);
	erp_rate_result rl;
	assert_erp_ok(erp_rate_limit(&rl, store, "ip:down", 1, 1000));
	assert_true(rl.allowed && rl.degraded);
	assert_erp_ok(erp_store_health(&out, store));
	json_t *h = erp_test_json(out.ptr);
	assert_string_equal(json_string_value(json_object_get(h, "status")), "degraded");
	assert_false(json_is_true(json_object_get(json_object_get(h, "cache"), "ok")));
	json_decref(h);
	erp_buf_dispose(&out);

	/* back: the cache is used again (health ok within a few seconds) */
	assert_int_equal(erp_test_redis_restart(&r), 0);
	int ok = 0;
	for (int i = 0; i < 100 && !ok; i++) {
		assert_erp_ok(erp_store_health(&out, store));
		h = erp_test_json(out.ptr);
		ok = strcmp(json_string_value(json_object_get(h, "status")), "ok") == 0;
		json_decref(h);
		erp_buf_dispose(&out);
		if (!ok)
			sleep_ms(100);
	}
	assert_true(ok);
	assert_erp_ok(resume_rc(store, token));
	assert_erp_ok(erp_rate_limit(&rl, store, "ip:up", 1, 60000));
	assert_true(rl.allowed && !rl.degraded);
	erp_store_close(store);
	erp_test_url_drop(url);
	erp_test_redis_stop(&r);
}

typedef struct {
	erp_store *store;
	const char *token;
	volatile int *revoked; /* set once the revocation returned */
	int after_revoke_ok;  /* resumes that succeeded after it: must stay 0 */
} resume_race;

static void *resume_thread(void *arg)
{
	resume_race *job = arg;
	for (int i = 0; i < 200; i++) {
		int seen = __atomic_load_n(job->revoked, __ATOMIC_ACQUIRE);
		int rc = resume_rc(job->store, job->token);
		if (seen && rc == ERP_OK)
			job->after_revoke_ok++;
	}
	return NULL;
}

/* No resume that starts after a revocation returned may succeed, even racing refills of the cache. */
void test_session__revocation_wins_against_concurrent_resumes(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37], email[96], uid[37], token[44];
	make_user(f->store, tenant, email, uid, ERP_ROLE_READWRITE);
	login(token, f->store, email, tenant);
	volatile int revoked = 0;
	resume_race jobs[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (resume_race){ f->store, token, &revoked, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, resume_thread, &jobs[i]), 0);
	}
	sleep_ms(20);
	erp_ctx *admin = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	assert_erp_ok(erp_session_revoke_user(NULL, admin, uid));
	__atomic_store_n(&revoked, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(jobs[i].after_revoke_ok, 0);
	}
	assert_erp_error(resume_rc(f->store, token), ERP_EAUTH, NULL);
	erp_ctx_free(admin);
}

typedef struct {
	erp_store *store;
	const char *token;
	double until;
	int resumes, refused;
} resume_storm;

static void *resume_storm_thread(void *arg)
{
	resume_storm *job = arg;
	while (now_s() < job->until) {
		job->resumes++;
		if (resume_rc(job->store, job->token) != ERP_OK)
			job->refused++;
	}
	return NULL;
}

/*
 * A live session is never refused because another request of the same
 * token touched it first: 8 threads resume one token for 2 s with a short
 * idle timeout (so touches are due every 100 ms and often race).
 */
void test_session__concurrent_resumes_of_a_live_session_all_succeed(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store *store = open_with(url, 1000, 600000);
	char tenant[37], email[96], uid[37], token[44];
	make_user(store, tenant, email, uid, ERP_ROLE_READONLY);
	login(token, store, email, tenant);
	resume_storm jobs[8];
	pthread_t th[8];
	double until = now_s() + 2.0;
	for (int i = 0; i < 8; i++) {
		jobs[i] = (resume_storm){ store, token, until, 0, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, resume_storm_thread, &jobs[i]), 0);
	}
	int resumes = 0, refused = 0;
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		resumes += jobs[i].resumes;
		refused += jobs[i].refused;
	}
	printf("# %d concurrent resumes, %d refused\n", resumes, refused);
	assert_true(resumes > 0);
	assert_int_equal(refused, 0);
	/* still one session, still live */
	assert_erp_ok(resume_rc(store, token));
	erp_store_close(store);
	erp_test_url_drop(url);
}

ERP_CONFORMANCE_GROUP(310, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
