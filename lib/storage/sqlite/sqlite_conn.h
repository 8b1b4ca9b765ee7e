/*
 * One SQLite connection of the backend, with what lives on it: its
 * statement cache, the transaction running on it, and the rows being read.
 *
 * A connection is held by one thread at a time (see sqlite_backend.h), so
 * nothing here is locked: the pool's mutex hands a connection over, and
 * the hand-over is the memory barrier between its successive holders.
 */
#ifndef ERP_SQLITE_CONN_H
#define ERP_SQLITE_CONN_H

#include "sqlite_stmt_cache.h"

#include <erp/sys/storage.h>
#include <sqlite3.h>

typedef struct erp__sqlite_storage erp__sqlite_storage;
typedef struct erp__sqlite_conn erp__sqlite_conn;

/** What a connection is for. */
typedef enum erp__sqlite_conn_kind {
	ERP__SQLITE_WRITER = 0, /**< The file's one writer (creates the file, sets WAL). */
	ERP__SQLITE_READER = 1, /**< A pooled reader of a file. */
	ERP__SQLITE_MEMORY = 2  /**< The only connection of a :memory: database. */
} erp__sqlite_conn_kind;

typedef struct erp__sqlite_rows erp__sqlite_rows;

/** The transaction on a connection; handed to the core as erp_storage_tx. */
typedef struct erp__sqlite_tx {
	erp__sqlite_storage *owner; /**< The storage. */
	erp__sqlite_conn *conn;     /**< The connection it runs on. */
	int mode;                   /**< ERP_TX_READ or ERP_TX_WRITE. */
	int active;                 /**< Between begin() and commit()/rollback(). */
	int failed;                 /**< liberp code of the last failed statement, or ERP_OK. */
	erp__sqlite_rows *rows;     /**< Rows opened and not yet closed (a list; normally 0 or 1). */
} erp__sqlite_tx;

/**
 * Rows being read; handed to the core as erp_storage_rows. Allocated by
 * query(), freed by rows_close(). When the transaction ends first, they
 * are detached: their statement goes back to the cache and `tx` becomes
 * NULL, so a late rows_close() touches nothing but the rows themselves.
 */
struct erp__sqlite_rows {
	erp__sqlite_tx *tx;            /**< The transaction, or NULL once detached. */
	sqlite3_stmt *stmt;            /**< The statement being stepped. */
	erp__sqlite_stmt_entry *entry; /**< Its cache entry, or NULL for a one-off statement. */
	int state;                     /**< A rows_state (sqlite_query.c). */
	int error;                     /**< The liberp code once state is "failed". */
	erp__sqlite_rows *prev;        /**< Neighbours in tx->rows. */
	erp__sqlite_rows *next;
};

struct erp__sqlite_conn {
	sqlite3 *db;                   /**< The connection (SQLITE_OPEN_NOMUTEX). */
	erp__sqlite_conn_kind kind;    /**< What it is for. */
	erp__sqlite_stmt_cache cache;  /**< Its prepared statements. */
	erp__sqlite_tx tx;             /**< The transaction on it (one at a time). */
	erp__sqlite_conn *next_free;   /**< Link in the pool's free list. */
};

/** The transaction behind the core's pointer (never dereferenced by the core). */
static inline erp__sqlite_tx *erp__sqlite_tx_of(erp_storage_tx *tx)
{
	return (erp__sqlite_tx *)(void *)tx;
}

/** The rows behind the core's pointer. */
static inline erp__sqlite_rows *erp__sqlite_rows_of(erp_storage_rows *rows)
{
	return (erp__sqlite_rows *)(void *)rows;
}

/** Page cache of the writer (and of an in-memory store's connection), KiB. */
#define ERP__SQLITE_WRITER_CACHE_KIB (256 * 1024)
/** WAL pages between automatic checkpoints (SQLite's default: 1000). */
#define ERP__SQLITE_CHECKPOINT_PAGES 16384
/** Page cache of each reader, KiB. */
#define ERP__SQLITE_READER_CACHE_KIB (64 * 1024)

/** Connection settings, from erp_store_options. */
typedef struct erp__sqlite_conn_config {
	int busy_timeout_ms; /**< > 0. */
	int sync_full;       /**< synchronous=FULL instead of NORMAL. */
	int no_create;       /**< The writer too refuses a file that does not exist (no_migrate). */
} erp__sqlite_conn_config;

/**
 * Opens and configures a connection.
 *
 * Every connection gets extended result codes, the busy timeout and
 * foreign_keys=ON, then runs a cheap read so that a file that is not a
 * database, or is corrupt at its root, fails here. The writer also sets
 * journal_mode=WAL and synchronous=NORMAL|FULL (both stick to the file or
 * the connection before any reader opens).
 *
 * @param out  receives the connection; NULL on failure.
 * @param path the file, or NULL for ERP__SQLITE_MEMORY.
 * @return ERP_OK; ERP_EBACKEND naming the path and SQLite's reason when it
 *         cannot be opened, written, or read as a database; ERP_ERROR when
 *         out of memory.
 */
int erp__sqlite_conn_open(erp__sqlite_conn **out, const char *path, erp__sqlite_conn_kind kind,
                          const erp__sqlite_conn_config *config);

/** Finalizes the cached statements, closes and frees. NULL is ignored. */
void erp__sqlite_conn_close(erp__sqlite_conn *conn);

/**
 * Runs one parameterless statement to completion through the cache
 * (BEGIN, COMMIT...). `what` names it in error messages.
 *
 * @param rc_out receives SQLite's result code (may be NULL).
 * @return ERP_OK or the raised error (see sqlite_error.h).
 */
int erp__sqlite_conn_run(erp__sqlite_conn *conn, const char *sql, const char *what, int *rc_out);

/** Like erp__sqlite_conn_run() but raises nothing: returns SQLite's code. */
int erp__sqlite_conn_run_quiet(erp__sqlite_conn *conn, const char *sql);

#endif
