/*
 * One pooled PostgreSQL connection (see pg_conn.h).
 */
#include "pg_conn.h"

#include "pg_error.h"

#include <erp/sys/backend.h>

#include <stdlib.h>

static void drop_notice(void *payload, const PGresult *res)
{
	(void)payload;
	(void)res;
}

int erp__pg_conn_open(erp__pg_conn **out, const erp__pg_conninfo *info)
{
	erp__pg_conn *conn;

	*out = NULL;
	conn = calloc(1, sizeof *conn);
	if (!conn)
		return erp__pg_oom();
	conn->pg = PQconnectdbParams(info->keys, (const char *const *)info->values, 1);
	if (!conn->pg || PQstatus(conn->pg) != CONNECTION_OK) {
		int rc = erp__pg_connect_error(conn->pg);
		erp__pg_conn_free(conn);
		return rc;
	}
	PQsetNoticeReceiver(conn->pg, drop_notice, NULL);
	conn->tx.conn = conn;
	conn->tx.rows.tx = &conn->tx;
	*out = conn;
	return ERP_OK;
}

int erp__pg_conn_reset(erp__pg_conn *conn)
{
	conn->broken = 1;
	erp__pg_stmt_clear(&conn->stmts);
	conn->dealloc_all = 0;
	/* The notice hooks live in the PGconn and survive PQreset(). */
	PQreset(conn->pg);
	free(conn->session_scope); /* a new session has none of the old settings */
	conn->session_scope = NULL;
	if (PQstatus(conn->pg) != CONNECTION_OK)
		return erp__pg_connect_error(conn->pg);
	conn->broken = 0;
	return ERP_OK;
}

void erp__pg_conn_free(erp__pg_conn *conn)
{
	if (!conn)
		return;
	if (conn->tx.rows.res)
		PQclear(conn->tx.rows.res);
	free(conn->tx.rows.scratch);
	erp__pg_stmt_cache_free(&conn->stmts);
	free(conn->param_values);
	free(conn->param_ints);
	free(conn->session_scope);
	PQfinish(conn->pg);
	free(conn);
}
