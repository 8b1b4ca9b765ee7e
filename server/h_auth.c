/*
 * Sessions and tenants: log in and out, who am I, change my password,
 * sign up a tenant with its first admin, read the current tenant.
 */
#include "handlers.h"

/* POST /api/v1/auth/login {email, password, tenant_id} */
int h_login(srv_response *res, srv_request *req)
{
	static const char *const keys[] = { "email", "password", "tenant_id", NULL };
	json_t *body = hx_body(res, req);
	const char *email, *password, *tenant_id;
	if (!body || hx_keys(res, body, keys) || hx_string(res, body, "email", 1, &email) ||
	    hx_string(res, body, "password", 1, &password) || hx_string(res, body, "tenant_id", 1, &tenant_id))
		return 0;
	erp_buf token = ERP_BUF_INIT;
	erp_ctx *ctx = NULL;
	int rc = erp_session_login(&token, &ctx, req->srv->store, email, password, tenant_id, req->client);
	if (rc != ERP_OK) {
		erp_buf_dispose(&token);
		return srv_reply_erp(res, rc);
	}
	json_t *out = json_pack("{s:s, s:s, s:s, s:s}", "token", token.ptr, "tenant_id", erp_ctx_tenant(ctx), "user_id",
	                        erp_ctx_user(ctx), "role", hx_role_name(erp_ctx_role(ctx)));
	erp_buf_dispose(&token);
	erp_ctx_free(ctx);
	if (!out)
		return srv_reply_problem(res, 500, "error", "out of memory", NULL);
	return srv_reply_json(res, 200, out);
}

/* POST /api/v1/auth/logout */
int h_logout(srv_response *res, srv_request *req)
{
	int rc = erp_session_logout(req->srv->store, req->token);
	return rc == ERP_OK ? srv_reply_json(res, 204, NULL) : srv_reply_erp(res, rc);
}

static bool uuid_like(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	}
	return true;
}

/* GET /api/v1/auth/me: {"user":{...},"tenant":{...},"role":"admin"} */
int h_me(srv_response *res, srv_request *req)
{
	erp_buf user = ERP_BUF_INIT, tenant = ERP_BUF_INIT;
	const char *uid = erp_ctx_user(req->ctx);
	json_t *juser = NULL;
	int rc = ERP_OK;
	if (uuid_like(uid)) {
		if ((rc = erp_user_get(&user, req->ctx, uid)) != ERP_OK) {
			erp_buf_dispose(&user);
			return srv_reply_erp(res, rc);
		}
		juser = erp__json_loads(user.ptr, 0, NULL);
		erp_buf_dispose(&user);
	} else {
		juser = json_pack("{s:s}", "id", uid);
	}
	if ((rc = erp_tenant_get(&tenant, req->srv->store, erp_ctx_tenant(req->ctx))) != ERP_OK) {
		json_decref(juser);
		erp_buf_dispose(&tenant);
		return srv_reply_erp(res, rc);
	}
	json_t *jtenant = erp__json_loads(tenant.ptr, 0, NULL);
	erp_buf_dispose(&tenant);
	if (!juser || !jtenant) {
		json_decref(juser);
		json_decref(jtenant);
		return srv_reply_problem(res, 500, "error", "out of memory", NULL);
	}
	json_t *out = json_pack("{s:o, s:o, s:s}", "user", juser, "tenant", jtenant, "role",
	                        hx_role_name(erp_ctx_role(req->ctx)));
	return out ? srv_reply_json(res, 200, out) : srv_reply_problem(res, 500, "error", "out of memory", NULL);
}

/* POST /api/v1/auth/password {old_password, new_password} */
int h_change_password(srv_response *res, srv_request *req)
{
	static const char *const keys[] = { "old_password", "new_password", NULL };
	json_t *body = hx_body(res, req);
	const char *old_pw, *new_pw;
	if (!body || hx_keys(res, body, keys) || hx_string(res, body, "old_password", 1, &old_pw) ||
	    hx_string(res, body, "new_password", 1, &new_pw))
		return 0;
	int rc = erp_user_change_password(req->ctx, old_pw, new_pw);
	return rc == ERP_OK ? srv_reply_json(res, 204, NULL) : srv_reply_erp(res, rc);
}

