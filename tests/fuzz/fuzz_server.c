/*
 * libFuzzer target: erp-server request handling (method, path, headers,
 * body), through the real code: libmicrohttpd parses the bytes and calls
 * server/http.c (limits, CORS, routing, sessions, body checks), which runs
 * the handlers (server/h_*.c) on the fixture's store (fuzz_fixture.h).
 *
 * How: one libmicrohttpd daemon without a listening socket, driven by
 * MHD_run() on this thread (no threads, so coverage is deterministic);
 * each input becomes one connection, a socketpair whose other end is
 * handed over with MHD_add_connection(). Nothing is listening on any port.
 *
 * Input, placeholders expanded ("@token@" is a live admin session's
 * bearer token, "@cash@" an account id...):
 *   METHOD TARGET               the request line (HTTP/1.1 is added)
 *   Name: value                 header lines, up to an empty line
 *
 *   BODY                        the rest
 * Host, Content-Length (of BODY) and Connection: close are added unless
 * the input gives them (or Transfer-Encoding), so a given Content-Length
 * can disagree with the body and pipeline a second request.
 *
 * Invariants: erp-server's answers (they have X-Request-Id; libmicrohttpd's
 * own answers to bytes it refuses do not) parse as HTTP responses, each
 * with a status below 500 (the store is healthy: a 5xx is a bug); a 4xx
 * has a JSON body {"error":{"code":"...","message":"..."}}, and a JSON
 * Content-Type a JSON body; a plain request (a known method, printable
 * target and headers) framed by the driver gets an answer;
 * erp_store_verify passes. After each input the session is checked and
 * renewed and a lock date cleared (a fuzzed logout, password or role
 * change, or lock date must not make the next inputs shallow).
 *
 *   build-fuzz/tests/fuzz/fuzz_server -dict=tests/fuzz/fuzz.dict CORPUS_DIR
 *   build/tests/fuzz/fuzz_replay_server tests/fuzz/corpus/server   (replay)
 */
#include "fuzz_fixture.h"

#include "http.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PASSWORD "fuzz-password-1"
#define MAX_ROUNDS 4000
#define IDLE_ROUNDS 24

static srv_state server;
static char *origins[] = { "https://app.example" };
static bool saw_head; /* a HEAD request: its answers carry no body */

static enum MHD_Result access_hook(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                   const char *version, const char *upload_data, size_t *upload_data_size,
                                   void **con_cls)
{
	if (method && strcmp(method, "HEAD") == 0)
		saw_head = true;
	return srv_http_access(cls, conn, url, method, version, upload_data, upload_data_size, con_cls);
}

/* ---- the session the inputs use as @token@ ---- */

static bool session_ok(erp_store *store, const char *token)
{
	erp_ctx *ctx = NULL;
	bool ok = token && erp_session_resume(&ctx, store, token) == ERP_OK && erp_ctx_role(ctx) == ERP_ROLE_ADMIN;
	erp_ctx_free(ctx);
	return ok;
}

/* Logs in as the current fuzz admin, or makes a new one when that fails
 * (an input removed, disabled or demoted it, or changed its password). */
static void renew_session(fuzz_fixture *f)
{
	static int generation;
	for (int tries = 0; tries < 3; tries++) {
		char email[64];
		snprintf(email, sizeof email, "fuzz%d@fuzz.example", generation);
		erp_buf token = ERP_BUF_INIT;
		erp_ctx *ctx = NULL;
		int rc = erp_session_login(&token, &ctx, f->store, email, PASSWORD, f->tenant, "fuzz-driver");
		erp_ctx_free(ctx);
		if (rc == ERP_OK && session_ok(f->store, token.ptr)) {
			fuzz_set(f, "token", token.ptr);
			erp_buf_dispose(&token);
			return;
		}
		erp_buf_dispose(&token);
		snprintf(email, sizeof email, "fuzz%d@fuzz.example", ++generation);
		erp_buf id = ERP_BUF_INIT;
		erp_buf invitation = ERP_BUF_INIT;
		rc = erp_invitation_create(&invitation, NULL, f->ctx, email, ERP_ROLE_ADMIN, 0);
		if (rc == ERP_OK)
			rc = erp_invitation_accept_password(NULL, &id, f->store, invitation.ptr, "Fuzz admin", PASSWORD);
		erp_buf_dispose(&invitation);
		if (rc == ERP_OK)
			fuzz_set(f, "user", id.ptr);
		erp_buf_dispose(&id);
	}
	fuzz_fail("cannot log the fuzz admin in: %s", erp_error_last()->message);
}

