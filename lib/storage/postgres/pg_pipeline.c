/*
 * Pipelined statements (see pg_pipeline.h).
 *
 * Every statement is prepared first (a round trip only the first time a
 * connection meets it), then all are sent in pipeline mode with one sync
 * and their results read back in order. After a failure the server skips
 * the rest (PGRES_PIPELINE_ABORTED) and the transaction is aborted, as with
 * a failed exec().
 */
#include "pg_pipeline.h"

#include "pg_error.h"
#include "pg_statement.h"
#include "pg_storage.h"

#include <erp/sys/backend.h>

#include <stdio.h>
#include <stdlib.h>

/* Statements per pipeline sync. */
#define ERP__PG_PIPELINE_CHUNK 128

/* Reads results up to the sync, so that the connection can leave pipeline mode. */
static void drain(PGconn *pg)
{
	for (int nulls = 0; nulls < 2;) {
		PGresult *r = PQgetResult(pg);
		if (!r) {
			nulls++;
			continue;
		}
		nulls = 0;
		ExecStatusType st = PQresultStatus(r);
		PQclear(r);
		if (st == PGRES_PIPELINE_SYNC)
			return;
	}
}

/* Statements [start, end) in one pipeline with one sync. */
static int run_chunk(erp__pg_tx *tx, const char **names, const erp_value *const *params, const size_t *nparams,
                     size_t start, size_t end, size_t *failed)
{
	erp__pg_conn *conn = tx->conn;
	size_t i;
	int rc = ERP_OK;
	if (!PQenterPipelineMode(conn->pg))
		return erp_error_set(ERP_EBACKEND, NULL, NULL, "PostgreSQL: cannot enter pipeline mode");
	size_t sent = 0;
	for (i = start; i < end; i++) {
		/* libpq copies the values into its output buffer: the scratch can be reused at once. */
		if ((rc = erp__pg_bind(conn, params[i], nparams[i])) != ERP_OK)
			break;
		if (!PQsendQueryPrepared(conn->pg, names[i], (int)nparams[i], conn->param_values, NULL, NULL, 0)) {
			rc = erp_error_set(ERP_ERETRY, NULL, NULL, PQerrorMessage(conn->pg));
			conn->broken = 1;
			break;
		}
		sent++;
	}
	if (!PQpipelineSync(conn->pg)) {
		conn->broken = 1;
		if (rc == ERP_OK)
			rc = erp_error_set(ERP_ERETRY, NULL, NULL, "PostgreSQL connection lost while sending a pipeline");
	}
	/* One result and one NULL per statement, then the sync. */
	for (i = 0; i < sent && !conn->broken; i++) {
		PGresult *res = PQgetResult(conn->pg);
		if (!res) {
			conn->broken = 1;
			if (rc == ERP_OK)
				rc = erp_error_set(ERP_ERETRY, NULL, NULL, "PostgreSQL connection lost in a pipeline");
			break;
		}
		if (PQresultStatus(res) == PGRES_PIPELINE_ABORTED) {
			PQclear(res);
		} else if (rc == ERP_OK) {
			PGresult *ok;
			rc = erp__pg_check(&ok, tx, res);
			if (rc == ERP_OK)
				PQclear(ok);
			else if (failed)
				*failed = start + i;
		} else {
			PQclear(res);
		}
		PGresult *after = PQgetResult(conn->pg); /* the NULL after each statement */
		if (after)
			PQclear(after);
	}
	if (!conn->broken)
		drain(conn->pg);
	if (!PQexitPipelineMode(conn->pg))
		conn->broken = 1;
	return rc;
}

int erp__pg_exec_batch(erp_storage_tx *t, size_t count, const char *const *sql, const erp_value *const *params,
                       const size_t *nparams, size_t *failed)
{
	erp__pg_tx *tx = (erp__pg_tx *)t;
	erp__pg_conn *conn = tx->conn;
	const char **names;
	size_t i;
	int rc = ERP_OK;

	if (failed)
		*failed = 0;
	if (!tx->open)
		return erp_error_set(ERP_ERROR, NULL, NULL, "PostgreSQL: statement outside a transaction");
	if (conn->broken)
		return erp_error_set(ERP_ERETRY, NULL, NULL, "PostgreSQL connection lost");
	if (count == 0)
		return ERP_OK;
	names = calloc(count, sizeof *names);
	if (!names)
		return erp__pg_oom();
	for (i = 0; i < count && rc == ERP_OK; i++) {
		if (nparams[i] > ERP__PG_MAX_PARAMS)
			rc = erp_error_set(ERP_ERROR, NULL, NULL, "PostgreSQL: more than 65535 parameters");
		else
			rc = erp__pg_prepared(&names[i], tx, sql[i]);
	}
	if (rc != ERP_OK) {
		if (failed)
			*failed = i - 1;
		free(names);
		return rc;
	}
	/*
	 * In chunks: the server's answers wait in its socket buffer while we
	 * send, so an unbounded pipeline can stall both sides. A chunk's
	 * answers fit the buffers many times over.
	 */
	for (size_t start = 0; start < count && rc == ERP_OK; start += ERP__PG_PIPELINE_CHUNK) {
		size_t end = start + ERP__PG_PIPELINE_CHUNK < count ? start + ERP__PG_PIPELINE_CHUNK : count;
		rc = run_chunk(tx, names, params, nparams, start, end, failed);
	}
	free(names);
	return rc;
}
