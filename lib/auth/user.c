/*
 * Users and memberships: the admin API (erp/user.h).
 *
 * Users, memberships and sessions are store-level registries: the work
 * runs in the context's tenant as the store itself (scope role 0), filters
 * every statement by the tenant, and checks the acting role here. Every
 * change is audited in the tenant and ends or refreshes the sessions it
 * affects (session_internal.h) in the same transaction.
 */
#include <erp/tenant.h>
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
#include "core/tenant_internal.h"
#include "user_internal.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DISPLAY_NAME_MAX 200
#define ENTITY "auth.user"

/* The scope of user work: the tenant, as the store (see above). */
static erp_storage_scope user_scope(const erp_ctx *ctx)
{
	erp_storage_scope scope = { ctx->tenant_id, ctx->user_id, 0 };
	return scope;
}

static int check_role(int role)
{
	if (!erp__role_name(role))
		return erp__invalid("role", "role must be ERP_ROLE_READONLY, ERP_ROLE_READWRITE or ERP_ROLE_ADMIN, not %d", role);
	return ERP_OK;
}

static int check_user_id(char out[ERP__UUID_LEN + 1], const char *user_id)
{
	if (!user_id || !erp__uuid_normalize(out, user_id))
		return erp__invalid("user_id", "user_id must be a UUID");
	return ERP_OK;
}

static int check_email(char out[ERP__EMAIL_MAX + 1], const char *email)
{
	if (!erp__email_normalize(out, email))
		return erp__invalid("email", "email must be an address such as name@example.com (3 to %d bytes, no spaces)",
		                    ERP__EMAIL_MAX);
	return ERP_OK;
}

/* ---- reading members ----------------------------------------------------------- */

#define MEMBER_SELECT                                                                                    \
	"SELECT u.id, u.email, u.display_name, m.role, m.disabled, m.created_at, m.updated_at, m.version " \
	"FROM {auth.memberships} m JOIN {auth.users} u ON u.id = m.user_id WHERE m.tenant_id = $1 "

static json_t *member_json(erp__tx *tx, erp_storage_rows *rows, void *unused)
{
	(void)unused;
	char s[8][24];
	const char *v[7];
	for (size_t i = 0; i < 7; i++)
		v[i] = erp__db_text(tx, rows, i, s[i]);
	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:b, s:s?, s:s?, s:I}", "id", v[0], "email", v[1], "display_name", v[2],
	                 "role", v[3], "disabled", erp__db_int(tx, rows, 4) != 0, "created_at", v[5], "updated_at", v[6],
	                 "version", (json_int_t)erp__db_int(tx, rows, 7));
}

/* The member as JSON (*out, new reference) or NULL when not a member. */
static int member_load(json_t **out, erp__tx *tx, const char *tenant_id, const char *user_id)
{
	erp_value p[2] = { erp__v_text(tenant_id), erp__v_text(user_id) };
	return erp__db_row_json_first(out, tx, MEMBER_SELECT "AND m.user_id = $2", p, 2, member_json, NULL);
}

typedef struct {
	const erp_ctx *ctx;
	const char *user_id; /* NULL: list every member */
} read_job;

static int read_body(json_t **result, erp__tx *tx, void *payload)
{
	read_job *job = payload;
	if (job->user_id) {
		int rc = member_load(result, tx, job->ctx->tenant_id, job->user_id);
		return rc == ERP_OK && !*result ? erp__not_a_member(job->user_id) : rc;
	}
	if (!(*result = json_array()))
		return erp__oom();
	erp_value p = erp__v_text(job->ctx->tenant_id);
	return erp__db_rows_json(*result, tx, MEMBER_SELECT "ORDER BY u.email", &p, 1, member_json, NULL);
}

static int read_run(erp_buf *out, erp_ctx *ctx, const char *user_id)
{
	read_job job = { ctx, user_id };
	erp_storage_scope scope = user_scope(ctx);
	return erp__tx_read_json(out, ctx->store, &scope, read_body, &job);
}

int erp_user_get(erp_buf *out, erp_ctx *ctx, const char *user_id)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	int rc = erp__ctx_require(ctx, ERP_ROLE_READONLY, "reading users");
	char user[ERP__UUID_LEN + 1];
	if (rc == ERP_OK)
		rc = check_user_id(user, user_id);
	return rc == ERP_OK ? read_run(out, ctx, user) : rc;
}

int erp_user_list(erp_buf *out, erp_ctx *ctx)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	int rc = erp__ctx_require(ctx, ERP_ROLE_READONLY, "listing users");
	return rc == ERP_OK ? read_run(out, ctx, NULL) : rc;
}

