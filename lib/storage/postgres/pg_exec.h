/*
 * Statements without rows on PostgreSQL: exec() and exec_script().
 *
 * exec() runs one statement as a prepared statement and reports the rows
 * it affected (PQcmdTuples). exec_script() sends a whole script as one
 * simple query (PQexec), for migrations: no parameters, no prepared
 * statement, several statements, inside the current transaction.
 */
#ifndef ERP_LIB_STORAGE_PG_EXEC_H
#define ERP_LIB_STORAGE_PG_EXEC_H

#include "pg_storage.h"

/** erp_storage.exec */
int erp__pg_exec(erp_storage_tx *tx, const char *sql, const erp_value *params, size_t nparams,
                 int64_t *changes);

/** erp_storage.exec_script */
int erp__pg_exec_script(erp_storage_tx *tx, const char *sql);

#endif
