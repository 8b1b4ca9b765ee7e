/*
 * Users and memberships (erp/user.h): joining by invitation, roles, disabling,
 * removing, passwords; every bad input refused naming its field with
 * nothing written; isolation between tenants; the last admin kept; the
 * audit trail; password hashes never shown.
 */
#include "auth/auth_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "correct horse battery"


/* A new user, member of the admin's tenant: invited, and accepting with a password. */
static void create(char id[37], erp_store *store, erp_ctx *admin, const char *email, int role)
{
	erp_buf out = ERP_BUF_INIT, token = ERP_BUF_INIT;
	assert_erp_ok(erp_invitation_create(&token, NULL, admin, email, role, 0));
	assert_erp_ok(erp_invitation_accept_password(NULL, &out, store, token.ptr, "Some One", PASSWORD));
	snprintf(id, 37, "%s", out.ptr);
	erp_buf_dispose(&out);
	erp_buf_dispose(&token);
}

/* An existing user joins the admin's tenant: invited, and accepting as themself. */
static void join(erp_store *store, erp_ctx *admin, const char *user_id, const char *email, int role)
{
	erp_buf token = ERP_BUF_INIT;
	assert_erp_ok(erp_invitation_create(&token, NULL, admin, email, role, 0));
	erp_ctx *me = NULL;
	assert_erp_ok(erp_ctx_new(&me, store, erp_ctx_tenant(admin), user_id, ERP_ROLE_READONLY));
	assert_erp_ok(erp_invitation_accept(NULL, me, token.ptr));
	erp_ctx_free(me);
	erp_buf_dispose(&token);
}

static json_t *get(erp_ctx *ctx, const char *id)
{
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_user_get(&out, ctx, id));
	assert_null(strstr(out.ptr, "argon2"));
	json_t *j = erp_test_json(out.ptr);
	erp_buf_dispose(&out);
	return j;
}

static int login_rc(erp_store *store, const char *email, const char *password, const char *tenant)
{
	erp_buf t = ERP_BUF_INIT;
	int rc = erp_session_login(&t, NULL, store, email, password, tenant, NULL);
	erp_buf_dispose(&t);
	return rc;
}

void test_user__create_get_list(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37], email[96], id[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *admin = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	erp_test_unique_email(email, "Ann.Upper");
	create(id, f->store, admin, email, ERP_ROLE_READWRITE);
	json_t *u = get(admin, id);
	char lower[96];
	for (size_t i = 0; i <= strlen(email); i++)
		lower[i] = (char)((email[i] >= 'A' && email[i] <= 'Z') ? email[i] + 32 : email[i]);
	assert_string_equal(json_string_value(json_object_get(u, "email")), lower);
	assert_string_equal(json_string_value(json_object_get(u, "display_name")), "Some One");
	assert_string_equal(json_string_value(json_object_get(u, "role")), "readwrite");
	assert_false(json_is_true(json_object_get(u, "disabled")));
	assert_int_equal(json_integer_value(json_object_get(u, "version")), 1);
	assert_null(json_object_get(u, "password_hash"));
	json_decref(u);
	/* a readonly member may read users too */
	erp_ctx *ro = erp_test_ctx(f->store, tenant, ERP_ROLE_READONLY);
	erp_buf out = ERP_BUF_INIT;
	char second[37], email2[96];
	erp_test_unique_email(email2, "bob");
	create(second, f->store, admin, email2, ERP_ROLE_ADMIN);
	assert_erp_ok(erp_user_list(&out, ro));
	assert_null(strstr(out.ptr, "argon2"));
	json_t *l = erp_test_json(out.ptr);
	assert_int_equal(json_array_size(l), 2);
	/* by email */
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 0), "id")), id);
	json_decref(l);
	erp_buf_dispose(&out);
	/* the new user logs in with the email in any case */
	assert_erp_ok(login_rc(f->store, lower, PASSWORD, tenant));
	assert_erp_ok(login_rc(f->store, email, PASSWORD, tenant));
	/* audited */
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM {system.audit_log} WHERE entity = 'auth.user' AND entity_id = '%s' AND action = 'create'", id);
	assert_int_equal(erp_test_scalar(f->store, tenant, sql), 1);
	assert_erp_error(erp_user_get(&out, ro, "01890000-0000-7000-8000-000000000000"), ERP_ENOTFOUND, "user_id");
	assert_erp_error(erp_user_get(&out, ro, "not a uuid"), ERP_EINVALID, "user_id");
	erp_ctx_free(ro);
	erp_ctx_free(admin);
}

