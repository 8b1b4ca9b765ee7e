/* SQLite result codes as liberp error codes (sqlite_error.h). */
#include "sqlite_error.h"

#include <stdio.h>
#include <string.h>

int erp__sqlite_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return ERP_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ERP_ERETRY;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return ERP_EEXISTS;
		return ERP_EINVALID;
	case SQLITE_TOOBIG:
		return ERP_EINVALID;
	case SQLITE_NOMEM:
		return ERP_ERROR;
	default:
		return ERP_EBACKEND;
	}
}

/*
 * The column named by a constraint message, for erp_error_last()->field:
 * "UNIQUE constraint failed: auth_tenants.name" gives "name". Nothing when
 * several columns are named (which one is at fault is not known).
 */
static const char *constraint_field(char *dst, size_t cap, int rc, const char *msg)
{
	const char *list;
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_NOTNULL) {
		list = strstr(msg, "constraint failed: ");
		if (!list)
			return NULL;
		list += strlen("constraint failed: ");
	} else {
		return NULL;
	}
	if (strchr(list, ','))
		return NULL;
	const char *dot = strrchr(list, '.');
	const char *col = dot ? dot + 1 : list;
	size_t n = strcspn(col, " \t\r\n");
	if (n == 0 || n >= cap)
		return NULL;
	memcpy(dst, col, n);
	dst[n] = '\0';
	return dst;
}

int erp__sqlite_fail_detail(int code, int rc, const char *what, const char *detail)
{
	char msg[1024];
	char field[128];
	const char *f = NULL;
	if (!detail)
		detail = sqlite3_errstr(rc);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		f = constraint_field(field, sizeof field, rc, detail);
	snprintf(msg, sizeof msg, "%sSQLite: %s: %s (code %d)",
	         (rc & 0xff) == SQLITE_FULL ? ERP_STORAGE_FULL_PREFIX : "", what, detail, rc);
	return erp_error_set(code, NULL, f, msg);
}

int erp__sqlite_fail(sqlite3 *db, int rc, const char *what)
{
	/*
	 * sqlite3_errmsg() describes the last call on db; when that call did
	 * not fail (rc came from elsewhere) fall back to the code's text.
	 */
	const char *detail = NULL;
	if (db && sqlite3_extended_errcode(db) == rc)
		detail = sqlite3_errmsg(db);
	return erp__sqlite_fail_detail(erp__sqlite_code(rc), rc, what, detail);
}

void erp__sqlite_snippet(char *dst, size_t cap, const char *sql)
{
	size_t n = 0;
	int space = 0;
	if (cap < 4) {
		if (cap)
			dst[0] = '\0';
		return;
	}
	/* Leading blanks and comments say nothing about the statement. */
	for (;;) {
		while (*sql == ' ' || *sql == '\t' || *sql == '\r' || *sql == '\n')
			sql++;
		if (sql[0] == '-' && sql[1] == '-') {
			sql += strcspn(sql, "\n");
		} else if (sql[0] == '/' && sql[1] == '*') {
			const char *end = strstr(sql + 2, "*/");
			if (!end)
				break;
			sql = end + 2;
		} else {
			break;
		}
	}
	for (; *sql; sql++) {
		char c = *sql;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = 1;
			continue;
		}
		if (n + (size_t)space + 1 > cap - 4) {
			/* Never cut a UTF-8 sequence in two. */
			while (n && ((unsigned char)dst[n - 1] & 0xC0) == 0x80)
				n--;
			if (n && ((unsigned char)dst[n - 1] & 0xC0) == 0xC0)
				n--;
			memcpy(dst + n, "...", 3);
			n += 3;
			break;
		}
		if (space && n)
			dst[n++] = ' ';
		space = 0;
		dst[n++] = c;
	}
	dst[n] = '\0';
}
