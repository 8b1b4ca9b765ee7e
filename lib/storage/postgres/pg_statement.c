/*
 * Running one statement of a transaction as a prepared statement (see
 * pg_statement.h).
 */
#include "pg_statement.h"

#include "pg_error.h"

#include <erp/sys/backend.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int erp__pg_bind(erp__pg_conn *conn, const erp_value *params, size_t n)
{
	size_t i;

	if (n > conn->param_cap) {
		size_t cap = n < 16 ? 16 : n;
		const char **values = realloc(conn->param_values, cap * sizeof *values);
		char *ints;
		if (!values)
			return erp__pg_oom();
		conn->param_values = values;
		ints = realloc(conn->param_ints, cap * ERP__PG_INT_TEXT);
		if (!ints)
			return erp__pg_oom();
		conn->param_ints = ints;
		conn->param_cap = cap;
	}
	for (i = 0; i < n; i++) {
		switch (params[i].type) {
		case ERP_VALUE_NULL:
			conn->param_values[i] = NULL;
			break;
		case ERP_VALUE_INT: {
			char *text = conn->param_ints + i * ERP__PG_INT_TEXT;
			snprintf(text, ERP__PG_INT_TEXT, "%" PRId64, params[i].i);
			conn->param_values[i] = text;
			break;
		}
		case ERP_VALUE_TEXT:
			conn->param_values[i] = params[i].s ? params[i].s : "";
			break;
		default:
			return erp_error_set(ERP_ERROR, NULL, NULL, "parameter of unknown erp_value type");
		}
	}
	return ERP_OK;
}

int erp__pg_prepared(const char **name, erp__pg_tx *tx, const char *sql)
{
	erp__pg_conn *conn = tx->conn;
	size_t len = strlen(sql);
	uint64_t hash = erp__pg_stmt_hash(sql, len);
	erp__pg_stmt *stmt = erp__pg_stmt_find(&conn->stmts, sql, len, hash);
	PGresult *res;
	char evict[48];
	int rc;

	if (stmt) {
		*name = stmt->name;
		return ERP_OK;
	}
	if (conn->stmts.count >= ERP__PG_STMT_MAX) {
		/* Prepared statements are not transactional: this holds even if the transaction rolls back. */
		stmt = erp__pg_stmt_oldest(&conn->stmts);
		snprintf(evict, sizeof evict, "DEALLOCATE %s", stmt->name);
		rc = erp__pg_check(&res, tx, PQexec(conn->pg, evict));
		if (rc != ERP_OK)
			return rc;
		PQclear(res);
		erp__pg_stmt_remove(&conn->stmts, stmt);
	}
	/* Entered first, so that a statement the server has is always in the map. */
	stmt = erp__pg_stmt_add(&conn->stmts, sql, len, hash);
	if (!stmt)
		return erp__pg_oom();
	rc = erp__pg_check(&res, tx, PQprepare(conn->pg, stmt->name, sql, 0, NULL));
	if (rc != ERP_OK) {
		erp__pg_stmt_remove(&conn->stmts, stmt);
		return rc;
	}
	PQclear(res);
	*name = stmt->name;
	return ERP_OK;
}

int erp__pg_check(PGresult **out, erp__pg_tx *tx, PGresult *res)
{
	erp__pg_conn *conn = tx->conn;
	const char *state, *primary;
	int rc, lost;

	*out = NULL;
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		*out = res;
		return ERP_OK;
	case PGRES_FATAL_ERROR:
		break;
	default:
		if (res) {
			/* COPY and the like: the connection is in a state liberp never uses. */
			PQclear(res);
			conn->broken = 1;
			return erp_error_set(ERP_EBACKEND, NULL, NULL, "PostgreSQL: unsupported kind of statement");
		}
		break;
	}
	rc = erp__pg_result_error(conn->pg, res, &lost);
	if (lost)
		conn->broken = 1;
	state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (state && strcmp(state, "0A000") == 0 && primary && strstr(primary, "cached plan")) {
		/*
		 * A migration changed a table under a prepared statement. The
		 * transaction is aborted; drop every statement before the next
		 * BEGIN and let the core run the transaction again.
		 */
		conn->dealloc_all = 1;
		rc = erp_error_set(ERP_ERETRY, NULL, NULL, "PostgreSQL: prepared statement out of date, retry");
	}
	PQclear(res);
	return rc;
}

int erp__pg_run(PGresult **out, erp__pg_tx *tx, const char *sql, const erp_value *params, size_t nparams)
{
	erp__pg_conn *conn = tx->conn;
	const char *name = NULL;
	int rc;

	*out = NULL;
	if (!tx->open)
		return erp_error_set(ERP_ERROR, NULL, NULL, "PostgreSQL: statement outside a transaction");
	if (conn->broken)
		return erp_error_set(ERP_ERETRY, NULL, NULL, "PostgreSQL connection lost");
	if (nparams > ERP__PG_MAX_PARAMS)
		return erp_error_set(ERP_ERROR, NULL, NULL, "PostgreSQL: more than 65535 parameters");
	if (nparams && !params)
		return erp_error_set(ERP_ERROR, NULL, NULL, "PostgreSQL: parameters missing");
	rc = erp__pg_bind(conn, params, nparams);
	if (rc != ERP_OK)
		return rc;
	rc = erp__pg_prepared(&name, tx, sql);
	if (rc != ERP_OK)
		return rc;
	return erp__pg_check(out, tx,
	                     PQexecPrepared(conn->pg, name, (int)nparams, conn->param_values, NULL, NULL, 0));
}
