/*
 * The URL of the redis: cache backend (see redis_url.h).
 */
#include "redis_url.h"

#include <erp/errors.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/error.h"

#define SCHEME "redis://"
#define FORM "redis://[[user]:password@]host[:port][/db][?connect_timeout_ms=N&command_timeout_ms=N]"
#define MAX_HOST 255

static int bad(const char *what)
{
	return erp__invalid("cache_url", "redis cache URL: %s (expected " FORM ")", what);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void free_secret(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

/* A percent-decoded copy of `len` bytes of `s` into *out (malloc'd).
 * ERP_EINVALID (raised) for a bad escape or an encoded NUL; `what` names
 * the part in the message, which never quotes it. */
static int decode(char **out, const char *s, size_t len, const char *what)
{
	char *d = malloc(len + 1);
	size_t n = 0;
	if (!d)
		return erp__oom();
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			if (len - i < 3 || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) {
				d[n] = '\0';
				free_secret(d);
				return erp__invalid("cache_url", "redis cache URL: the %s has a bad %%-escape (expected %%XX)", what);
			}
			c = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
			i += 2;
			if (c == '\0') {
				d[n] = '\0';
				free_secret(d);
				return erp__invalid("cache_url", "redis cache URL: the %s contains an encoded NUL (%%00)", what);
			}
		}
		d[n++] = c;
	}
	d[n] = '\0';
	*out = d;
	return ERP_OK;
}

/* Parses `len` decimal digits (nothing else) as an int in [min, max]. */
static int parse_int(int *out, const char *s, size_t len, long min, long max)
{
	long v = 0;
	if (len == 0 || len > 9)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_';
}

static int v6_char(char c)
{
	return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') ||
	       c == ':' || c == '.';
}

/* user:password, percent-encoded. */
static int parse_userinfo(erp__redis_url *u, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	if (!colon)
		return bad("a user needs a password: write user:password@ (or :password@ for the default user)");
	size_t ulen = (size_t)(colon - s), plen = len - ulen - 1;
	if (plen == 0)
		return bad("the password before '@' is empty");
	int rc = ERP_OK;
	if (ulen > 0)
		rc = decode(&u->user, s, ulen, "user");
	if (rc == ERP_OK)
		rc = decode(&u->password, colon + 1, plen, "password");
	return rc;
}

/* host[:port] or [v6][:port]. */
static int parse_hostport(erp__redis_url *u, const char *s, size_t len)
{
	const char *host = s, *port = NULL;
	size_t hlen, plen = 0;
	int v6 = 0;

	if (len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return bad("an IPv6 address has no closing ']'");
		host = s + 1;
		hlen = (size_t)(close - host);
		v6 = 1;
		size_t rest = len - (size_t)(close + 1 - s);
		if (rest > 0) {
			if (close[1] != ':')
				return bad("unexpected text after the ']' of an IPv6 address");
			port = close + 2;
			plen = rest - 1;
		}
		if (hlen == 0)
			return bad("the IPv6 address between '[' and ']' is empty");
		for (size_t i = 0; i < hlen; i++)
			if (!v6_char(host[i]))
				return bad("the IPv6 address between '[' and ']' has a character that is not a hex digit, ':' or '.'");
	} else {
		const char *colon = memchr(s, ':', len);
		hlen = colon ? (size_t)(colon - s) : len;
		if (colon) {
			port = colon + 1;
			plen = len - hlen - 1;
			if (memchr(port, ':', plen))
				return bad("an IPv6 address must be in brackets, as in redis://[::1]:6379");
		}
		if (hlen == 0)
			return bad("the host is missing");
		for (size_t i = 0; i < hlen; i++)
			if (!host_char(host[i]))
				return bad("the host has a character that is not a letter, digit, '-', '.' or '_'");
	}
	if (hlen > MAX_HOST)
		return bad("the host is longer than 255 characters");

	u->port = ERP__REDIS_DEFAULT_PORT;
	if (port && parse_int(&u->port, port, plen, 1, 65535) != 0)
		return bad("the port must be a number from 1 to 65535");
	u->host = malloc(hlen + 1);
	if (!u->host)
		return erp__oom();
	memcpy(u->host, host, hlen);
	u->host[hlen] = '\0';
	snprintf(u->endpoint, sizeof u->endpoint, v6 ? "[%.255s]:%d" : "%.255s:%d", u->host, u->port);
	return ERP_OK;
}

