/*
 * The handlers of erp-server, one group per h_*.c file. Private to the
 * server: routes.c names them in the route table.
 *
 * A handler reads `req` (path parameters in req->params in the order of
 * the pattern's {names}, query arguments with srv_query(), the parsed body
 * in req->json, the session's context in req->ctx on SRV_SESSION routes)
 * and fills `res` with one of the srv_reply_* functions. It returns 0; a
 * non-zero return, or a response left with status 0, answers 500.
 */
#ifndef ERP_SERVER_HANDLERS_H
#define ERP_SERVER_HANDLERS_H

#include "server.h"

/* ---- system (h_system.c) ---- */
int h_health(srv_response *res, srv_request *req);
int h_health_live(srv_response *res, srv_request *req);
int h_health_ready(srv_response *res, srv_request *req);
int h_metrics(srv_response *res, srv_request *req);
int h_openapi(srv_response *res, srv_request *req);
int h_ping(srv_response *res, srv_request *req);

/* ---- auth (h_auth.c) ---- */
int h_login(srv_response *res, srv_request *req);
int h_logout(srv_response *res, srv_request *req);
int h_me(srv_response *res, srv_request *req);
int h_change_password(srv_response *res, srv_request *req);
int h_signup(srv_response *res, srv_request *req);
int h_tenant_get(srv_response *res, srv_request *req);

/* ---- users (h_users.c) ---- */
int h_users_list(srv_response *res, srv_request *req);
int h_user_get(srv_response *res, srv_request *req);
int h_user_update(srv_response *res, srv_request *req);
int h_user_remove(srv_response *res, srv_request *req);
int h_user_set_password(srv_response *res, srv_request *req);
int h_user_revoke_sessions(srv_response *res, srv_request *req);
int h_user_sessions(srv_response *res, srv_request *req);

int h_invitation_create(srv_response *res, srv_request *req);
int h_invitations_list(srv_response *res, srv_request *req);
int h_invitation_get(srv_response *res, srv_request *req);
int h_invitation_revoke(srv_response *res, srv_request *req);
int h_invitation_accept(srv_response *res, srv_request *req);
int h_invitation_accept_password(srv_response *res, srv_request *req);

/* ---- entities (h_entities.c) ---- */
int h_entity_types(srv_response *res, srv_request *req);
int h_entity_list(srv_response *res, srv_request *req);
int h_entity_create(srv_response *res, srv_request *req);
int h_entity_get(srv_response *res, srv_request *req);
int h_entity_update(srv_response *res, srv_request *req);
int h_entity_delete(srv_response *res, srv_request *req);
int h_entity_history(srv_response *res, srv_request *req);

/* ---- journal (h_journal.c) ---- */
int h_journal_post(srv_response *res, srv_request *req);
int h_journal_list(srv_response *res, srv_request *req);
int h_journal_get(srv_response *res, srv_request *req);
int h_journal_reverse(srv_response *res, srv_request *req);
int h_journal_batch(srv_response *res, srv_request *req);

/* ---- batches, all or none (h_batch.c) ---- */

/** A liberp *_batch_json call: erp_ledger_post_batch_json, erp_stock_move_batch_json. */
typedef int (*hx_batch_call)(erp_buf *out_ids, erp_ctx *ctx, const char *json);

/**
 * POST of a batch: the body `{"<member>":[...]}` handed to `call`, all or
 * none. With an Idempotency-Key header K, item i that has no key of its
 * own gets "K/i", so that a retried batch is answered as the first was.
 * Answers 201 `{"ids":[...]}` and counts the items made under `metric`.
 */
int hx_batch(srv_response *res, srv_request *req, const char *member, hx_batch_call call, const char *metric);

/* ---- reports (h_reports.c) ---- */
int h_account_balance(srv_response *res, srv_request *req);
int h_trial_balance(srv_response *res, srv_request *req);
int h_general_ledger(srv_response *res, srv_request *req);
int h_stock_valuation(srv_response *res, srv_request *req);
int h_lock_date_get(srv_response *res, srv_request *req);
int h_lock_date_set(srv_response *res, srv_request *req);

/* ---- audit (h_audit.c) ---- */
int h_audit_list(srv_response *res, srv_request *req);

/* ---- settings (h_settings.c) ---- */
int h_setting_list(srv_response *res, srv_request *req);
int h_setting_get(srv_response *res, srv_request *req);
int h_setting_put(srv_response *res, srv_request *req);
int h_setting_delete(srv_response *res, srv_request *req);

