/*
 * Invitations: membership by consent (erp/invitation.h).
 *
 * Inviting never reads the users registry: what it does and answers is the
 * same whether or not the address has an account (it looks only at this
 * tenant's members and invitations, which the tenant sees anyway).
 * Accepting looks the token up store-wide (its hash; the tenant is not
 * known before), then writes in the inviting tenant's user scope (as
 * user.c does), checking the invitation again under a lock so that a token
 * is spent once.
 */
#include <erp/invitation.h>
#include <erp/user.h>

#include "core/audit_internal.h"
#include "core/context_internal.h"
#include "util/email.h"
#include "util/error.h"
#include "util/ident.h"
#include "util/json_out.h"
#include "login_throttle.h"
#include "password.h"
#include "session_internal.h"
#include "user_internal.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(ERP_INVITATION_TOKEN_LEN == ERP_SESSION_TOKEN_LEN, "invitation tokens are made as session tokens");

#define ENTITY "auth.invitation"

static erp_storage_scope tenant_scope(const erp_ctx *ctx)
{
	erp_storage_scope scope = { ctx->tenant_id, ctx->user_id, 0 };
	return scope;
}

static int check_id(char out[ERP__UUID_LEN + 1], const char *id)
{
	if (!id || !erp__uuid_normalize(out, id))
		return erp__invalid("invitation_id", "invitation_id must be a UUID");
	return ERP_OK;
}

static int bad_token(void)
{
	return erp__error(ERP_EAUTH, ENTITY, "token", "the invitation token is unknown, used, revoked or expired");
}

/* ---- reading ------------------------------------------------------------------- */

#define INVITATION_SELECT                                                                                     \
	"SELECT id, email, role, status, expires_ms, created_by, created_at, updated_at, version "             \
	"FROM {auth.invitations} WHERE tenant_id = $1 "

static json_t *invitation_json(erp__tx *tx, erp_storage_rows *rows, void *now_ms)
{
	int64_t now = *(const int64_t *)now_ms;
	char s[9][24], expires[ERP__TIMESTAMP_LEN + 1];
	const char *v[9];
	for (size_t i = 0; i < 8; i++)
		v[i] = i == 4 ? NULL : erp__db_text(tx, rows, i, s[i]);
	int64_t expires_ms = erp__db_int(tx, rows, 4);
	erp__timestamp_from_ms(expires, expires_ms);
	const char *status = v[3] && strcmp(v[3], "pending") == 0 && expires_ms <= now ? "expired" : v[3];
	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:s?, s:I}", "id", v[0], "email", v[1], "role", v[2],
	                 "status", status, "expires_at", expires, "invited_by", v[5], "created_at", v[6], "updated_at",
	                 v[7], "version", (json_int_t)erp__db_int(tx, rows, 8));
}

/* The invitation as JSON (*out, new reference), or NULL when the tenant has none with that id. */
static int invitation_load(json_t **out, erp__tx *tx, const char *tenant_id, const char *id, int64_t now)
{
	erp_value p[2] = { erp__v_text(tenant_id), erp__v_text(id) };
	return erp__db_row_json_first(out, tx, INVITATION_SELECT "AND id = $2", p, 2, invitation_json, &now);
}

static int not_found(const char *id)
{
	return erp__error(ERP_ENOTFOUND, ENTITY, "invitation_id", "this tenant has no invitation %s", id);
}

typedef struct {
	const erp_ctx *ctx;
	const char *id; /* NULL: list them all */
} read_job;

static int read_body(json_t **result, erp__tx *tx, void *payload)
{
	read_job *job = payload;
	int64_t now = erp__now_ms();
	if (job->id) {
		int rc = invitation_load(result, tx, job->ctx->tenant_id, job->id, now);
		return rc == ERP_OK && !*result ? not_found(job->id) : rc;
	}
	if (!(*result = json_array()))
		return erp__oom();
	erp_value p = erp__v_text(job->ctx->tenant_id);
	return erp__db_rows_json(*result, tx, INVITATION_SELECT "ORDER BY id DESC", &p, 1, invitation_json, &now);
}

static int read_run(erp_buf *out, erp_ctx *ctx, const char *id)
{
	read_job job = { ctx, id };
	erp_storage_scope scope = tenant_scope(ctx);
	return erp__tx_read_json(out, ctx->store, &scope, read_body, &job);
}

