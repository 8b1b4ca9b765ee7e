/*
 * Transactions of the PostgreSQL backend (see pg_tx.h).
 */
#include "pg_tx.h"

#include "pg_conn.h"
#include "pg_error.h"
#include "pg_rows.h"
#include "pg_scope.h"
#include "pg_storage.h"

#include <erp/errors.h>
#include <erp/sys/backend.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sends the BEGIN script on `conn`, reconnecting and retrying once if the connection is lost. */
static int send_begin(erp__pg_conn *conn, int mode, const erp_storage_scope *scope, int relaxed)
{
	int attempt, rc, lost;
	char *sql;
	PGresult *res;
	char msg[1024];

	for (attempt = 0;; attempt++) {
		if (conn->broken || PQstatus(conn->pg) != CONNECTION_OK) {
			rc = erp__pg_conn_reset(conn);
			if (rc != ERP_OK)
				return rc;
		}
		rc = erp__pg_begin_sql(&sql, conn->pg, mode, scope, conn->dealloc_all, relaxed);
		if (rc != ERP_OK)
			return rc;
		res = PQexec(conn->pg, sql);
		free(sql);
		if (conn->dealloc_all) {
			/* Forget them whatever happened: names are never reused, so at worst the server keeps a few. */
			erp__pg_stmt_clear(&conn->stmts);
			conn->dealloc_all = 0;
		}
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			PQclear(res);
			return ERP_OK;
		}
		rc = erp__pg_result_error(conn->pg, res, &lost);
		PQclear(res);
		if (lost) {
			conn->broken = 1;
			if (attempt == 0)
				continue;
			snprintf(msg, sizeof msg, "cannot begin a transaction: %s", erp_error_last()->message);
			return erp_error_set(ERP_EBACKEND, NULL, NULL, msg);
		}
		/* The server refused part of the script (say, SET ROLE): end what began. */
		if (PQtransactionStatus(conn->pg) != PQTRANS_IDLE) {
			res = PQexec(conn->pg, "ROLLBACK");
			if (PQresultStatus(res) != PGRES_COMMAND_OK)
				conn->broken = 1;
			PQclear(res);
		}
		return rc;
	}
}

/*
 * A loose read sends no BEGIN: each statement runs on its own. The scope is
 * set at session level, and only when it differs from what the connection
 * already has.
 */
static int prepare_loose(erp__pg_conn *conn, const erp_storage_scope *scope)
{
	char *sql, *key;
	PGresult *res;
	int attempt, rc, lost;

	for (attempt = 0;; attempt++) {
		if (conn->broken || PQstatus(conn->pg) != CONNECTION_OK) {
			if ((rc = erp__pg_conn_reset(conn)) != ERP_OK)
				return rc;
		}
		if (conn->dealloc_all) {
			PQclear(PQexec(conn->pg, "DEALLOCATE ALL"));
			erp__pg_stmt_clear(&conn->stmts);
			conn->dealloc_all = 0;
		}
		if ((rc = erp__pg_session_scope_sql(&sql, &key, conn->pg, scope)) != ERP_OK)
			return rc;
		if (conn->session_scope && strcmp(conn->session_scope, key) == 0) {
			free(sql);
			free(key);
			return ERP_OK;
		}
		res = PQexec(conn->pg, sql);
		free(sql);
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			PQclear(res);
			free(conn->session_scope);
			conn->session_scope = key;
			return ERP_OK;
		}
		free(key);
		free(conn->session_scope);
		conn->session_scope = NULL;
		rc = erp__pg_result_error(conn->pg, res, &lost);
		PQclear(res);
		if (lost) {
			conn->broken = 1;
			if (attempt == 0)
				continue;
		}
		return rc;
	}
}

