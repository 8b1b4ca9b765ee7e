/*
 * The libmicrohttpd glue: one request from its request line to its answer.
 *
 * libmicrohttpd calls us (1) when the request line arrives
 * (srv_http_begin: the raw path, the clock, in_flight), (2) once the
 * headers are in, (3) once per piece of body, and (4) once more with no
 * data when the request is complete. We answer only at (4), never at (2):
 * libmicrohttpd 0.9.75 closes a keep-alive connection whose answer was
 * queued before the body was read. Bodies over BODY_LIMIT are read and
 * thrown away, then answered 413, so the connection stays usable.
 *
 * At (4), in this order: 503 while stopping; OPTIONS (CORS preflight);
 * routing; a NUL byte in the path, a query parameter or a header (422,
 * params.c); on session routes, resuming the session; the rate limit
 * (per session when it resumed, else per client address; not for
 * /health*, /metrics): 429; 413; 404, 405; 401; the body (415, 400, and
 * 422 for a NUL in one of its strings); the handler. Every answer gets
 * X-Request-Id, nosniff, no-store under /api/, the CORS headers its Origin
 * deserves, and one JSON access-log line; the metrics count it under its
 * route pattern.
 */
#include "http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REQUEST_ID_MAX 128
#define JSON_MAX_DEPTH 64

static atomic_int log_level = SRV_LOG_INFO;

/* ---- clocks and the log ---- */

int64_t srv_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double srv_mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void srv_log_set_level(int level)
{
	atomic_store(&log_level, level);
}

static const char *level_name(int level)
{
	static const char *names[] = { "error", "warn", "info", "debug" };
	return level >= 0 && level <= 3 ? names[level] : "info";
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void log_line(int level, const char *msg, json_t *fields, bool force)
{
	if (!force && level > atomic_load(&log_level)) {
		json_decref(fields);
		return;
	}
	int64_t now = srv_now_ms();
	time_t secs = (time_t)(now / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	char ts[96];
	snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	         tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(now % 1000));
	json_t *line = json_pack("{s:s, s:s, s:s}", "ts", ts, "level", level_name(level), "msg", msg ? msg : "");
	if (line && fields && json_object_update(line, fields) != 0) { /* a line without some fields: none */
		json_decref(line);
		line = NULL;
	}
	json_decref(fields);
	char *text = line ? erp__json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
	json_decref(line);
	if (!text)
		return;
	size_t len = strlen(text);
	char *out = realloc(text, len + 2);
	if (!out) {
		free(text);
		return;
	}
	out[len] = '\n';
	write_all(STDERR_FILENO, out, len + 1);
	free(out);
}

/* Text that may hold anything, made fit for a log line: bytes outside
 * printable ASCII become %XX. */
static json_t *log_text(const char *s)
{
	if (!s)
		return json_null();
	size_t n = strlen(s);
	if (n > 2048)
		n = 2048;
	char *out = malloc(3 * n + 1);
	if (!out)
		return json_null();
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '%') {
			snprintf(out + o, 4, "%%%02X", c);
			o += 3;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = 0;
	json_t *j = json_string(out);
	free(out);
	return j ? j : json_null();
}

void srv_log(int level, const char *msg, json_t *fields)
{
	log_line(level, msg, fields, false);
}

void srv_log_force(int level, const char *msg, json_t *fields)
{
	log_line(level, msg, fields, true);
}

void srv_http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char text[512];
	vsnprintf(text, sizeof text, fmt, ap);
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = 0;
	json_t *f = json_pack("{s:o}", "detail", log_text(text));
	if (f) /* nothing rather than a line without its detail */
		srv_log(SRV_LOG_DEBUG, "libmicrohttpd", f);
}

/* ---- one request ---- */

typedef struct reqstate {
	srv_state *srv;
	bool started;    /* the access handler saw the headers */
	bool stopping;   /* the request arrived after SIGTERM */
	bool too_large;  /* the body went over BODY_LIMIT (and is being thrown away) */
	char *path;      /* the raw path, before percent-decoding, without the query */
	char *body;
	size_t len, cap;
	double t0;
} reqstate;

/* Per connection: whether it was accepted after SIGTERM, and how many
 * requests it has begun. The first request of a connection accepted before
 * the signal is served even if libmicrohttpd reads it only after (its
 * worker thread was busy): the client sent it before the server stopped. */
typedef struct connstate {
	bool stopping_at_accept;
	unsigned long requests;
} connstate;

