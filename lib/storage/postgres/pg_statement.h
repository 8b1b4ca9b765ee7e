/*
 * Running one statement of a transaction as a prepared statement.
 *
 * The first time a connection sees an SQL text it prepares it (PQprepare,
 * parameter types left for the server to infer) under a name from its
 * statement map, evicting (DEALLOCATE) the least recently used statement
 * when the map is full; afterwards it only executes (PQexecPrepared). All
 * parameters travel as text: integers in decimal, NULL as a NULL pointer.
 *
 * Written against the synchronous libpq calls; a later pipelined batch can
 * reuse the map and the parameter binding unchanged.
 */
#ifndef ERP_LIB_STORAGE_PG_STATEMENT_H
#define ERP_LIB_STORAGE_PG_STATEMENT_H

#include "pg_storage.h"

/**
 * Runs `sql` with `params` in `tx`.
 *
 * @param out receives the result (status PGRES_TUPLES_OK, PGRES_COMMAND_OK
 *            or PGRES_EMPTY_QUERY); the caller PQclear()s it.
 * @return ERP_OK, or an error code raised (see pg_error.h). A lost
 *         connection marks the connection broken and is ERP_ERETRY.
 */
int erp__pg_run(PGresult **out, erp__pg_tx *tx, const char *sql, const erp_value *params, size_t nparams);

/**
 * Checks a result of a statement run in `tx` other than through
 * erp__pg_run() (exec_script). Same contract: on ERP_OK `*out` holds
 * `res`; otherwise `res` has been cleared.
 */
int erp__pg_check(PGresult **out, erp__pg_tx *tx, PGresult *res);

/** The wire protocol counts parameters in 16 bits. */
#define ERP__PG_MAX_PARAMS 65535

/** Fills the connection's parameter scratch with the text of `params` (valid until the next bind). */
int erp__pg_bind(erp__pg_conn *conn, const erp_value *params, size_t n);

/** The name of the statement prepared for `sql` on the transaction's connection, preparing it when new. */
int erp__pg_prepared(const char **name, erp__pg_tx *tx, const char *sql);

#endif
