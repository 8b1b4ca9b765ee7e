/*
 * Entities of every type (erp/entity.h): types, list, create, read,
 * update and delete with optimistic versions, history.
 *
 * The version a change is based on comes from the body ("version") or
 * the If-Match header (3, "3" or W/"3") for PATCH, and from ?version=
 * or If-Match for DELETE; both given and different is refused (422,
 * field "version").
 */
#include "handlers.h"

/* GET /api/v1/entity-types */
int h_entity_types(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_types(&out);
	return hx_answer(res, rc, 200, &out);
}

/* "sort=name,-created_at" to [["name","asc"],["created_at","desc"]]. */
static json_t *sort_of(const char *text)
{
	json_t *sort = json_array();
	const char *p = text;
	while (sort && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		bool desc = len && *p == '-';
		if (len && (*p == '-' || *p == '+'))
			p++, len--;
		if (len == 0 || len > 100) {
			json_decref(sort);
			return NULL;
		}
		json_t *field = json_stringn(p, len);
		if (!field || json_array_append_new(sort, json_pack("[o,s]", field, desc ? "desc" : "asc")) != 0) {
			json_decref(sort);
			return NULL;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return sort;
}

/*
 * GET /api/v1/entities/{type}?q=<JSON query>&limit=&cursor=&sort=&count=&include_archived=
 * The query arguments other than q are merged into q (they win).
 */
int h_entity_list(srv_response *res, srv_request *req)
{
	const char *qtext = srv_query(req, "q");
	json_t *q;
	if (qtext && *qtext) {
		json_error_t jerr;
		q = erp__json_loads(qtext, JSON_REJECT_DUPLICATES, &jerr);
		if (!q && erp__json_load_oom(&jerr))
			return srv_reply_problem(res, 500, "error", "out of memory", NULL);
		if (!q || !json_is_object(q)) {
			json_decref(q);
			return hx_invalid(res, "q", "q must be a JSON object (the query of erp_entity_list)"), 0;
		}
	} else {
		q = json_object();
	}
	if (!q)
		return srv_reply_problem(res, 500, "error", "out of memory", NULL);
	const char *sort = srv_query(req, "sort");
	if (sort) {
		json_t *s = sort_of(sort);
		if (!s) {
			json_decref(q);
			return hx_invalid(res, "sort", "sort is a comma list of field names, each with an optional '-' for descending"), 0;
		}
		bool ok = true;
		erp__json_set(q, "sort", s, &ok);
		if (!ok) {
			json_decref(q);
			return srv_reply_problem(res, 500, "error", "out of memory", NULL);
		}
	}
	static const hx_arg args[] = { { "limit", HX_INT }, { "cursor", HX_TEXT }, { "count", HX_BOOL },
		                       { "include_archived", HX_BOOL }, { NULL, 0 } };
	char *text = hx_query_text(res, req, q, args);
	if (!text)
		return 0;
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_list(&out, req->ctx, req->params[0], text);
	free(text);
	return hx_answer(res, rc, 200, &out);
}

/* POST /api/v1/entities/{type} */
int h_entity_create(srv_response *res, srv_request *req)
{
	if (!hx_body(res, req))
		return 0;
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_create(&out, req->ctx, req->params[0], req->body);
	return hx_answer(res, rc, 201, &out);
}

/* GET /api/v1/entities/{type}/{id} */
int h_entity_get(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_get(&out, req->ctx, req->params[0], req->params[1]);
	return hx_answer(res, rc, 200, &out);
}

/* The If-Match header as a version: 3, "3" or W/"3". 0: absent; -1: answered 422. */
static int if_match(srv_response *res, const srv_request *req, long long *out)
{
	const char *h = req->conn ? MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "If-Match") : NULL;
	if (!h)
		return 0;
	char buf[32];
	while (*h == ' ')
		h++;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	size_t n = strlen(h);
	while (n && h[n - 1] == ' ')
		n--;
	if (n >= 2 && h[0] == '"' && h[n - 1] == '"')
		h++, n -= 2;
	if (n == 0 || n >= sizeof buf)
		return hx_invalid(res, "version", "If-Match must be the entity's version");
	memcpy(buf, h, n);
	buf[n] = 0;
	if (hx_parse_int(buf, out) != 0 || *out < 1)
		return hx_invalid(res, "version", "If-Match must be the entity's version");
	return 1;
}

/* The version from `given` (body or query; 0 when absent) and If-Match. */
static int version_of(srv_response *res, const srv_request *req, int have, long long given, int64_t *out)
{
	long long header = 0;
	int h = if_match(res, req, &header);
	if (h < 0)
		return -1;
	if (have && h && header != given)
		return hx_invalid(res, "version", "the If-Match header and the version given differ");
	if (!have && !h)
		return hx_invalid(res, "version", "the version the change is based on is required (\"version\" or If-Match)");
	*out = have ? given : header;
	return 0;
}

/* PATCH /api/v1/entities/{type}/{id} {"version":N, ...fields} (or If-Match: N) */
int h_entity_update(srv_response *res, srv_request *req)
{
	json_t *body = hx_body(res, req);
	if (!body)
		return 0;
	json_t *v = json_object_get(body, "version");
	long long given = 0;
	if (v && !json_is_integer(v))
		return hx_invalid(res, "version", "version must be a whole number"), 0;
	if (v)
		given = json_integer_value(v);
	int64_t version;
	if (version_of(res, req, v != NULL, given, &version))
		return 0;
	const char *text = req->body;
	char *owned = NULL;
	if (v) {
		json_t *fields = json_copy(body);
		if (!fields)
			return srv_reply_problem(res, 500, "error", "out of memory", NULL);
		json_object_del(fields, "version");
		owned = hx_dump(res, fields);
		json_decref(fields);
		if (!owned)
			return 0;
		text = owned;
	}
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_update(&out, req->ctx, req->params[0], req->params[1], version, text);
	free(owned);
	return hx_answer(res, rc, 200, &out);
}

/* DELETE /api/v1/entities/{type}/{id}?version=N (or If-Match: N) */
int h_entity_delete(srv_response *res, srv_request *req)
{
	const char *q = srv_query(req, "version");
	long long given = 0;
	if (q && hx_parse_int(q, &given) != 0)
		return hx_invalid(res, "version", "version must be a whole number"), 0;
	int64_t version;
	if (version_of(res, req, q != NULL, given, &version))
		return 0;
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_delete(&out, req->ctx, req->params[0], req->params[1], version);
	return hx_answer(res, rc, 200, &out);
}

/* GET /api/v1/entities/{type}/{id}/history */
int h_entity_history(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_history(&out, req->ctx, req->params[0], req->params[1]);
	return hx_answer(res, rc, 200, &out);
}
