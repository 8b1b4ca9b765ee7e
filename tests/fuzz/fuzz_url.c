/*
 * libFuzzer target: URL and path parsing. The first byte of the input
 * chooses the parser ('0' to '4'; any byte, less '0', modulo 5), the rest
 * is the text:
 *   0  erp__sqlite_url_parse     (lib/storage/sqlite/sqlite_url.c)
 *   1  erp__redis_url_parse      (lib/cache/redis/redis_url.c)
 *   2  erp__pg_conninfo_init     (lib/storage/postgres/pg_conninfo.c; libpq parses, nothing connects)
 *   3  a cache URL opened by its registered backend, as erp_store_open
 *      does (mem:, redis:; the redis backend connects only on use)
 *   4  erp-server's router, srv_route_find (server/router.c): the path
 *      is percent-decoded segment by segment; the method is GET, POST,
 *      PATCH, DELETE or HEAD by the second byte ('0' to '4')
 * No input ever makes a file (a sqlite: URL is only parsed) or a connection.
 *
 * Invariants: ERP_OK or ERP_EINVALID naming "url" / "cache_url"; what a
 * parser accepts obeys its header (a SQLite path is non-empty, has no
 * control character, '?', '#', trailing '/' or leading ':'; a Redis URL
 * has a host, a port 1-65535, a db 0-15, timeouts 1-600000 ms); an error
 * message never quotes a Redis password; a matched route's method is the
 * one asked and its decoded parameters are non-empty, valid UTF-8, without
 * '/' or NUL.
 *
 *   build-fuzz/tests/fuzz/fuzz_url -dict=tests/fuzz/fuzz.dict CORPUS_DIR
 *   build/tests/fuzz/fuzz_replay_url tests/fuzz/corpus/url   (replay)
 */
#include "fuzz_fixture.h"

#include "core/registry.h"
#include "server.h"
#include "storage/sqlite/sqlite_url.h"
#ifdef ERP_HAVE_REDIS
#include "cache/redis/redis_url.h"
#endif
#ifdef ERP_HAVE_POSTGRES
#include "storage/postgres/pg_conninfo.h"
#endif

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int PARSE_CODES[] = { ERP_EINVALID, 0 };

static void expect_field(const char *call, int rc, const char *field)
{
	fuzz_check_rc(call, rc, PARSE_CODES);
	const char *got = erp_error_last()->field;
	if (rc == ERP_EINVALID && strcmp(got, field) != 0)
		fuzz_fail("%s: ERP_EINVALID names the field '%s', not '%s'", call, got, field);
}

static void sqlite_url(const char *url)
{
	char *path = NULL;
	int memory = -1;
	int rc = erp__sqlite_url_parse(&path, &memory, url);
	expect_field("erp__sqlite_url_parse", rc, "url");
	if (rc != ERP_OK) {
		if (path)
			fuzz_fail("erp__sqlite_url_parse failed but returned a path");
		return;
	}
	if (memory ? path != NULL : path == NULL)
		fuzz_fail("erp__sqlite_url_parse: memory=%d with path %s", memory, path ? path : "NULL");
	if (path) {
		size_t n = strlen(path);
		if (n == 0 || path[0] == ':' || path[n - 1] == '/' || strpbrk(path, "?#"))
			fuzz_fail("erp__sqlite_url_parse accepted the path '%s' of '%s'", path, url);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f)
				fuzz_fail("erp__sqlite_url_parse accepted a control character in '%s'", url);
	}
	free(path);
}

#ifdef ERP_HAVE_REDIS
/* Where the password of a redis:// URL is, as its parser finds it
 * (undecoded): *start and *len; *len 0 when it has none. */
static void redis_password(const char *url, size_t *start, size_t *len)
{
	*start = *len = 0;
	if (strncasecmp(url, "redis://", 8) != 0)
		return;
	const char *rest = url + 8;
	size_t alen = strcspn(rest, "/?");
	const char *at = NULL;
	for (const char *p = rest; p < rest + alen; p++)
		if (*p == '@')
			at = p;
	const char *colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
	if (colon) {
		*start = (size_t)(colon + 1 - url);
		*len = (size_t)(at - colon - 1);
	}
}

static void redis_url(const char *url)
{
	erp__redis_url u;
	memset(&u, 0, sizeof u);
	int rc = erp__redis_url_parse(&u, url);
	expect_field("erp__redis_url_parse", rc, "cache_url");
	if (rc == ERP_OK) {
		if (!u.host || !u.host[0] || u.port < 1 || u.port > 65535 || u.db < 0 || u.db > ERP__REDIS_MAX_DB ||
		    u.connect_timeout_ms < 1 || u.connect_timeout_ms > ERP__REDIS_MAX_TIMEOUT_MS ||
		    u.command_timeout_ms < 1 || u.command_timeout_ms > ERP__REDIS_MAX_TIMEOUT_MS)
			fuzz_fail("erp__redis_url_parse accepted '%s' as host '%s' port %d db %d timeouts %d/%d", url,
			          u.host ? u.host : "NULL", u.port, u.db, u.connect_timeout_ms, u.command_timeout_ms);
		if (u.user && !u.password)
			fuzz_fail("erp__redis_url_parse accepted a user without a password: '%s'", url);
		erp__redis_url_free(&u);
		return;
	}
	/* The same URL with its password replaced by a marker: the message must
	 * never quote the marker (so never a password). */
	const char *marker = "Zq9PwMarker";
	size_t start = 0, plen = 0;
	redis_password(url, &start, &plen);
	if (plen == 0)
		return;
	size_t n = strlen(url), mlen = strlen(marker);
	char *marked = malloc(n - plen + mlen + 1);
	if (!marked)
		return;
	memcpy(marked, url, start);
	memcpy(marked + start, marker, mlen);
	memcpy(marked + start + mlen, url + start + plen, n - start - plen + 1);
	memset(&u, 0, sizeof u);
	if (!strstr(url, marker) && erp__redis_url_parse(&u, marked) != ERP_OK &&
	    strstr(erp_error_last()->message, marker))
		fuzz_fail("erp__redis_url_parse's message quotes the password of '%s': %s", marked, erp_error_last()->message);
	erp__redis_url_free(&u);
	free(marked);
}
#endif

