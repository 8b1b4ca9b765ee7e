/*
 * Connection parameters of the PostgreSQL backend (see pg_conninfo.h).
 */
#include "pg_conninfo.h"

#include <erp/sys/backend.h>

#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The part of `url` libpq should read: the scheme goes when a keyword string follows. */
static const char *strip_scheme(const char *url)
{
	static const char *const schemes[] = { "postgresql:", "postgres:" };
	size_t i;

	for (i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
		size_t n = strlen(schemes[i]);
		if (strncmp(url, schemes[i], n) == 0 && strncmp(url + n, "//", 2) != 0)
			return url + n;
	}
	return url;
}

static int add(erp__pg_conninfo *info, size_t *n, const char *key, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return erp_error_set(ERP_ERROR, NULL, NULL, "out of memory");
	info->keys[*n] = key;
	info->values[*n] = copy;
	(*n)++;
	return ERP_OK;
}

/* libpq checks these only when connecting; a bad value is a malformed URL, not a failed connection. */
static int valid_int(const char *v)
{
	if (*v == '-' || *v == '+')
		v++;
	if (!*v)
		return 0;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return 0;
	}
	return 1;
}

/* A port list, as libpq takes it: "5432" or "5432,5433" (an empty item means the default). */
static int valid_ports(const char *v)
{
	long port = 0;
	int digits = 0;

	for (;; v++) {
		if (*v >= '0' && *v <= '9') {
			port = port * 10 + (*v - '0');
			if (port > 65535)
				return 0;
			digits++;
		} else if (*v == ',' || *v == '\0') {
			if (digits && port < 1)
				return 0;
			if (!*v)
				return 1;
			port = 0;
			digits = 0;
		} else {
			return 0;
		}
	}
}

static int invalid_option(PQconninfoOption *parsed, const char *keyword, const char *value)
{
	char msg[256];

	snprintf(msg, sizeof msg, "malformed PostgreSQL URL: invalid %s \"%.100s\"", keyword, value);
	PQconninfoFree(parsed);
	return erp_error_set(ERP_EINVALID, NULL, "url", msg);
}

/*
 * Validates the URL's syntax and reads what it says about the parameters
 * the backend adds: its options, and whether it sets connect_timeout
 * (`*url_timeout` is -1 when it does not).
 */
static int parse_url(const char *conninfo, char **user_options, int *url_timeout)
{
	char *err = NULL;
	errno = 0;
	PQconninfoOption *parsed = PQconninfoParse(conninfo, &err);
	int parse_errno = errno;
	PQconninfoOption *o;
	char msg[512];
	size_t len;

	*user_options = NULL;
	*url_timeout = -1;
	if (!parsed) {
		/* libpq says "out of memory" as the error of a URL it could not parse for want of memory */
		if (!err || parse_errno == ENOMEM || strncmp(err, "out of memory", 13) == 0) {
			PQfreemem(err);
			return erp_error_set(ERP_ERROR, NULL, NULL, "out of memory");
		}
		len = strlen(err);
		while (len > 0 && (err[len - 1] == '\n' || err[len - 1] == ' '))
			err[--len] = '\0';
		snprintf(msg, sizeof msg, "malformed PostgreSQL URL: %s", err);
		PQfreemem(err);
		return erp_error_set(ERP_EINVALID, NULL, "url", msg);
	}
	for (o = parsed; o->keyword; o++) {
		if (!o->val || !o->val[0])
			continue;
		if (strcmp(o->keyword, "port") == 0 && !valid_ports(o->val))
			return invalid_option(parsed, o->keyword, o->val);
		if ((strcmp(o->keyword, "connect_timeout") == 0 || strncmp(o->keyword, "keepalives", 10) == 0 ||
		     strcmp(o->keyword, "tcp_user_timeout") == 0) && !valid_int(o->val))
			return invalid_option(parsed, o->keyword, o->val);
		if (strcmp(o->keyword, "connect_timeout") == 0) {
			*url_timeout = atoi(o->val);
		} else if (strcmp(o->keyword, "options") == 0) {
			*user_options = strdup(o->val);
			if (!*user_options) {
				PQconninfoFree(parsed);
				return erp_error_set(ERP_ERROR, NULL, NULL, "out of memory");
			}
		}
	}
	PQconninfoFree(parsed);
	return ERP_OK;
}

int erp__pg_conninfo_init(erp__pg_conninfo *info, const char *url, const erp_store_options *opts)
{
	const char *conninfo = strip_scheme(url ? url : "");
	char *user_options = NULL;
	int url_timeout;
	int timeout = opts && opts->connect_timeout_s > 0 ? opts->connect_timeout_s : 10;
	int stmt_ms = opts && opts->statement_timeout_ms > 0 ? opts->statement_timeout_ms : 0;
	char num[32];
	char *options;
	size_t n = 0, cap;
	int rc;

	memset(info, 0, sizeof *info);
	rc = parse_url(conninfo, &user_options, &url_timeout);
	if (rc != ERP_OK)
		return rc;

	/* Before dbname: the expanded URL overrides these. */
	rc = add(info, &n, "fallback_application_name", "liberp");
	if (rc == ERP_OK && url_timeout < 0) {
		snprintf(num, sizeof num, "%d", timeout);
		rc = add(info, &n, "connect_timeout", num);
	}
	if (rc == ERP_OK)
		rc = add(info, &n, "dbname", conninfo);
	/* After dbname: these override the URL. */
	if (rc == ERP_OK)
		rc = add(info, &n, "client_encoding", "UTF8");
	if (rc == ERP_OK) {
		cap = (user_options ? strlen(user_options) + 1 : 0) + 96;
		options = malloc(cap);
		if (!options) {
			rc = erp_error_set(ERP_ERROR, NULL, NULL, "out of memory");
		} else {
			int len = snprintf(options, cap, "%s%s-c TimeZone=UTC -c DateStyle=ISO",
			                   user_options ? user_options : "", user_options ? " " : "");
			if (stmt_ms > 0)
				snprintf(options + len, cap - (size_t)len, " -c statement_timeout=%d", stmt_ms);
			info->keys[n] = "options";
			info->values[n] = options;
			n++;
		}
	}
	free(user_options);
	if (rc != ERP_OK) {
		erp__pg_conninfo_free(info);
		return rc;
	}
	info->keys[n] = NULL;
	info->values[n] = NULL;
	return ERP_OK;
}

void erp__pg_conninfo_free(erp__pg_conninfo *info)
{
	size_t i;

	for (i = 0; i < ERP__PG_CONNINFO_MAX; i++) {
		free(info->values[i]);
		info->values[i] = NULL;
		info->keys[i] = NULL;
	}
}
