/**
 * @file erp/sys/storage.h
 * @brief The storage backend interface (for backend implementers).
 *
 * Weaker stability promise: see erp/sys/backend.h.
 *
 * liberp's core keeps every piece of business logic (validation, posting,
 * valuation, tenancy) and talks to storage only through this interface, as
 * SQL text plus bound values. A backend is a versioned struct of function
 * pointers, registered under a URL scheme with erp_storage_register(); the
 * built-in SQLite and PostgreSQL backends use nothing a third party could
 * not.
 *
 * ## SQL the core sends
 *
 * The core writes portable SQL templates and renders them with the
 * backend's erp_sql_dialect before calling query()/exec(); so a backend
 * receives SQL already in its own dialect:
 *
 * | in a template      | PostgreSQL        | SQLite            |
 * |--------------------|-------------------|-------------------|
 * | `{core.partners}`  | `core.partners`   | `core_partners`   |
 * | `$1`, `$2`...      | `$1`, `$2`...     | `?1`, `?2`...     |
 * | `{for_update}`     | ` FOR UPDATE`     | (nothing)         |
 *
 * Beyond that the core uses only what both built-in dialects accept:
 * `INSERT ... ON CONFLICT ... DO UPDATE`, `RETURNING`, CTEs, window
 * functions. Schema changes come as per-dialect migration scripts that the
 * dialect points to.
 *
 * ## Values
 *
 * Parameters and columns cross as erp_value: NULL, 64-bit integer, or text.
 * Conventions every backend keeps:
 * - booleans are integers 0/1 in both directions;
 * - money, quantities and decimals are integers in minor units;
 * - timestamps are text `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, always six
 *   fractional digits) in both directions; dates `YYYY-MM-DD`;
 * - ids (UUID) and JSON are text.
 *
 * ## Transactions
 *
 * Every statement runs inside a transaction obtained from begin(); the core
 * ends each one with exactly one commit() or rollback(), which also give
 * the connection back. A transaction is used by one thread at a time, and
 * at most one erp_storage_rows is open on it at any moment. Write
 * transactions are serialisable with respect to one another as far as the
 * core's invariants go: a backend either serialises writers (SQLite) or
 * reports conflicts with ERP_ERETRY (PostgreSQL serialization failures
 * and deadlocks), after which the core rolls back and runs the whole
 * transaction again, a bounded number of times.
 *
 * The core never nests transactions on one thread (a thread holding a
 * transaction never calls begin() again: with a full pool that would
 * deadlock), and closes every rows before it commits or rolls back. A transaction may be ended on another
 * thread than the one that began it. Misuse (a wrong parameter count, a
 * write inside a read transaction) is ERP_ERROR.
 *
 * Isolation: read transactions see one snapshot. On PostgreSQL, write
 * transactions run READ COMMITTED: rows read in order to be written must
 * be locked with `{for_update}` or changed by one atomic UPDATE; a plain
 * read-then-write is not protected there (SQLite serialises writers).
 *
 * begin() receives the tenant scope. A backend with row-level security
 * (PostgreSQL) applies it to the transaction so that the database itself
 * filters rows; the core filters by tenant in every statement as well.
 *
 * ## Errors
 *
 * Each function returns ERP_OK or a negative erp_error_code after calling
 * erp_error_set(): ERP_ERETRY (busy, serialization failure, deadlock: the
 * transaction must be rolled back and may be retried), ERP_EEXISTS (unique
 * violation), ERP_EINVALID (other constraint violations), ERP_EAUTH
 * (credentials refused), ERP_EBACKEND (anything else the database or the
 * network did), ERP_ERROR (out of memory).
 *
 * ## Threads
 *
 * An erp_storage is shared by every thread of a store: begin() and close()
 * handle their own locking (close() runs once no transaction is open).
 */
#ifndef ERP_SYS_STORAGE_H
#define ERP_SYS_STORAGE_H

#include "../common.h"
#include "../store.h"
#include "backend.h"

ERP_BEGIN_DECL

/** Kinds of erp_value. */
typedef enum erp_value_type {
	ERP_VALUE_NULL = 0, /**< SQL NULL. */
	ERP_VALUE_INT = 1,  /**< 64-bit signed integer in `i`. */
	ERP_VALUE_TEXT = 2  /**< UTF-8 text in `s` (`len` bytes, NUL-terminated). */
} erp_value_type;

/** A bound parameter or a column value. */
typedef struct erp_value {
	int type;       /**< An erp_value_type. */
	int64_t i;      /**< The integer (ERP_VALUE_INT). */
	const char *s;  /**< The text (ERP_VALUE_TEXT); borrowed. */
	size_t len;     /**< Length of `s` in bytes. */
} erp_value;

/** One forward-only schema migration script. */
typedef struct erp_sql_migration {
	int number;        /**< 1, 2, 3... in order, without gaps. */
	const char *name;  /**< File name, e.g. "0001_foundation.sql". */
	const char *sql;   /**< The script: statements separated by ';'. */
} erp_sql_migration;

/** The current version of erp_sql_dialect. */
#define ERP_SQL_DIALECT_VERSION 1

/** How the core renders its SQL templates for one backend. */
typedef struct erp_sql_dialect {
	unsigned int version;           /**< ERP_SQL_DIALECT_VERSION. */
	const char *name;               /**< "sqlite", "postgresql"... */
	char schema_separator;          /**< Joins area and table: '.' or '_'. */
	char placeholder;               /**< Prefix of numbered parameters: '$' or '?'. */
	const char *for_update;         /**< Row-lock clause for `{for_update}`, e.g. " FOR UPDATE", or "". */
	const char *migration_lock;     /**< Statement run first in the migration transaction to exclude other migrators, or NULL. */
	const char *bootstrap;          /**< Script, in the backend's own dialect, creating the migrations table `{system.migrations}` (number, name, checksum, applied_at) if absent. */
	const erp_sql_migration *migrations; /**< The backend's schema, in order. */
	size_t migration_count;         /**< How many migrations. */
} erp_sql_dialect;