/* ---- the request ---- */

static void append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = 2 * (*len + n + 1);
		char *grown = realloc(*buf, *cap);
		if (!grown)
			fuzz_fail("out of memory");
		*buf = grown;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = 0;
}

static bool has_header(const char *headers, size_t n, const char *name)
{
	size_t k = strlen(name);
	for (const char *p = headers; p && p < headers + n; p = memchr(p, '\n', (size_t)(headers + n - p))) {
		while (p < headers + n && (*p == '\n' || *p == '\r'))
			p++;
		if ((size_t)(headers + n - p) > k && strncasecmp(p, name, k) == 0 && p[k] == ':')
			return true;
	}
	return false;
}

/* Builds the HTTP request from the expanded input; *sized: its length is the driver's. */
static char *build_request(const char *in, size_t n, size_t *out_len, bool *sized)
{
	char *req = NULL;
	size_t len = 0, cap = 0;
	const char *nl = memchr(in, '\n', n);
	size_t line = nl ? (size_t)(nl - in) : n;
	if (line && in[line - 1] == '\r')
		line--;
	const char *sp = memchr(in, ' ', line);
	if (sp) {
		append(&req, &len, &cap, in, line);
	} else {
		append(&req, &len, &cap, in, line);
		append(&req, &len, &cap, " /", 2);
	}
	append(&req, &len, &cap, " HTTP/1.1\r\n", 11);

	/* The header lines, up to an empty one. */
	const char *h = nl ? nl + 1 : in + n;
	const char *headers = h;
	while (h < in + n) {
		const char *e = memchr(h, '\n', (size_t)(in + n - h));
		size_t l = e ? (size_t)(e - h) : (size_t)(in + n - h);
		size_t body_start = l + (e ? 1 : 0);
		if (l && h[l - 1] == '\r')
			l--;
		if (l == 0) {
			h += body_start;
			break;
		}
		append(&req, &len, &cap, h, l);
		append(&req, &len, &cap, "\r\n", 2);
		h += body_start;
	}
	size_t hlen = (size_t)(h - headers);
	size_t blen = (size_t)(in + n - h);
	if (!has_header(headers, hlen, "Host"))
		append(&req, &len, &cap, "Host: fuzz\r\n", 12);
	if (!has_header(headers, hlen, "Connection"))
		append(&req, &len, &cap, "Connection: close\r\n", 19);
	*sized = !has_header(headers, hlen, "Content-Length") && !has_header(headers, hlen, "Transfer-Encoding");
	if (*sized) {
		char cl[48];
		int k = snprintf(cl, sizeof cl, "Content-Length: %zu\r\n", blen);
		append(&req, &len, &cap, cl, (size_t)k);
	}
	append(&req, &len, &cap, "\r\n", 2);
	append(&req, &len, &cap, h, blen);
	*out_len = len;
	return req;
}

