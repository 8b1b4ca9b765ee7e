/* Integrity checks of the SQLite file (sqlite_check.h). */
#include "sqlite_check.h"
#include "sqlite_error.h"
#include "sqlite_storage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing string of findings; `failed` is sticky after an allocation failure. */
typedef struct {
	char *ptr;
	size_t len;
	size_t cap;
	int failed;
	size_t count;
	char first[512];
} findings;

static void add_line(findings *f, const char *line)
{
	size_t n = strlen(line);
	if (f->count++ == 0)
		snprintf(f->first, sizeof f->first, "%.500s", line);
	if (f->failed)
		return;
	if (f->len + n + 2 > f->cap) {
		size_t cap = f->cap ? f->cap : 256;
		while (f->len + n + 2 > cap)
			cap *= 2;
		char *p = realloc(f->ptr, cap);
		if (!p) {
			f->failed = 1;
			return;
		}
		f->ptr = p;
		f->cap = cap;
	}
	memcpy(f->ptr + f->len, line, n);
	f->len += n;
	f->ptr[f->len++] = '\n';
	f->ptr[f->len] = '\0';
}

static const char *col_text(sqlite3_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);
	return t ? (const char *)t : "NULL";
}

/* Runs one check pragma, turning each result row into a finding line. */
static int run_pragma(sqlite3 *db, const char *sql, int foreign_keys, findings *f)
{
	sqlite3_stmt *stmt = NULL;
	char line[1024];
	int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		snprintf(line, sizeof line, "check: preparing `%s`", sql);
		return erp__sqlite_fail(db, rc, line);
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (foreign_keys) {
			/* table, rowid (NULL for WITHOUT ROWID), parent table, foreign key index */
			snprintf(line, sizeof line, "foreign key violation: row %s of table %s references a missing row of %s (foreign key %s)",
			         col_text(stmt, 1), col_text(stmt, 0), col_text(stmt, 2), col_text(stmt, 3));
		} else {
			const char *t = col_text(stmt, 0);
			if (strcmp(t, "ok") == 0)
				continue;
			snprintf(line, sizeof line, "integrity check: %s", t);
		}
		add_line(f, line);
	}
	if (rc != SQLITE_DONE) {
		snprintf(line, sizeof line, "check: `%s`", sql);
		rc = erp__sqlite_fail(db, rc, line);
	} else {
		rc = ERP_OK;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Appends the findings to what `report` holds already. */
static int report_append(erp_buf *report, const findings *f)
{
	size_t old = report->ptr ? report->size : 0;
	char *all = malloc(old + f->len + 1);
	if (!all)
		return erp_error_set(ERP_ERROR, NULL, NULL, "out of memory (SQLite check report)");
	if (old)
		memcpy(all, report->ptr, old);
	memcpy(all + old, f->ptr, f->len);
	all[old + f->len] = '\0';
	int rc = erp_buf_set(report, all, old + f->len);
	free(all);
	return rc;
}

int erp__sqlite_check(erp_buf *report, erp_storage *storage)
{
	if (!storage)
		return erp_error_set(ERP_ERROR, NULL, NULL, "SQLite storage misused: check: storage is NULL");
	erp__sqlite_storage *s = erp__sqlite_storage_of(storage);
	erp__sqlite_conn *conn;
	findings f;
	memset(&f, 0, sizeof f);

	int rc = erp__sqlite_pool_take(&conn, &s->pool, 0);
	if (rc != ERP_OK)
		return rc;
	/* Both checks see one snapshot. */
	rc = erp__sqlite_conn_run(conn, "BEGIN", "check: begin read transaction", NULL);
	if (rc == ERP_OK) {
		rc = run_pragma(conn->db, "PRAGMA integrity_check", 0, &f);
		if (rc == ERP_OK)
			rc = run_pragma(conn->db, "PRAGMA foreign_key_check", 1, &f);
		if (!sqlite3_get_autocommit(conn->db))
			erp__sqlite_conn_run_quiet(conn, "ROLLBACK");
	}
	erp__sqlite_pool_give(&s->pool, conn);

	if (rc == ERP_OK && f.failed)
		rc = erp_error_set(ERP_ERROR, NULL, NULL, "out of memory (SQLite check report)");
	if (rc == ERP_OK && f.count) {
		if (report)
			rc = report_append(report, &f);
		if (rc == ERP_OK) {
			char msg[1024];
			snprintf(msg, sizeof msg, "SQLite: the database file has %zu problem%s; the first: %s", f.count,
			         f.count == 1 ? "" : "s", f.first);
			rc = erp_error_set(ERP_ERROR, NULL, NULL, msg);
		}
	}
	free(f.ptr);
	return rc;
}
