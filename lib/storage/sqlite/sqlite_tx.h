/*
 * Transactions: the begin(), commit() and rollback() members of the SQLite
 * erp_storage.
 *
 * begin() takes a connection from the pool (the writer for ERP_TX_WRITE,
 * a reader for ERP_TX_READ; the one connection of :memory: for both) and
 * runs `BEGIN IMMEDIATE` (write: takes the database's write lock now, so
 * a write transaction never fails half-way for want of it) or `BEGIN`
 * (read: deferred, the snapshot starts at the first read). commit() and
 * rollback() always give the connection back, also when they fail.
 *
 * The scope is not used: SQLite has no row-level security, the core
 * filters every statement by tenant.
 */
#ifndef ERP_SQLITE_TX_H
#define ERP_SQLITE_TX_H

#include <erp/sys/storage.h>

int erp__sqlite_begin(erp_storage_tx **out, erp_storage *storage, int mode, const erp_storage_scope *scope);

/**
 * COMMIT. When SQLite is busy (another process, or a checkpoint), the
 * transaction is rolled back and ERP_ERETRY returned. When SQLite had
 * already rolled the transaction back after a failed statement, returns
 * that statement's code (nothing was written).
 */
int erp__sqlite_commit(erp_storage_tx *tx);

/** ROLLBACK; errors are ignored (the connection is given back regardless). */
void erp__sqlite_rollback(erp_storage_tx *tx);

#endif
