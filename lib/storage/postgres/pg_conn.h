/*
 * One pooled PostgreSQL connection: opening, resetting after a loss,
 * closing.
 *
 * Every connection gets a notice receiver that drops notices (a library
 * must not write to stderr; migrations raise NOTICEs), and starts with an
 * empty prepared-statement map, which a reset empties again.
 */
#ifndef ERP_LIB_STORAGE_PG_CONN_H
#define ERP_LIB_STORAGE_PG_CONN_H

#include "pg_storage.h"

/**
 * Opens a connection with `info`. Blocks for at most the connect timeout
 * (per host libpq tries).
 *
 * @return ERP_OK; ERP_EAUTH, ERP_EBACKEND (see erp__pg_connect_error());
 *         ERP_ERROR when out of memory. Raises the error.
 */
int erp__pg_conn_open(erp__pg_conn **out, const erp__pg_conninfo *info);

/**
 * Reconnects a lost connection with its original parameters and forgets
 * its prepared statements.
 *
 * @return ERP_OK (and `broken` cleared); or the error of the attempt,
 *         raised, with the connection still marked broken.
 */
int erp__pg_conn_reset(erp__pg_conn *conn);

/** Closes the connection and frees everything it holds. Accepts NULL. */
void erp__pg_conn_free(erp__pg_conn *conn);

#endif
