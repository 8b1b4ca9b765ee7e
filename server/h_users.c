/*
 * The members of the session's tenant (erp/user.h) and the invitations
 * that make them (erp/invitation.h). liberp checks the role (admin for
 * every change) and keeps the last active admin. Nobody is created or
 * added by email: an admin invites, the invited person accepts.
 */
#include "handlers.h"

/* Answers 201/200 with the member `id` as erp_user_get() shows them. */
static int reply_user(srv_response *res, srv_request *req, int status, const char *id)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_user_get(&out, req->ctx, id);
	return hx_answer(res, rc, status, &out);
}

/* GET /api/v1/users: a JSON array of members, by email */
int h_users_list(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_user_list(&out, req->ctx);
	return hx_answer(res, rc, 200, &out);
}

/* GET /api/v1/users/{id} */
int h_user_get(srv_response *res, srv_request *req)
{
	return reply_user(res, req, 200, req->params[0]);
}

/* PATCH /api/v1/users/{id} {role?, disabled?}: the role first, then disabled */
int h_user_update(srv_response *res, srv_request *req)
{
	static const char *const keys[] = { "role", "disabled", NULL };
	json_t *body = hx_body(res, req);
	const char *role_text;
	int role = 0;
	if (!body || hx_keys(res, body, keys) || hx_string(res, body, "role", 0, &role_text) ||
	    (role_text && hx_role(res, role_text, "role", &role)))
		return 0;
	json_t *disabled = json_object_get(body, "disabled");
	if (disabled && !json_is_boolean(disabled))
		return hx_invalid(res, "disabled", "disabled must be true or false"), 0;
	if (!role_text && !disabled)
		return hx_invalid(res, "body", "nothing to change: give role or disabled"), 0;
	int rc = ERP_OK;
	if (role_text)
		rc = erp_user_set_role(req->ctx, req->params[0], role);
	if (rc == ERP_OK && disabled)
		rc = erp_user_set_disabled(req->ctx, req->params[0], json_is_true(disabled));
	if (rc != ERP_OK)
		return srv_reply_erp(res, rc);
	return reply_user(res, req, 200, req->params[0]);
}

/* DELETE /api/v1/users/{id}: removes the membership (the user stays) */
int h_user_remove(srv_response *res, srv_request *req)
{
	int rc = erp_user_remove(req->ctx, req->params[0]);
	return rc == ERP_OK ? srv_reply_json(res, 204, NULL) : srv_reply_erp(res, rc);
}

/* POST /api/v1/users/{id}/password {password}: an admin reset */
int h_user_set_password(srv_response *res, srv_request *req)
{
	static const char *const keys[] = { "password", NULL };
	json_t *body = hx_body(res, req);
	const char *password;
	if (!body || hx_keys(res, body, keys) || hx_string(res, body, "password", 1, &password))
		return 0;
	int rc = erp_user_set_password(req->ctx, req->params[0], password);
	return rc == ERP_OK ? srv_reply_json(res, 204, NULL) : srv_reply_erp(res, rc);
}

/* POST /api/v1/users/{id}/revoke-sessions: {"ended":n} */
int h_user_revoke_sessions(srv_response *res, srv_request *req)
{
	int64_t n = 0;
	int rc = erp_session_revoke_user(&n, req->ctx, req->params[0]);
	if (rc != ERP_OK)
		return srv_reply_erp(res, rc);
	return srv_reply_json(res, 200, json_pack("{s:I}", "ended", (json_int_t)n));
}

/* GET /api/v1/users/{id}/sessions: the member's live sessions, newest first (admin, or one's own) */
int h_user_sessions(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_session_list(&out, req->ctx, req->params[0]);
	return hx_answer(res, rc, 200, &out);
}

/* ---- invitations ----------------------------------------------------------------- */