#ifdef ERP_HAVE_POSTGRES
static void pg_url(const char *url)
{
	erp__pg_conninfo info;
	memset(&info, 0, sizeof info);
	int rc = erp__pg_conninfo_init(&info, url, NULL);
	expect_field("erp__pg_conninfo_init", rc, "url");
	if (rc == ERP_OK) {
		size_t n = 0;
		while (n < ERP__PG_CONNINFO_MAX && info.keys[n])
			n++;
		if (n == ERP__PG_CONNINFO_MAX)
			fuzz_fail("erp__pg_conninfo_init: the keywords are not NULL-terminated");
		for (size_t i = 0; i < n; i++)
			if (!info.values[i])
				fuzz_fail("erp__pg_conninfo_init: keyword %s has no value", info.keys[i]);
		erp__pg_conninfo_free(&info);
	}
}
#endif

static void cache_url(const char *url)
{
	char scheme[32];
	const erp_cache_backend *b = erp__url_scheme(scheme, sizeof scheme, url) ? erp__cache_backend_find(scheme) : NULL;
	if (!b)
		return;
	erp_store_options opts = ERP_STORE_OPTIONS_INIT;
	opts.cache_max_bytes = 1 << 16;
	erp_cache *cache = NULL;
	int rc = b->open(&cache, url, &opts);
	expect_field("cache open", rc, "cache_url");
	if ((rc == ERP_OK) != (cache != NULL))
		fuzz_fail("cache open of '%s': %s with cache %p", url, erp_error_name(rc), (void *)cache);
	if (cache)
		cache->close(cache);
}

static bool valid_utf8(const unsigned char *s)
{
	while (*s) {
		size_t len = *s < 0x80 ? 1 : (*s & 0xE0) == 0xC0 ? 2 : (*s & 0xF0) == 0xE0 ? 3 : (*s & 0xF8) == 0xF0 ? 4 : 0;
		if (!len)
			return false;
		for (size_t k = 1; k < len; k++)
			if ((s[k] & 0xC0) != 0x80)
				return false;
		s += len;
	}
	return true;
}

static void route(unsigned char which, const char *path)
{
	static const char *methods[] = { "GET", "POST", "PATCH", "DELETE", "HEAD" };
	srv_request req;
	memset(&req, 0, sizeof req);
	req.method = methods[(unsigned)(which - '0') % 5];
	req.path = path;
	bool known = false;
	char allow[128];
	const srv_route *r = srv_route_find(&req, &known, allow, sizeof allow);
	if (!r) {
		if (known && !allow[0])
			fuzz_fail("srv_route_find: '%s' is a known path with no Allow", path);
		return;
	}
	const char *want = strcmp(req.method, "HEAD") == 0 ? "GET" : req.method;
	if (!known || strcmp(r->method, want) != 0)
		fuzz_fail("srv_route_find(%s %s) matched %s %s", req.method, path, r->method, r->pattern);
	if (req.nparams > SRV_MAX_PARAMS)
		fuzz_fail("srv_route_find: %zu parameters", req.nparams);
	for (size_t i = 0; i < req.nparams; i++) {
		const char *p = req.params[i];
		/* "" only for a parameter that held a NUL, which the router names for a 422 */
		if (!p || (!p[0] && !req.nul_param[0]) || strchr(p, '/') || !valid_utf8((const unsigned char *)p))
			fuzz_fail("srv_route_find(%s) decoded parameter %zu as '%s'", path, i, p ? p : "NULL");
	}
	if (req.nul_param[0] && !strstr(path, "%00"))
		fuzz_fail("srv_route_find(%s) names '%s' as holding a NUL, and the path has none", path, req.nul_param);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	erp__library_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	erp_error_clear();
	switch ((unsigned)(data[0] - '0') % 5) {
	case 0:
		sqlite_url(text);
		break;
#ifdef ERP_HAVE_REDIS
	case 1:
		redis_url(text);
		break;
#endif
#ifdef ERP_HAVE_POSTGRES
	case 2:
		pg_url(text);
		break;
#endif
	case 3:
		cache_url(text);
		break;
	case 4:
		if (text[0])
			route((unsigned char)text[0], text + 1);
		break;
	default:
		break;
	}
	free(text);
	return 0;
}