void srv_http_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                         enum MHD_ConnectionNotificationCode toe)
{
	srv_state *srv = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		connstate *c = calloc(1, sizeof *c);
		if (c)
			c->stopping_at_accept = atomic_load(&srv->stopping);
		*socket_context = c;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		free(*socket_context);
		*socket_context = NULL;
	}
}

static bool arrived_stopping(srv_state *srv, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		conn ? MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT) : NULL;
	connstate *c = ci ? ci->socket_context : NULL;
	if (c && c->requests++ == 0)
		return c->stopping_at_accept;
	return atomic_load(&srv->stopping);
}

static reqstate *state_new(srv_state *srv, struct MHD_Connection *conn, const char *uri)
{
	reqstate *st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	size_t n = strcspn(uri ? uri : "", "?#");
	st->path = strndup(uri ? uri : "", n);
	if (!st->path) {
		free(st);
		return NULL;
	}
	st->srv = srv;
	st->t0 = srv_mono_s();
	st->stopping = arrived_stopping(srv, conn);
	atomic_fetch_add(&srv->in_flight, 1);
	return st;
}

void *srv_http_begin(void *cls, const char *uri, struct MHD_Connection *conn)
{
	return state_new(cls, conn, uri);
}

void srv_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	reqstate *st = *con_cls;
	if (!st)
		return;
	*con_cls = NULL;
	atomic_fetch_sub(&st->srv->in_flight, 1);
	free(st->body);
	free(st->path);
	free(st);
}

const char *srv_query(const srv_request *req, const char *name)
{
	if (!req || !req->conn || !name)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* What goes with the answer besides the body. */
typedef struct extra {
	char request_id[REQUEST_ID_MAX + 1];
	const char *origin;       /* the Origin to allow, or NULL */
	bool vary_origin;
	bool preflight;
	char allow[128];          /* Allow (405, OPTIONS) */
	int64_t rl_limit, rl_remaining; /* X-RateLimit-*; rl_limit 0: none */
	bool www_authenticate;
	const char *route;        /* the route pattern, for logs and metrics */
	char detail[600];         /* for the access log, never the client */
} extra;

static void make_request_id(char *out, const char *given)
{
	if (given) {
		size_t n = strlen(given);
		bool ok = n >= 1 && n <= REQUEST_ID_MAX;
		for (size_t i = 0; ok && i < n; i++)
			ok = given[i] >= 0x20 && given[i] <= 0x7e;
		if (ok) {
			memcpy(out, given, n + 1);
			return;
		}
	}
	unsigned char r[16];
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
		static atomic_ullong counter;
		unsigned long long c = atomic_fetch_add(&counter, 1) ^ (unsigned long long)srv_now_ms();
		memcpy(r, &c, sizeof c);
		memcpy(r + 8, &c, sizeof c);
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, REQUEST_ID_MAX + 1, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1],
	         r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

static void client_address(struct MHD_Connection *conn, char *out, size_t cap)
{
	snprintf(out, cap, "unknown");
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)cap);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], out, (socklen_t)cap);
		else
			inet_ntop(AF_INET6, &s6->sin6_addr, out, (socklen_t)cap);
	}
}

/* CORS: which Origin may read the answer. */
static void cors(const srv_config *cfg, const char *origin, extra *x)
{
	if (!cfg->norigins)
		return;
	if (strcmp(cfg->origins[0], "*") == 0) {
		if (origin)
			x->origin = "*";
		return;
	}
	x->vary_origin = true;
	if (!origin)
		return;
	for (size_t i = 0; i < cfg->norigins; i++)
		if (strcmp(cfg->origins[i], origin) == 0) {
			x->origin = origin;
			return;
		}
}

/* application/json, with at most a charset=utf-8 (any case, quoted or not). */
static bool json_content_type(const char *ct)
{
	if (!ct)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, "application/json", 16) != 0)
		return false;
	const char *p = ct + 16;
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p == ';') {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		const char *end = p + strcspn(p, ";");
		if (strncasecmp(p, "charset=", 8) == 0) {
			const char *v = p + 8;
			size_t vlen = (size_t)(end - v);
			while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"')
				v++, vlen -= 2;
			if (!((vlen == 5 && strncasecmp(v, "utf-8", 5) == 0) || (vlen == 4 && strncasecmp(v, "utf8", 4) == 0)))
				return false;
		}
		p = end;
	}
	return *p == 0;
}

/* Nesting of arrays and objects deeper than `max`? (Strings skipped.) */
static bool too_deep(const char *s, size_t n, int max)
{
	int depth = 0;
	bool in_string = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				return true;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return false;
}

