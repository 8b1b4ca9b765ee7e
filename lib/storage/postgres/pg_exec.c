/*
 * Statements without rows on PostgreSQL (see pg_exec.h).
 */
#include "pg_exec.h"

#include "pg_statement.h"

#include <erp/sys/backend.h>

#include <stdlib.h>

int erp__pg_exec(erp_storage_tx *t, const char *sql, const erp_value *params, size_t nparams,
                 int64_t *changes)
{
	erp__pg_tx *tx = (erp__pg_tx *)t;
	PGresult *res;
	const char *n;
	int rc;

	if (changes)
		*changes = 0;
	rc = erp__pg_run(&res, tx, sql, params, nparams);
	if (rc != ERP_OK)
		return rc;
	n = PQcmdTuples(res);
	int64_t changed = n[0] ? (int64_t)strtoll(n, NULL, 10) : 0;
	if (changes)
		*changes = changed;
	tx->writes += changed > 0 ? (unsigned long)changed : 0;
	PQclear(res);
	return ERP_OK;
}

int erp__pg_exec_script(erp_storage_tx *t, const char *sql)
{
	erp__pg_tx *tx = (erp__pg_tx *)t;
	PGresult *res;
	int rc;

	if (!tx->open)
		return erp_error_set(ERP_ERROR, NULL, NULL, "PostgreSQL: script outside a transaction");
	if (tx->conn->broken)
		return erp_error_set(ERP_ERETRY, NULL, NULL, "PostgreSQL connection lost");
	rc = erp__pg_check(&res, tx, PQexec(tx->conn->pg, sql));
	if (rc != ERP_OK)
		return rc;
	PQclear(res);
	return ERP_OK;
}
