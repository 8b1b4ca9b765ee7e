/*
 * The check() member of the SQLite erp_storage: `PRAGMA integrity_check`
 * and `PRAGMA foreign_key_check`, in one read transaction on a reader (or
 * on the one connection of :memory:).
 */
#ifndef ERP_SQLITE_CHECK_H
#define ERP_SQLITE_CHECK_H

#include <erp/sys/storage.h>

/**
 * Checks the database file.
 *
 * @param report when not NULL and something is found, the findings are
 *               appended, one per line.
 * @return ERP_OK when both checks are clean; ERP_ERROR, raised with the
 *         first finding, when not; ERP_EBACKEND (or ERP_ERETRY...) when a
 *         check could not run; ERP_ERROR when out of memory.
 */
int erp__sqlite_check(erp_buf *report, erp_storage *storage);

#endif
