/*
 * The objects of the PostgreSQL storage backend and how they nest.
 *
 *   erp__pg_storage   one per opened store: the erp_storage vtable (first
 *                     member), the connection parameters and the pool.
 *   erp__pg_conn      one libpq connection with its prepared statements;
 *                     owned by the pool, lent to one transaction at a time.
 *   erp__pg_tx        the transaction running on a connection; embedded in
 *                     it, since a connection runs one transaction at a time.
 *   erp__pg_rows      the result being read in a transaction; embedded in
 *                     it, since a transaction has at most one open result.
 *
 * So begin(), query() and the rest allocate nothing per call once a
 * connection has warmed up. erp_storage_tx and erp_storage_rows stay opaque
 * in the interface; this backend hands out erp__pg_tx and erp__pg_rows
 * pointers cast to them.
 */
#ifndef ERP_LIB_STORAGE_PG_STORAGE_H
#define ERP_LIB_STORAGE_PG_STORAGE_H

#include <erp/sys/storage.h>

#include <libpq-fe.h>
#include <stddef.h>

#include "pg_conninfo.h"
#include "pg_fresh_stats.h"
#include "pg_pool.h"
#include "pg_stmt_cache.h"

struct erp__pg_tx;

/** A result set being read. */
typedef struct erp__pg_rows {
	struct erp__pg_tx *tx;  /**< The transaction that owns it. */
	PGresult *res;          /**< The whole result; NULL when closed. */
	int row;                /**< Current row; -1 before the first next(). */
	int nrows;
	int ncols;
	char *scratch;          /**< Normalised timestamps of the current row, one slot per column. */
	size_t scratch_cap;     /**< Bytes allocated in `scratch`; kept between queries. */
} erp__pg_rows;

/** A transaction; lives inside its connection. */
typedef struct erp__pg_tx {
	struct erp__pg_storage *st;
	struct erp__pg_conn *conn;
	erp__pg_rows rows;
	int open;               /**< Between begin() and commit()/rollback(). */
	int loose;              /**< ERP_TX_READ_LOOSE: statements run on their own, no BEGIN was sent. */
	int write;              /**< ERP_TX_WRITE. */
	unsigned long writes;   /**< Statements that changed something, for pg_fresh_stats.h. */
} erp__pg_tx;

/** One pooled connection. */
typedef struct erp__pg_conn {
	PGconn *pg;
	int broken;             /**< Lost or unusable: reset before the next BEGIN. */
	int dealloc_all;        /**< Drop every prepared statement before the next BEGIN. */
	char *session_scope;    /**< Scope set at session level by a loose read ("tenant|user|role"), or NULL. */
	erp__pg_stmt_cache stmts;
	const char **param_values;  /**< Scratch for PQexecPrepared: one pointer per parameter... */
	char *param_ints;           /**< ...and ERP__PG_INT_TEXT bytes per parameter for integers. */
	size_t param_cap;
	erp__pg_tx tx;
	struct erp__pg_conn *next_free;  /**< Link in the pool's free list. */
} erp__pg_conn;

/** Room for a 64-bit integer in decimal, with sign and NUL. */
#define ERP__PG_INT_TEXT 24

/** The opened storage. */
typedef struct erp__pg_storage {
	erp_storage base;       /**< Must stay first. */
	erp_sql_dialect dialect;  /**< What base.dialect points to. */
	erp__pg_conninfo info;
	erp__pg_pool pool;
	int relaxed_durability; /**< The store option: writes with synchronous_commit off. */
	erp__pg_fresh_stats fresh_stats; /**< Statistics for tables that never had any. */
} erp__pg_storage;

#endif
