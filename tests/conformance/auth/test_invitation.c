/*
 * Invitations (erp/invitation.h): membership by consent. Inviting an email
 * that has an account elsewhere and one that has none answer alike and
 * show the inviter no account; accepting (logged in, or with a password)
 * makes the membership with the invited role; a token used twice,
 * expired, revoked, unknown or for another person is refused with
 * nothing written. And every call taking a user id answers ERP_ENOTFOUND
 * for someone outside the tenant (erp_session_revoke_user, erp_session_list).
 */
#include "auth/auth_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "correct horse battery"


/* Invites `email`; the token into token[44], the id into id[37] (either may be NULL). */
static void invite(char *token, char *id, erp_ctx *admin, const char *email, int role)
{
	erp_buf t = ERP_BUF_INIT, i = ERP_BUF_INIT;
	assert_erp_ok(erp_invitation_create(&t, &i, admin, email, role, 0));
	assert_int_equal(t.size, ERP_INVITATION_TOKEN_LEN);
	assert_int_equal(i.size, 36);
	if (token)
		memcpy(token, t.ptr, ERP_INVITATION_TOKEN_LEN + 1);
	if (id)
		memcpy(id, i.ptr, 37);
	erp_buf_dispose(&t);
	erp_buf_dispose(&i);
}

/* A tenant with a member (`email`, its id in `user`) who joined by accepting with a password. */
static void member(char tenant[37], char user[37], char email[96], erp_store *store, const char *who, int role)
{
	erp_test_tenant(tenant, store);
	erp_test_unique_email(email, who);
	erp_ctx *admin = erp_test_ctx(store, tenant, ERP_ROLE_ADMIN);
	char token[ERP_INVITATION_TOKEN_LEN + 1];
	invite(token, NULL, admin, email, role);
	erp_buf t = ERP_BUF_INIT, u = ERP_BUF_INIT;
	assert_erp_ok(erp_invitation_accept_password(&t, &u, store, token, "Member", PASSWORD));
	assert_string_equal(t.ptr, tenant);
	memcpy(user, u.ptr, 37);
	erp_buf_dispose(&t);
	erp_buf_dispose(&u);
	erp_ctx_free(admin);
}

static json_t *invitation(erp_ctx *admin, const char *id)
{
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_invitation_get(&out, admin, id));
	json_t *j = erp_test_json(out.ptr);
	erp_buf_dispose(&out);
	return j;
}

static const char *status_of(json_t *j)
{
	return json_string_value(json_object_get(j, "status"));
}