int erp__pg_begin(erp_storage_tx **out, erp_storage *storage, int mode, const erp_storage_scope *scope)
{
	erp__pg_storage *st = (erp__pg_storage *)storage;
	erp__pg_conn *conn;
	int rc;

	*out = NULL;
	/* Refuse a bad scope before waiting for a connection. */
	if (mode != ERP_TX_READ && mode != ERP_TX_WRITE && mode != ERP_TX_READ_LOOSE)
		return erp_error_set(ERP_EINVALID, NULL, "mode", "unknown transaction mode");
	if (scope && scope->tenant_id && !erp__pg_uuid_valid(scope->tenant_id))
		return erp_error_set(ERP_EINVALID, NULL, "tenant_id", "tenant id is not a UUID");

	rc = erp__pg_pool_acquire(&conn, &st->pool);
	if (rc != ERP_OK)
		return rc;
	rc = mode == ERP_TX_READ_LOOSE ? prepare_loose(conn, scope) : send_begin(conn, mode, scope, st->relaxed_durability);
	if (rc != ERP_OK) {
		erp__pg_pool_release(&st->pool, conn);
		return rc;
	}
	conn->tx.st = st;
	conn->tx.open = 1;
	conn->tx.loose = mode == ERP_TX_READ_LOOSE;
	conn->tx.write = mode == ERP_TX_WRITE;
	conn->tx.writes = 0;
	*out = (erp_storage_tx *)&conn->tx;
	return ERP_OK;
}

static void finish(erp__pg_tx *tx)
{
	erp__pg_rows_discard(&tx->rows);
	tx->open = 0;
	erp__pg_pool_release(&tx->st->pool, tx->conn);
}

int erp__pg_commit(erp_storage_tx *t)
{
	erp__pg_tx *tx = (erp__pg_tx *)t;
	erp__pg_conn *conn = tx->conn;
	PGresult *res;
	int rc = ERP_OK, lost = 0;
	char msg[1024];

	erp__pg_rows_discard(&tx->rows);
	if (conn->broken) {
		rc = erp_error_set(ERP_ERETRY, NULL, NULL,
		                   "PostgreSQL connection lost, transaction rolled back");
		finish(tx);
		return rc;
	}
	if (tx->loose) { /* nothing was begun */
		finish(tx);
		return ERP_OK;
	}
	res = PQexec(conn->pg, "COMMIT");
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		/* COMMIT of a transaction an error aborted answers "ROLLBACK". */
		if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
			rc = erp_error_set(ERP_EBACKEND, NULL, NULL,
			                   "transaction was aborted by an earlier error and rolled back");
	} else {
		rc = erp__pg_result_error(conn->pg, res, &lost);
		if (lost) {
			conn->broken = 1;
			snprintf(msg, sizeof msg,
			         "PostgreSQL connection lost during COMMIT; the transaction may or may not "
			         "have been committed: %s", erp_error_last()->message);
			rc = erp_error_set(ERP_EBACKEND, NULL, NULL, msg);
		}
	}
	PQclear(res);
	if (!conn->broken && PQtransactionStatus(conn->pg) != PQTRANS_IDLE) {
		res = PQexec(conn->pg, "ROLLBACK");
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			conn->broken = 1;
		PQclear(res);
	}
	if (rc == ERP_OK && tx->write && !conn->broken)
		erp__pg_fresh_stats_after_commit(&tx->st->fresh_stats, conn->pg, tx->writes);
	finish(tx);
	return rc;
}

void erp__pg_rollback(erp_storage_tx *t)
{
	erp__pg_tx *tx = (erp__pg_tx *)t;
	erp__pg_conn *conn = tx->conn;
	PGTransactionStatusType status;
	PGresult *res;

	erp__pg_rows_discard(&tx->rows);
	if (tx->loose) {
		finish(tx);
		return;
	}
	status = PQtransactionStatus(conn->pg);
	if (status == PQTRANS_UNKNOWN || status == PQTRANS_ACTIVE) {
		conn->broken = 1;
	} else if (!conn->broken && status != PQTRANS_IDLE) {
		/* Raises nothing: the caller is about to report the error that led here. */
		res = PQexec(conn->pg, "ROLLBACK");
		if (PQresultStatus(res) != PGRES_COMMAND_OK || PQtransactionStatus(conn->pg) != PQTRANS_IDLE)
			conn->broken = 1;
		PQclear(res);
	}
	finish(tx);
}
