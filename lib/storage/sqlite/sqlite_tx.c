/* Transactions (sqlite_tx.h). */
#include "sqlite_tx.h"
#include "sqlite_error.h"
#include "sqlite_query.h"
#include "sqlite_storage.h"

#include <stdio.h>
#include <string.h>

int erp__sqlite_begin(erp_storage_tx **out, erp_storage *storage, int mode, const erp_storage_scope *scope)
{
	(void)scope;
	if (!out)
		return erp_error_set(ERP_ERROR, NULL, NULL, "SQLite storage misused: begin: out is NULL");
	*out = NULL;
	if (!storage)
		return erp_error_set(ERP_ERROR, NULL, NULL, "SQLite storage misused: begin: storage is NULL");
	if (mode == ERP_TX_READ_LOOSE)
		mode = ERP_TX_READ; /* a snapshot is as cheap as no snapshot here */
	if (mode != ERP_TX_READ && mode != ERP_TX_WRITE) {
		char msg[128];
		snprintf(msg, sizeof msg, "SQLite storage misused: begin: unknown transaction mode %d", mode);
		return erp_error_set(ERP_ERROR, NULL, NULL, msg);
	}
	erp__sqlite_storage *s = erp__sqlite_storage_of(storage);
	erp__sqlite_conn *conn;
	int rc = erp__sqlite_pool_take(&conn, &s->pool, mode == ERP_TX_WRITE);
	if (rc != ERP_OK)
		return rc;

	/* A connection always comes back outside a transaction; make sure. */
	if (!sqlite3_get_autocommit(conn->db))
		erp__sqlite_conn_run_quiet(conn, "ROLLBACK");

	if (mode == ERP_TX_WRITE)
		rc = erp__sqlite_conn_run(conn, "BEGIN IMMEDIATE", "begin write transaction", NULL);
	else
		rc = erp__sqlite_conn_run(conn, "BEGIN", "begin read transaction", NULL);
	if (rc != ERP_OK) {
		erp__sqlite_pool_give(&s->pool, conn);
		return rc;
	}
	erp__sqlite_tx *tx = &conn->tx;
	memset(tx, 0, sizeof *tx);
	tx->owner = s;
	tx->conn = conn;
	tx->mode = mode;
	tx->active = 1;
	tx->failed = ERP_OK;
	*out = (erp_storage_tx *)(void *)tx;
	return ERP_OK;
}

/* Ends the transaction's life and gives its connection back. */
static void tx_release(erp__sqlite_tx *tx)
{
	erp__sqlite_conn *conn = tx->conn;
	erp__sqlite_storage *s = tx->owner;
	tx->active = 0;
	tx->conn = NULL;
	erp__sqlite_pool_give(&s->pool, conn);
}

int erp__sqlite_commit(erp_storage_tx *txp)
{
	erp__sqlite_tx *tx = erp__sqlite_tx_of(txp);
	if (!tx || !tx->active)
		return erp_error_set(ERP_ERROR, NULL, NULL, "SQLite storage misused: commit: no open transaction");
	erp__sqlite_conn *conn = tx->conn;
	int rc;
	/* Rows left open would keep statements running; COMMIT wants them done. */
	erp__sqlite_rows_detach_all(tx);
	if (sqlite3_get_autocommit(conn->db)) {
		/* SQLite rolled back by itself (I/O error, disk full, RAISE(ROLLBACK)...). */
		int code = tx->failed != ERP_OK ? tx->failed : ERP_EBACKEND;
		rc = erp_error_set(code, NULL, NULL,
		                   "SQLite: commit: the transaction had been rolled back by SQLite after an "
		                   "earlier error; nothing was written");
	} else {
		rc = erp__sqlite_conn_run(conn, "COMMIT", tx->mode == ERP_TX_WRITE ? "commit" : "end read transaction",
		                          NULL);
		/* The transaction stays open after a failed COMMIT (BUSY): undo it. */
		if (rc != ERP_OK && !sqlite3_get_autocommit(conn->db))
			erp__sqlite_conn_run_quiet(conn, "ROLLBACK");
	}
	tx_release(tx);
	return rc;
}

void erp__sqlite_rollback(erp_storage_tx *txp)
{
	erp__sqlite_tx *tx = erp__sqlite_tx_of(txp);
	if (!tx || !tx->active)
		return;
	erp__sqlite_rows_detach_all(tx);
	if (!sqlite3_get_autocommit(tx->conn->db))
		erp__sqlite_conn_run_quiet(tx->conn, "ROLLBACK");
	tx_release(tx);
}