void test_user__bad_input_names_the_field_and_writes_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37], email[96], id[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *admin = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	erp_test_unique_email(email, "taken");
	create(id, f->store, admin, email, ERP_ROLE_READONLY);
	char upper[96];
	for (size_t i = 0; i <= strlen(email); i++)
		upper[i] = (char)((email[i] >= 'a' && email[i] <= 'z') ? email[i] - 32 : email[i]);
	char long_name[300], long_password[1100];
	memset(long_name, 'n', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	memset(long_password, 'p', sizeof long_password - 1);
	long_password[sizeof long_password - 1] = '\0';

	erp_test_auth_rows before = erp_test_auth_rows_of(f->store);
	erp_buf out = ERP_BUF_INIT;
	struct {
		const char *email, *name, *password;
		int role, code;
		const char *field;
	} cases[] = {
		{ NULL, "x", PASSWORD, 1, ERP_EINVALID, "email" },
		{ "no-at-sign", "x", PASSWORD, 1, ERP_EINVALID, "email" },
		{ "two@@example.com", "x", PASSWORD, 1, ERP_EINVALID, "email" },
		{ "@example.com", "x", PASSWORD, 1, ERP_EINVALID, "email" },
		{ "a b@example.com", "x", PASSWORD, 1, ERP_EINVALID, "email" },
		{ "ok@example.com", "x", PASSWORD, 0, ERP_EINVALID, "role" },
		{ "ok@example.com", "x", PASSWORD, 4, ERP_EINVALID, "role" },
		{ email, "x", PASSWORD, 1, ERP_EEXISTS, "email" }, /* a member of this tenant already */
		{ upper, "x", PASSWORD, 1, ERP_EEXISTS, "email" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_erp_error(erp_invitation_create(&out, NULL, admin, cases[i].email, cases[i].role, 0), cases[i].code,
		                 cases[i].field);
		assert_int_equal(out.size, 0);
	}
	assert_erp_error(erp_invitation_create(&out, NULL, admin, "ok@example.com", 1, -1), ERP_EINVALID, "ttl_seconds");
	assert_erp_error(erp_invitation_create(&out, NULL, admin, "ok@example.com", 1, ERP_INVITATION_TTL_MAX + 1),
	                 ERP_EINVALID, "ttl_seconds");
	assert_erp_error(erp_invitation_create(NULL, NULL, admin, "ok@example.com", 1, 0), ERP_EINVALID, "out_token");
	/* a new user's display name and password are checked on acceptance, before the token is spent */
	erp_buf token = ERP_BUF_INIT;
	char fresh[96];
	erp_test_unique_email(fresh, "fresh");
	assert_erp_ok(erp_invitation_create(&token, NULL, admin, fresh, 1, 0));
	before = erp_test_auth_rows_of(f->store);
	const char *bad[][3] = { { long_name, PASSWORD, "display_name" }, { "tab\there", PASSWORD, "display_name" },
		                 { "x", "short", "password" },            { "x", long_password, "password" },
		                 { "x", NULL, "password" },               { "x", "bad\001password", "password" } };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_erp_error(erp_invitation_accept_password(NULL, &out, f->store, token.ptr, bad[i][0], bad[i][1]),
		                 ERP_EINVALID, bad[i][2]);
	assert_int_equal(out.size, 0);
	assert_erp_ok(erp_invitation_accept_password(NULL, NULL, f->store, token.ptr, "x", PASSWORD)); /* still pending */
	erp_buf_dispose(&token);
	before = erp_test_auth_rows_of(f->store);
	assert_erp_error(erp_user_set_role(admin, "nope", 1), ERP_EINVALID, "user_id");
	assert_erp_error(erp_user_set_role(admin, id, 9), ERP_EINVALID, "role");
	assert_erp_error(erp_user_set_role(admin, "01890000-0000-7000-8000-000000000000", 1), ERP_ENOTFOUND, "user_id");
	assert_erp_error(erp_user_set_disabled(admin, NULL, 1), ERP_EINVALID, "user_id");
	assert_erp_error(erp_user_remove(admin, "01890000-0000-7000-8000-000000000000"), ERP_ENOTFOUND, "user_id");
	assert_erp_error(erp_user_set_password(admin, id, "short"), ERP_EINVALID, "password");
	erp_test_assert_auth_unchanged(f->store, before);
	erp_ctx_free(admin);
}

void test_user__tenants_do_not_see_each_others_members(void **state)
{
	erp_conformance_fixture *f = *state;
	char ta[37], tb[37], email[96], id[37];
	erp_test_tenant(ta, f->store);
	erp_test_tenant(tb, f->store);
	erp_ctx *a = erp_test_ctx(f->store, ta, ERP_ROLE_ADMIN);
	erp_ctx *b = erp_test_ctx(f->store, tb, ERP_ROLE_ADMIN);
	erp_test_unique_email(email, "only.a");
	create(id, f->store, a, email, ERP_ROLE_READWRITE);
	erp_test_auth_rows before = erp_test_auth_rows_of(f->store);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_error(erp_user_get(&out, b, id), ERP_ENOTFOUND, "user_id");
	assert_erp_error(erp_user_set_role(b, id, ERP_ROLE_ADMIN), ERP_ENOTFOUND, "user_id");
	assert_erp_error(erp_user_set_disabled(b, id, 1), ERP_ENOTFOUND, "user_id");
	assert_erp_error(erp_user_remove(b, id), ERP_ENOTFOUND, "user_id");
	assert_erp_error(erp_user_set_password(b, id, "taken over password"), ERP_ENOTFOUND, "user_id");
	assert_erp_ok(erp_user_list(&out, b));
	assert_string_equal(out.ptr, "[]");
	erp_buf_dispose(&out);
	erp_test_assert_auth_unchanged(f->store, before);
	/* b may invite the user's email; once they accept, each tenant has its own role */
	join(f->store, b, id, email, ERP_ROLE_READONLY);
	json_t *ua = get(a, id), *ub = get(b, id);
	assert_string_equal(json_string_value(json_object_get(ua, "role")), "readwrite");
	assert_string_equal(json_string_value(json_object_get(ub, "role")), "readonly");
	json_decref(ua);
	json_decref(ub);
	/* and now b may not reset the password of a user a shares */
	before = erp_test_auth_rows_of(f->store);
	assert_erp_error(erp_user_set_password(b, id, "taken over password"), ERP_EPERM, "user_id");
	erp_test_assert_auth_unchanged(f->store, before);
	assert_erp_ok(login_rc(f->store, email, PASSWORD, ta));
	erp_ctx_free(a);
	erp_ctx_free(b);
}

void test_user__role_disable_remove(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37], email[96], id[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *admin = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	erp_test_unique_email(email, "changes");
	create(id, f->store, admin, email, ERP_ROLE_READONLY);

	assert_erp_ok(erp_user_set_role(admin, id, ERP_ROLE_READWRITE));
	erp_buf t = ERP_BUF_INIT;
	erp_ctx *ctx = NULL;
	assert_erp_ok(erp_session_login(&t, &ctx, f->store, email, PASSWORD, tenant, NULL));
	assert_int_equal(erp_ctx_role(ctx), ERP_ROLE_READWRITE);
	erp_ctx_free(ctx);
	json_t *u = get(admin, id);
	assert_int_equal(json_integer_value(json_object_get(u, "version")), 2);
	json_decref(u);

	/* disabled: sessions end, login refused; enabled again: login works */
	assert_erp_ok(erp_user_set_disabled(admin, id, 1));
	assert_erp_error(erp_session_resume(&ctx, f->store, t.ptr), ERP_EAUTH, NULL);
	assert_erp_error(login_rc(f->store, email, PASSWORD, tenant), ERP_EAUTH, NULL);
	u = get(admin, id);
	assert_true(json_is_true(json_object_get(u, "disabled")));
	json_decref(u);
	assert_erp_ok(erp_user_set_disabled(admin, id, 0));
	assert_erp_ok(login_rc(f->store, email, PASSWORD, tenant));
	erp_buf_dispose(&t);

	/* removed: no longer a member; the user stays in the store */
	assert_erp_ok(erp_session_login(&t, NULL, f->store, email, PASSWORD, tenant, NULL));
	assert_erp_ok(erp_user_remove(admin, id));
	assert_erp_error(erp_session_resume(&ctx, f->store, t.ptr), ERP_EAUTH, NULL);
	erp_buf_dispose(&t);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_error(erp_user_get(&out, admin, id), ERP_ENOTFOUND, "user_id");
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM {auth.users} WHERE id = '%s'", id);
	assert_int_equal(erp_test_scalar(f->store, NULL, sql), 1);
	/* each change is in the audit log with before and after */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM {system.audit_log} WHERE entity = 'auth.user' AND entity_id = '%s' AND action IN ('update', 'delete') "
	         "AND before IS NOT NULL",
	         id);
	assert_int_equal(erp_test_scalar(f->store, tenant, sql), 4);
	/* and can come back, invited again */
	join(f->store, admin, id, email, ERP_ROLE_READONLY);
	assert_erp_ok(login_rc(f->store, email, PASSWORD, tenant));
	erp_ctx_free(admin);
}

void test_user__the_last_active_admin_stays(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37], e1[96], e2[96], a1[37], a2[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *sys = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	erp_test_unique_email(e1, "admin1");
	erp_test_unique_email(e2, "admin2");
	create(a1, f->store, sys, e1, ERP_ROLE_ADMIN);
	erp_test_auth_rows before = erp_test_auth_rows_of(f->store);
	assert_erp_error(erp_user_set_role(sys, a1, ERP_ROLE_READWRITE), ERP_EPERM, "user_id");
	assert_erp_error(erp_user_set_disabled(sys, a1, 1), ERP_EPERM, "user_id");
	assert_erp_error(erp_user_remove(sys, a1), ERP_EPERM, "user_id");
	erp_test_assert_auth_unchanged(f->store, before);
	/* with a second admin, the first may go */
	create(a2, f->store, sys, e2, ERP_ROLE_ADMIN);
	assert_erp_ok(erp_user_set_disabled(sys, a2, 1));
	assert_erp_error(erp_user_set_role(sys, a1, ERP_ROLE_READONLY), ERP_EPERM, "user_id"); /* a2 is disabled */
	assert_erp_ok(erp_user_set_disabled(sys, a2, 0));
	assert_erp_ok(erp_user_set_role(sys, a1, ERP_ROLE_READONLY));
	assert_erp_error(erp_user_remove(sys, a2), ERP_EPERM, "user_id");
	/* setting an admin's role to admin again is no demotion */
	assert_erp_ok(erp_user_set_role(sys, a2, ERP_ROLE_ADMIN));
	erp_ctx_free(sys);
}

void test_user__passwords(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37], email[96], id[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *admin = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	erp_test_unique_email(email, "pw");
	create(id, f->store, admin, email, ERP_ROLE_READWRITE);

	/* two sessions; the user changes the password from the first */
	erp_buf t1 = ERP_BUF_INIT, t2 = ERP_BUF_INIT;
	erp_ctx *me = NULL, *ctx = NULL;
	assert_erp_ok(erp_session_login(&t1, &me, f->store, email, PASSWORD, tenant, NULL));
	assert_erp_ok(erp_session_login(&t2, NULL, f->store, email, PASSWORD, tenant, NULL));
	erp_test_auth_rows before = erp_test_auth_rows_of(f->store);
	assert_erp_error(erp_user_change_password(me, "not the password", "the new password"), ERP_EAUTH, "old_password");
	assert_erp_error(erp_user_change_password(me, PASSWORD, "short"), ERP_EINVALID, "new_password");
	erp_test_assert_auth_unchanged(f->store, before);
	assert_erp_ok(erp_user_change_password(me, PASSWORD, "the new password"));
	assert_erp_ok(erp_session_resume(&ctx, f->store, t1.ptr)); /* the session it was done from stays */
	erp_ctx_free(ctx);
	assert_erp_error(erp_session_resume(&ctx, f->store, t2.ptr), ERP_EAUTH, NULL);
	assert_erp_error(login_rc(f->store, email, PASSWORD, tenant), ERP_EAUTH, NULL);
	assert_erp_ok(login_rc(f->store, email, "the new password", tenant));

	/* an admin reset ends every session */
	assert_erp_ok(erp_user_set_password(admin, id, "reset by the admin"));
	assert_erp_error(erp_session_resume(&ctx, f->store, t1.ptr), ERP_EAUTH, NULL);
	assert_erp_ok(login_rc(f->store, email, "reset by the admin", tenant));
	/* a context that is not a user of the store has no password to change */
	assert_erp_error(erp_user_change_password(admin, PASSWORD, "the new password"), ERP_ENOTFOUND, "user_id");
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM {system.audit_log} WHERE entity = 'auth.user' AND entity_id = '%s' AND CAST(after AS TEXT) LIKE '%%password%%'", id);
	assert_int_equal(erp_test_scalar(f->store, tenant, sql), 2);
	erp_buf_dispose(&t1);
	erp_buf_dispose(&t2);
	erp_ctx_free(me);
	erp_ctx_free(admin);
}

/* A password hashed at an old cost is rehashed at the store's cost on the next login. */
void test_user__login_rehashes_an_old_cost(void **state)
{
	(void)state;
	char *url = erp_test_url_fresh();
	erp_store_options opts = erp_test_store_options();
	erp_store *store = NULL;
	assert_erp_ok(erp_store_open(&store, url, &opts));
	char tenant[37], email[96], id[37];
	erp_test_tenant(tenant, store);
	erp_ctx *admin = erp_test_ctx(store, tenant, ERP_ROLE_ADMIN);
	erp_test_unique_email(email, "rehash");
	create(id, store, admin, email, ERP_ROLE_READONLY);
	erp_ctx_free(admin);
	erp_store_close(store);
	opts.password_ops_limit = 2;
	assert_erp_ok(erp_store_open(&store, url, &opts));
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM {auth.users} WHERE id = '%s' AND password_hash LIKE '%%t=1,%%'", id);
	assert_int_equal(erp_test_scalar(store, NULL, sql), 1);
	assert_erp_ok(login_rc(store, email, PASSWORD, tenant));
	snprintf(sql, sizeof sql, "SELECT count(*) FROM {auth.users} WHERE id = '%s' AND password_hash LIKE '%%t=2,%%'", id);
	assert_int_equal(erp_test_scalar(store, NULL, sql), 1);
	assert_erp_ok(login_rc(store, email, PASSWORD, tenant));
	erp_store_close(store);
	erp_test_url_drop(url);
}

/* PostgreSQL: inside a tenant transaction the erp_* roles cannot read a password hash. */
void test_user__pg_password_hashes_are_not_readable_by_tenant_roles(void **state)
{
	erp_conformance_fixture *f = *state;
	if (!erp_test_backend_is("postgresql"))
		skip();
	char tenant[37], email[96], id[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *admin = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	erp_test_unique_email(email, "hidden");
	create(id, f->store, admin, email, ERP_ROLE_READONLY);
	erp_ctx_free(admin);
	assert_int_not_equal(erp_test_exec(f->store, tenant, "SELECT password_hash FROM {auth.users}"), ERP_OK);
	assert_int_not_equal(erp_test_exec(f->store, tenant, "SELECT key FROM {auth.login_failures}"), ERP_OK);
}

static int64_t tenant_count(erp_store *store)
{
	return erp_test_scalar(store, NULL, "SELECT count(*) FROM {auth.tenants}");
}

void test_user__tenant_with_its_first_admin_is_made_whole_or_not_at_all(void **state)
{
	erp_conformance_fixture *f = *state;
	char name[64], email[96], u[16];
	erp_test_unique(u);
	snprintf(name, sizeof name, "Signup %s", u);
	erp_test_unique_email(email, "founder");
	erp_buf tenant = ERP_BUF_INIT, user = ERP_BUF_INIT;
	assert_erp_ok(erp_tenant_create_with_admin(&tenant, &user, f->store, name, "EUR", email, "Founder", PASSWORD));
	/* the founder is the tenant's admin and logs in to it */
	erp_ctx *admin = erp_test_ctx(f->store, tenant.ptr, ERP_ROLE_ADMIN);
	json_t *j = get(admin, user.ptr);
	assert_string_equal(json_string_value(json_object_get(j, "role")), "admin");
	assert_string_equal(json_string_value(json_object_get(j, "display_name")), "Founder");
	json_decref(j);
	erp_ctx_free(admin);
	assert_erp_ok(login_rc(f->store, email, PASSWORD, tenant.ptr));

	/* refused: nothing at all is written, neither tenant nor user */
	char other_name[64], other_email[96];
	snprintf(other_name, sizeof other_name, "Signup other %s", u);
	erp_test_unique_email(other_email, "second");
	erp_test_auth_rows before = erp_test_auth_rows_of(f->store);
	int64_t tenants = tenant_count(f->store);
	erp_buf out = ERP_BUF_INIT, out_user = ERP_BUF_INIT;
	struct {
		const char *name, *currency, *email, *display_name, *password;
		int code;
		const char *field;
	} cases[] = {
		{ other_name, "EUR", email, "x", PASSWORD, ERP_EEXISTS, "email" },       /* the user exists */
		{ name, "EUR", other_email, "x", PASSWORD, ERP_EEXISTS, "name" },        /* the tenant exists */
		{ "", "EUR", other_email, "x", PASSWORD, ERP_EINVALID, "name" },
		{ other_name, "EURO", other_email, "x", PASSWORD, ERP_EINVALID, "base_currency" },
		{ other_name, NULL, other_email, "x", PASSWORD, ERP_EINVALID, "base_currency" },
		{ other_name, "EUR", "not-an-email", "x", PASSWORD, ERP_EINVALID, "email" },
		{ other_name, "EUR", other_email, "tab\there", PASSWORD, ERP_EINVALID, "display_name" },
		{ other_name, "EUR", other_email, "x", "short", ERP_EINVALID, "password" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_erp_error(erp_tenant_create_with_admin(&out, &out_user, f->store, cases[i].name, cases[i].currency,
		                                              cases[i].email, cases[i].display_name, cases[i].password),
		                 cases[i].code, cases[i].field);
		assert_int_equal(out.size, 0);
		assert_int_equal(out_user.size, 0);
	}
	assert_erp_error(erp_tenant_create_with_admin(NULL, NULL, f->store, other_name, "EUR", other_email, NULL, PASSWORD),
	                 ERP_EINVALID, "out_tenant_id");
	erp_test_assert_auth_unchanged(f->store, before);
	assert_int_equal(tenant_count(f->store), tenants);
	/* and the refused email is free for a later sign-up */
	assert_erp_ok(erp_tenant_create_with_admin(&out, NULL, f->store, other_name, "JPY", other_email, NULL, PASSWORD));
	assert_int_equal(tenant_count(f->store), tenants + 1);
	erp_buf_dispose(&out);
	erp_buf_dispose(&out_user);
	erp_buf_dispose(&tenant);
	erp_buf_dispose(&user);
}

ERP_CONFORMANCE_GROUP(320, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
