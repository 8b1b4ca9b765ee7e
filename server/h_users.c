/*
 * The members of the session's tenant (erp/user.h). liberp checks the
 * role (admin for every change) and keeps the last active admin.
 */
#include "handlers.h"

/* Answers 201/200 with the member `id` as erp_user_get() shows them. */
static int reply_user(srv_response *res, srv_request *req, int status, const char *id)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_user_get(&out, req->ctx, id);
	return hx_answer(res, rc, status, &out);
}

/* 201 with the user that a create or add call (`rc`) made, or its error; disposes of `id`. */
static int reply_new_user(srv_response *res, srv_request *req, int rc, erp_buf *id)
{
	if (rc == ERP_OK)
		reply_user(res, req, 201, id->ptr);
	else
		srv_reply_erp(res, rc);
	erp_buf_dispose(id);
	return 0;
}

/* GET /api/v1/users: a JSON array of members, by email */
int h_users_list(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_user_list(&out, req->ctx);
	return hx_answer(res, rc, 200, &out);
}

/* POST /api/v1/users {email, display_name, password, role} */
int h_user_create(srv_response *res, srv_request *req)
{
	static const char *const keys[] = { "email", "display_name", "password", "role", NULL };
	json_t *body = hx_body(res, req);
	const char *email, *name, *password, *role_text;
	int role;
	if (!body || hx_keys(res, body, keys) || hx_string(res, body, "email", 1, &email) ||
	    hx_string(res, body, "display_name", 0, &name) || hx_string(res, body, "password", 1, &password) ||
	    hx_string(res, body, "role", 1, &role_text) || hx_role(res, role_text, "role", &role))
		return 0;
	erp_buf id = ERP_BUF_INIT;
	return reply_new_user(res, req, erp_user_create(&id, req->ctx, email, name, password, role), &id);
}

/* POST /api/v1/users/add {email, role}: an existing user joins the tenant */
int h_user_add(srv_response *res, srv_request *req)
{
	static const char *const keys[] = { "email", "role", NULL };
	json_t *body = hx_body(res, req);
	const char *email, *role_text;
	int role;
	if (!body || hx_keys(res, body, keys) || hx_string(res, body, "email", 1, &email) ||
	    hx_string(res, body, "role", 1, &role_text) || hx_role(res, role_text, "role", &role))
		return 0;
	erp_buf id = ERP_BUF_INIT;
	return reply_new_user(res, req, erp_user_add(&id, req->ctx, email, role), &id);
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
