/*
 * The one check of what a request names, before any handler reads it: a
 * NUL byte anywhere a handler could take text from (a query argument's
 * name or value, a header, a path parameter, a string of the JSON body)
 * is refused with 422 `invalid` naming the parameter, so that no value is
 * ever read cut at its NUL ("version=1%00" as 1). Typed values (whole
 * numbers, booleans, dates) are then parsed whole by their readers
 * (handlers.h hx_query_put, the C API's own checks).
 */
#include "http.h"

#include <stdio.h>
#include <string.h>

typedef struct nul_scan {
	const char *what;  /* "query parameter" or "header" */
	char name[80];     /* the parameter's name, up to a NUL of its own */
	bool found;
} nul_scan;

static enum MHD_Result find_nul(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                const char *value, size_t value_size)
{
	(void)kind;
	nul_scan *scan = cls;
	bool in_key = key && memchr(key, 0, key_size) != NULL;
	bool in_value = value && memchr(value, 0, value_size) != NULL;
	if (!in_key && !in_value)
		return MHD_YES;
	scan->found = true;
	snprintf(scan->name, sizeof scan->name, "%s", key ? key : "");
	return MHD_NO; /* stops at the first */
}

static int refuse(srv_response *res, const char *what, const char *name)
{
	char msg[200];
	snprintf(msg, sizeof msg, "the %s %s holds a NUL byte (%%00)", what, name);
	srv_reply_problem(res, 422, "invalid", msg, name);
	return 1;
}

int srv_params_refuse_nul(srv_response *res, const srv_request *req)
{
	if (req->nul_param[0])
		return refuse(res, "path parameter", req->nul_param);
	/* A literal segment with a NUL matches no route; this names the path. */
	if (req->path && strstr(req->path, "%00"))
		return refuse(res, "request", "path");
	if (!req->conn)
		return 0;
	static const struct {
		enum MHD_ValueKind kind;
		const char *what;
	} kinds[] = { { MHD_GET_ARGUMENT_KIND, "query parameter" }, { MHD_HEADER_KIND, "header" } };
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		nul_scan scan = { kinds[i].what, "", false };
		MHD_get_connection_values_n(req->conn, kinds[i].kind, find_nul, &scan);
		if (scan.found)
			return refuse(res, kinds[i].what, scan.name);
	}
	return 0;
}

/* Appends ".key" or "[i]" to the path at `len`; false when it does not fit. */
static bool path_push(char *path, size_t cap, size_t len, const char *key, size_t index)
{
	int n = key ? snprintf(path + len, cap - len, "%s%s", len ? "." : "", key)
	            : snprintf(path + len, cap - len, "[%zu]", index);
	return n >= 0 && (size_t)n < cap - len;
}

static bool find_nul_string(const json_t *v, char *path, size_t cap, size_t len, int depth)
{
	if (depth > 128)
		return false; /* the body's nesting is limited before it is parsed */
	if (json_is_string(v))
		return memchr(json_string_value(v), 0, json_string_length(v)) != NULL;
	if (json_is_object(v)) {
		const char *key;
		json_t *member;
		json_object_foreach((json_t *)v, key, member)
		{
			if (!path_push(path, cap, len, key, 0))
				path[len] = 0; /* too long to name: the part that fits */
			if (find_nul_string(member, path, cap, strlen(path), depth + 1))
				return true;
			path[len] = 0;
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *element;
		json_array_foreach(v, i, element)
		{
			if (!path_push(path, cap, len, NULL, i))
				path[len] = 0;
			if (find_nul_string(element, path, cap, strlen(path), depth + 1))
				return true;
			path[len] = 0;
		}
	}
	return false;
}

int srv_params_refuse_nul_json(srv_response *res, const json_t *body)
{
	char path[128] = "";
	if (!find_nul_string(body, path, sizeof path, 0, 0))
		return 0;
	return refuse(res, "body field", path[0] ? path : "body");
}