void test_invitation__existing_and_new_emails_answer_alike(void **state)
{
	erp_conformance_fixture *f = *state;
	char ta[37], tb[37], bob[37], bob_email[96], new_email[96];
	erp_test_tenant(ta, f->store);
	member(tb, bob, bob_email, f->store, "bob", ERP_ROLE_ADMIN);
	erp_test_unique_email(new_email, "nobody");
	erp_ctx *a = erp_test_ctx(f->store, ta, ERP_ROLE_ADMIN);
	erp_test_auth_rows before = erp_test_auth_rows_of(f->store);

	/* the same code, the same shape, whether the address has an account or not */
	char id_existing[37], id_new[37];
	invite(NULL, id_existing, a, bob_email, ERP_ROLE_READWRITE);
	invite(NULL, id_new, a, new_email, ERP_ROLE_READWRITE);
	erp_test_auth_rows after = erp_test_auth_rows_of(f->store);
	assert_int_equal(after.users, before.users);
	assert_int_equal(after.members, before.members);
	assert_int_equal(after.invitations, before.invitations + 2);
	json_t *je = invitation(a, id_existing), *jn = invitation(a, id_new);
	const char *keys[] = { "id", "email", "role", "status", "expires_at", "invited_by", "created_at", "updated_at", "version" };
	assert_int_equal(json_object_size(je), sizeof keys / sizeof keys[0]);
	assert_int_equal(json_object_size(jn), sizeof keys / sizeof keys[0]);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		assert_non_null(json_object_get(je, keys[i]));
		assert_non_null(json_object_get(jn, keys[i]));
	}
	assert_string_equal(status_of(je), "pending");
	assert_string_equal(status_of(jn), "pending");
	assert_string_equal(json_string_value(json_object_get(je, "role")), "readwrite");
	json_decref(je);
	json_decref(jn);
	/* the inviter sees no account: not among its members, no id or name anywhere */
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_user_list(&out, a));
	assert_string_equal(out.ptr, "[]");
	erp_buf_dispose(&out);
	assert_erp_ok(erp_invitation_list(&out, a));
	assert_null(strstr(out.ptr, bob));
	assert_null(strstr(out.ptr, "Member"));
	assert_null(strstr(out.ptr, "display_name"));
	json_t *l = erp_test_json(out.ptr);
	assert_int_equal(json_array_size(l), 2);
	json_decref(l);
	erp_buf_dispose(&out);
	assert_erp_error(erp_user_get(&out, a, bob), ERP_ENOTFOUND, "user_id");
	/* nor in the audit log */
	char sql[400];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM {system.audit_log} WHERE tenant_id = '%s' AND (CAST(after AS text) LIKE '%%%s%%' OR entity_id = '%s')",
	         ta, bob, bob);
	assert_int_equal(erp_test_scalar(f->store, ta, sql), 0);
	/* a second invitation of the same address while one is pending: the same refusal for both */
	erp_buf t = ERP_BUF_INIT;
	before = erp_test_auth_rows_of(f->store);
	assert_erp_error(erp_invitation_create(&t, NULL, a, bob_email, ERP_ROLE_READONLY, 0), ERP_EEXISTS, "email");
	assert_erp_error(erp_invitation_create(&t, NULL, a, new_email, ERP_ROLE_READONLY, 0), ERP_EEXISTS, "email");
	assert_int_equal(t.size, 0);
	/* only admins invite and read invitations */
	erp_ctx *rw = erp_test_ctx(f->store, ta, ERP_ROLE_READWRITE);
	assert_erp_error(erp_invitation_create(&t, NULL, rw, "x.y@example.com", ERP_ROLE_READONLY, 0), ERP_EPERM, NULL);
	assert_erp_error(erp_invitation_list(&out, rw), ERP_EPERM, NULL);
	assert_erp_error(erp_invitation_get(&out, rw, id_new), ERP_EPERM, NULL);
	assert_erp_error(erp_invitation_revoke(rw, id_new), ERP_EPERM, NULL);
	erp_test_assert_auth_unchanged(f->store, before);
	erp_ctx_free(rw);
	erp_ctx_free(a);
}

