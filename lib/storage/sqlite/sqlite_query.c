/* Running statements in a transaction (sqlite_query.h). */
#include "sqlite_query.h"
#include "sqlite_error.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum rows_state {
	ROWS_BEFORE = 0, /* query() done, next() not yet called */
	ROWS_ON_ROW,     /* next() returned 1 */
	ROWS_DONE,       /* next() returned 0 */
	ROWS_FAILED,     /* next() failed; `error` holds the code */
	ROWS_DETACHED    /* the transaction ended first */
};

/* A misuse of the interface by the caller: a bug, not a database error. */
static int misuse(const char *what)
{
	char msg[512];
	snprintf(msg, sizeof msg, "SQLite storage misused: %s", what);
	return erp_error_set(ERP_ERROR, NULL, NULL, msg);
}

static int tx_usable(const erp__sqlite_tx *tx)
{
	return tx && tx->active && tx->conn;
}

/*
 * Raises the error of a failed step or bind of `stmt`. Constraint
 * violations are about data: their message names table and column
 * already. Anything else names the statement too.
 */
static int stmt_failed(erp__sqlite_tx *tx, const char *sql, int rc, const char *what)
{
	char doing[512], snippet[128];
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		snprintf(doing, sizeof doing, "%s", what);
	} else {
		erp__sqlite_snippet(snippet, sizeof snippet, sql ? sql : "");
		snprintf(doing, sizeof doing, "%s `%s`", what, snippet);
	}
	tx->failed = erp__sqlite_fail(tx->conn->db, rc, doing);
	return tx->failed;
}

static int bind_params(erp__sqlite_tx *tx, sqlite3_stmt *stmt, const char *sql, const erp_value *params,
                       size_t nparams, const char *what)
{
	char msg[256], snippet[96];
	int expected = sqlite3_bind_parameter_count(stmt);
	if (expected < 0 || (size_t)expected != nparams || (nparams && !params)) {
		erp__sqlite_snippet(snippet, sizeof snippet, sql);
		snprintf(msg, sizeof msg, "%s: `%s` takes %d parameters, %zu given%s", what, snippet, expected, nparams,
		         nparams && !params ? " (as NULL)" : "");
		return tx->failed = misuse(msg);
	}
	for (size_t i = 0; i < nparams; i++) {
		const erp_value *v = &params[i];
		int at = (int)i + 1;
		int rc;
		switch (v->type) {
		case ERP_VALUE_NULL:
			rc = sqlite3_bind_null(stmt, at);
			break;
		case ERP_VALUE_INT:
			rc = sqlite3_bind_int64(stmt, at, v->i);
			break;
		case ERP_VALUE_TEXT:
			if (!v->s && v->len) {
				snprintf(msg, sizeof msg, "%s: text parameter %d is NULL with length %zu", what, at, v->len);
				return tx->failed = misuse(msg);
			}
			/* A NULL pointer would bind SQL NULL: empty text is "". */
			rc = sqlite3_bind_text64(stmt, at, v->s ? v->s : "", (sqlite3_uint64)v->len, SQLITE_TRANSIENT,
			                         SQLITE_UTF8);
			break;
		default:
			snprintf(msg, sizeof msg, "%s: parameter %d has unknown erp_value type %d", what, at, v->type);
			return tx->failed = misuse(msg);
		}
		if (rc != SQLITE_OK) {
			snprintf(msg, sizeof msg, "%s: binding parameter %d of", what, at);
			return stmt_failed(tx, sql, rc, msg);
		}
	}
	return ERP_OK;
}

/* Gets the statement for `sql` from the cache, checks it may run in this transaction, binds. */
static int prepare_bound(sqlite3_stmt **stmt, erp__sqlite_stmt_entry **entry, erp__sqlite_tx *tx, const char *sql,
                         const erp_value *params, size_t nparams, const char *what)
{
	erp__sqlite_conn *conn = tx->conn;
	int rc = erp__sqlite_stmt_acquire(stmt, entry, &conn->cache, conn->db, sql, what);
	if (rc != ERP_OK)
		return tx->failed = rc;
	if (tx->mode == ERP_TX_READ && !sqlite3_stmt_readonly(*stmt)) {
		char msg[256], snippet[96];
		erp__sqlite_snippet(snippet, sizeof snippet, sql);
		snprintf(msg, sizeof msg, "%s: `%s` writes, in a read transaction", what, snippet);
		rc = tx->failed = misuse(msg);
	} else {
		rc = bind_params(tx, *stmt, sql, params, nparams, what);
	}
	if (rc != ERP_OK) {
		erp__sqlite_stmt_release(&conn->cache, *stmt, *entry);
		*stmt = NULL;
		*entry = NULL;
	}
	return rc;
}

