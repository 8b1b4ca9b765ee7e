/*
 * Sessions (erp/session.h): login, resume, logout, revocation, listing.
 *
 * Storage is the system of record. A shared cache (Redis) keeps each live
 * session as "1|tenant|user|role|currency|expires_ms|idle_ms|last_seen_ms"
 * for at most the touch granularity; a change to a session (logout,
 * revocation, a role or membership change) overwrites its entry with the
 * tombstone "r" ("read storage"), and readers refill the cache only with an
 * add that fails while the tombstone is there. So a reader that read
 * storage just before the change can never put the old session back.
 * A tombstone the cache could not take (Redis down or hung) leaves the old
 * entry there for up to the granularity: until it has expired, this store
 * resumes every session from storage.
 */
#include "session_internal.h"

#include "core/audit_internal.h"
#include "core/cache_internal.h"
#include "core/context_internal.h"
#include "util/email.h"
#include "util/array.h"
#include "util/error.h"
#include "util/ident.h"
#include "util/json_out.h"
#include "auth_module.h"
#include "login_throttle.h"
#include "password.h"
#include "membership.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLIENT_KEY_MAX 200
#define TOMBSTONE "r"
#define WRONG_CREDENTIALS "email or password is wrong"
#define NOT_A_SESSION "the token is not a live session"

/* How stale the stored last-seen time may get: a tenth of the idle
 * timeout, at most a minute. Cache entries live no longer than this. */
static int64_t granularity_ms(int64_t idle_ms)
{
	int64_t g = idle_ms / 10;
	if (g > 60000)
		g = 60000;
	return g < 10 ? 10 : g;
}

static void session_cache_key(char key[ERP__CACHE_KEY_MAX], const erp_store *store, const char *hash)
{
	erp__cache_key(key, store, "s", hash);
}

/* ---- ending sessions (session_internal.h) ---------------------------------- */

static int list_push(erp__session_list *l, const char *hash)
{
	int rc = ERP__ARRAY_RESERVE(l->hash, l->cap, l->count + 1);
	if (rc != ERP_OK)
		return rc;
	snprintf(l->hash[l->count++], ERP__SESSION_HASH_LEN + 1, "%s", hash);
	return ERP_OK;
}

/* The where-clause of the sessions of a user, in one tenant or all. */
static const char *user_sessions_sql(bool delete, const char *tenant_id)
{
	if (delete)
		return tenant_id ? "DELETE FROM {auth.sessions} WHERE user_id = $1 AND token_hash <> $2 AND tenant_id = $3"
		                 : "DELETE FROM {auth.sessions} WHERE user_id = $1 AND token_hash <> $2";
	return tenant_id ? "SELECT token_hash FROM {auth.sessions} WHERE user_id = $1 AND token_hash <> $2 AND tenant_id = $3"
	                 : "SELECT token_hash FROM {auth.sessions} WHERE user_id = $1 AND token_hash <> $2";
}

