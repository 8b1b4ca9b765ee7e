/*
 * Running statements in a transaction: the query(), next(),
 * column_count(), column(), rows_close(), exec() and exec_script() members
 * of the SQLite erp_storage (see erp/sys/storage.h for the contract).
 *
 * Parameters are numbered (`?1`...) and must match the statement exactly:
 * as on PostgreSQL, giving more or fewer than it uses is an error. Text
 * parameters are copied (SQLITE_TRANSIENT), so the caller's strings need
 * only live during the call. In a read transaction a statement that would
 * write is refused (sqlite3_stmt_readonly()): readers must never write
 * around the writer's lock, and the rule is the same on :memory:.
 *
 * Column values: INTEGER as ERP_VALUE_INT, NULL as ERP_VALUE_NULL; TEXT,
 * and also REAL and BLOB (which the core never stores) as ERP_VALUE_TEXT
 * through sqlite3_column_text(). Text stays valid until next() or
 * rows_close().
 */
#ifndef ERP_SQLITE_QUERY_H
#define ERP_SQLITE_QUERY_H

#include "sqlite_conn.h"

int erp__sqlite_query(erp_storage_rows **out, erp_storage_tx *tx, const char *sql, const erp_value *params,
                      size_t nparams);
int erp__sqlite_next(erp_storage_rows *rows);
size_t erp__sqlite_column_count(erp_storage_rows *rows);
int erp__sqlite_column(erp_value *out, erp_storage_rows *rows, size_t col);
void erp__sqlite_rows_close(erp_storage_rows *rows);
int erp__sqlite_exec(erp_storage_tx *tx, const char *sql, const erp_value *params, size_t nparams,
                     int64_t *changes);
int erp__sqlite_exec_script(erp_storage_tx *tx, const char *sql);

/**
 * Detaches every rows still open on `tx` (the transaction is ending):
 * their statements are reset and given back to the cache; a later
 * rows_close() only frees them, next() and column() report an error.
 */
void erp__sqlite_rows_detach_all(erp__sqlite_tx *tx);

#endif