int erp_invitation_get(erp_buf *out, erp_ctx *ctx, const char *invitation_id)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	int rc = erp__ctx_require(ctx, ERP_ROLE_ADMIN, "reading invitations");
	char id[ERP__UUID_LEN + 1];
	if (rc == ERP_OK)
		rc = check_id(id, invitation_id);
	return rc == ERP_OK ? read_run(out, ctx, id) : rc;
}

int erp_invitation_list(erp_buf *out, erp_ctx *ctx)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	int rc = erp__ctx_require(ctx, ERP_ROLE_ADMIN, "listing invitations");
	return rc == ERP_OK ? read_run(out, ctx, NULL) : rc;
}

/* ---- inviting and revoking ------------------------------------------------------ */

typedef struct {
	const erp_ctx *ctx;
	const char *email, *hash;
	int role;
	int64_t expires_ms;
	char id[ERP__UUID_LEN + 1];
} create_job;

static int create_body(erp__tx *tx, void *payload)
{
	create_job *job = payload;
	const erp_ctx *ctx = job->ctx;
	int64_t now = erp__now_ms();
	erp_value p[3] = { erp__v_text(ctx->tenant_id), erp__v_text(job->email), erp__v_int(now) };
	/* Only this tenant's own members and invitations: never the users registry alone. */
	int rc = erp__db_exists(tx,
	                        "SELECT 1 FROM {auth.memberships} m JOIN {auth.users} u ON u.id = m.user_id "
	                        "WHERE m.tenant_id = $1 AND u.email = $2",
	                        p, 2);
	if (rc != 0)
		return rc < 0 ? rc : erp__error(ERP_EEXISTS, ENTITY, "email", "%s is a member of this tenant already", job->email);
	rc = erp__db_exists(tx,
	                    "SELECT 1 FROM {auth.invitations} WHERE tenant_id = $1 AND email = $2 AND status = 'pending' "
	                    "AND expires_ms > $3",
	                    p, 3);
	if (rc != 0)
		return rc < 0 ? rc
		              : erp__error(ERP_EEXISTS, ENTITY, "email",
		                           "%s has a pending invitation to this tenant already (revoke it first)", job->email);
	char ts[ERP__TIMESTAMP_LEN + 1];
	erp__now_timestamp(ts);
	erp__uuid_v7(job->id);
	erp_value v[8] = { erp__v_text(ctx->tenant_id), erp__v_text(job->id),          erp__v_text(job->hash),
		           erp__v_text(job->email),     erp__v_text(erp__role_name(job->role)), erp__v_int(job->expires_ms),
		           erp__v_text(ts),             erp__v_text(ctx->user_id) };
	rc = erp__db_exec(tx,
	                  "INSERT INTO {auth.invitations} (tenant_id, id, token_hash, email, role, expires_ms, created_at, "
	                  "created_by, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8)",
	                  v, 8, NULL);
	if (rc != ERP_OK)
		return rc;
	json_t *after = NULL;
	if ((rc = invitation_load(&after, tx, ctx->tenant_id, job->id, now)) == ERP_OK)
		rc = erp__audit_append_json(tx, ctx, "create", ENTITY, job->id, NULL, after);
	json_decref(after);
	return rc;
}

int erp_invitation_create(erp_buf *out_token, erp_buf *out_id, erp_ctx *ctx, const char *email, int role,
                          int64_t ttl_seconds)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_ADMIN, "inviting users");
	if (rc != ERP_OK)
		return rc;
	if (!out_token)
		return erp__invalid("out_token", "out_token is NULL");
	char mail[ERP__EMAIL_MAX + 1];
	if (!erp__email_normalize(mail, email))
		return erp__invalid("email", "email must be an address such as name@example.com (3 to %d bytes, no spaces)",
		                    ERP__EMAIL_MAX);
	if (!erp__role_name(role))
		return erp__invalid("role", "role must be ERP_ROLE_READONLY, ERP_ROLE_READWRITE or ERP_ROLE_ADMIN, not %d", role);
	if (ttl_seconds < 0 || ttl_seconds > ERP_INVITATION_TTL_MAX)
		return erp__invalid("ttl_seconds", "ttl_seconds must be 1 to %d (or 0 for %d)", ERP_INVITATION_TTL_MAX,
		                    ERP_INVITATION_TTL_DEFAULT);
	char token[ERP_SESSION_TOKEN_LEN + 1], hash[ERP__SESSION_HASH_LEN + 1];
	erp__session_token_new(token, hash);
	create_job job = { ctx, mail, hash, role, erp__now_ms() + 1000 * (ttl_seconds ? ttl_seconds : ERP_INVITATION_TTL_DEFAULT),
		           "" };
	erp_storage_scope scope = tenant_scope(ctx);
	rc = erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, create_body, &job);
	if (rc == ERP_OK)
		rc = erp_buf_set(out_token, token, ERP_SESSION_TOKEN_LEN);
	if (rc == ERP_OK && out_id)
		rc = erp_buf_set(out_id, job.id, ERP__UUID_LEN);
	sodium_memzero(token, sizeof token);
	return rc;
}