int erp__sessions_collect(erp__tx *tx, erp__session_list *found, const char *tenant_id, const char *user_id,
                          const char *except)
{
	found->count = 0;
	erp_value p[3] = { erp__v_text(user_id), erp__v_text(except ? except : ""), erp__v_text(tenant_id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, user_sessions_sql(false, tenant_id), p, tenant_id ? 3 : 2);
	if (rc != ERP_OK)
		return rc;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		char s[24];
		const char *h = erp__db_text(tx, rows, 0, s);
		if (h && (rc = list_push(found, h)) != ERP_OK)
			break;
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

int erp__sessions_end(erp__tx *tx, erp__session_list *ended, const char *tenant_id, const char *user_id,
                      const char *except)
{
	int rc = erp__sessions_collect(tx, ended, tenant_id, user_id, except);
	if (rc != ERP_OK)
		return rc;
	erp_value p[3] = { erp__v_text(user_id), erp__v_text(except ? except : ""), erp__v_text(tenant_id) };
	return erp__db_exec(tx, user_sessions_sql(true, tenant_id), p, tenant_id ? 3 : 2, NULL);
}

void erp__sessions_forget(erp_store *store, erp__session_list *ended)
{
	if (erp__cache_shared(store)) {
		int64_t ttl = granularity_ms(store->opts.session_idle_ms) + 1000;
		bool refused = false;
		for (size_t i = 0; i < ended->count; i++) {
			char key[ERP__CACHE_KEY_MAX];
			session_cache_key(key, store, ended->hash[i]);
			/* A failure leaves an entry that expires within the granularity. */
			if (erp__cache_set(store, key, TOMBSTONE, 1, ttl) != ERP_OK)
				refused = true;
		}
		if (refused)
			atomic_store(&erp__auth_state_of(store)->session_cache_distrust_until_ms, erp__now_ms() + ttl);
	}
	free(ended->hash);
	memset(ended, 0, sizeof *ended);
}

/* ---- the session as storage or the cache describes it ------------------- */

typedef struct {
	char tenant_id[ERP__UUID_LEN + 1];
	char user_id[ERP__UUID_LEN + 1];
	int role;
	char currency[4];
	int64_t created_ms, last_seen_ms, expires_ms, idle_ms;
	bool usable; /* membership enabled */
} session_row;

static bool row_live(const session_row *r, int64_t now)
{
	return r->usable && now < r->expires_ms && now < r->last_seen_ms + r->idle_ms;
}

static int cache_encode(char *out, size_t cap, const session_row *r)
{
	return snprintf(out, cap, "1|%s|%s|%d|%s|%lld|%lld|%lld", r->tenant_id, r->user_id, r->role, r->currency,
	                (long long)r->expires_ms, (long long)r->idle_ms, (long long)r->last_seen_ms);
}

static bool cache_decode(session_row *r, const char *text)
{
	char tenant[ERP__UUID_LEN + 1], user[ERP__UUID_LEN + 1], cur[4];
	long long expires, idle, seen;
	int role, used = 0;
	if (sscanf(text, "1|%36[^|]|%36[^|]|%d|%3[^|]|%lld|%lld|%lld%n", tenant, user, &role, cur, &expires, &idle,
	           &seen, &used) != 7 ||
	    text[used] != '\0' || !erp__role_name(role))
		return false;
	memset(r, 0, sizeof *r);
	snprintf(r->tenant_id, sizeof r->tenant_id, "%s", tenant);
	snprintf(r->user_id, sizeof r->user_id, "%s", user);
	snprintf(r->currency, sizeof r->currency, "%s", cur);
	r->role = role;
	r->expires_ms = expires;
	r->idle_ms = idle;
	r->last_seen_ms = seen;
	r->usable = true;
	return true;
}

/* Refills the shared cache, never over a tombstone. */
static void cache_fill(erp_store *store, const char *hash, const session_row *r, int64_t now)
{
	if (!erp__cache_shared(store))
		return;
	int64_t ttl = granularity_ms(r->idle_ms);
	if (r->expires_ms - now < ttl)
		ttl = r->expires_ms - now;
	if (r->last_seen_ms + r->idle_ms - now < ttl)
		ttl = r->last_seen_ms + r->idle_ms - now;
	if (ttl <= 0)
		return;
	char key[ERP__CACHE_KEY_MAX], value[200];
	session_cache_key(key, store, hash);
	int n = cache_encode(value, sizeof value, r);
	if (n > 0 && (size_t)n < sizeof value)
		(void)erp__cache_add(store, key, value, (size_t)n, ttl);
}

#define SESSION_SELECT                                                                                        \
	"SELECT s.tenant_id, s.user_id, s.created_ms, s.last_seen_ms, s.expires_ms, s.idle_ms, m.role, m.disabled, " \
	"t.base_currency, s.client_key FROM {auth.sessions} s "                                                      \
	"JOIN {auth.memberships} m ON m.tenant_id = s.tenant_id AND m.user_id = s.user_id "                          \
	"JOIN {auth.tenants} t ON t.id = s.tenant_id "

/* Reads a session row's columns (in SESSION_SELECT's order). */
static void row_read(session_row *r, erp__tx *tx, erp_storage_rows *rows)
{
	char s[24];
	const char *v;
	memset(r, 0, sizeof *r);
	v = erp__db_text(tx, rows, 0, s);
	snprintf(r->tenant_id, sizeof r->tenant_id, "%s", v ? v : "");
	v = erp__db_text(tx, rows, 1, s);
	snprintf(r->user_id, sizeof r->user_id, "%s", v ? v : "");
	r->created_ms = erp__db_int(tx, rows, 2);
	r->last_seen_ms = erp__db_int(tx, rows, 3);
	r->expires_ms = erp__db_int(tx, rows, 4);
	r->idle_ms = erp__db_int(tx, rows, 5);
	r->role = erp__role_parse(erp__db_text(tx, rows, 6, s));
	r->usable = erp__db_int(tx, rows, 7) == 0 && r->role != 0;
	v = erp__db_text(tx, rows, 8, s);
	snprintf(r->currency, sizeof r->currency, "%s", v ? v : "");
}

/* ---- login ------------------------------------------------------------------ */

typedef struct {
	const char *email, *tenant_id;
	bool found, member;
	char user_id[ERP__UUID_LEN + 1];
	char hash[ERP__PASSWORD_HASH_CAP];
	int role;
	char currency[4];
} login_lookup;

/*
 * One statement, one round trip, whether or not the email is known, a
 * member of the tenant or disabled: what a failed login costs must not
 * tell an unknown email from a wrong password. The user, the membership
 * and the tenant are read together (LEFT JOINs: no membership still gives
 * the user's row); an unknown email gives no row.
 */
static int login_lookup_body(erp__tx *tx, void *payload)
{
	login_lookup *job = payload;
	job->found = job->member = false;
	job->hash[0] = job->user_id[0] = job->currency[0] = '\0';
	job->role = 0;
	erp_value p[2] = { erp__v_text(job->email), erp__v_text(job->tenant_id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "SELECT u.id, u.password_hash, u.disabled, m.role, m.disabled, t.base_currency "
	                       "FROM {auth.users} u "
	                       "LEFT JOIN {auth.memberships} m ON m.tenant_id = $2 AND m.user_id = u.id "
	                       "LEFT JOIN {auth.tenants} t ON t.id = m.tenant_id "
	                       "WHERE u.email = $1",
	                       p, 2);
	if (rc != ERP_OK)
		return rc;
	if ((rc = erp__db_next(tx, rows)) == 1) {
		char s[24];
		const char *id = erp__db_text(tx, rows, 0, s);
		snprintf(job->user_id, sizeof job->user_id, "%s", id ? id : "");
		const char *h = erp__db_text(tx, rows, 1, s);
		snprintf(job->hash, sizeof job->hash, "%s", h ? h : "");
		job->found = erp__db_int(tx, rows, 2) == 0;
		if (!erp__db_is_null(tx, rows, 3)) {
			job->role = erp__role_parse(erp__db_text(tx, rows, 3, s));
			job->member = job->found && job->role != 0 && erp__db_int(tx, rows, 4) == 0;
			const char *cur = erp__db_text(tx, rows, 5, s);
			snprintf(job->currency, sizeof job->currency, "%s", cur ? cur : "");
		}
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

typedef struct {
	erp_ctx actor; /* tenant, user: for the audit row */
	const char *hash, *client_key, *email, *old_hash, *new_hash;
	const erp_store_options *opts;
	int64_t now;
} login_write;

static int login_write_body(erp__tx *tx, void *payload)
{
	login_write *job = payload;
	const erp_ctx *a = &job->actor;
	erp_value m[2] = { erp__v_text(a->tenant_id), erp__v_text(a->user_id) };
	int rc = erp__db_exists(tx, "SELECT 1 FROM {auth.memberships} WHERE tenant_id = $1 AND user_id = $2 AND NOT disabled",
	                        m, 2);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return erp__error(ERP_EAUTH, NULL, NULL, WRONG_CREDENTIALS);
	/* Sessions of this user that ended on their own are pruned here. */
	erp_value prune[2] = { erp__v_text(a->user_id), erp__v_int(job->now) };
	rc = erp__db_exec(tx,
	                  "DELETE FROM {auth.sessions} WHERE user_id = $1 AND (expires_ms <= $2 OR last_seen_ms + idle_ms <= $2)",
	                  prune, 2, NULL);
	if (rc != ERP_OK)
		return rc;
	erp_value p[8] = {
		erp__v_text(job->hash), erp__v_text(a->tenant_id), erp__v_text(a->user_id), erp__v_int(job->now),
		erp__v_int(job->now + job->opts->session_lifetime_ms), erp__v_int(job->opts->session_idle_ms),
		erp__v_text(job->client_key),
	};
	rc = erp__db_exec(tx,
	                  "INSERT INTO {auth.sessions} (token_hash, tenant_id, user_id, created_ms, last_seen_ms, expires_ms, "
	                  "idle_ms, client_key) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
	                  p, 7, NULL);
	if (rc == ERP_OK)
		rc = erp__login_failures_clear(tx, job->email);
	if (rc == ERP_OK && job->new_hash) {
		erp_value u[3] = { erp__v_text(job->new_hash), erp__v_text(a->user_id), erp__v_text(job->old_hash) };
		rc = erp__db_exec(tx, "UPDATE {auth.users} SET password_hash = $1 WHERE id = $2 AND password_hash = $3", u, 3, NULL);
	}
	if (rc == ERP_OK) {
		char after[300];
		json_t *j = json_pack("{s:s, s:s}", "user_id", a->user_id, "client_key", job->client_key);
		char *text = j ? erp__json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (!text)
			return erp__oom();
		snprintf(after, sizeof after, "%.16s", job->hash);
		rc = erp__audit_append(tx, a, "login", "auth.session", after, NULL, text);
		free(text);
	}
	return rc;
}

static int check_client_key(const char *client_key)
{
	size_t chars;
	if (client_key && (strlen(client_key) > CLIENT_KEY_MAX ||
	                   !erp__utf8_check(client_key, strlen(client_key), false, &chars)))
		return erp__invalid("client_key", "client_key must be at most %d bytes of UTF-8 without control characters",
		                    CLIENT_KEY_MAX);
	return ERP_OK;
}

/* Counts a failed login and refuses it, the same way whatever failed. */
static int login_refused(erp_store *store, const char *email, const char *client_key)
{
	int rc = erp__login_failure_record(store, email, client_key);
	if (rc != ERP_OK)
		return rc;
	return erp__error(ERP_EAUTH, NULL, NULL, WRONG_CREDENTIALS);
}

int erp_session_login(erp_buf *out_token, erp_ctx **out_ctx, erp_store *store, const char *email,
                      const char *password, const char *tenant_id, const char *client_key)
{
	if (out_ctx)
		*out_ctx = NULL;
	if (!out_token || !store)
		return erp__invalid(out_token ? "store" : "out_token", "%s is NULL", out_token ? "store" : "out_token");
	char mail[ERP__EMAIL_MAX + 1], tenant[ERP__UUID_LEN + 1];
	int rc;
	if (!erp__email_normalize(mail, email))
		return erp__invalid("email", "email must be an address such as name@example.com (3 to %d bytes)", ERP__EMAIL_MAX);
	if ((rc = erp__password_check(password, "password")) != ERP_OK)
		return rc;
	if (!tenant_id || !erp__uuid_normalize(tenant, tenant_id))
		return erp__invalid("tenant_id", "tenant_id must be a UUID");
	if ((rc = check_client_key(client_key)) != ERP_OK)
		return rc;
	if (!client_key)
		client_key = "";

	if ((rc = erp__login_throttle_check(store, mail, client_key)) != ERP_OK)
		return rc;

	login_lookup look = { mail, tenant, false, false, "", "", 0, "" };
	erp_storage_scope store_scope = { NULL, NULL, 0 };
	if ((rc = erp__tx_run(store, ERP_TX_READ, &store_scope, login_lookup_body, &look)) != ERP_OK)
		return rc;
	/* Always one argon2id verification: a real hash or the dummy one. */
	int verified = erp__password_verify(store, look.found ? look.hash : NULL, password);
	if (verified < 0)
		return verified;
	bool ok = verified == 1;
	if (!ok || !look.member) {
		/* A right password of a user who is not a member here (or no
		 * longer active) was verified once; a mismatch costs two runs.
		 * One more run against the dummy hash makes every failure cost
		 * the same, so the time does not tell the password was right. */
		if (ok && (rc = erp__password_spend(store, password)) != ERP_OK)
			return rc;
		return login_refused(store, mail, client_key);
	}

	char new_hash[ERP__PASSWORD_HASH_CAP];
	bool rehash = erp__password_needs_rehash(store, look.hash);
	if (rehash && (rc = erp__password_hash(new_hash, store, password)) != ERP_OK)
		return rc;

	char token[ERP_SESSION_TOKEN_LEN + 1], hash[ERP__SESSION_HASH_LEN + 1];
	erp__session_token_new(token, hash);
	login_write w;
	memset(&w, 0, sizeof w);
	w.actor.store = store;
	snprintf(w.actor.tenant_id, sizeof w.actor.tenant_id, "%s", tenant);
	w.actor.user_id = look.user_id;
	w.hash = hash;
	w.client_key = client_key;
	w.email = mail;
	w.old_hash = look.hash;
	w.new_hash = rehash ? new_hash : NULL;
	w.opts = &store->opts;
	w.now = erp__now_ms();
	erp_storage_scope scope = { tenant, look.user_id, 0 };
	rc = erp__tx_run(store, ERP_TX_WRITE, &scope, login_write_body, &w);
	if (rc == ERP_EAUTH)
		return login_refused(store, mail, client_key); /* the membership went away meanwhile */
	if (rc != ERP_OK)
		return rc;

	session_row row;
	memset(&row, 0, sizeof row);
	snprintf(row.tenant_id, sizeof row.tenant_id, "%s", tenant);
	snprintf(row.user_id, sizeof row.user_id, "%s", look.user_id);
	snprintf(row.currency, sizeof row.currency, "%s", look.currency);
	row.role = look.role;
	row.created_ms = row.last_seen_ms = w.now;
	row.expires_ms = w.now + store->opts.session_lifetime_ms;
	row.idle_ms = store->opts.session_idle_ms;
	row.usable = true;
	cache_fill(store, hash, &row, w.now);

	if (out_ctx && (rc = erp__ctx_make(out_ctx, store, tenant, look.user_id, look.role, look.currency, hash)) != ERP_OK)
		return rc;
	if (erp_buf_set(out_token, token, ERP_SESSION_TOKEN_LEN) != ERP_OK) {
		erp_ctx_free(out_ctx ? *out_ctx : NULL);
		if (out_ctx)
			*out_ctx = NULL;
		return erp__oom();
	}
	return ERP_OK;
}

/* ---- resume ----------------------------------------------------------------- */

typedef struct {
	const char *hash;
	session_row row;
	bool found;
} session_read;

static int session_read_body(erp__tx *tx, void *payload)
{
	session_read *job = payload;
	job->found = false;
	erp_value p = erp__v_text(job->hash);
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, SESSION_SELECT "WHERE s.token_hash = $1", &p, 1);
	if (rc != ERP_OK)
		return rc;
	if ((rc = erp__db_next(tx, rows)) == 1) {
		row_read(&job->row, tx, rows);
		job->found = true;
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

typedef struct {
	const char *hash;
	int64_t now;
} session_touch;

static int session_touch_body(erp__tx *tx, void *payload)
{
	session_touch *job = payload;
	erp_value p[2] = { erp__v_int(job->now), erp__v_text(job->hash) };
	int64_t changes = 0;
	/*
	 * Whether the session is live is a fact of its own row, never of who
	 * touched it last: a concurrent request of the same token may have
	 * written a later (or the same) time already, which keeps it live.
	 * The time only moves forward; no row means it ended meanwhile
	 * (logout, revocation, expiry).
	 */
	int rc = erp__db_exec(tx,
	                      "UPDATE {auth.sessions} SET last_seen_ms = CASE WHEN last_seen_ms < $1 THEN $1 "
	                      "ELSE last_seen_ms END WHERE token_hash = $2 AND expires_ms > $1 AND last_seen_ms + idle_ms > $1",
	                      p, 2, &changes);
	if (rc == ERP_OK && changes == 0)
		return erp__error(ERP_EAUTH, NULL, NULL, NOT_A_SESSION);
	return rc;
}

int erp_session_resume(erp_ctx **out_ctx, erp_store *store, const char *token)
{
	if (!out_ctx)
		return erp__invalid("out_ctx", "out_ctx is NULL");
	*out_ctx = NULL;
	if (!store)
		return erp__invalid("store", "store is NULL");
	char hash[ERP__SESSION_HASH_LEN + 1];
	if (!erp__session_token_hash(hash, token))
		return erp__error(ERP_EAUTH, NULL, NULL, "the token is malformed");
	int64_t now = erp__now_ms();

	if (erp__cache_shared(store) && now >= atomic_load(&erp__auth_state_of(store)->session_cache_distrust_until_ms)) {
		char key[ERP__CACHE_KEY_MAX];
		erp_buf cached = ERP_BUF_INIT;
		session_cache_key(key, store, hash);
		if (erp__cache_get(&cached, store, key) == ERP_OK) {
			session_row r;
			bool hit = cached.ptr && cache_decode(&r, cached.ptr) && row_live(&r, now);
			erp_buf_dispose(&cached);
			if (hit)
				return erp__ctx_make(out_ctx, store, r.tenant_id, r.user_id, r.role, r.currency, hash);
			/* a tombstone, or stale: storage decides */
		}
	}

	session_read job;
	memset(&job, 0, sizeof job);
	job.hash = hash;
	erp_storage_scope scope = { NULL, NULL, 0 };
	int rc = erp__tx_run(store, ERP_TX_READ, &scope, session_read_body, &job);
	if (rc != ERP_OK)
		return rc;
	if (!job.found || !row_live(&job.row, now))
		return erp__error(ERP_EAUTH, NULL, NULL, NOT_A_SESSION);
	if (now - job.row.last_seen_ms >= granularity_ms(job.row.idle_ms)) {
		session_touch touch = { hash, now };
		rc = erp__tx_run(store, ERP_TX_WRITE, &scope, session_touch_body, &touch);
		/*
		 * The session was just read live: a touch that storage cannot
		 * write now (a full disk, a busy writer) costs it only idle time,
		 * never the read it is resumed for. Not cached: the next call
		 * tries the touch again.
		 */
		if (rc == ERP_EBACKEND || rc == ERP_ERETRY)
			return erp__ctx_make(out_ctx, store, job.row.tenant_id, job.row.user_id, job.row.role,
			                     job.row.currency, hash);
		if (rc != ERP_OK)
			return rc;
		job.row.last_seen_ms = now;
	}
	cache_fill(store, hash, &job.row, now);
	return erp__ctx_make(out_ctx, store, job.row.tenant_id, job.row.user_id, job.row.role, job.row.currency, hash);
}

/* ---- logout and revocation -------------------------------------------------- */

typedef struct {
	erp_ctx actor;
	const char *hash;
} logout_job;

static int logout_body(erp__tx *tx, void *payload)
{
	logout_job *job = payload;
	erp_value p = erp__v_text(job->hash);
	int64_t changes = 0;
	int rc = erp__db_exec(tx, "DELETE FROM {auth.sessions} WHERE token_hash = $1", &p, 1, &changes);
	if (rc != ERP_OK)
		return rc;
	if (changes == 0)
		return erp__error(ERP_EAUTH, NULL, NULL, NOT_A_SESSION);
	char id[17];
	snprintf(id, sizeof id, "%.16s", job->hash);
	return erp__audit_append(tx, &job->actor, "logout", "auth.session", id, NULL, NULL);
}

int erp_session_logout(erp_store *store, const char *token)
{
	if (!store)
		return erp__invalid("store", "store is NULL");
	char hash[ERP__SESSION_HASH_LEN + 1];
	if (!erp__session_token_hash(hash, token))
		return erp__error(ERP_EAUTH, NULL, NULL, "the token is malformed");
	session_read look;
	memset(&look, 0, sizeof look);
	look.hash = hash;
	erp_storage_scope none = { NULL, NULL, 0 };
	int rc = erp__tx_run(store, ERP_TX_READ, &none, session_read_body, &look);
	if (rc != ERP_OK)
		return rc;
	if (!look.found || !row_live(&look.row, erp__now_ms()))
		return erp__error(ERP_EAUTH, NULL, NULL, NOT_A_SESSION);
	logout_job job;
	memset(&job, 0, sizeof job);
	job.actor.store = store;
	snprintf(job.actor.tenant_id, sizeof job.actor.tenant_id, "%s", look.row.tenant_id);
	job.actor.user_id = look.row.user_id;
	job.hash = hash;
	erp_storage_scope scope = { look.row.tenant_id, look.row.user_id, 0 };
	rc = erp__tx_run(store, ERP_TX_WRITE, &scope, logout_body, &job);
	erp__session_list ended = { NULL, 0, 0 };
	if (list_push(&ended, hash) == ERP_OK)
		erp__sessions_forget(store, &ended);
	return rc;
}

/* The check of revoke_user and list: an admin, or the user themself. */
static int own_or_admin(char user[ERP__UUID_LEN + 1], const erp_ctx *ctx, const char *user_id, const char *what)
{
	if (!ctx)
		return erp__invalid("ctx", "ctx is NULL");
	bool valid = user_id && erp__uuid_normalize(user, user_id);
	if (valid && strcmp(user, ctx->user_id) == 0)
		return ERP_OK;
	/* The role is checked before the input, as everywhere. */
	int rc = erp__ctx_require(ctx, ERP_ROLE_ADMIN, what);
	if (rc == ERP_OK && !valid)
		rc = erp__invalid("user_id", "user_id must be a UUID");
	return rc;
}

typedef struct {
	const erp_ctx *ctx;
	const char *user_id;
	erp__session_list ended;
} revoke_job;

static int revoke_body(erp__tx *tx, void *payload)
{
	revoke_job *job = payload;
	job->ended.count = 0;
	int rc = erp__member_require(tx, job->ctx->tenant_id, job->user_id);
	if (rc == ERP_OK)
		rc = erp__sessions_end(tx, &job->ended, job->ctx->tenant_id, job->user_id, NULL);
	if (rc != ERP_OK || job->ended.count == 0)
		return rc;
	char after[64];
	snprintf(after, sizeof after, "{\"sessions_ended\":%zu}", job->ended.count);
	return erp__audit_append(tx, job->ctx, "logout", "auth.user", job->user_id, NULL, after);
}

int erp_session_revoke_user(int64_t *out_count, erp_ctx *ctx, const char *user_id)
{
	if (out_count)
		*out_count = 0;
	char user[ERP__UUID_LEN + 1];
	int rc = own_or_admin(user, ctx, user_id, "revoking another user's sessions");
	if (rc != ERP_OK)
		return rc;
	revoke_job job = { ctx, user, { NULL, 0, 0 } };
	erp_storage_scope scope = { ctx->tenant_id, ctx->user_id, 0 };
	rc = erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, revoke_body, &job);
	if (rc == ERP_OK && out_count)
		*out_count = (int64_t)job.ended.count;
	if (rc != ERP_OK)
		job.ended.count = 0;
	erp__sessions_forget(ctx->store, &job.ended);
	return rc;
}

/* ---- listing ---------------------------------------------------------------- */

typedef struct {
	const erp_ctx *ctx;
	const char *user_id;
	int64_t now;
} list_job;

static json_t *time_json(int64_t ms)
{
	char ts[ERP__TIMESTAMP_LEN + 1];
	erp__timestamp_from_ms(ts, ms);
	return json_string(ts);
}

/* One live session of the member; the caller's own is marked "current". */
static json_t *session_row_json(erp__tx *tx, erp_storage_rows *rows, void *current_hash)
{
	char s[24], id[17];
	const char *h = erp__db_text(tx, rows, 0, s);
	snprintf(id, sizeof id, "%.16s", h ? h : "");
	bool current = h && strcmp(h, current_hash) == 0;
	int64_t seen = erp__db_int(tx, rows, 2), idle = erp__db_int(tx, rows, 4);
	const char *client = erp__db_text(tx, rows, 5, s);
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:s, s:b}", "id", id, "created_at", time_json(erp__db_int(tx, rows, 1)),
	                 "last_seen_at", time_json(seen), "expires_at", time_json(erp__db_int(tx, rows, 3)),
	                 "idle_expires_at", time_json(seen + idle), "client_key", client ? client : "", "current", current);
}

static int list_body(json_t **result, erp__tx *tx, void *payload)
{
	list_job *job = payload;
	if (!(*result = json_array()))
		return erp__oom();
	int member = erp__member_require(tx, job->ctx->tenant_id, job->user_id);
	if (member != ERP_OK)
		return member;
	erp_value p[3] = { erp__v_text(job->ctx->tenant_id), erp__v_text(job->user_id), erp__v_int(job->now) };
	return erp__db_rows_json(*result, tx,
	                         "SELECT token_hash, created_ms, last_seen_ms, expires_ms, idle_ms, client_key FROM {auth.sessions} "
	                         "WHERE tenant_id = $1 AND user_id = $2 AND expires_ms > $3 AND last_seen_ms + idle_ms > $3 "
	                         "ORDER BY created_ms DESC, token_hash",
	                         p, 3, session_row_json, (void *)job->ctx->session);
}

int erp_session_list(erp_buf *out, erp_ctx *ctx, const char *user_id)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	char user[ERP__UUID_LEN + 1];
	int rc = own_or_admin(user, ctx, user_id, "listing another user's sessions");
	if (rc != ERP_OK)
		return rc;
	list_job job = { ctx, user, erp__now_ms() };
	erp_storage_scope scope = { ctx->tenant_id, ctx->user_id, 0 };
	return erp__tx_read_json(out, ctx->store, &scope, list_body, &job);
}