/* POST /api/v1/invitations {email, role, ttl_seconds?}: 201 with the invitation and its token (shown once) */
int h_invitation_create(srv_response *res, srv_request *req)
{
	static const char *const keys[] = { "email", "role", "ttl_seconds", NULL };
	json_t *body = hx_body(res, req);
	const char *email, *role_text;
	int role;
	if (!body || hx_keys(res, body, keys) || hx_string(res, body, "email", 1, &email) ||
	    hx_string(res, body, "role", 1, &role_text) || hx_role(res, role_text, "role", &role))
		return 0;
	json_t *ttl = json_object_get(body, "ttl_seconds");
	if (ttl && !json_is_integer(ttl))
		return hx_invalid(res, "ttl_seconds", "ttl_seconds must be an integer number of seconds"), 0;
	erp_buf token = ERP_BUF_INIT, id = ERP_BUF_INIT, out = ERP_BUF_INIT;
	int rc = erp_invitation_create(&token, &id, req->ctx, email, role, ttl ? (int64_t)json_integer_value(ttl) : 0);
	if (rc == ERP_OK)
		rc = erp_invitation_get(&out, req->ctx, id.ptr);
	json_t *inv = rc == ERP_OK ? erp__json_loads(out.ptr, 0, NULL) : NULL;
	bool ok = inv != NULL;
	if (ok)
		erp__json_set(inv, "token", json_string(token.ptr), &ok);
	if (rc != ERP_OK)
		srv_reply_erp(res, rc);
	else if (!ok)
		srv_reply_problem(res, 500, "error", "out of memory", NULL);
	else
		srv_reply_json(res, 201, json_incref(inv));
	json_decref(inv);
	erp_buf_dispose(&token);
	erp_buf_dispose(&id);
	erp_buf_dispose(&out);
	return 0;
}

/* GET /api/v1/invitations */
int h_invitations_list(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_invitation_list(&out, req->ctx);
	return hx_answer(res, rc, 200, &out);
}

/* GET /api/v1/invitations/{id} */
int h_invitation_get(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_invitation_get(&out, req->ctx, req->params[0]);
	return hx_answer(res, rc, 200, &out);
}

/* POST /api/v1/invitations/{id}/revoke: 200 with the revoked invitation */
int h_invitation_revoke(srv_response *res, srv_request *req)
{
	int rc = erp_invitation_revoke(req->ctx, req->params[0]);
	if (rc != ERP_OK)
		return srv_reply_erp(res, rc);
	erp_buf out = ERP_BUF_INIT;
	rc = erp_invitation_get(&out, req->ctx, req->params[0]);
	return hx_answer(res, rc, 200, &out);
}

/* POST /api/v1/invitations/accept {token}: as the session's user; {tenant_id} */
int h_invitation_accept(srv_response *res, srv_request *req)
{
	static const char *const keys[] = { "token", NULL };
	json_t *body = hx_body(res, req);
	const char *token;
	if (!body || hx_keys(res, body, keys) || hx_string(res, body, "token", 1, &token))
		return 0;
	erp_buf tenant = ERP_BUF_INIT;
	int rc = erp_invitation_accept(&tenant, req->ctx, token);
	json_t *out = rc == ERP_OK ? json_pack("{s:s}", "tenant_id", tenant.ptr) : NULL;
	erp_buf_dispose(&tenant);
	if (rc != ERP_OK)
		return srv_reply_erp(res, rc);
	return out ? srv_reply_json(res, 200, out) : srv_reply_problem(res, 500, "error", "out of memory", NULL);
}

/* POST /api/v1/auth/accept-invitation {token, password, display_name?}: {tenant_id, user_id} */
int h_invitation_accept_password(srv_response *res, srv_request *req)
{
	static const char *const keys[] = { "token", "password", "display_name", NULL };
	json_t *body = hx_body(res, req);
	const char *token, *password, *name;
	if (!body || hx_keys(res, body, keys) || hx_string(res, body, "token", 1, &token) ||
	    hx_string(res, body, "password", 1, &password) || hx_string(res, body, "display_name", 0, &name))
		return 0;
	erp_buf tenant = ERP_BUF_INIT, user = ERP_BUF_INIT;
	int rc = erp_invitation_accept_password(&tenant, &user, req->srv->store, token, name, password);
	json_t *out = rc == ERP_OK ? json_pack("{s:s, s:s}", "tenant_id", tenant.ptr, "user_id", user.ptr) : NULL;
	erp_buf_dispose(&tenant);
	erp_buf_dispose(&user);
	if (rc != ERP_OK)
		return srv_reply_erp(res, rc);
	return out ? srv_reply_json(res, 200, out) : srv_reply_problem(res, 500, "error", "out of memory", NULL);
}