/* ---- new users and memberships (shared with invitation.c) -------------------------- */

int erp__member_insert(erp__tx *tx, const erp_ctx *ctx, const char *user_id, int role)
{
	char now[ERP__TIMESTAMP_LEN + 1];
	erp__now_timestamp(now);
	erp_value m[2] = { erp__v_text(ctx->tenant_id), erp__v_text(user_id) };
	int rc = erp__db_exists(tx, "SELECT 1 FROM {auth.memberships} WHERE tenant_id = $1 AND user_id = $2", m, 2);
	if (rc != 0)
		return rc < 0 ? rc : erp__error(ERP_EEXISTS, ENTITY, "email", "the user is a member of this tenant already");
	erp_value p[5] = { erp__v_text(ctx->tenant_id), erp__v_text(user_id), erp__v_text(erp__role_name(role)),
		           erp__v_text(now), erp__v_text(ctx->user_id) };
	rc = erp__db_exec(tx,
	                  "INSERT INTO {auth.memberships} (tenant_id, user_id, role, created_at, created_by, updated_at, updated_by) "
	                  "VALUES ($1, $2, $3, $4, $5, $4, $5)",
	                  p, 5, NULL);
	if (rc != ERP_OK)
		return rc;
	json_t *after = NULL;
	if ((rc = member_load(&after, tx, ctx->tenant_id, user_id)) == ERP_OK)
		rc = erp__audit_append_json(tx, ctx, "create", ENTITY, user_id, NULL, after);
	json_decref(after);
	return rc;
}

int erp__user_insert(erp__tx *tx, char out_id[ERP__UUID_LEN + 1], const char *email, const char *display_name,
                     const char *hash, const char *actor)
{
	erp_value e = erp__v_text(email);
	int rc = erp__db_exists(tx, "SELECT 1 FROM {auth.users} WHERE email = $1", &e, 1);
	if (rc != 0)
		return rc < 0 ? rc : erp__error(ERP_EEXISTS, ENTITY, "email", "a user with email %s exists already", email);
	char now[ERP__TIMESTAMP_LEN + 1];
	erp__now_timestamp(now);
	erp__uuid_v7(out_id);
	erp_value u[6] = { erp__v_text(out_id), erp__v_text(email), erp__v_text(display_name), erp__v_text(hash),
		           erp__v_text(now), erp__v_text(actor ? actor : out_id) };
	return erp__db_exec(tx,
	                    "INSERT INTO {auth.users} (id, email, display_name, password_hash, created_at, created_by, "
	                    "updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $5, $6)",
	                    u, 6, NULL);
}

int erp__user_display_name_check(const char **display_name)
{
	size_t chars = 0;
	if (!*display_name)
		*display_name = "";
	if (!erp__utf8_check(*display_name, strlen(*display_name), false, &chars) || chars > DISPLAY_NAME_MAX)
		return erp__invalid("display_name", "display_name must be up to %d characters of UTF-8 without control characters",
		                    DISPLAY_NAME_MAX);
	return ERP_OK;
}

int erp__user_new_check(char mail[ERP__EMAIL_MAX + 1], const char *email, const char **display_name,
                        const char *password)
{
	int rc;
	if (!*display_name)
		*display_name = "";
	if ((rc = check_email(mail, email)) != ERP_OK || (rc = erp__user_display_name_check(display_name)) != ERP_OK)
		return rc;
	return erp__password_check(password, "password");
}

/* A new tenant and its first admin, in one transaction. */
typedef struct {
	const erp_ctx *ctx;
	const char *name, *currency, *email, *display_name, *hash;
	char user_id[ERP__UUID_LEN + 1];
} signup_job;

static int signup_body(erp__tx *tx, void *payload)
{
	signup_job *job = payload;
	int rc = erp__tenant_insert(tx, job->ctx->tenant_id, job->name, job->currency);
	if (rc == ERP_OK)
		rc = erp__user_insert(tx, job->user_id, job->email, job->display_name, job->hash, job->ctx->user_id);
	return rc == ERP_OK ? erp__member_insert(tx, job->ctx, job->user_id, ERP_ROLE_ADMIN) : rc;
}