void test_invitation__accepted_by_a_logged_in_user(void **state)
{
	erp_conformance_fixture *f = *state;
	char ta[37], tb[37], bob[37], bob_email[96], id[37], token[ERP_INVITATION_TOKEN_LEN + 1];
	erp_test_tenant(ta, f->store);
	member(tb, bob, bob_email, f->store, "Bob", ERP_ROLE_READONLY);
	erp_ctx *a = erp_test_ctx(f->store, ta, ERP_ROLE_ADMIN);
	invite(token, id, a, bob_email, ERP_ROLE_READWRITE);
	/* bob, logged in to his own tenant, accepts */
	erp_buf st = ERP_BUF_INIT, out = ERP_BUF_INIT;
	erp_ctx *bob_b = NULL;
	assert_erp_ok(erp_session_login(&st, &bob_b, f->store, bob_email, PASSWORD, tb, NULL));
	assert_erp_ok(erp_invitation_accept(&out, bob_b, token));
	assert_string_equal(out.ptr, ta);
	erp_buf_dispose(&out);
	/* a member of A now, with the invited role, and A sees him */
	assert_erp_ok(erp_user_get(&out, a, bob));
	json_t *u = erp_test_json(out.ptr);
	assert_string_equal(json_string_value(json_object_get(u, "role")), "readwrite");
	json_decref(u);
	erp_buf_dispose(&out);
	json_t *j = invitation(a, id);
	assert_string_equal(status_of(j), "accepted");
	json_decref(j);
	erp_buf_dispose(&st);
	erp_ctx *bob_a = NULL;
	assert_erp_ok(erp_session_login(&st, &bob_a, f->store, bob_email, PASSWORD, ta, NULL));
	assert_int_equal(erp_ctx_role(bob_a), ERP_ROLE_READWRITE);
	/* his role in B is his own */
	assert_int_equal(erp_ctx_role(bob_b), ERP_ROLE_READONLY);
	/* the membership is audited in A as made by bob */
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM {system.audit_log} WHERE tenant_id = '%s' AND entity = 'auth.user' AND entity_id = '%s' "
	         "AND actor = '%s'",
	         ta, bob, bob);
	assert_int_equal(erp_test_scalar(f->store, ta, sql), 1);
	/* spent: a second use is refused, and writes nothing */
	erp_test_auth_rows before = erp_test_auth_rows_of(f->store);
	assert_erp_error(erp_invitation_accept(&out, bob_b, token), ERP_EAUTH, "token");
	assert_erp_error(erp_invitation_accept_password(&out, NULL, f->store, token, NULL, PASSWORD), ERP_EAUTH, "token");
	assert_int_equal(out.size, 0);
	erp_test_assert_auth_unchanged(f->store, before);
	erp_buf_dispose(&st);
	erp_ctx_free(bob_a);
	erp_ctx_free(bob_b);
	erp_ctx_free(a);
}

void test_invitation__accepted_with_a_password(void **state)
{
	erp_conformance_fixture *f = *state;
	char ta[37], tb[37], bob[37], bob_email[96], new_email[96], t1[ERP_INVITATION_TOKEN_LEN + 1],
		t2[ERP_INVITATION_TOKEN_LEN + 1];
	erp_test_tenant(ta, f->store);
	member(tb, bob, bob_email, f->store, "bob", ERP_ROLE_ADMIN);
	erp_test_unique_email(new_email, "New.Person");
	erp_ctx *a = erp_test_ctx(f->store, ta, ERP_ROLE_ADMIN);
	invite(t1, NULL, a, new_email, ERP_ROLE_ADMIN);
	invite(t2, NULL, a, bob_email, ERP_ROLE_READONLY);
	/* a new account: made with the password and display name given */
	erp_buf tenant = ERP_BUF_INIT, user = ERP_BUF_INIT, out = ERP_BUF_INIT;
	erp_test_auth_rows before = erp_test_auth_rows_of(f->store);
	assert_erp_ok(erp_invitation_accept_password(&tenant, &user, f->store, t1, "New Person", "a brand new password"));
	assert_string_equal(tenant.ptr, ta);
	erp_test_auth_rows after = erp_test_auth_rows_of(f->store);
	assert_int_equal(after.users, before.users + 1);
	assert_int_equal(after.members, before.members + 1);
	assert_erp_ok(erp_user_get(&out, a, user.ptr));
	json_t *u = erp_test_json(out.ptr);
	assert_string_equal(json_string_value(json_object_get(u, "display_name")), "New Person");
	assert_string_equal(json_string_value(json_object_get(u, "role")), "admin");
	json_decref(u);
	erp_buf_dispose(&out);
	erp_buf st = ERP_BUF_INIT;
	assert_erp_ok(erp_session_login(&st, NULL, f->store, new_email, "a brand new password", ta, NULL));
	erp_buf_dispose(&st);
	erp_buf_dispose(&tenant);
	erp_buf_dispose(&user);
	/* an existing account: only with its own password, and its name is kept */
	before = erp_test_auth_rows_of(f->store);
	assert_erp_error(erp_invitation_accept_password(&tenant, &user, f->store, t2, "Impostor", "a guessed password"),
	                 ERP_EAUTH, "password");
	assert_int_equal(user.size, 0);
	erp_test_assert_auth_unchanged(f->store, before);
	assert_erp_ok(erp_invitation_accept_password(&tenant, &user, f->store, t2, "Impostor", PASSWORD));
	assert_string_equal(user.ptr, bob);
	assert_erp_ok(erp_user_get(&out, a, bob));
	u = erp_test_json(out.ptr);
	assert_string_equal(json_string_value(json_object_get(u, "display_name")), "Member");
	assert_string_equal(json_string_value(json_object_get(u, "role")), "readonly");
	json_decref(u);
	erp_buf_dispose(&out);
	erp_buf_dispose(&tenant);
	erp_buf_dispose(&user);
	erp_ctx_free(a);
}

