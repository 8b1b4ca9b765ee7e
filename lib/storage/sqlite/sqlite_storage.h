/*
 * The SQLite erp_storage: what open() allocates and close() frees.
 */
#ifndef ERP_SQLITE_STORAGE_H
#define ERP_SQLITE_STORAGE_H

#include "sqlite_pool.h"

#include <erp/sys/storage.h>

struct erp__sqlite_storage {
	erp_storage base;        /**< First member: the core holds a pointer to it. */
	erp_sql_dialect dialect; /**< base.dialect points here. */
	char *path;              /**< The file, or NULL for :memory:. */
	erp__sqlite_pool pool;   /**< The connections. */
};

/** The storage behind the core's pointer. */
static inline erp__sqlite_storage *erp__sqlite_storage_of(erp_storage *storage)
{
	return (erp__sqlite_storage *)(void *)storage;
}

#endif