int erp_tenant_create_with_admin(erp_buf *out_tenant_id, erp_buf *out_user_id, erp_store *store, const char *name,
                                 const char *base_currency, const char *email, const char *display_name,
                                 const char *password)
{
	if (!out_tenant_id)
		return erp__invalid("out_tenant_id", "out_tenant_id is NULL");
	if (!store)
		return erp__invalid("store", "store is NULL");
	char mail[ERP__EMAIL_MAX + 1], hash[ERP__PASSWORD_HASH_CAP];
	int rc = erp__tenant_check(name, base_currency);
	if (rc != ERP_OK || (rc = erp__user_new_check(mail, email, &display_name, password)) != ERP_OK ||
	    (rc = erp__password_hash(hash, store, password)) != ERP_OK)
		return rc;

	/* The work runs as the new tenant's "system" admin (user_scope). */
	erp_ctx system = { .store = store, .user_id = (char *)"system", .role = ERP_ROLE_ADMIN };
	erp__uuid_v7(system.tenant_id);
	snprintf(system.base_currency, sizeof system.base_currency, "%s", base_currency);
	signup_job job = { &system, name, base_currency, mail, display_name, hash, "" };
	erp_storage_scope scope = user_scope(&system);
	if ((rc = erp__tx_run(store, ERP_TX_WRITE, &scope, signup_body, &job)) != ERP_OK)
		return rc;
	if (out_user_id && (rc = erp_buf_set(out_user_id, job.user_id, strlen(job.user_id))) != ERP_OK)
		return rc;
	return erp_buf_set(out_tenant_id, system.tenant_id, ERP__UUID_LEN);
}

/* ---- changing a membership ----------------------------------------------------- */

typedef enum { CHANGE_ROLE, CHANGE_DISABLED, CHANGE_REMOVE } change_kind;

typedef struct {
	const erp_ctx *ctx;
	const char *user_id;
	change_kind kind;
	int value; /* the role, or disabled */
	erp__session_list sessions;
} change_job;

/*
 * Refuses a change that would leave the tenant without an active admin.
 * The tenant's admin memberships are locked first, so that two admins
 * demoting each other at once cannot both pass.
 */
static int keep_an_admin(erp__tx *tx, const erp_ctx *ctx, const char *user_id, const json_t *member,
                         change_kind kind, int value)
{
	bool active_admin = strcmp(json_string_value(json_object_get(member, "role")), "admin") == 0 &&
	                    !json_is_true(json_object_get(member, "disabled"));
	bool stays = (kind == CHANGE_ROLE && value == ERP_ROLE_ADMIN) || (kind == CHANGE_DISABLED && !value);
	if (!active_admin || stays)
		return ERP_OK;
	erp_value p[2] = { erp__v_text(ctx->tenant_id), erp__v_text(user_id) };
	int rc = erp__db_exists(tx, "SELECT 1 FROM {auth.memberships} WHERE tenant_id = $1 AND role = 'admin' {for_update}", p, 1);
	if (rc < 0)
		return rc;
	rc = erp__db_exists(tx,
	                    "SELECT 1 FROM {auth.memberships} WHERE tenant_id = $1 AND role = 'admin' AND NOT disabled "
	                    "AND user_id <> $2",
	                    p, 2);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return erp__error(ERP_EPERM, ENTITY, "user_id", "user %s is the tenant's last active admin", user_id);
	return ERP_OK;
}

static int change_body(erp__tx *tx, void *payload)
{
	change_job *job = payload;
	const erp_ctx *ctx = job->ctx;
	job->sessions.count = 0;
	json_t *before = NULL, *after = NULL;
	int rc = member_load(&before, tx, ctx->tenant_id, job->user_id);
	if (rc != ERP_OK)
		return rc;
	if (!before)
		return erp__not_a_member(job->user_id);
	if ((rc = keep_an_admin(tx, ctx, job->user_id, before, job->kind, job->value)) != ERP_OK)
		goto done;

	char now[ERP__TIMESTAMP_LEN + 1];
	erp__now_timestamp(now);
	erp_value p[5] = { erp__v_text(ctx->tenant_id), erp__v_text(job->user_id), erp__v_text(now),
		           erp__v_text(ctx->user_id), erp__v_null() };
	const char *action = "update";
	if (job->kind == CHANGE_REMOVE) {
		action = "delete";
		rc = erp__sessions_end(tx, &job->sessions, ctx->tenant_id, job->user_id, NULL);
		if (rc == ERP_OK)
			rc = erp__db_exec(tx, "DELETE FROM {auth.memberships} WHERE tenant_id = $1 AND user_id = $2", p, 2, NULL);
	} else if (job->kind == CHANGE_ROLE) {
		p[4] = erp__v_text(erp__role_name(job->value));
		rc = erp__sessions_collect(tx, &job->sessions, ctx->tenant_id, job->user_id, NULL);
		if (rc == ERP_OK)
			rc = erp__db_exec(tx,
			                  "UPDATE {auth.memberships} SET role = $5, updated_at = $3, updated_by = $4, version = version + 1 "
			                  "WHERE tenant_id = $1 AND user_id = $2",
			                  p, 5, NULL);
	} else {
		p[4] = erp__v_int(job->value ? 1 : 0);
		rc = job->value ? erp__sessions_end(tx, &job->sessions, ctx->tenant_id, job->user_id, NULL) : ERP_OK;
		if (rc == ERP_OK)
			rc = erp__db_exec(tx,
			                  "UPDATE {auth.memberships} SET disabled = $5, updated_at = $3, updated_by = $4, "
			                  "version = version + 1 WHERE tenant_id = $1 AND user_id = $2",
			                  p, 5, NULL);
	}
	if (rc == ERP_OK && job->kind != CHANGE_REMOVE)
		rc = member_load(&after, tx, ctx->tenant_id, job->user_id);
	if (rc == ERP_OK)
		rc = erp__audit_append_json(tx, ctx, action, ENTITY, job->user_id, before, after);
done:
	json_decref(before);
	json_decref(after);
	return rc;
}