/* Sends the request on a new connection and collects everything the server answers. */
static char *exchange(const char *req, size_t len, size_t *out_len)
{
	int fds[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
		fuzz_fail("socketpair failed");
	struct sockaddr_in client;
	memset(&client, 0, sizeof client);
	client.sin_family = AF_INET;
	client.sin_port = htons(40000);
	client.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (MHD_add_connection(server.daemon, fds[1], (const struct sockaddr *)&client, sizeof client) != MHD_YES)
		fuzz_fail("MHD_add_connection failed");
	char *got = NULL;
	size_t got_len = 0, got_cap = 0, sent = 0;
	int idle = 0;
	for (int round = 0; round < MAX_ROUNDS && idle < IDLE_ROUNDS; round++) {
		if (sent < len) {
			ssize_t w = send(fds[0], req + sent, len - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (w > 0)
				sent += (size_t)w;
		}
		MHD_run(server.daemon);
		char chunk[16384];
		ssize_t r = recv(fds[0], chunk, sizeof chunk, MSG_DONTWAIT);
		if (r > 0) {
			append(&got, &got_len, &got_cap, chunk, (size_t)r);
			idle = 0;
		} else if (r == 0) {
			break; /* the server closed the connection */
		} else if (sent == len) {
			idle++;
		}
	}
	close(fds[0]);
	for (int i = 0; i < 4; i++)
		MHD_run(server.daemon); /* the server sees the close and frees the connection */
	*out_len = got_len;
	return got;
}

/* ---- the answers ---- */

static const char *header_value(const char *head, size_t n, const char *name, size_t *vlen)
{
	size_t k = strlen(name);
	for (const char *p = head; p && p < head + n;) {
		const char *e = memchr(p, '\n', (size_t)(head + n - p));
		size_t l = e ? (size_t)(e - p) : (size_t)(head + n - p);
		if (l > k && strncasecmp(p, name, k) == 0 && p[k] == ':') {
			const char *v = p + k + 1;
			while (*v == ' ')
				v++;
			*vlen = (size_t)(p + l - v);
			while (*vlen && (v[*vlen - 1] == '\r' || v[*vlen - 1] == ' '))
				(*vlen)--;
			return v;
		}
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

static void check_answer(int status, const char *head, size_t hlen, const char *body, size_t blen, const char *request)
{
	size_t vlen = 0;
	fuzz_debug("answer %d: %.*s", status, (int)(blen > 300 ? 300 : blen), body);
	if (status >= 500)
		fuzz_fail("erp-server answered %d: %.*s\nrequest:\n%s", status, (int)blen, body, request);
	const char *ct = header_value(head, hlen, "Content-Type", &vlen);
	bool json_type = ct && vlen >= 16 && strncasecmp(ct, "application/json", 16) == 0;
	if (saw_head)
		return;
	if ((json_type && blen) || (status >= 400)) {
		json_error_t je;
		json_t *v = json_loadb(body, blen, 0, &je);
		if (!v || !json_type)
			fuzz_fail("erp-server answered %d with %s: %.*s\nrequest:\n%s", status,
			          v ? "JSON that is not labelled application/json" : "a body that is not JSON", (int)blen, body,
			          request);
		if (status >= 400) {
			json_t *e = json_object_get(v, "error");
			if (!json_is_string(json_object_get(e, "code")) || !json_is_string(json_object_get(e, "message")))
				fuzz_fail("erp-server answered %d without {\"error\":{\"code\",\"message\"}}: %.*s\nrequest:\n%s",
				          status, (int)blen, body, request);
		}
		json_decref(v);
	}
}

/* Splits what the server sent into responses and checks each. */
static int check_answers(const char *got, size_t n, const char *request)
{
	size_t at = 0;
	int answers = 0;
	while (at < n) {
		const char *r = got + at;
		size_t left = n - at;
		if (left < 12 || (memcmp(r, "HTTP/1.1 ", 9) != 0 && memcmp(r, "HTTP/1.0 ", 9) != 0) || r[9] < '1' ||
		    r[9] > '5' || r[10] < '0' || r[10] > '9' || r[11] < '0' || r[11] > '9')
			fuzz_fail("the server sent something that is not an HTTP response: %.*s", (int)(left > 200 ? 200 : left), r);
		int status = (r[9] - '0') * 100 + (r[10] - '0') * 10 + (r[11] - '0');
		const char *end = NULL;
		for (size_t i = 0; i + 3 < left; i++)
			if (memcmp(r + i, "\r\n\r\n", 4) == 0) {
				end = r + i;
				break;
			}
		if (!end)
			fuzz_fail("an HTTP response without the end of its headers: %.*s", (int)(left > 200 ? 200 : left), r);
		size_t hlen = (size_t)(end - r);
		size_t vlen = 0;
		if (status < 200) { /* "100 Continue": no body, the answer follows */
			at = (size_t)(end + 4 - got);
			continue;
		}
		/* libmicrohttpd's own answer to bytes it refuses ends the
		 * connection, and is not erp-server's: its framing is not checked
		 * (0.9.75 sends the head of its "wrong Content-Length" 400 twice). */
		if (!header_value(r, hlen, "X-Request-Id", &vlen))
			break;
		const char *body = end + 4;
		size_t avail = (size_t)(got + n - body), blen = avail;
		const char *cl = header_value(r, hlen, "Content-Length", &vlen);
		if (status == 204 || status == 304 || saw_head)
			blen = 0;
		else if (cl)
			blen = (size_t)strtoull(cl, NULL, 10);
		if (blen > avail)
			fuzz_fail("a response of %zu body bytes of which %zu arrived", blen, avail);
		check_answer(status, r, hlen, body, blen, request);
		answers++;
		at = (size_t)(body + blen - got);
		if (saw_head)
			break;
	}
	return answers;
}

/* A request libmicrohttpd has no reason to refuse: a known method, a
 * target of printable ASCII starting with '/', and header lines
 * "Name: value" of printable ASCII. The driver frames its length. */
static bool plain_request(const char *in)
{
	static const char *methods[] = { "GET ", "HEAD ", "POST ", "PUT ", "PATCH ", "DELETE ", "OPTIONS " };
	size_t m = 0;
	for (size_t i = 0; !m && i < sizeof methods / sizeof methods[0]; i++)
		if (strncmp(in, methods[i], strlen(methods[i])) == 0)
			m = strlen(methods[i]);
	if (!m || in[m] != '/')
		return false;
	const char *p = in + m;
	for (; *p && *p != '\n'; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return false;
	while (*p == '\n') {
		p++;
		if (*p == '\n' || !*p)
			return true;
		const char *name = p;
		while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')
			p++;
		if (p == name || *p != ':')
			return false;
		for (; *p && *p != '\n'; p++)
			if (*p < ' ' || *p >= 0x7f)
				return false;
	}
	return true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_fixture *f = fuzz_fixture_get();
	srv_log_set_level(SRV_LOG_ERROR);
	server.store = f->store;
	server.cfg.bind = "127.0.0.1";
	server.cfg.log_level = SRV_LOG_ERROR;
	server.cfg.origins = origins;
	server.cfg.norigins = 1;
	server.cfg.rate_limit_ttl_s = 60;
	server.cfg.rate_limit_max = 0; /* off: inputs would all end as 429 */
	server.cfg.body_limit = 2048; /* small, so that inputs reach the 413 path */
	server.cfg.threads = 1;
	server.started_ms = srv_now_ms();
	atomic_init(&server.in_flight, 0);
	atomic_init(&server.stopping, false);
	if (srv_metrics_new(&server.metrics) != 0)
		fuzz_fail("srv_metrics_new");
	char err[256];
	if (srv_routes_check(err, sizeof err) != 0)
		fuzz_fail("the route table: %s", err);
	/* As server/main.c starts it, less the listening socket and the threads,
	 * and with 32 KiB per connection instead of 128: libmicrohttpd mmaps
	 * (and clears) larger pools, which made each input 3 times slower. */
	server.daemon = MHD_start_daemon(
		MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG, 0, NULL, NULL, access_hook, &server,
		MHD_OPTION_EXTERNAL_LOGGER, srv_http_mhd_log, &server, MHD_OPTION_URI_LOG_CALLBACK, srv_http_begin,
		&server, MHD_OPTION_NOTIFY_COMPLETED, srv_http_completed, &server, MHD_OPTION_NOTIFY_CONNECTION,
		srv_http_connection, &server, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
		MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_END);
	if (!server.daemon)
		fuzz_fail("MHD_start_daemon failed");
	renew_session(f);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_fixture *f = fuzz_fixture_get();
	char *in = fuzz_expand(f, data, size);
	size_t in_len = strlen(in);
	bool sized = false;
	size_t req_len = 0, got_len = 0;
	char *req = build_request(in, in_len, &req_len, &sized);
	/* libmicrohttpd's own answers to HEAD carry no body either. */
	saw_head = strncmp(req, "HEAD ", 5) == 0 || strstr(req, "\nHEAD ") != NULL;
	char *got = exchange(req, req_len, &got_len);
	fuzz_debug("request:\n%s\nanswered:\n%.*s", req, (int)got_len, got ? got : "");
	int answers = check_answers(got ? got : "", got_len, req);
	fuzz_debug("%d answers of erp-server's", answers);
	if (sized && got_len == 0 && plain_request(in))
		fuzz_fail("no answer to a well-formed request:\n%s", req);
	free(got);
	free(req);
	free(in);
	if (!session_ok(f->store, fuzz_get(f, "token")))
		renew_session(f);
	erp_buf lock = ERP_BUF_INIT;
	if (erp_ledger_lock_date(&lock, f->ctx) == ERP_OK && erp_ledger_set_lock_date(f->ctx, NULL) != ERP_OK)
		fuzz_fail("cannot clear the lock date: %s", erp_error_last()->message);
	erp_buf_dispose(&lock);
	fuzz_verify_sometimes(f);
	return 0;
}