static bool is_system_path(const char *path)
{
	return strcmp(path, "/health") == 0 || strncmp(path, "/health/", 8) == 0 || strcmp(path, "/metrics") == 0;
}

/* The bearer token of an "Authorization: Bearer <token>" header, or NULL. */
static const char *bearer_token(struct MHD_Connection *conn)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h)
		return NULL;
	while (*h == ' ')
		h++;
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h ? h : NULL;
}

/* Runs the request to an answer in `res`. */
static void dispatch(reqstate *st, srv_request *req, srv_response *res, extra *x)
{
	srv_state *srv = st->srv;
	const srv_config *cfg = &srv->cfg;
	struct MHD_Connection *conn = req->conn;

	srv_reply_detail_clear();
	if (st->stopping) {
		srv_reply_problem(res, 503, "stopping", "the server is shutting down", NULL);
		res->retry_after_s = 1;
		return;
	}

	bool known = false;
	if (strcmp(req->method, "OPTIONS") == 0) {
		srv_route_find(req, &known, x->allow, sizeof x->allow);
		if (!known) {
			srv_reply_problem(res, 404, "not_found", "no such path", NULL);
			return;
		}
		size_t len = strlen(x->allow);
		snprintf(x->allow + len, sizeof x->allow - len, "%sOPTIONS", len ? ", " : "");
		x->preflight = x->origin &&
		               MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Access-Control-Request-Method") != NULL;
		srv_reply_json(res, 204, NULL);
		return;
	}

	const srv_route *route = srv_route_find(req, &known, x->allow, sizeof x->allow);
	x->route = route ? route->pattern : NULL;
	/* Nothing is read cut at a NUL byte (params.c), whatever the route. */
	if (srv_params_refuse_nul(res, req))
		return;

	/* The session first (its rate limit is per session): a token that does
	 * not resume counts against the client's address, so made-up tokens
	 * buy no fresh windows. */
	int auth_rc = ERP_OK;
	if (route && route->auth == SRV_SESSION) {
		if (!req->token) {
			auth_rc = ERP_EAUTH;
		} else {
			erp_ctx *ctx = NULL;
			auth_rc = erp_session_resume(&ctx, srv->store, req->token);
			if (auth_rc == ERP_OK)
				req->ctx = ctx;
		}
	}

	if (cfg->rate_limit_max > 0 && !is_system_path(req->path)) {
		char key[80];
		if (req->ctx)
			snprintf(key, sizeof key, "tok:%.16s", req->token);
		else
			snprintf(key, sizeof key, "ip:%.64s", req->client);
		erp_rate_result rr;
		memset(&rr, 0, sizeof rr);
		if (erp_rate_limit(&rr, srv->store, key, cfg->rate_limit_max, cfg->rate_limit_ttl_s * 1000) == ERP_OK) {
			x->rl_limit = cfg->rate_limit_max;
			x->rl_remaining = rr.remaining;
			if (!rr.allowed) {
				srv_reply_problem(res, 429, "limit", "too many requests; retry later", NULL);
				res->retry_after_s = rr.retry_after_ms > 0 ? (rr.retry_after_ms + 999) / 1000 : 1;
				return;
			}
		}
	}

	if (st->too_large) {
		char msg[96];
		snprintf(msg, sizeof msg, "the body is larger than %zu bytes", cfg->body_limit);
		srv_reply_problem(res, 413, "payload_too_large", msg, NULL);
		return;
	}

	if (!route) {
		if (known) {
			srv_reply_problem(res, 405, "method_not_allowed", "the path does not take this method", NULL);
			res->allow = x->allow;
		} else {
			srv_reply_problem(res, 404, "not_found", "no such path", NULL);
		}
		return;
	}

	if (auth_rc != ERP_OK) {
		x->www_authenticate = auth_rc == ERP_EAUTH;
		if (!req->token)
			srv_reply_problem(res, 401, "auth", "this operation needs Authorization: Bearer <token>", NULL);
		else
			srv_reply_erp(res, auth_rc);
		return;
	}

	if (req->body_len > 0) {
		if (!json_content_type(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE))) {
			srv_reply_problem(res, 415, "unsupported_media_type",
			                  "a body must be sent as Content-Type: application/json", NULL);
			return;
		}
		if (too_deep(req->body, req->body_len, JSON_MAX_DEPTH)) {
			srv_reply_problem(res, 400, "malformed_json", "the JSON nests deeper than 64 levels", NULL);
			return;
		}
		json_error_t je;
		json_t *j = erp__json_loadb(req->body, req->body_len,
		                           JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
		if (!j && erp__json_load_oom(&je)) {
			srv_reply_problem(res, 500, "error", "out of memory", NULL);
			return;
		}
		if (!j) {
			char msg[256];
			snprintf(msg, sizeof msg, "the body is not valid JSON: %s (line %d, column %d)", je.text, je.line,
			         je.column);
			srv_reply_problem(res, 400, "malformed_json", msg, NULL);
			return;
		}
		req->json = j;
		if (srv_params_refuse_nul_json(res, j))
			return;
		bool writes = strcmp(route->method, "POST") == 0 || strcmp(route->method, "PATCH") == 0 ||
		              strcmp(route->method, "PUT") == 0;
		const char *ex = route->body_example;
		while (ex && (*ex == ' ' || *ex == '\n' || *ex == '\t'))
			ex++;
		bool want_array = ex && *ex == '[';
		if (writes && (want_array ? !json_is_array(j) : !json_is_object(j))) {
			srv_reply_problem(res, 400, "malformed_json",
			                  want_array ? "the body must be a JSON array" : "the body must be a JSON object", NULL);
			return;
		}
	}

	erp_error_clear();
	int rc = route->handler(res, req);
	if (rc != 0 || res->status < 100 || res->status > 599) {
		snprintf(x->detail, sizeof x->detail, "the handler %s failed (returned %d, status %d)", route->operation_id,
		         rc, res->status);
		res->retry_after_s = 0;
		res->allow = NULL;
		srv_reply_problem(res, 500, "error", "internal error", NULL);
	}
}

