/*
 * SQLite result codes as liberp error codes.
 *
 * | SQLite (primary code, extended codes included)  | liberp        |
 * |-------------------------------------------------|---------------|
 * | BUSY, LOCKED (and BUSY_SNAPSHOT, LOCKED_*...)   | ERP_ERETRY    |
 * | CONSTRAINT_UNIQUE, CONSTRAINT_PRIMARYKEY        | ERP_EEXISTS   |
 * | any other CONSTRAINT_* (CHECK, NOT NULL, FOREIGN |              |
 * | KEY, DATATYPE, a trigger's RAISE), TOOBIG       | ERP_EINVALID  |
 * | NOMEM                                           | ERP_ERROR     |
 * | anything else (ERROR, CORRUPT, NOTADB, IOERR,   |               |
 * | FULL, READONLY, CANTOPEN...)                    | ERP_EBACKEND  |
 *
 * Messages say what was attempted, then sqlite3_errmsg() and the extended
 * code. sqlite3_errmsg() belongs to a connection; it is read here right
 * after the failing call, by the one thread that holds the connection
 * (see sqlite_backend.h), so another thread cannot overwrite it.
 */
#ifndef ERP_SQLITE_ERROR_H
#define ERP_SQLITE_ERROR_H

#include <erp/sys/backend.h>
#include <sqlite3.h>
#include <stddef.h>

/** The liberp code for an SQLite result code (primary or extended). */
int erp__sqlite_code(int rc);

/**
 * Raises the error for `rc`, which the last call on `db` returned.
 *
 * @param db   the connection (may be NULL: the message is then sqlite3_errstr()).
 * @param rc   the SQLite result code.
 * @param what what was attempted, e.g. "commit"; not NULL.
 * @return the liberp code (see the table above).
 */
int erp__sqlite_fail(sqlite3 *db, int rc, const char *what);

/** Like erp__sqlite_fail(), with `detail` standing for sqlite3_errmsg(). */
int erp__sqlite_fail_detail(int code, int rc, const char *what, const char *detail);

/**
 * Copies the start of an SQL text into `dst` for an error message: leading
 * comments are skipped, runs of whitespace become one space, and "..."
 * marks a cut.
 */
void erp__sqlite_snippet(char *dst, size_t cap, const char *sql);

#endif
