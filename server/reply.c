/*
 * Answers: JSON bodies, and the one error shape
 * {"error":{"code":"...","message":"...","field":"..."|null}} with the
 * HTTP status that fits each liberp code.
 */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char detail[512];

const char *srv_reply_detail(void)
{
	return detail;
}

void srv_reply_detail_clear(void)
{
	detail[0] = 0;
}

static void set_body(srv_response *res, char *body, size_t len)
{
	free(res->body);
	res->body = body;
	res->body_len = len;
}

int srv_reply_json(srv_response *res, int status, json_t *body)
{
	res->status = status;
	res->content_type = NULL;
	if (!body) {
		set_body(res, NULL, 0);
		return 0;
	}
	char *text = erp__json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(body);
	if (!text) {
		set_body(res, NULL, 0);
		return srv_reply_problem(res, 500, "error", "out of memory", NULL);
	}
	set_body(res, text, strlen(text));
	return 0;
}

int srv_reply_text(srv_response *res, int status, erp_buf *json_text)
{
	res->status = status;
	res->content_type = NULL;
	if (!json_text || !json_text->ptr) {
		set_body(res, NULL, 0);
		erp_buf_dispose(json_text);
		return 0;
	}
	char *copy = malloc(json_text->size + 1);
	if (!copy) {
		erp_buf_dispose(json_text);
		set_body(res, NULL, 0);
		return srv_reply_problem(res, 500, "error", "out of memory", NULL);
	}
	memcpy(copy, json_text->ptr, json_text->size + 1);
	set_body(res, copy, json_text->size);
	erp_buf_dispose(json_text);
	return 0;
}

int srv_reply_problem(srv_response *res, int status, const char *code, const char *message, const char *field)
{
	json_error_t jerr;
	json_t *err = json_pack_ex(&jerr, 0, "{s:s, s:s, s:o}", "code", code ? code : "error", "message",
	                           message ? message : "", "field", field ? json_string(field) : json_null());
	if (!err && json_error_code(&jerr) == json_error_invalid_utf8) /* text that is not UTF-8 */
		err = json_pack("{s:s, s:s, s:n}", "code", code ? code : "error", "message",
		                "(the message was not valid UTF-8)", "field");
	json_t *body = err ? json_pack("{s:o}", "error", err) : NULL;
	char *text = body ? erp__json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	res->status = status;
	res->content_type = NULL;
	if (!text) {
		static const char oom[] = "{\"error\":{\"code\":\"error\",\"message\":\"out of memory\",\"field\":null}}";
		text = strdup(oom);
		res->status = 500;
	}
	set_body(res, text, text ? strlen(text) : 0);
	return 0;
}

int srv_status_of(int rc)
{
	switch (rc) {
	case ERP_ENOTFOUND: return 404;
	case ERP_EEXISTS:
	case ERP_ECONFLICT:
	case ERP_ELOCKED:
	case ERP_ENOSTOCK: return 409;
	case ERP_EINVALID:
	case ERP_EUNBALANCED: return 422;
	case ERP_EPERM: return 403;
	case ERP_EAUTH: return 401;
	case ERP_ELIMIT: return 429;
	case ERP_ERETRY:
	case ERP_EBACKEND: return 503;
	default: return 500;
	}
}

static const char *code_of(int rc)
{
	switch (rc) {
	case ERP_ENOTFOUND: return "not_found";
	case ERP_EEXISTS: return "exists";
	case ERP_ECONFLICT: return "conflict";
	case ERP_EINVALID: return "invalid";
	case ERP_EUNBALANCED: return "unbalanced";
	case ERP_ELOCKED: return "locked";
	case ERP_ENOSTOCK: return "no_stock";
	case ERP_EPERM: return "forbidden";
	case ERP_EAUTH: return "auth";
	case ERP_ERETRY: return "retry";
	case ERP_EBACKEND: return "backend";
	case ERP_ELIMIT: return "limit";
	default: return "error";
	}
}

int srv_reply_erp(srv_response *res, int rc)
{
	return srv_reply_erp_field(res, rc, NULL);
}

/*
 * A backend failure for lack of space (ERP_STORAGE_FULL_PREFIX, on every
 * backend): 507, as retrying will not help until someone frees space.
 */
static bool storage_full(const char *message)
{
	return message && strncmp(message, ERP_STORAGE_FULL_PREFIX, strlen(ERP_STORAGE_FULL_PREFIX)) == 0;
}

int srv_reply_erp_field(srv_response *res, int rc, const char *field_name)
{
	const erp_error *e = erp_error_last();
	int status = srv_status_of(rc);
	const char *message = e->code == rc && e->message && *e->message ? e->message : NULL;
	const char *field = e->code == rc ? (field_name && e->field ? field_name : e->field) : NULL;

	/* Backend and internal failures may describe the infrastructure (hosts,
	 * SQL): the client gets a fixed text, the access log the real one. */
	if (rc == ERP_EBACKEND || status == 500) {
		snprintf(detail, sizeof detail, "%s: %s", erp_error_name(rc), message ? message : "");
		if (rc == ERP_EBACKEND && storage_full(message)) {
			status = 507;
			message = "the storage is full; nothing was written";
		} else {
			message = rc == ERP_EBACKEND ? "the storage backend failed; try again later" : "internal error";
		}
		field = NULL;
	}
	if (!message) {
		switch (rc) {
		case ERP_ENOTFOUND: message = "not found"; break;
		case ERP_EPERM: message = "the role may not do this"; break;
		case ERP_EAUTH: message = "authentication failed"; break;
		case ERP_ERETRY: message = "busy; nothing was written; retry"; break;
		case ERP_ELIMIT: message = "too many attempts; retry later"; break;
		default: message = erp_error_name(rc); break;
		}
	}
	srv_reply_problem(res, status, code_of(rc), message, field);
	if (status == 429) {
		int64_t ms = e->code == rc ? e->retry_after_ms : 0;
		res->retry_after_s = ms > 0 ? (ms + 999) / 1000 : 1;
	} else if (rc == ERP_ERETRY) {
		res->retry_after_s = 1;
	}
	return 0;
}
