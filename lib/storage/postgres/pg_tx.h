/*
 * Transactions of the PostgreSQL backend: begin(), commit(), rollback().
 *
 * begin() takes a connection from the pool and sends the scope script (see
 * pg_scope.h) in one round trip. A connection found lost (server restart,
 * idle timeout) is reconnected and the BEGIN sent once more, transparently;
 * only a second failure reaches the caller, as ERP_EBACKEND.
 *
 * commit() and rollback() give the connection back. A connection lost
 * during a transaction goes back marked broken and is reconnected by the
 * next begin() that takes it, so rollback() never blocks on a reconnect
 * and never overwrites the error the caller is about to report.
 */
#ifndef ERP_LIB_STORAGE_PG_TX_H
#define ERP_LIB_STORAGE_PG_TX_H

#include <erp/sys/storage.h>

/** erp_storage.begin */
int erp__pg_begin(erp_storage_tx **out, erp_storage *storage, int mode, const erp_storage_scope *scope);

/**
 * erp_storage.commit. A connection lost while COMMIT was in flight leaves
 * the outcome unknown: that is ERP_EBACKEND, never ERP_ERETRY (a retry
 * could apply the transaction twice). A transaction that an earlier error
 * aborted is rolled back and reported as ERP_EBACKEND.
 */
int erp__pg_commit(erp_storage_tx *tx);

/** erp_storage.rollback */
void erp__pg_rollback(erp_storage_tx *tx);

#endif