typedef struct {
	const erp_ctx *ctx;
	const char *id;
} revoke_job;

static int revoke_body(erp__tx *tx, void *payload)
{
	revoke_job *job = payload;
	const erp_ctx *ctx = job->ctx;
	int64_t now = erp__now_ms();
	erp_value p[4] = { erp__v_text(ctx->tenant_id), erp__v_text(job->id), erp__v_int(now), erp__v_text(ctx->user_id) };
	int rc = erp__db_exists(tx, "SELECT 1 FROM {auth.invitations} WHERE tenant_id = $1 AND id = $2 {for_update}", p, 2);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(job->id);
	json_t *before = NULL, *after = NULL;
	if ((rc = invitation_load(&before, tx, ctx->tenant_id, job->id, now)) != ERP_OK)
		return rc;
	const char *status = json_string_value(json_object_get(before, "status"));
	if (!status || strcmp(status, "pending") != 0) {
		rc = erp__error(ERP_ECONFLICT, ENTITY, "invitation_id", "invitation %s is %s, not pending", job->id,
		                status ? status : "gone");
		goto done;
	}
	char ts[ERP__TIMESTAMP_LEN + 1];
	erp__now_timestamp(ts);
	p[2] = erp__v_text(ts);
	rc = erp__db_exec(tx,
	                  "UPDATE {auth.invitations} SET status = 'revoked', updated_at = $3, updated_by = $4, "
	                  "version = version + 1 WHERE tenant_id = $1 AND id = $2",
	                  p, 4, NULL);
	if (rc == ERP_OK)
		rc = invitation_load(&after, tx, ctx->tenant_id, job->id, now);
	if (rc == ERP_OK)
		rc = erp__audit_append_json(tx, ctx, "update", ENTITY, job->id, before, after);
done:
	json_decref(before);
	json_decref(after);
	return rc;
}

int erp_invitation_revoke(erp_ctx *ctx, const char *invitation_id)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_ADMIN, "revoking invitations");
	char id[ERP__UUID_LEN + 1];
	if (rc != ERP_OK || (rc = check_id(id, invitation_id)) != ERP_OK)
		return rc;
	revoke_job job = { ctx, id };
	erp_storage_scope scope = tenant_scope(ctx);
	return erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, revoke_body, &job);
}

/* ---- accepting ------------------------------------------------------------------ */

/* What a token opens, and the account of its email (if any). */
typedef struct {
	const char *hash;
	bool found;  /* a pending, unexpired invitation */
	char tenant_id[ERP__UUID_LEN + 1], id[ERP__UUID_LEN + 1], email[ERP__EMAIL_MAX + 1], currency[4];
	int role;
	bool user_found, user_disabled;
	char user_id[ERP__UUID_LEN + 1], user_hash[ERP__PASSWORD_HASH_CAP];
} token_lookup;