/* Adds a header; clears *ok when it cannot (out of memory): the answer is then not sent. */
static void add_header(struct MHD_Response *r, const char *name, const char *value, bool *ok)
{
	if (MHD_add_response_header(r, name, value) != MHD_YES)
		*ok = false;
}

static enum MHD_Result answer(reqstate *st, struct MHD_Connection *conn, const char *method)
{
	srv_state *srv = st->srv;
	srv_request req;
	srv_response res;
	extra x;
	char client[INET6_ADDRSTRLEN + 8];
	memset(&req, 0, sizeof req);
	memset(&res, 0, sizeof res);
	memset(&x, 0, sizeof x);

	client_address(conn, client, sizeof client);
	make_request_id(x.request_id, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id"));
	cors(&srv->cfg, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin"), &x);

	if (st->body) {
		st->body[st->len] = 0;
	}
	req.srv = srv;
	req.conn = conn;
	req.method = method;
	req.path = st->path;
	req.body = st->body && !st->too_large ? st->body : "";
	req.body_len = st->too_large ? 0 : st->len;
	req.request_id = x.request_id;
	req.idempotency_key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Idempotency-Key");
	req.client = client;
	req.token = bearer_token(conn);

	dispatch(st, &req, &res, &x);
	if (!x.detail[0] && srv_reply_detail()[0])
		snprintf(x.detail, sizeof x.detail, "%s", srv_reply_detail());

	erp_ctx_free(req.ctx);
	json_decref(req.json);
	req.ctx = NULL;
	req.json = NULL;

	/* 204 and 304 carry no body. */
	if (res.status == 204 || res.status == 304) {
		free(res.body);
		res.body = NULL;
		res.body_len = 0;
	}
	struct MHD_Response *r =
		res.body ? MHD_create_response_from_buffer(res.body_len, res.body, MHD_RESPMEM_MUST_FREE)
		         : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!r) {
		free(res.body);
		return MHD_NO;
	}
	size_t bytes = res.body_len;
	res.body = NULL; /* the response owns it */
	bool headers_ok = true;

	if (bytes)
		add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res.content_type ? res.content_type : "application/json", &headers_ok);
	add_header(r, "X-Request-Id", x.request_id, &headers_ok);
	/* Never read an answer as anything but its Content-Type (a browser's MIME sniffing). */
	add_header(r, "X-Content-Type-Options", "nosniff", &headers_ok);
	/* The API's answers (sessions, tenants' data) are kept by no cache. */
	if (strncmp(st->path, "/api/", 5) == 0)
		add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store", &headers_ok);
	if (x.origin) {
		add_header(r, "Access-Control-Allow-Origin", x.origin, &headers_ok);
		if (x.preflight) {
			add_header(r, "Access-Control-Allow-Methods", x.allow, &headers_ok);
			add_header(r, "Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, X-Request-Id", &headers_ok);
			add_header(r, "Access-Control-Max-Age", "600", &headers_ok);
		} else {
			add_header(r, "Access-Control-Expose-Headers",
			           "X-Request-Id, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, Allow", &headers_ok);
		}
	}
	if (x.vary_origin)
		add_header(r, "Vary", "Origin", &headers_ok);
	if (strcmp(method, "OPTIONS") == 0 && res.status == 204)
		add_header(r, MHD_HTTP_HEADER_ALLOW, x.allow, &headers_ok);
	else if (res.allow)
		add_header(r, MHD_HTTP_HEADER_ALLOW, res.allow, &headers_ok);
	if (res.retry_after_s > 0) {
		char v[24];
		snprintf(v, sizeof v, "%lld", (long long)res.retry_after_s);
		add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, v, &headers_ok);
	}
	if (x.rl_limit > 0) {
		char v[24];
		snprintf(v, sizeof v, "%lld", (long long)x.rl_limit);
		add_header(r, "X-RateLimit-Limit", v, &headers_ok);
		snprintf(v, sizeof v, "%lld", (long long)(x.rl_remaining > 0 ? x.rl_remaining : 0));
		add_header(r, "X-RateLimit-Remaining", v, &headers_ok);
	}
	if (x.www_authenticate)
		add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer", &headers_ok);
	if (st->stopping || atomic_load(&srv->stopping))
		add_header(r, MHD_HTTP_HEADER_CONNECTION, "close", &headers_ok);

	if (!headers_ok) { /* an answer without its headers (no-store, CORS) is not sent: the connection closes */
		MHD_destroy_response(r);
		srv_log(SRV_LOG_ERROR, "out of memory adding the headers of an answer", NULL);
		return MHD_NO;
	}

	int status = res.status;
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned int)status, r);
	MHD_destroy_response(r);

	double seconds = srv_mono_s() - st->t0;
	srv_metrics_request_method(srv->metrics, method, x.route ? x.route : "unmatched", status, seconds);
	int level = status >= 500 ? SRV_LOG_ERROR : SRV_LOG_INFO;
	if (level <= atomic_load(&log_level)) {
		json_t *f = json_pack("{s:s, s:o, s:o, s:o, s:i, s:f, s:I, s:s}", "request_id", x.request_id, "method",
		                      log_text(method), "path", log_text(st->path), "route",
		                      x.route ? json_string(x.route) : json_null(), "status", status, "duration_ms",
		                      (double)(long long)(seconds * 1e6) / 1e3, "bytes", (json_int_t)bytes, "client",
		                      client);
		bool whole = f != NULL;
		if (x.detail[0])
			erp__json_set(f, "error", log_text(x.detail), &whole);
		if (whole) /* nothing rather than a line without some of its fields */
			srv_log(level, "request", f);
		else
			json_decref(f);
	}
	return ok;
}