/* ---- stock (h_stock.c) ---- */
int h_move_create(srv_response *res, srv_request *req);
int h_move_batch(srv_response *res, srv_request *req);
int h_move_list(srv_response *res, srv_request *req);
int h_move_get(srv_response *res, srv_request *req);
int h_quants(srv_response *res, srv_request *req);
int h_reservation_create(srv_response *res, srv_request *req);
int h_reservation_get(srv_response *res, srv_request *req);
int h_reservation_consume(srv_response *res, srv_request *req);
int h_reservation_release(srv_response *res, srv_request *req);
int h_layers(srv_response *res, srv_request *req);

/* ---- small helpers shared by the business handlers ----
 *
 * Each hx_* that can refuse the request answers it itself (a 422
 * "invalid" naming the field) and returns -1; the handler then returns 0
 * at once. 0 means go on.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Answers a liberp call: `status` with the JSON text of `buf` on ERP_OK, else the error. Disposes `buf`. */
static inline int hx_answer(srv_response *res, int rc, int status, erp_buf *buf)
{
	if (rc != ERP_OK) {
		erp_buf_dispose(buf);
		return srv_reply_erp(res, rc);
	}
	return srv_reply_text(res, status, buf);
}

/** A 422 "invalid" naming `field`. Returns -1. */
static inline int hx_invalid(srv_response *res, const char *field, const char *message)
{
	srv_reply_problem(res, 422, "invalid", message, field);
	return -1;
}

/** The body as a JSON object (borrowed), or NULL after answering 422. */
static inline json_t *hx_body(srv_response *res, const srv_request *req)
{
	if (!req->json || !json_is_object(req->json)) {
		hx_invalid(res, "body", "the request body must be a JSON object");
		return NULL;
	}
	return req->json;
}

/** Refuses members of `obj` not in the NULL-terminated `allowed`. */
static inline int hx_keys(srv_response *res, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		const char *const *k = allowed;
		while (*k && strcmp(*k, key) != 0)
			k++;
		if (!*k) {
			char msg[160];
			snprintf(msg, sizeof msg, "unknown field '%.60s'", key);
			return hx_invalid(res, key, msg);
		}
	}
	return 0;
}

/** A string member (NULL when absent or null and not required). */
static inline int hx_string(srv_response *res, json_t *obj, const char *key, int required, const char **out)
{
	json_t *v = json_object_get(obj, key);
	char msg[160];
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (!required)
			return 0;
		snprintf(msg, sizeof msg, "%s is required", key);
		return hx_invalid(res, key, msg);
	}
	if (!json_is_string(v)) {
		snprintf(msg, sizeof msg, "%s must be a string", key);
		return hx_invalid(res, key, msg);
	}
	*out = json_string_value(v);
	return 0;
}

/** "readonly" | "readwrite" | "admin" to an erp_role. */
static inline int hx_role(srv_response *res, const char *text, const char *field, int *out)
{
	static const char *const names[] = { NULL, "readonly", "readwrite", "admin" };
	for (int r = ERP_ROLE_READONLY; r <= ERP_ROLE_ADMIN; r++)
		if (text && strcmp(text, names[r]) == 0) {
			*out = r;
			return 0;
		}
	return hx_invalid(res, field, "role must be \"readonly\", \"readwrite\" or \"admin\"");
}

static inline const char *hx_role_name(int role)
{
	return role == ERP_ROLE_ADMIN ? "admin" : role == ERP_ROLE_READWRITE ? "readwrite" :
	       role == ERP_ROLE_READONLY ? "readonly" : "none";
}

/** Parses a whole decimal integer (an optional '-' and 1 to 18 digits). */
static inline int hx_parse_int(const char *text, long long *out)
{
	const char *p = text;
	if (*p == '-')
		p++;
	size_t n = strspn(p, "0123456789");
	if (n == 0 || n > 18 || p[n] != 0)
		return -1;
	*out = strtoll(text, NULL, 10);
	return 0;
}

enum { HX_TEXT, HX_INT, HX_BOOL };

/** Sets `key` of `obj` to `value` (stolen; NULL counts as out of memory); non-zero after answering 500. */
static inline int hx_put(srv_response *res, json_t *obj, const char *key, json_t *value)
{
	bool ok = true;
	erp__json_set(obj, key, value, &ok);
	if (ok)
		return 0;
	srv_reply_problem(res, 500, "error", "out of memory", NULL);
	return 1;
}