void test_invitation__bad_tokens_are_refused_and_write_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	char ta[37], tb[37], carol[37], carol_email[96], dan_email[96], id_revoked[37], id_expired[37], id_ok[37],
		revoked[ERP_INVITATION_TOKEN_LEN + 1], expired[ERP_INVITATION_TOKEN_LEN + 1], ok[ERP_INVITATION_TOKEN_LEN + 1];
	erp_test_tenant(ta, f->store);
	member(tb, carol, carol_email, f->store, "carol", ERP_ROLE_ADMIN);
	erp_ctx *a = erp_test_ctx(f->store, ta, ERP_ROLE_ADMIN);
	erp_ctx *b = erp_test_ctx(f->store, tb, ERP_ROLE_ADMIN);
	char e1[96], e2[96];
	erp_test_unique_email(e1, "revoked");
	erp_test_unique_email(e2, "expired");
	erp_test_unique_email(dan_email, "dan");
	invite(revoked, id_revoked, a, e1, ERP_ROLE_READONLY);
	invite(expired, id_expired, a, e2, ERP_ROLE_READONLY);
	invite(ok, id_ok, a, dan_email, ERP_ROLE_READONLY);
	/* revoked, by an admin of A only */
	assert_erp_error(erp_invitation_revoke(b, id_revoked), ERP_ENOTFOUND, "invitation_id");
	erp_buf out = ERP_BUF_INIT;
	assert_erp_error(erp_invitation_get(&out, b, id_revoked), ERP_ENOTFOUND, "invitation_id");
	assert_erp_ok(erp_invitation_list(&out, b));
	assert_null(strstr(out.ptr, id_revoked));
	erp_buf_dispose(&out);
	assert_erp_ok(erp_invitation_revoke(a, id_revoked));
	assert_erp_error(erp_invitation_revoke(a, id_revoked), ERP_ECONFLICT, "invitation_id");
	assert_erp_error(erp_invitation_revoke(a, "not-an-id"), ERP_EINVALID, "invitation_id");
	json_t *j = invitation(a, id_revoked);
	assert_string_equal(status_of(j), "revoked");
	json_decref(j);
	/* expired */
	char sql[200];
	snprintf(sql, sizeof sql, "UPDATE {auth.invitations} SET expires_ms = 1000 WHERE id = '%s'", id_expired);
	assert_erp_ok(erp_test_exec(f->store, NULL, sql));
	j = invitation(a, id_expired);
	assert_string_equal(status_of(j), "expired");
	json_decref(j);
	assert_erp_error(erp_invitation_revoke(a, id_expired), ERP_ECONFLICT, "invitation_id");

	erp_test_auth_rows before = erp_test_auth_rows_of(f->store);
	erp_buf user = ERP_BUF_INIT;
	const char *bad[] = { revoked, expired, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "short", "", "not base64 at all !!!!!!!!!!!!!!!!!!!!!!!!" };
	erp_ctx *carol_ctx = NULL;
	assert_erp_ok(erp_ctx_new(&carol_ctx, f->store, tb, carol, ERP_ROLE_ADMIN));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_erp_error(erp_invitation_accept_password(&out, &user, f->store, bad[i], "X", PASSWORD), ERP_EAUTH, "token");
		assert_erp_error(erp_invitation_accept(&out, carol_ctx, bad[i]), ERP_EAUTH, "token");
	}
	/* a token for another person: carol (logged in) cannot take dan's invitation */
	assert_erp_error(erp_invitation_accept(&out, carol_ctx, ok), ERP_EAUTH, "token");
	/* nor can a context whose user is no user of the store */
	erp_ctx *system = erp_test_ctx(f->store, ta, ERP_ROLE_ADMIN);
	assert_erp_error(erp_invitation_accept(&out, system, ok), ERP_EAUTH, "token");
	assert_erp_error(erp_invitation_accept(&out, carol_ctx, NULL), ERP_EINVALID, "token");
	assert_int_equal(out.size, 0);
	assert_int_equal(user.size, 0);
	erp_test_assert_auth_unchanged(f->store, before);
	/* dan's is still good */
	assert_erp_ok(erp_invitation_accept_password(NULL, NULL, f->store, ok, "Dan", PASSWORD));
	erp_ctx_free(system);
	erp_ctx_free(carol_ctx);
	erp_ctx_free(a);
	erp_ctx_free(b);
}

