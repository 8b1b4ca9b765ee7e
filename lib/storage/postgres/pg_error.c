/*
 * From PostgreSQL failures to liberp error codes (see pg_error.h).
 */
#include "pg_error.h"

#include <erp/sys/backend.h>

#include <stdio.h>
#include <string.h>

/* libpq messages span lines ("FATAL:  ...\n"); errors are one line in liberp. */
static void copy_trimmed(char *dst, size_t cap, const char *src)
{
	size_t n = 0;

	if (!src)
		src = "";
	for (; *src && n + 1 < cap; src++) {
		char c = (*src == '\n' || *src == '\t' || *src == '\r') ? ' ' : *src;
		if (c == ' ' && (n == 0 || dst[n - 1] == ' '))
			continue;
		dst[n++] = c;
	}
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

int erp__pg_oom(void)
{
	return erp_error_set(ERP_ERROR, NULL, NULL, "out of memory");
}

static int starts(const char *state, const char *prefix)
{
	return strncmp(state, prefix, strlen(prefix)) == 0;
}

int erp__pg_result_error(PGconn *pg, const PGresult *res, int *lost)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	const char *column = res ? PQresultErrorField(res, PG_DIAG_COLUMN_NAME) : NULL;
	char text[600], msg[1024];
	int code;

	*lost = PQstatus(pg) == CONNECTION_BAD;
	if (primary)
		copy_trimmed(text, sizeof text, primary);
	else if (res && PQresultErrorMessage(res)[0])
		copy_trimmed(text, sizeof text, PQresultErrorMessage(res));
	else
		copy_trimmed(text, sizeof text, PQerrorMessage(pg));

	if (*lost) {
		snprintf(msg, sizeof msg,
		         "PostgreSQL connection lost: %s%s%s%s",
		         text, state ? " (SQLSTATE " : "", state ? state : "", state ? ")" : "");
		return erp_error_set(ERP_ERETRY, NULL, NULL, msg);
	}
	if (!res) {
		/* libpq could not send the statement or build a result. */
		if (strstr(text, "out of memory"))
			return erp__pg_oom();
		snprintf(msg, sizeof msg, "PostgreSQL: %s", text);
		return erp_error_set(ERP_EBACKEND, NULL, NULL, msg);
	}
	if (!state) {
		/* Raised by libpq itself, not the server. */
		if (strstr(text, "out of memory"))
			return erp__pg_oom();
		snprintf(msg, sizeof msg, "PostgreSQL: %s", text);
		return erp_error_set(ERP_EBACKEND, NULL, NULL, msg);
	}

	if (strcmp(state, "23505") == 0 || starts(state, "23")) {
		code = strcmp(state, "23505") == 0 ? ERP_EEXISTS : ERP_EINVALID;
		if (constraint)
			snprintf(msg, sizeof msg, "%s (SQLSTATE %s, constraint \"%s\")", text, state, constraint);
		else
			snprintf(msg, sizeof msg, "%s (SQLSTATE %s)", text, state);
		return erp_error_set(code, NULL, code == ERP_EINVALID ? column : NULL, msg);
	}

	if (strcmp(state, "53100") == 0 || strstr(text, "No space left on device")) {
		/* disk_full, or an I/O error (58030...) for ENOSPC: not transient. */
		snprintf(msg, sizeof msg, ERP_STORAGE_FULL_PREFIX "PostgreSQL: %s (SQLSTATE %s)", text, state);
		return erp_error_set(ERP_EBACKEND, NULL, NULL, msg);
	}
	if (strcmp(state, "53400") == 0)
		code = ERP_EBACKEND; /* configuration_limit_exceeded (temp_file_limit): the same again fails again */
	else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	         strcmp(state, "55P03") == 0 || starts(state, "53"))
		code = ERP_ERETRY; /* serialization, deadlock, lock timeout; out of memory, too many connections */
	else if (starts(state, "22") || strcmp(state, "P0001") == 0)
		code = ERP_EINVALID;
	else if (starts(state, "28"))
		code = ERP_EAUTH;
	else if (starts(state, "08") || strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0)
		code = ERP_ERETRY; /* connection failure the socket has not shown yet */
	else
		code = ERP_EBACKEND;

	if (strcmp(state, "42501") == 0)
		snprintf(msg, sizeof msg, "the database role lacks a privilege: %s (SQLSTATE %s)", text, state);
	else if (strcmp(state, "57014") == 0)
		snprintf(msg, sizeof msg, "statement timeout or cancel: %s (SQLSTATE %s)", text, state);
	else
		snprintf(msg, sizeof msg, "%s (SQLSTATE %s)", text, state);
	if (code == ERP_ERETRY && (starts(state, "08") || starts(state, "57P")))
		*lost = 1;
	return erp_error_set(code, NULL, code == ERP_EINVALID ? column : NULL, msg);
}

/* The server's wording for refused credentials (English server messages). */
static int is_auth_failure(const char *m)
{
	static const char *const needles[] = {
		"password authentication failed",
		"authentication failed for user", /* peer, ident, ldap, radius, cert... */
		"no password supplied",
		"no pg_hba.conf entry",
		"pg_hba.conf rejects connection",
		"SCRAM authentication",            /* channel binding / SCRAM errors */
		"is not permitted to log in",
		"role \"",                         /* role "x" does not exist (trust auth) */
	};
	size_t i;

	for (i = 0; i < sizeof needles / sizeof needles[0]; i++) {
		const char *hit = strstr(m, needles[i]);
		if (hit && (i + 1 < sizeof needles / sizeof needles[0] || strstr(hit, "does not exist")))
			return 1;
	}
	return 0;
}

/* libpq's own wording when it rejects a parameter value before connecting. */
static int is_option_error(const char *m)
{
	return strstr(m, "for connection option") || strstr(m, "invalid port number") ||
	       (strstr(m, "invalid ") && strstr(m, " value: ")) || strstr(m, "could not match ");
}

int erp__pg_connect_error(const PGconn *pg)
{
	char text[900], msg[1024];
	int code;

	if (!pg)
		return erp__pg_oom();
	copy_trimmed(text, sizeof text, PQerrorMessage(pg));
	if (is_option_error(text)) {
		snprintf(msg, sizeof msg, "malformed PostgreSQL URL: %s", text);
		return erp_error_set(ERP_EINVALID, NULL, "url", msg);
	}
	code = PQconnectionNeedsPassword(pg) || is_auth_failure(text) ? ERP_EAUTH : ERP_EBACKEND;
	snprintf(msg, sizeof msg, "%s: %s",
	         code == ERP_EAUTH ? "PostgreSQL refused the credentials" : "cannot connect to PostgreSQL",
	         text[0] ? text : "unknown error");
	return erp_error_set(code, NULL, NULL, msg);
}