static int lookup_body(erp__tx *tx, void *payload)
{
	token_lookup *job = payload;
	job->found = job->user_found = job->user_disabled = false;
	job->tenant_id[0] = job->id[0] = job->email[0] = job->user_id[0] = job->user_hash[0] = '\0';
	erp_value p[2] = { erp__v_text(job->hash), erp__v_int(erp__now_ms()) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "SELECT i.tenant_id, i.id, i.email, i.role, t.base_currency, u.id, u.password_hash, u.disabled "
	                       "FROM {auth.invitations} i JOIN {auth.tenants} t ON t.id = i.tenant_id "
	                       "LEFT JOIN {auth.users} u ON u.email = i.email "
	                       "WHERE i.token_hash = $1 AND i.status = 'pending' AND i.expires_ms > $2",
	                       p, 2);
	if (rc != ERP_OK)
		return rc;
	if ((rc = erp__db_next(tx, rows)) == 1) {
		char s[24];
		const char *v;
		job->found = true;
		snprintf(job->tenant_id, sizeof job->tenant_id, "%s", (v = erp__db_text(tx, rows, 0, s)) ? v : "");
		snprintf(job->id, sizeof job->id, "%s", (v = erp__db_text(tx, rows, 1, s)) ? v : "");
		snprintf(job->email, sizeof job->email, "%s", (v = erp__db_text(tx, rows, 2, s)) ? v : "");
		job->role = erp__role_parse(erp__db_text(tx, rows, 3, s));
		snprintf(job->currency, sizeof job->currency, "%s", (v = erp__db_text(tx, rows, 4, s)) ? v : "");
		if (!erp__db_is_null(tx, rows, 5)) {
			job->user_found = true;
			snprintf(job->user_id, sizeof job->user_id, "%s", (v = erp__db_text(tx, rows, 5, s)) ? v : "");
			snprintf(job->user_hash, sizeof job->user_hash, "%s", (v = erp__db_text(tx, rows, 6, s)) ? v : "");
			job->user_disabled = erp__db_int(tx, rows, 7) != 0;
		}
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

/* Reads what the token opens; ERP_EAUTH unless a pending, unexpired invitation. */
static int token_lookup_run(token_lookup *look, erp_store *store, const char *token, char hash[ERP__SESSION_HASH_LEN + 1])
{
	if (!erp__session_token_hash(hash, token))
		return bad_token();
	look->hash = hash;
	erp_storage_scope none = { NULL, NULL, 0 };
	int rc = erp__tx_run(store, ERP_TX_READ, &none, lookup_body, look);
	if (rc == ERP_OK && (!look->found || look->role == 0))
		rc = bad_token();
	return rc;
}

typedef struct {
	const token_lookup *look;
	const char *user_id;      /* an existing user, or NULL: create one */
	const char *display_name, *new_hash;
	char made_id[ERP__UUID_LEN + 1];
} accept_job;

static int accept_body(erp__tx *tx, void *payload)
{
	accept_job *job = payload;
	const token_lookup *look = job->look;
	int64_t now = erp__now_ms();
	/* Spent once: only the writer that moves it from pending wins. */
	erp_value p[3] = { erp__v_text(look->tenant_id), erp__v_text(look->id), erp__v_text(look->hash) };
	erp_value q[2] = { erp__v_text(look->hash), erp__v_int(now) };
	int rc = erp__db_exists(tx,
	                        "SELECT 1 FROM {auth.invitations} WHERE token_hash = $1 AND status = 'pending' AND expires_ms > $2 "
	                        "{for_update}",
	                        q, 2);
	if (rc <= 0)
		return rc < 0 ? rc : bad_token();
	const char *user_id = job->user_id;
	if (!user_id) {
		if ((rc = erp__user_insert(tx, job->made_id, look->email, job->display_name, job->new_hash, NULL)) != ERP_OK)
			return rc;
		user_id = job->made_id;
	}
	/* The work is the invited user's, in the inviting tenant. */
	erp_ctx as_user = { .store = NULL, .user_id = (char *)user_id, .role = look->role };
	snprintf(as_user.tenant_id, sizeof as_user.tenant_id, "%s", look->tenant_id);
	snprintf(as_user.base_currency, sizeof as_user.base_currency, "%s", look->currency);
	json_t *before = NULL, *after = NULL;
	if ((rc = invitation_load(&before, tx, look->tenant_id, look->id, now)) != ERP_OK)
		return rc;
	if ((rc = erp__member_insert(tx, &as_user, user_id, look->role)) != ERP_OK)
		goto done;
	char ts[ERP__TIMESTAMP_LEN + 1];
	erp__now_timestamp(ts);
	erp_value u[5] = { p[0], p[1], p[2], erp__v_text(ts), erp__v_text(user_id) };
	int64_t changed = 0;
	rc = erp__db_exec(tx,
	                  "UPDATE {auth.invitations} SET status = 'accepted', updated_at = $4, updated_by = $5, "
	                  "version = version + 1 WHERE tenant_id = $1 AND id = $2 AND token_hash = $3 AND status = 'pending'",
	                  u, 5, &changed);
	if (rc == ERP_OK && changed != 1)
		rc = bad_token();
	if (rc == ERP_OK)
		rc = invitation_load(&after, tx, look->tenant_id, look->id, now);
	if (rc == ERP_OK)
		rc = erp__audit_append_json(tx, &as_user, "update", ENTITY, look->id, before, after);
done:
	json_decref(before);
	json_decref(after);
	return rc;
}

static int accept_run(erp_buf *out_tenant_id, erp_buf *out_user_id, erp_store *store, accept_job *job)
{
	erp_storage_scope scope = { job->look->tenant_id, job->user_id ? job->user_id : "invitation", 0 };
	int rc = erp__tx_run(store, ERP_TX_WRITE, &scope, accept_body, job);
	if (rc == ERP_OK && out_tenant_id)
		rc = erp_buf_set(out_tenant_id, job->look->tenant_id, strlen(job->look->tenant_id));
	if (rc == ERP_OK && out_user_id) {
		const char *id = job->user_id ? job->user_id : job->made_id;
		rc = erp_buf_set(out_user_id, id, strlen(id));
	}
	return rc;
}

int erp_invitation_accept(erp_buf *out_tenant_id, erp_ctx *ctx, const char *token)
{
	if (!ctx)
		return erp__invalid("ctx", "ctx is NULL");
	if (!token)
		return erp__invalid("token", "token is NULL");
	char hash[ERP__SESSION_HASH_LEN + 1];
	token_lookup look;
	memset(&look, 0, sizeof look);
	int rc = token_lookup_run(&look, ctx->store, token, hash);
	if (rc != ERP_OK)
		return rc;
	/* Only the invited address's own account: never anyone else's. */
	char user[ERP__UUID_LEN + 1];
	if (!look.user_found || look.user_disabled || !erp__uuid_normalize(user, ctx->user_id) ||
	    strcmp(user, look.user_id) != 0)
		return bad_token();
	accept_job job = { &look, look.user_id, NULL, NULL, "" };
	return accept_run(out_tenant_id, NULL, ctx->store, &job);
}

int erp_invitation_accept_password(erp_buf *out_tenant_id, erp_buf *out_user_id, erp_store *store, const char *token,
                                   const char *display_name, const char *password)
{
	if (!store)
		return erp__invalid("store", "store is NULL");
	if (!token)
		return erp__invalid("token", "token is NULL");
	if (!password)
		return erp__invalid("password", "password is NULL");
	int rc = erp__user_display_name_check(&display_name);
	if (rc != ERP_OK)
		return rc;
	char hash[ERP__SESSION_HASH_LEN + 1];
	token_lookup look;
	memset(&look, 0, sizeof look);
	if ((rc = token_lookup_run(&look, store, token, hash)) != ERP_OK)
		return rc;
	accept_job job = { &look, NULL, display_name, NULL, "" };
	char new_hash[ERP__PASSWORD_HASH_CAP];
	if (look.user_found) {
		/* An existing account: its password, throttled like logins. */
		if ((rc = erp__login_throttle_check(store, look.email, "")) != ERP_OK)
			return rc;
		int verified = erp__password_verify(store, look.user_hash, password);
		if (verified < 0)
			return verified;
		if (!verified || look.user_disabled) {
			if ((rc = erp__login_failure_record(store, look.email, "")) != ERP_OK)
				return rc;
			return erp__error(ERP_EAUTH, ENTITY, "password", "the password is wrong");
		}
		job.user_id = look.user_id;
	} else {
		if ((rc = erp__password_check(password, "password")) != ERP_OK ||
		    (rc = erp__password_hash(new_hash, store, password)) != ERP_OK)
			return rc;
		job.new_hash = new_hash;
	}
	rc = accept_run(out_tenant_id, out_user_id, store, &job);
	sodium_memzero(new_hash, sizeof new_hash);
	sodium_memzero(&look.user_hash, sizeof look.user_hash);
	return rc;
}