/**
 * Copies the query argument `name` into the JSON object `q` as `member`
 * (text, whole number or true/false); nothing when absent.
 */
static inline int hx_query_put(srv_response *res, const srv_request *req, json_t *q, const char *name,
                               const char *member, int kind)
{
	const char *v = srv_query(req, name);
	char msg[160];
	if (!v)
		return 0;
	if (kind == HX_INT) {
		long long n;
		if (hx_parse_int(v, &n) != 0) {
			snprintf(msg, sizeof msg, "%s must be a whole number", name);
			return hx_invalid(res, name, msg);
		}
		return hx_put(res, q, member, json_integer(n));
	} else if (kind == HX_BOOL) {
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0 && strcmp(v, "1") != 0 && strcmp(v, "0") != 0) {
			snprintf(msg, sizeof msg, "%s must be true or false", name);
			return hx_invalid(res, name, msg);
		}
		return hx_put(res, q, member, json_boolean(strcmp(v, "true") == 0 || strcmp(v, "1") == 0));
	} else {
		json_t *s = json_string(v);
		if (!s)
			return hx_invalid(res, name, "not valid UTF-8");
		return hx_put(res, q, member, s);
	}
}

/** Compact JSON text of `v` (malloc'd; free()), or NULL after answering 500. */
static inline char *hx_dump(srv_response *res, const json_t *v)
{
	char *text = erp__json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text)
		srv_reply_problem(res, 500, "error", "out of memory", NULL);
	return text;
}

/** A query argument that hx_query_text() copies, under its own name. */
typedef struct {
	const char *name; /* NULL ends a list */
	int kind;         /* HX_TEXT, HX_INT or HX_BOOL */
} hx_arg;

/**
 * The query arguments `args` (hx_query_put) added to `q` (taken; NULL is
 * out of memory), as compact JSON text for a C API call that takes a JSON
 * query (malloc'd; free()); or NULL after answering.
 */
static inline char *hx_query_text(srv_response *res, const srv_request *req, json_t *q, const hx_arg *args)
{
	if (!q)
		return srv_reply_problem(res, 500, "error", "out of memory", NULL), NULL;
	for (const hx_arg *a = args; a->name; a++) {
		if (hx_query_put(res, req, q, a->name, a->name, a->kind)) {
			json_decref(q);
			return NULL;
		}
	}
	char *text = hx_dump(res, q);
	json_decref(q);
	return text;
}

/**
 * The Idempotency-Key header joined to a body object: when the header is
 * there, the body's "idempotency_key" is set to it (a different key
 * already in the body is refused: 422, field idempotency_key). `obj` is
 * changed in place (pass a copy).
 */
static inline int hx_idempotency(srv_response *res, const srv_request *req, json_t *obj)
{
	if (!req->idempotency_key)
		return 0;
	json_t *have = json_object_get(obj, "idempotency_key");
	if (have && !json_is_null(have) &&
	    (!json_is_string(have) || strcmp(json_string_value(have), req->idempotency_key) != 0))
		return hx_invalid(res, "idempotency_key",
		                  "the Idempotency-Key header and the body's idempotency_key differ");
	json_t *s = json_string(req->idempotency_key);
	if (!s)
		return hx_invalid(res, "idempotency_key", "the Idempotency-Key header is not valid UTF-8");
	return hx_put(res, obj, "idempotency_key", s);
}

/**
 * The body text to hand to a liberp *_json call: the body as received, or
 * with the Idempotency-Key header joined in (see hx_idempotency). *owned
 * receives what to free() afterwards (NULL when nothing). NULL after
 * answering.
 */
static inline const char *hx_body_with_key(srv_response *res, const srv_request *req, char **owned)
{
	*owned = NULL;
	json_t *body = hx_body(res, req);
	if (!body)
		return NULL;
	if (!req->idempotency_key)
		return req->body;
	json_t *copy = json_copy(body);
	if (!copy) {
		srv_reply_problem(res, 500, "error", "out of memory", NULL);
		return NULL;
	}
	if (hx_idempotency(res, req, copy) != 0) {
		json_decref(copy);
		return NULL;
	}
	*owned = hx_dump(res, copy);
	json_decref(copy);
	return *owned;
}

#endif