/*
 * POST /api/v1/tenants {name, base_currency, admin_email, admin_password,
 * admin_name}: a tenant and its first admin, when sign-up is open.
 * liberp has no single call for both: what can be checked before the
 * tenant is made is checked first (the password's length, the email's
 * shape); an email already taken is found only after, and then leaves
 * the new tenant without a member.
 */
int h_signup(srv_response *res, srv_request *req)
{
	if (!req->srv->cfg.allow_signup)
		return srv_reply_problem(res, 403, "forbidden", "sign-up is closed on this server (ALLOW_SIGNUP)", NULL);
	static const char *const keys[] = { "name", "base_currency", "admin_email", "admin_password", "admin_name", NULL };
	json_t *body = hx_body(res, req);
	const char *name, *currency, *email, *password, *admin_name;
	if (!body || hx_keys(res, body, keys) || hx_string(res, body, "name", 1, &name) ||
	    hx_string(res, body, "base_currency", 1, &currency) || hx_string(res, body, "admin_email", 1, &email) ||
	    hx_string(res, body, "admin_password", 1, &password) || hx_string(res, body, "admin_name", 0, &admin_name))
		return 0;
	size_t pwlen = strlen(password);
	if (pwlen < ERP_PASSWORD_MIN || pwlen > ERP_PASSWORD_MAX) {
		char msg[120];
		snprintf(msg, sizeof msg, "a password has %d to %d bytes", ERP_PASSWORD_MIN, ERP_PASSWORD_MAX);
		return hx_invalid(res, "admin_password", msg), 0;
	}
	const char *at = strchr(email, '@');
	if (!at || at == email || !at[1] || strchr(at + 1, '@') || strpbrk(email, " \t\r\n") || strlen(email) > 254)
		return hx_invalid(res, "admin_email", "admin_email must be an email address"), 0;
	if (admin_name && strlen(admin_name) > 800)
		return hx_invalid(res, "admin_name", "admin_name is too long"), 0;

	erp_buf tenant_id = ERP_BUF_INIT, user_id = ERP_BUF_INIT, tenant = ERP_BUF_INIT, user = ERP_BUF_INIT;
	erp_ctx *ctx = NULL;
	json_t *out = NULL;
	int rc = erp_tenant_create_with_admin(&tenant_id, &user_id, req->srv->store, name, currency, email, admin_name,
	                                      password);
	if (rc != ERP_OK && erp_error_last()->field) {
		/* The field names of the request, not of liberp's call. */
		const char *f = erp_error_last()->field;
		const char *mine = strcmp(f, "email") == 0 ? "admin_email" : strcmp(f, "password") == 0 ? "admin_password" :
		                   strcmp(f, "display_name") == 0 ? "admin_name" : NULL;
		if (mine) {
			srv_reply_erp_field(res, rc, mine);
			goto out;
		}
	}
	if (rc == ERP_OK)
		rc = erp_ctx_new(&ctx, req->srv->store, tenant_id.ptr, "signup", ERP_ROLE_ADMIN);
	if (rc == ERP_OK)
		rc = erp_tenant_get(&tenant, req->srv->store, tenant_id.ptr);
	if (rc == ERP_OK)
		rc = erp_user_get(&user, ctx, user_id.ptr);
	if (rc != ERP_OK) {
		srv_reply_erp(res, rc);
		goto out;
	}
	out = json_pack("{s:o, s:o}", "tenant", erp__json_loads(tenant.ptr, 0, NULL), "user", erp__json_loads(user.ptr, 0, NULL));
	if (out)
		srv_reply_json(res, 201, out);
	else
		srv_reply_problem(res, 500, "error", "out of memory", NULL);
out:
	erp_ctx_free(ctx);
	erp_buf_dispose(&tenant_id);
	erp_buf_dispose(&user_id);
	erp_buf_dispose(&tenant);
	erp_buf_dispose(&user);
	return 0;
}

/* GET /api/v1/tenant */
int h_tenant_get(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_tenant_get(&out, req->srv->store, erp_ctx_tenant(req->ctx));
	return hx_answer(res, rc, 200, &out);
}
