/*
 * The OpenAPI 3.1 document of the server, made from the route table alone:
 * one operation per row, so the document and the server cannot disagree.
 */
#include "http.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char *reason(const char *status)
{
	static const struct { const char *code, *text; } reasons[] = {
		{ "200", "OK" }, { "201", "Created" }, { "202", "Accepted" }, { "204", "No Content" },
	};
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (strcmp(reasons[i].code, status) == 0)
			return reasons[i].text;
	return "Success";
}

static json_t *string_schema(void)
{
	return json_pack("{s:s}", "type", "string");
}

/* Adds a parameter unless one of that name and place is there already; clears *ok when it cannot. */
static void add_param(json_t *params, const char *name, size_t len, const char *in, bool required, bool *ok)
{
	if (!len)
		return;
	size_t i;
	json_t *p;
	json_array_foreach(params, i, p)
	{
		const char *n = json_string_value(json_object_get(p, "name"));
		const char *w = json_string_value(json_object_get(p, "in"));
		if (n && w && strlen(n) == len && strncmp(n, name, len) == 0 && strcmp(w, in) == 0)
			return;
	}
	erp__json_append(params,
	                 json_pack("{s:s%, s:s, s:b, s:o}", "name", name, len, "in", in, "required", required, "schema",
	                           string_schema()),
	                 ok);
}

static json_t *operation(const srv_route *r)
{
	json_t *op = json_pack("{s:s, s:[s], s:s}", "operationId", r->operation_id, "tags", r->tag, "summary",
	                       r->summary ? r->summary : "");
	if (!op)
		return NULL;

	bool ok = true;
	json_t *params = json_array();
	if (!params)
		ok = false;
	for (const char *p = r->pattern; (p = strchr(p, '{')) != NULL; p++) {
		const char *close = strchr(p, '}');
		if (!close)
			break;
		add_param(params, p + 1, (size_t)(close - p - 1), "path", true, &ok);
	}
	if (r->query) {
		const char *p = r->query;
		for (;;) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			while (len && *p == ' ')
				p++, len--;
			while (len && p[len - 1] == ' ')
				len--;
			add_param(params, p, len, "query", false, &ok);
			if (!comma)
				break;
			p = comma + 1;
		}
	}
	if (json_array_size(params))
		erp__json_set(op, "parameters", params, &ok);
	else
		json_decref(params);

	if (r->body_example) {
		/* The examples are the route table's own JSON: unreadable here only when out of memory. */
		json_t *example = erp__json_loads(r->body_example, 0, NULL);
		const char *type = example && json_is_array(example) ? "array" : "object";
		json_t *media = json_pack("{s:{s:s}, s:o}", "schema", "type", type, "example", example);
		erp__json_set(op, "requestBody",
		              json_pack("{s:b, s:{s:o}}", "required", 1, "content", "application/json", media), &ok);
	}

	const char *status = r->success ? r->success : "200";
	json_t *success = json_pack("{s:s}", "description", reason(status));
	if (strcmp(status, "204") != 0) {
		bool text = strcmp(r->pattern, "/metrics") == 0;
		erp__json_set(success, "content",
		              text ? json_pack("{s:{s:{s:s}}}", "text/plain", "schema", "type", "string")
		                   : json_pack("{s:{s:{}}}", "application/json", "schema"),
		              &ok);
	}
	erp__json_set(op, "responses",
	              json_pack("{s:o, s:{s:s}}", status, success, "default", "$ref", "#/components/responses/Error"), &ok);

	if (r->auth == SRV_SESSION)
		erp__json_set(op, "security", json_pack("[{s:[]}]", "bearer"), &ok);
	if (!ok) {
		json_decref(op);
		return NULL;
	}
	return op;
}

static const char *lower_method(const char *m, char *buf, size_t cap)
{
	size_t i = 0;
	for (; m[i] && i + 1 < cap; i++)
		buf[i] = (char)(m[i] >= 'A' && m[i] <= 'Z' ? m[i] - 'A' + 'a' : m[i]);
	buf[i] = 0;
	return buf;
}

json_t *srv_openapi(void)
{
	json_t *paths = json_object();
	json_t *tags = json_array();
	if (!paths || !tags)
		goto oom;
	for (size_t i = 0; i < srv_route_count; i++) {
		const srv_route *r = &srv_routes[i];
		json_t *item = json_object_get(paths, r->pattern);
		if (!item) {
			item = json_object();
			if (!item || json_object_set_new(paths, r->pattern, item) != 0)
				goto oom;
		}
		char m[16];
		json_t *op = operation(r);
		if (!op || json_object_set_new(item, lower_method(r->method, m, sizeof m), op) != 0)
			goto oom;

		bool seen = false;
		size_t k;
		json_t *t;
		json_array_foreach(tags, k, t)
		{
			if (strcmp(json_string_value(json_object_get(t, "name")), r->tag) == 0)
				seen = true;
		}
		bool ok = true;
		if (!seen)
			erp__json_append(tags, json_pack("{s:s}", "name", r->tag), &ok);
		if (!ok)
			goto oom;
	}

	json_t *doc = json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:o,"
		" s:{s:{s:{s:s, s:s, s:s}}, s:{s:o}, s:{s:{s:s, s:{s:{s:{s:s}}}}}}}",
		"openapi", "3.1.0",
		"info", "title", "liberp erp-server", "version", erp_version(), "description",
		"The HTTP/JSON API over liberp. Errors are {\"error\":{\"code\",\"message\",\"field\"}}; "
		"operations that need a session take Authorization: Bearer <token> from POST /api/v1/auth/login. "
		"A list's next_cursor carries a position only (never a figure: running balances are recomputed), "
		"bound to the tenant, the list and its parameters: a cursor used elsewhere, altered or made up is 422 "
		"with field \"cursor\". A NUL byte in a path parameter, a query parameter, a header or a string of "
		"the body is 422 naming it; nothing is ever read cut at a NUL.",
		"servers", "url", "/",
		"tags", tags,
		"paths", paths,
		"components",
		"securitySchemes", "bearer", "type", "http", "scheme", "bearer", "description",
		"A session token from the login operation",
		"schemas", "Error",
		json_pack("{s:s, s:[s], s:{s:{s:s, s:[s], s:{s:{s:s}, s:{s:s}, s:{s:[s,s]}}}}}", "type", "object",
	                  "required", "error", "properties", "error", "type", "object", "required", "code",
	                  "properties", "code", "type", "string", "message", "type", "string", "field", "type",
	                  "string", "null"),
		"responses", "Error", "description", "An error (see the code)", "content", "application/json",
		"schema", "$ref", "#/components/schemas/Error");
	return doc;
oom:
	json_decref(paths);
	json_decref(tags);
	return NULL;
}

static pthread_once_t text_once = PTHREAD_ONCE_INIT;
static char *text;
static size_t text_len;

char *srv_openapi_dump(void)
{
	json_t *doc = srv_openapi();
	char *t = doc ? erp__json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return t;
}

static void make_text(void)
{
	text = srv_openapi_dump();
	text_len = text ? strlen(text) : 0;
}

const char *srv_openapi_text(size_t *len)
{
	pthread_once(&text_once, make_text);
	*len = text_len;
	return text;
}