enum MHD_Result srv_http_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                const char *version, const char *upload_data, size_t *upload_data_size,
                                void **con_cls)
{
	srv_state *srv = cls;
	reqstate *st = *con_cls;
	if (!st) {
		/* srv_http_begin could not allocate: try once more, with the
		 * decoded path libmicrohttpd gives. */
		st = state_new(srv, conn, url);
		if (!st)
			return MHD_NO;
		*con_cls = st;
	}

	if (!st->started) {
		/* The headers are in. A declared body over the limit is refused
		 * from the start (and read and thrown away). */
		st->started = true;
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			char *end = NULL;
			unsigned long long n = strtoull(cl, &end, 10);
			if (end != cl && n > srv->cfg.body_limit)
				st->too_large = true;
		}
		return MHD_YES;
	}

	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (st->too_large)
			return MHD_YES;
		if (n > srv->cfg.body_limit || st->len > srv->cfg.body_limit - n) {
			st->too_large = true;
			free(st->body);
			st->body = NULL;
			st->len = st->cap = 0;
			return MHD_YES;
		}
		if (st->len + n + 1 > st->cap) {
			size_t cap = st->cap ? st->cap : 1024;
			while (cap < st->len + n + 1)
				cap *= 2;
			if (cap > srv->cfg.body_limit + 1)
				cap = srv->cfg.body_limit + 1;
			char *b = realloc(st->body, cap);
			if (!b)
				return MHD_NO;
			st->body = b;
			st->cap = cap;
		}
		memcpy(st->body + st->len, upload_data, n);
		st->len += n;
		return MHD_YES;
	}

	return answer(st, conn, method);
}