/* name=value&name=value... */
static int parse_query(erp__redis_url *u, const char *s, size_t len)
{
	while (len > 0) {
		const char *amp = memchr(s, '&', len);
		size_t item = amp ? (size_t)(amp - s) : len;
		if (item > 0) {
			const char *eq = memchr(s, '=', item);
			size_t nlen = eq ? (size_t)(eq - s) : item;
			int *target = NULL;
			if (nlen == strlen("connect_timeout_ms") && memcmp(s, "connect_timeout_ms", nlen) == 0)
				target = &u->connect_timeout_ms;
			else if (nlen == strlen("command_timeout_ms") && memcmp(s, "command_timeout_ms", nlen) == 0)
				target = &u->command_timeout_ms;
			if (!target)
				return erp__invalid("cache_url",
				                    "redis cache URL: unknown option '%.*s' (known: connect_timeout_ms, command_timeout_ms)",
				                    (int)(nlen > 64 ? 64 : nlen), s);
			if (!eq || parse_int(target, eq + 1, item - nlen - 1, 1, ERP__REDIS_MAX_TIMEOUT_MS) != 0)
				return erp__invalid("cache_url", "redis cache URL: %.*s must be a number of milliseconds from 1 to %d",
				                    (int)nlen, s, ERP__REDIS_MAX_TIMEOUT_MS);
		}
		if (!amp)
			break;
		len -= item + 1;
		s = amp + 1;
	}
	return ERP_OK;
}

static int parse(erp__redis_url *u, const char *url)
{
	if (!url)
		return bad("the URL is NULL");
	if (strncasecmp(url, SCHEME, strlen(SCHEME)) != 0)
		return bad("it must start with redis:// (TLS, rediss://, is not supported)");
	const char *rest = url + strlen(SCHEME);
	for (const char *p = rest; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p == 0x7f)
			return bad("it contains a space or a control character");
	if (strchr(rest, '#'))
		return bad("a '#' fragment is not allowed (write '#' in a password as %23)");

	/* authority = up to the first '/' or '?'; the userinfo ends at its last '@'. */
	size_t alen = strcspn(rest, "/?");
	const char *at = NULL;
	for (const char *p = rest; p < rest + alen; p++)
		if (*p == '@')
			at = p;
	int rc;
	if (at && (rc = parse_userinfo(u, rest, (size_t)(at - rest))) != ERP_OK)
		return rc;
	const char *hp = at ? at + 1 : rest;
	if ((rc = parse_hostport(u, hp, (size_t)(rest + alen - hp))) != ERP_OK)
		return rc;

	const char *p = rest + alen;
	u->db = 0;
	if (*p == '/') {
		p++;
		size_t dlen = strcspn(p, "?");
		if (dlen > 0 && parse_int(&u->db, p, dlen, 0, ERP__REDIS_MAX_DB) != 0)
			return bad("the database after '/' must be a number from 0 to 15");
		p += dlen;
	}
	u->connect_timeout_ms = ERP__REDIS_DEFAULT_CONNECT_TIMEOUT_MS;
	u->command_timeout_ms = ERP__REDIS_DEFAULT_COMMAND_TIMEOUT_MS;
	if (*p == '?')
		return parse_query(u, p + 1, strlen(p + 1));
	return ERP_OK;
}

int erp__redis_url_parse(erp__redis_url *out, const char *url)
{
	memset(out, 0, sizeof *out);
	int rc = parse(out, url);
	if (rc != ERP_OK)
		erp__redis_url_free(out);
	return rc;
}

void erp__redis_url_free(erp__redis_url *url)
{
	free(url->host);
	free_secret(url->user);
	free_secret(url->password);
	memset(url, 0, sizeof *url);
}
