/*
 * Matching (method, path) against the route table. Patterns are literal
 * segments and {name} segments; the path is matched segment by segment
 * after percent-decoding each one, so "a%2Fb" is one segment whose
 * parameter value would hold a '/', which is refused (no match). The most
 * specific pattern wins (fewest parameters), then the table's order.
 */
#include "http.h"

#include <stdio.h>
#include <string.h>

/* The decoded parameters of the last match on this thread: valid until the
 * next srv_route_find() on the same thread (a request is routed and
 * handled on one thread). */
#define PARAM_SPACE 4096
static _Thread_local char param_space[PARAM_SPACE];

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t len;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

/* Percent-decodes seg[0..n) into out (cap bytes, NUL-terminated). Refuses
 * bad escapes, '/', invalid UTF-8 (-1) and NUL (-2). Returns the length. */
static long decode_segment(const char *seg, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)seg[i];
		if (c == '%') {
			int hi = i + 2 < n ? hexval(seg[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(seg[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c == 0)
			return -2;
		if (c == '/' || o + 1 >= cap)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = 0;
	if (!valid_utf8((const unsigned char *)out, o))
		return -1;
	return (long)o;
}

/* Matches `path` against `pattern`; on success fills params (decoded into
 * space) and returns the number of parameters; -1 when it does not match.
 * A parameter with a NUL byte matches as "" and its name goes to `nul`
 * (the first such), for a 422 naming it. */
static int match(const char *pattern, const char *path, const char **params, char *space, size_t cap,
                 char *nul, size_t nul_cap)
{
	const char *p = pattern, *s = path;
	size_t used = 0;
	int n = 0;
	if (*p != '/' || *s != '/')
		return -1;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return -1;
		p++, s++;
		const char *pe = strchr(p, '/');
		const char *se = strchr(s, '/');
		size_t plen = pe ? (size_t)(pe - p) : strlen(p);
		size_t slen = se ? (size_t)(se - s) : strlen(s);
		if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
			if (slen == 0 || n >= SRV_MAX_PARAMS || used >= cap)
				return -1;
			long len = decode_segment(s, slen, space + used, cap - used);
			if (len == -2) {
				if (nul && !nul[0])
					snprintf(nul, nul_cap, "%.*s", (int)(plen - 2), p + 1);
				space[used] = 0;
				len = 0;
			} else if (len <= 0) {
				return -1;
			}
			params[n++] = space + used;
			used += (size_t)len + 1;
		} else {
			char lit[256];
			long len = slen < sizeof lit ? decode_segment(s, slen, lit, sizeof lit) : -1;
			if (len < 0 || (size_t)len != plen || memcmp(lit, p, plen) != 0)
				return -1;
		}
		p += plen;
		s += slen;
	}
	return *p || *s ? -1 : n;
}

static void add_allow(char *allow, size_t cap, const char *method)
{
	if (!allow || !cap)
		return;
	size_t len = strlen(allow), mlen = strlen(method);
	/* already listed? */
	for (const char *a = allow; (a = strstr(a, method)) != NULL; a += mlen)
		if ((a == allow || a[-1] == ' ') && (a[mlen] == ',' || a[mlen] == 0))
			return;
	if (len + mlen + 3 > cap)
		return;
	snprintf(allow + len, cap - len, "%s%s", len ? ", " : "", method);
}

const srv_route *srv_route_find(srv_request *req, bool *path_known, char *allow, size_t allow_cap)
{
	const char *method = req->method ? req->method : "";
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	if (allow && allow_cap)
		allow[0] = 0;
	*path_known = false;
	req->nparams = 0;
	for (size_t i = 0; i < SRV_MAX_PARAMS; i++)
		req->params[i] = NULL;
	if (!req->path)
		return NULL;

	const srv_route *best = NULL;
	int best_n = SRV_MAX_PARAMS + 1;
	char scratch[PARAM_SPACE];
	const char *scratch_params[SRV_MAX_PARAMS];
	for (size_t i = 0; i < srv_route_count; i++) {
		const srv_route *r = &srv_routes[i];
		int n = match(r->pattern, req->path, scratch_params, scratch, sizeof scratch, NULL, 0);
		if (n < 0)
			continue;
		*path_known = true;
		add_allow(allow, allow_cap, r->method);
		if (strcmp(r->method, method) == 0 && n < best_n) {
			best = r;
			best_n = n;
		}
	}
	if (!best)
		return NULL;
	/* Match the winner again, into the thread's parameter space. */
	req->nul_param[0] = 0;
	int n = match(best->pattern, req->path, req->params, param_space, sizeof param_space, req->nul_param,
	              sizeof req->nul_param);
	req->nparams = n > 0 ? (size_t)n : 0;
	return best;
}

/* ---- the table's sanity, checked at start ---- */

static bool known_method(const char *m)
{
	static const char *methods[] = { "GET", "POST", "PATCH", "PUT", "DELETE" };
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (m && strcmp(m, methods[i]) == 0)
			return true;
	return false;
}

/* The pattern with every {name} replaced by {} (two patterns of one shape
 * would be ambiguous); -1 when malformed, else the number of parameters. */
static int shape(const char *pattern, char *out, size_t cap)
{
	size_t o = 0;
	int n = 0;
	if (!pattern || pattern[0] != '/')
		return -1;
	for (const char *p = pattern; *p;) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close || close == p + 1 || p[-1] != '/' || (close[1] && close[1] != '/'))
				return -1;
			for (const char *q = p + 1; q < close; q++)
				if (!((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_'))
					return -1;
			if (o + 3 > cap)
				return -1;
			out[o++] = '{', out[o++] = '}';
			n++;
			p = close + 1;
		} else {
			if (*p == '}' || (*p == '/' && p[1] == '/') || o + 2 > cap)
				return -1;
			out[o++] = *p++;
		}
	}
	out[o] = 0;
	return n;
}

int srv_routes_check(char *err, size_t cap)
{
	for (size_t i = 0; i < srv_route_count; i++) {
		const srv_route *r = &srv_routes[i];
		char si[512], sj[512];
		const char *what = NULL;
		int n = shape(r->pattern, si, sizeof si);
		if (!known_method(r->method))
			what = "method must be GET, POST, PATCH, PUT or DELETE";
		else if (n < 0)
			what = "malformed pattern";
		else if (n > SRV_MAX_PARAMS)
			what = "too many path parameters";
		else if (!r->handler)
			what = "no handler";
		else if (r->auth != SRV_PUBLIC && r->auth != SRV_SESSION)
			what = "auth must be SRV_PUBLIC or SRV_SESSION";
		else if (!r->operation_id || !*r->operation_id)
			what = "no operationId";
		else if (!r->tag || !*r->tag || !r->summary)
			what = "no tag or summary";
		else if (!r->success || strlen(r->success) != 3 || r->success[0] < '1' || r->success[0] > '5')
			what = "success must be a status such as \"200\"";
		else if (r->body_example) {
			json_error_t je;
			json_t *ex = erp__json_loads(r->body_example, 0, &je);
			if (!ex || !(json_is_object(ex) || json_is_array(ex)))
				what = "body_example must be a JSON object or array";
			json_decref(ex);
		}
		for (size_t j = 0; !what && j < i; j++) {
			const srv_route *o = &srv_routes[j];
			if (strcmp(o->operation_id, r->operation_id) == 0)
				what = "operationId used twice";
			else if (strcmp(o->method, r->method) == 0 && shape(o->pattern, sj, sizeof sj) >= 0 &&
			         strcmp(si, sj) == 0)
				what = "the same method and pattern twice";
		}
		if (what) {
			snprintf(err, cap, "route %zu (%s %s): %s", i, r->method ? r->method : "?",
			         r->pattern ? r->pattern : "?", what);
			return -1;
		}
	}
	return 0;
}