int erp__sqlite_query(erp_storage_rows **out, erp_storage_tx *txp, const char *sql, const erp_value *params,
                      size_t nparams)
{
	erp__sqlite_tx *tx = erp__sqlite_tx_of(txp);
	if (!out)
		return misuse("query: out is NULL");
	*out = NULL;
	if (!tx_usable(tx) || !sql)
		return misuse("query: no open transaction, or no SQL");
	erp__sqlite_rows *rows = calloc(1, sizeof *rows);
	if (!rows)
		return tx->failed = erp_error_set(ERP_ERROR, NULL, NULL, "out of memory (SQLite rows)");
	int rc = prepare_bound(&rows->stmt, &rows->entry, tx, sql, params, nparams, "query");
	if (rc != ERP_OK) {
		free(rows);
		return rc;
	}
	rows->tx = tx;
	rows->state = ROWS_BEFORE;
	rows->next = tx->rows;
	if (tx->rows)
		tx->rows->prev = rows;
	tx->rows = rows;
	*out = (erp_storage_rows *)(void *)rows;
	return ERP_OK;
}

int erp__sqlite_next(erp_storage_rows *rp)
{
	erp__sqlite_rows *rows = erp__sqlite_rows_of(rp);
	if (!rows)
		return misuse("next: rows is NULL");
	switch (rows->state) {
	case ROWS_DONE:
		return 0;
	case ROWS_FAILED:
		return erp_error_set(rows->error, NULL, NULL, "SQLite: next: the query had failed already");
	case ROWS_DETACHED:
		return misuse("next: the rows' transaction has ended");
	default:
		break;
	}
	int rc = sqlite3_step(rows->stmt);
	if (rc == SQLITE_ROW) {
		rows->state = ROWS_ON_ROW;
		return 1;
	}
	if (rc == SQLITE_DONE) {
		rows->state = ROWS_DONE;
		return 0;
	}
	rows->state = ROWS_FAILED;
	rows->error = stmt_failed(rows->tx, sqlite3_sql(rows->stmt), rc, "query");
	return rows->error;
}

size_t erp__sqlite_column_count(erp_storage_rows *rp)
{
	erp__sqlite_rows *rows = erp__sqlite_rows_of(rp);
	if (!rows || !rows->stmt)
		return 0;
	int n = sqlite3_column_count(rows->stmt);
	return n > 0 ? (size_t)n : 0;
}

int erp__sqlite_column(erp_value *out, erp_storage_rows *rp, size_t col)
{
	erp__sqlite_rows *rows = erp__sqlite_rows_of(rp);
	if (!out)
		return misuse("column: out is NULL");
	memset(out, 0, sizeof *out);
	out->type = ERP_VALUE_NULL;
	if (!rows || rows->state != ROWS_ON_ROW)
		return misuse("column: there is no current row (call next() first)");
	int ncols = sqlite3_column_count(rows->stmt);
	if (col >= (size_t)(ncols > 0 ? ncols : 0)) {
		char msg[128];
		snprintf(msg, sizeof msg, "column: index %zu, but the rows have %d columns", col, ncols);
		return misuse(msg);
	}
	int c = (int)col;
	switch (sqlite3_column_type(rows->stmt, c)) {
	case SQLITE_NULL:
		return ERP_OK;
	case SQLITE_INTEGER:
		out->type = ERP_VALUE_INT;
		out->i = sqlite3_column_int64(rows->stmt, c);
		return ERP_OK;
	default: {
		/* TEXT as it is; REAL and BLOB converted to (NUL-terminated) text. */
		const unsigned char *text = sqlite3_column_text(rows->stmt, c);
		int len = sqlite3_column_bytes(rows->stmt, c);
		if (!text) {
			if (sqlite3_errcode(rows->tx->conn->db) == SQLITE_NOMEM)
				return erp_error_set(ERP_ERROR, NULL, NULL, "out of memory (SQLite column text)");
			text = (const unsigned char *)"";
			len = 0;
		}
		out->type = ERP_VALUE_TEXT;
		out->s = (const char *)text;
		out->len = len > 0 ? (size_t)len : 0;
		return ERP_OK;
	}
	}
}