/** Transaction modes for begin(). */
typedef enum erp_tx_mode {
	ERP_TX_READ = 0,      /**< Reads only: a consistent snapshot. */
	ERP_TX_WRITE = 1,     /**< Reads and writes. */
	/**
	 * Reads that need no common snapshot: each statement sees committed
	 * data, but two statements may see different moments. A backend may
	 * run each statement on its own (no BEGIN/COMMIT round trips), as
	 * long as the scope applies to it. Used for single-row reads.
	 */
	ERP_TX_READ_LOOSE = 2
} erp_tx_mode;

/** Whose data a transaction may see. */
typedef struct erp_storage_scope {
	const char *tenant_id; /**< The tenant, or NULL for store-level work (tenant registry, migrations). */
	const char *user_id;   /**< The acting user, or NULL. */
	/**
	 * The acting role (erp_role), or 0. With a tenant, 0 means core work on
	 * the store-level registries (users, sessions) that also writes the
	 * tenant's rows (its audit log): the backend runs it with the tenant set
	 * and the store's own privileges rather than an erp_* role's.
	 */
	int role;
} erp_storage_scope;

/** An open transaction; the backend defines it. */
typedef struct erp_storage_tx erp_storage_tx;
/** A result set being read; the backend defines it. */
typedef struct erp_storage_rows erp_storage_rows;

/** The current version of erp_storage. */
#define ERP_STORAGE_VERSION 1

/**
 * An opened storage. A backend's open() allocates its own struct whose
 * first member is an erp_storage, fills the members, and returns a pointer
 * to that member.
 */
typedef struct erp_storage erp_storage;
struct erp_storage {
	unsigned int version;            /**< ERP_STORAGE_VERSION. */
	const erp_sql_dialect *dialect;  /**< How to speak to this backend. */

	/** Releases everything; called once, when no transaction is open. */
	void (*close)(erp_storage *storage);

	/** Starts a transaction in `mode` (erp_tx_mode) for `scope`. */
	int (*begin)(erp_storage_tx **out, erp_storage *storage, int mode, const erp_storage_scope *scope);
	/**
	 * Commits and releases the transaction (also when commit fails).
	 * ERP_ERETRY only when nothing was committed; ERP_EBACKEND when the
	 * outcome is unknown (the connection was lost during the commit).
	 */
	int (*commit)(erp_storage_tx *tx);
	/** Rolls back and releases the transaction. */
	void (*rollback)(erp_storage_tx *tx);

	/** Runs one statement that returns rows; read them with next()/column(). */
	int (*query)(erp_storage_rows **out, erp_storage_tx *tx, const char *sql,
	             const erp_value *params, size_t nparams);
	/** Advances to the next row: 1 when there is one, 0 at the end, or an error code. */
	int (*next)(erp_storage_rows *rows);
	/** How many columns the rows have. */
	size_t (*column_count)(erp_storage_rows *rows);
	/** Reads column `col` of the current row; text stays valid until next()/rows_close(). */
	int (*column)(erp_value *out, erp_storage_rows *rows, size_t col);
	/** Ends reading; every query() is matched by one rows_close(). */
	void (*rows_close)(erp_storage_rows *rows);

	/** Runs one statement without reading rows; `changes` (may be NULL) receives the rows affected. */
	int (*exec)(erp_storage_tx *tx, const char *sql, const erp_value *params, size_t nparams,
	            int64_t *changes);
	/** Runs a script of several statements without parameters (migrations). */
	int (*exec_script)(erp_storage_tx *tx, const char *sql);

	/** Optional (may be NULL): checks the storage's own integrity; appends findings to `report`. */
	int (*check)(erp_buf *report, erp_storage *storage);

	/**
	 * Optional (may be NULL; the core then calls exec() for each): runs
	 * `count` statements that return no rows, in order, as exec() would,
	 * and may send them together (PostgreSQL: pipeline mode, one round
	 * trip). Stops at the first failure, returns its code and stores its
	 * index in `failed` (may be NULL). The transaction is then to be
	 * rolled back.
	 */
	int (*exec_batch)(erp_storage_tx *tx, size_t count, const char *const *sql, const erp_value *const *params,
	                  const size_t *nparams, size_t *failed);
};

/** The current version of erp_storage_backend. */
#define ERP_STORAGE_BACKEND_VERSION 1

/** A storage backend, registered under a URL scheme. */
typedef struct erp_storage_backend {
	unsigned int version;   /**< ERP_STORAGE_BACKEND_VERSION. */
	const char *scheme;     /**< URL scheme without the colon: "sqlite", "postgresql". */
	/** Opens the storage at `url` (the whole URL, scheme included). */
	int (*open)(erp_storage **out, const char *url, const erp_store_options *opts);
} erp_storage_backend;

/** Initialiser for an erp_storage_backend. */
#define ERP_STORAGE_BACKEND_INIT { ERP_STORAGE_BACKEND_VERSION, NULL, NULL }

/**
 * Registers a storage backend for its scheme, process-wide.
 *
 * @param backend the backend; must stay valid for the life of the process.
 * @return ERP_OK; ERP_EINVALID (field "version") for a struct of another
 *         version, or a NULL scheme or open; ERP_EEXISTS when the scheme is
 *         taken. Thread-safe.
 */
ERP_EXTERN int erp_storage_register(const erp_storage_backend *backend);

ERP_END_DECL

#endif /* ERP_SYS_STORAGE_H */