static int change_run(erp_ctx *ctx, const char *user_id, change_kind kind, int value, const char *what)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_ADMIN, what);
	char user[ERP__UUID_LEN + 1];
	if (rc != ERP_OK || (rc = check_user_id(user, user_id)) != ERP_OK)
		return rc;
	if (kind == CHANGE_ROLE && (rc = check_role(value)) != ERP_OK)
		return rc;
	change_job job = { ctx, user, kind, value, { NULL, 0, 0 } };
	erp_storage_scope scope = user_scope(ctx);
	rc = erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, change_body, &job);
	if (rc != ERP_OK)
		job.sessions.count = 0;
	erp__sessions_forget(ctx->store, &job.sessions);
	return rc;
}

int erp_user_set_role(erp_ctx *ctx, const char *user_id, int role)
{
	return change_run(ctx, user_id, CHANGE_ROLE, role, "changing roles");
}

int erp_user_set_disabled(erp_ctx *ctx, const char *user_id, int disabled)
{
	return change_run(ctx, user_id, CHANGE_DISABLED, disabled != 0, "disabling users");
}

int erp_user_remove(erp_ctx *ctx, const char *user_id)
{
	return change_run(ctx, user_id, CHANGE_REMOVE, 0, "removing users");
}

/* ---- passwords ------------------------------------------------------------------- */

typedef struct {
	const erp_ctx *ctx;
	const char *user_id;
	bool admin_reset;      /* erp_user_set_password */
	const char *old_hash;  /* change: the hash the old password matched */
	const char *new_hash;  /* NULL in the checking pass */
	char email[ERP__EMAIL_MAX + 1];
	char hash[ERP__PASSWORD_HASH_CAP];
	erp__session_list sessions;
} password_job;