void test_invitation__user_calls_answer_notfound_outside_the_tenant(void **state)
{
	erp_conformance_fixture *f = *state;
	char ta[37], tb[37], ann[37], bob[37], ann_email[96], bob_email[96];
	member(ta, ann, ann_email, f->store, "ann", ERP_ROLE_ADMIN);
	member(tb, bob, bob_email, f->store, "bob", ERP_ROLE_ADMIN);
	erp_buf st = ERP_BUF_INIT, out = ERP_BUF_INIT;
	assert_erp_ok(erp_session_login(&st, NULL, f->store, bob_email, PASSWORD, tb, NULL));
	erp_ctx *a = NULL;
	erp_buf at = ERP_BUF_INIT;
	assert_erp_ok(erp_session_login(&at, &a, f->store, ann_email, PASSWORD, ta, NULL));
	erp_test_auth_rows before = erp_test_auth_rows_of(f->store);
	const char *outsiders[] = { bob, "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
		                    "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF" };
	for (size_t i = 0; i < sizeof outsiders / sizeof outsiders[0]; i++) {
		int64_t n = -1;
		assert_erp_error(erp_session_revoke_user(&n, a, outsiders[i]), ERP_ENOTFOUND, "user_id");
		assert_int_equal(n, 0);
		assert_erp_error(erp_session_list(&out, a, outsiders[i]), ERP_ENOTFOUND, "user_id");
		assert_erp_error(erp_user_get(&out, a, outsiders[i]), ERP_ENOTFOUND, "user_id");
		assert_erp_error(erp_user_set_role(a, outsiders[i], ERP_ROLE_READONLY), ERP_ENOTFOUND, "user_id");
		assert_erp_error(erp_user_set_disabled(a, outsiders[i], 1), ERP_ENOTFOUND, "user_id");
		assert_erp_error(erp_user_remove(a, outsiders[i]), ERP_ENOTFOUND, "user_id");
		assert_erp_error(erp_user_set_password(a, outsiders[i], "a takeover password"), ERP_ENOTFOUND, "user_id");
	}
	assert_int_equal(out.size, 0);
	erp_test_assert_auth_unchanged(f->store, before);
	/* bob's session in B still works */
	erp_ctx *c = NULL;
	assert_erp_ok(erp_session_resume(&c, f->store, st.ptr));
	erp_ctx_free(c);
	/* and a member's own sessions are still theirs to list and end */
	int64_t n = 0;
	assert_erp_ok(erp_session_list(&out, a, ann));
	erp_buf_dispose(&out);
	assert_erp_ok(erp_session_revoke_user(&n, a, ann));
	assert_int_equal(n, 1);
	erp_buf_dispose(&st);
	erp_buf_dispose(&at);
	erp_ctx_free(a);
}

ERP_CONFORMANCE_GROUP(330, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
