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

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Statements per pipeline sync. */
#define ERP__PG_PIPELINE_CHUNK 128

/*
 * A FATAL result without SQLSTATE comes from libpq itself (out of memory,
 * lost synchronisation, lost connection), not from the server: libpq may
 * have dropped part of the pipeline (say, the sync), so nothing more can be
 * read safely.
 */
static int from_libpq(const PGresult *res)
{
	return PQresultStatus(res) == PGRES_FATAL_ERROR && !PQresultErrorField(res, PG_DIAG_SQLSTATE);
}

/*
 * The pipeline is in an unknown state: the connection is marked broken, so
 * that it is never read again and the next transaction reconnects it
 * (erp__pg_conn_reset(), which also leaves pipeline mode). Raises the error
 * from libpq's message unless `rc` is one already: ERP_ERROR for out of
 * memory, ERP_ERETRY for a lost connection, else ERP_EBACKEND.
 */
static int pipeline_broken(erp__pg_conn *conn, int rc)
{
	int lost;

	conn->broken = 1;
	if (rc != ERP_OK)
		return rc;
	return erp__pg_result_error(conn->pg, NULL, &lost);
}

/*
 * PQgetResult(), but never waiting for a result libpq has lost. When libpq
 * runs out of memory making the sync's result (PGRES_PIPELINE_SYNC; seen
 * with libpq 15), it notes "out of memory" and keeps waiting for input the
 * server never sends: a plain PQgetResult() would block for ever. So the
 * input is read here, and while libpq is still busy with such a note, the
 * pipeline is given up (NULL, *lost set). Otherwise waits as libpq does.
 * Only the connection's error text past `*seen` (its length when the
 * pipeline was sent) counts: older notes belong to earlier statements.
 */
static PGresult *next_result(PGconn *pg, size_t *seen, int *lost)
{
	*lost = 0;
	while (PQisBusy(pg)) {
		const char *note = PQerrorMessage(pg);
		size_t len = strlen(note);
		if (len < *seen) /* libpq started the text again */
			*seen = 0;
		if (strstr(note + *seen, "out of memory")) {
			*lost = 1;
			return NULL;
		}
		struct pollfd p = { .fd = PQsocket(pg), .events = POLLIN };
		if (p.fd < 0)
			break; /* PQgetResult() reports the lost connection */
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		if (!PQconsumeInput(pg))
			break;
	}
	return PQgetResult(pg);
}

/*
 * Reads results up to the sync, so that the connection can leave pipeline
 * mode. 0 when the sync was read; -1 when libpq failed or has nothing more
 * to give (the caller marks the connection broken): never waits for a
 * result that cannot come.
 */
static int drain(PGconn *pg, size_t *seen)
{
	for (int nulls = 0; nulls < 2;) {
		int lost;
		PGresult *r = next_result(pg, seen, &lost);
		if (lost)
			return -1;
		if (!r) {
			nulls++;
			continue;
		}
		nulls = 0;
		ExecStatusType st = PQresultStatus(r);
		int failed = from_libpq(r);
		PQclear(r);
		if (st == PGRES_PIPELINE_SYNC)
			return 0;
		if (failed)
			return -1;
	}
	return -1; /* the queue is empty: the sync's result was lost */
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
			break; /* nothing of this statement was sent: the pipeline is still whole */
		if (!PQsendQueryPrepared(conn->pg, names[i], (int)nparams[i], conn->param_values, NULL, NULL, 0)) {
			/* Part of the statement's messages may be queued: never sync nor read this pipeline. */
			return pipeline_broken(conn, rc);
		}
		sent++;
	}
	if (!PQpipelineSync(conn->pg))
		return pipeline_broken(conn, rc);
	size_t seen = strlen(PQerrorMessage(conn->pg));
	/* One result and one NULL per statement, then the sync. */
	for (i = 0; i < sent; i++) {
		int lost;
		PGresult *res = next_result(conn->pg, &seen, &lost);
		if (!res)
			return pipeline_broken(conn, rc);
		int unknown = from_libpq(res);
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
		if (unknown || conn->broken)
			return pipeline_broken(conn, rc);
		PGresult *after = next_result(conn->pg, &seen, &lost); /* the NULL after each statement */
		if (after || lost) {
			PQclear(after);
			return pipeline_broken(conn, rc);
		}
	}
	if (drain(conn->pg, &seen) != 0)
		return pipeline_broken(conn, rc);
	if (!PQexitPipelineMode(conn->pg))
		return pipeline_broken(conn, rc);
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
	if (rc == ERP_OK)
		tx->writes += count; /* each a write: a batch runs INSERTs and UPDATEs */
	return rc;
}