static void rows_unlink(erp__sqlite_tx *tx, erp__sqlite_rows *rows)
{
	if (rows->prev)
		rows->prev->next = rows->next;
	else
		tx->rows = rows->next;
	if (rows->next)
		rows->next->prev = rows->prev;
	rows->prev = rows->next = NULL;
}

void erp__sqlite_rows_close(erp_storage_rows *rp)
{
	erp__sqlite_rows *rows = erp__sqlite_rows_of(rp);
	if (!rows)
		return;
	if (rows->tx) {
		rows_unlink(rows->tx, rows);
		erp__sqlite_stmt_release(&rows->tx->conn->cache, rows->stmt, rows->entry);
	}
	free(rows);
}

void erp__sqlite_rows_detach_all(erp__sqlite_tx *tx)
{
	while (tx->rows) {
		erp__sqlite_rows *rows = tx->rows;
		rows_unlink(tx, rows);
		erp__sqlite_stmt_release(&tx->conn->cache, rows->stmt, rows->entry);
		rows->stmt = NULL;
		rows->entry = NULL;
		rows->tx = NULL;
		rows->state = ROWS_DETACHED;
	}
}

int erp__sqlite_exec(erp_storage_tx *txp, const char *sql, const erp_value *params, size_t nparams,
                     int64_t *changes)
{
	erp__sqlite_tx *tx = erp__sqlite_tx_of(txp);
	sqlite3_stmt *stmt;
	erp__sqlite_stmt_entry *entry;
	if (changes)
		*changes = 0;
	if (!tx_usable(tx) || !sql)
		return misuse("exec: no open transaction, or no SQL");
	int rc = prepare_bound(&stmt, &entry, tx, sql, params, nparams, "exec");
	if (rc != ERP_OK)
		return rc;
	sqlite3 *db = tx->conn->db;
	sqlite3_int64 before = sqlite3_total_changes64(db);
	int src;
	while ((src = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	if (src == SQLITE_DONE) {
		/*
		 * sqlite3_changes64() keeps the count of the last INSERT, UPDATE
		 * or DELETE: for anything else (DDL, SELECT) it would be stale.
		 */
		if (changes && sqlite3_total_changes64(db) != before)
			*changes = sqlite3_changes64(db);
	} else {
		rc = stmt_failed(tx, sql, src, "exec");
	}
	erp__sqlite_stmt_release(&tx->conn->cache, stmt, entry);
	return rc;
}

int erp__sqlite_exec_script(erp_storage_tx *txp, const char *sql)
{
	erp__sqlite_tx *tx = erp__sqlite_tx_of(txp);
	if (!tx_usable(tx) || !sql)
		return misuse("exec_script: no open transaction, or no SQL");
	sqlite3 *db = tx->conn->db;
	const char *p = sql;
	const char *end = sql + strlen(sql);
	char what[64];
	int n = 0;
	while (p < end) {
		sqlite3_stmt *stmt = NULL;
		const char *tail = NULL;
		size_t left = (size_t)(end - p);
		if (left >= INT_MAX)
			return tx->failed = erp_error_set(ERP_EINVALID, NULL, NULL, "SQLite: exec_script: script too long");
		/* One statement at a time (as sqlite3_exec), to say which one failed. */
		int src = sqlite3_prepare_v2(db, p, (int)left + 1, &stmt, &tail);
		snprintf(what, sizeof what, "script statement %d", n + 1);
		if (src != SQLITE_OK) {
			sqlite3_finalize(stmt);
			return stmt_failed(tx, p, src, what);
		}
		if (!stmt) { /* blanks, comments or a lone ';' */
			if (!tail || tail <= p)
				break;
			p = tail;
			continue;
		}
		n++;
		if (tx->mode == ERP_TX_READ && !sqlite3_stmt_readonly(stmt)) {
			char msg[256], snippet[96];
			erp__sqlite_snippet(snippet, sizeof snippet, p);
			snprintf(msg, sizeof msg, "exec_script: %s `%s` writes, in a read transaction", what, snippet);
			sqlite3_finalize(stmt);
			return tx->failed = misuse(msg);
		}
		while ((src = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		if (src != SQLITE_DONE) {
			int rc = stmt_failed(tx, sqlite3_sql(stmt), src, what);
			sqlite3_finalize(stmt);
			return rc;
		}
		sqlite3_finalize(stmt);
		p = tail ? tail : end;
	}
	return ERP_OK;
}