/* Reads the user (and for a reset checks that the admin may reset them). */
static int password_check_body(erp__tx *tx, void *payload)
{
	password_job *job = payload;
	const erp_ctx *ctx = job->ctx;
	erp_value p[2] = { erp__v_text(job->user_id), erp__v_text(ctx->tenant_id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, "SELECT email, password_hash FROM {auth.users} WHERE id = $1", p, 1);
	if (rc != ERP_OK)
		return rc;
	job->email[0] = job->hash[0] = '\0';
	if ((rc = erp__db_next(tx, rows)) == 1) {
		char s[24];
		const char *e = erp__db_text(tx, rows, 0, s);
		snprintf(job->email, sizeof job->email, "%s", e ? e : "");
		const char *h = erp__db_text(tx, rows, 1, s);
		snprintf(job->hash, sizeof job->hash, "%s", h ? h : "");
	}
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	if (rc == 0 && !job->admin_reset)
		return erp__error(ERP_ENOTFOUND, ENTITY, "user_id", "the context's user %s is not a user of this store", job->user_id);
	if (!job->admin_reset)
		return ERP_OK;
	rc = erp__db_exists(tx, "SELECT 1 FROM {auth.memberships} WHERE user_id = $1 AND tenant_id = $2", p, 2);
	if (rc <= 0)
		return rc < 0 ? rc : erp__not_a_member(job->user_id);
	if (strcmp(job->user_id, ctx->user_id) == 0)
		return ERP_OK;
	rc = erp__db_exists(tx, "SELECT 1 FROM {auth.memberships} WHERE user_id = $1 AND tenant_id <> $2", p, 2);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return erp__error(ERP_EPERM, ENTITY, "user_id",
		                  "user %s belongs to other tenants too: only they can change their password "
		                  "(erp_user_change_password)", job->user_id);
	return ERP_OK;
}

static int password_write_body(erp__tx *tx, void *payload)
{
	password_job *job = payload;
	int rc = password_check_body(tx, job);
	if (rc != ERP_OK)
		return rc;
	if (job->old_hash && strcmp(job->hash, job->old_hash) != 0)
		return erp__error(ERP_ECONFLICT, ENTITY, "old_password", "the password changed meanwhile; try again");
	char now[ERP__TIMESTAMP_LEN + 1];
	erp__now_timestamp(now);
	erp_value p[4] = { erp__v_text(job->new_hash), erp__v_text(now), erp__v_text(job->ctx->user_id),
		           erp__v_text(job->user_id) };
	rc = erp__db_exec(tx,
	                  "UPDATE {auth.users} SET password_hash = $1, updated_at = $2, updated_by = $3, version = version + 1 "
	                  "WHERE id = $4",
	                  p, 4, NULL);
	if (rc != ERP_OK)
		return rc;
	/* Every session of the user ends, in every tenant; a user changing
	 * their own password keeps the session they did it from. */
	bool self = strcmp(job->user_id, job->ctx->user_id) == 0;
	rc = erp__sessions_end(tx, &job->sessions, NULL, job->user_id, self && job->ctx->session[0] ? job->ctx->session : NULL);
	if (rc == ERP_OK)
		rc = erp__audit_append(tx, job->ctx, "update", ENTITY, job->user_id, NULL, "{\"password\":\"changed\"}");
	return rc;
}

static int password_write(password_job *job, const char *password)
{
	char new_hash[ERP__PASSWORD_HASH_CAP];
	int rc = erp__password_hash(new_hash, job->ctx->store, password);
	if (rc != ERP_OK)
		return rc;
	job->new_hash = new_hash;
	erp_storage_scope scope = user_scope(job->ctx);
	rc = erp__tx_run(job->ctx->store, ERP_TX_WRITE, &scope, password_write_body, job);
	if (rc != ERP_OK)
		job->sessions.count = 0;
	erp__sessions_forget(job->ctx->store, &job->sessions);
	sodium_memzero(new_hash, sizeof new_hash);
	return rc;
}

int erp_user_set_password(erp_ctx *ctx, const char *user_id, const char *password)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_ADMIN, "setting passwords");
	char user[ERP__UUID_LEN + 1];
	if (rc != ERP_OK || (rc = check_user_id(user, user_id)) != ERP_OK ||
	    (rc = erp__password_check(password, "password")) != ERP_OK)
		return rc;
	password_job job;
	memset(&job, 0, sizeof job);
	job.ctx = ctx;
	job.user_id = user;
	job.admin_reset = true;
	erp_storage_scope scope = user_scope(ctx);
	/* Checked before the (slow) hashing, and again in the writing transaction. */
	if ((rc = erp__tx_run(ctx->store, ERP_TX_READ, &scope, password_check_body, &job)) != ERP_OK)
		return rc;
	return password_write(&job, password);
}

int erp_user_change_password(erp_ctx *ctx, const char *old_password, const char *new_password)
{
	if (!ctx)
		return erp__invalid("ctx", "ctx is NULL");
	char user[ERP__UUID_LEN + 1];
	int rc;
	if (!erp__uuid_normalize(user, ctx->user_id))
		return erp__error(ERP_ENOTFOUND, ENTITY, "user_id", "the context's user '%s' is not a user of this store",
		                  ctx->user_id);
	if (!old_password)
		return erp__invalid("old_password", "old_password is NULL");
	if ((rc = erp__password_check(new_password, "new_password")) != ERP_OK)
		return rc;
	password_job job;
	memset(&job, 0, sizeof job);
	job.ctx = ctx;
	job.user_id = user;
	erp_storage_scope scope = user_scope(ctx);
	if ((rc = erp__tx_run(ctx->store, ERP_TX_READ, &scope, password_check_body, &job)) != ERP_OK)
		return rc;
	/* Guessing through this call is throttled like logins. */
	if ((rc = erp__login_throttle_check(ctx->store, job.email, "")) != ERP_OK)
		return rc;
	int verified = erp__password_verify(ctx->store, job.hash, old_password);
	if (verified < 0)
		return verified;
	if (!verified) {
		if ((rc = erp__login_failure_record(ctx->store, job.email, "")) != ERP_OK)
			return rc;
		return erp__error(ERP_EAUTH, ENTITY, "old_password", "the old password is wrong");
	}
	char old_hash[ERP__PASSWORD_HASH_CAP];
	snprintf(old_hash, sizeof old_hash, "%s", job.hash);
	job.old_hash = old_hash;
	return password_write(&job, new_password);
}
