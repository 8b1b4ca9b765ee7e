/**
 * @file erp/store.h
 * @brief Opening and closing a store: a storage backend plus a cache.
 *
 * A store is chosen by URL, as SQLite chooses a VFS by name:
 *
 * | URL                                   | backend                          |
 * |---------------------------------------|----------------------------------|
 * | `sqlite:PATH`                         | embedded SQLite file (default `sqlite:erp.db`) |
 * | `sqlite::memory:`                     | private in-memory SQLite database |
 * | `postgresql://user:pass@host:port/db` | PostgreSQL through libpq (also `postgres://`) |
 *
 * and the cache by `opts.cache_url`: `mem:` (default, in-process) or
 * `redis://[[user]:password@]host[:port][/db][?connect_timeout_ms=N&command_timeout_ms=N]`
 * (shared by every store on the same storage; see erp/sys/cache.h).
 *
 * Opening applies the pending schema migrations (forward-only, checksummed)
 * unless `opts.no_migrate` is set.
 *
 * Thread safety: an erp_store is shared by threads. Every function that takes
 * one may be called concurrently, except erp_store_close(), which must be
 * the last call on it once no other thread uses it.
 */
#ifndef ERP_STORE_H
#define ERP_STORE_H

#include "common.h"
#include "buf.h"

ERP_BEGIN_DECL

/** An opened store. Opaque; shared by threads. */
typedef struct erp_store erp_store;

/** The current version of erp_store_options. */
#define ERP_STORE_OPTIONS_VERSION 3

/**
 * Options for erp_store_open(). Declare with ERP_STORE_OPTIONS_INIT; fields
 * are only ever appended, and zero always means "the default".
 */
typedef struct erp_store_options {
	unsigned int version;     /**< ERP_STORE_OPTIONS_VERSION. */
	const char *cache_url;    /**< Cache backend URL; NULL means "mem:". */
	int no_migrate;           /**< Non-zero: do not apply migrations; refuse a store that lacks them (SQLite: and a file that does not exist, never created). */
	int sync_full;            /**< SQLite: synchronous=FULL even with relaxed_durability (FULL is the default). */
	int pool_size;            /**< Connections: SQLite readers, PostgreSQL pool size; 0 = 4. */
	int busy_timeout_ms;      /**< SQLite: how long to wait for another process's lock; 0 = 5000. */
	int connect_timeout_s;    /**< PostgreSQL: connect timeout in seconds; 0 = 10. */
	int statement_timeout_ms; /**< PostgreSQL: statement_timeout; 0 = none. */
	size_t cache_max_bytes;   /**< mem: cache bound in bytes; 0 = 64 MiB. */
	/* ---- version 2 ---- */
	unsigned long long password_ops_limit; /**< argon2id passes for new password hashes; 0 = libsodium's INTERACTIVE (2). Minimum 1. */
	size_t password_mem_limit;   /**< argon2id memory in bytes; 0 = libsodium's INTERACTIVE (64 MiB). Minimum 8192 (tests use the minimum). */
	int64_t session_idle_ms;     /**< A session unused this long ends; 0 = 30 minutes. */
	int64_t session_lifetime_ms; /**< A session ends this long after login whatever its use; 0 = 12 hours. */
	int login_max_failures;      /**< Failed logins per email within login_window_ms before ERP_ELIMIT; 0 = 5. */
	int login_max_client_failures; /**< Failed logins per client key within login_window_ms; 0 = 50. */
	int64_t login_window_ms;     /**< The throttling window; 0 = 15 minutes. */
	/* ---- version 3 ---- */
	/**
	 * 0 (the default): acknowledged means durable. A write that returned
	 * ERP_OK survives a crash of the process, of the database server and
	 * of the machine: SQLite runs with synchronous=FULL (each commit is
	 * synced before it returns); on PostgreSQL every write transaction of
	 * liberp runs with `SET LOCAL synchronous_commit = on`, whatever the
	 * server's, the database's or the role's setting. Group commit keeps
	 * the cost per posting low.
	 *
	 * Non-zero: the relaxed mode, faster, and it can lose acknowledged
	 * writes. SQLite: synchronous=NORMAL, so a power loss or an operating
	 * system crash (not a crash of the process) can drop the last commits.
	 * PostgreSQL: `synchronous_commit = off` for liberp's writes, so a
	 * crash of the server or of the machine can drop the commits of up to
	 * three times wal_writer_delay (by default 600 ms) before it; they
	 * are then simply absent, and a resent idempotency key makes a new
	 * row. The store stays consistent either way (no commit is ever
	 * partial). Use it only where losing the last moments of work is
	 * acceptable (bulk imports that can be rerun, tests).
	 */
	int relaxed_durability;
} erp_store_options;

/** Initialiser for erp_store_options with every default. */
#define ERP_STORE_OPTIONS_INIT { ERP_STORE_OPTIONS_VERSION, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/**
 * Opens (creating it if needed, for SQLite files) the store at `url`.
 *
 * @param out   receives the store; set to NULL on failure. Close it with
 *              erp_store_close().
 * @param url   storage URL (see the table above); NULL means "sqlite:erp.db".
 * @param opts  options, or NULL for the defaults. Not retained.
 * @return ERP_OK;
 *         ERP_EINVALID (field "url" or "cache_url") for a malformed URL or an
 *         unknown scheme, or an options struct of an unknown version
 *         (field "version");
 *         ERP_EAUTH when the database refuses the credentials;
 *         ERP_EBACKEND when the database cannot be opened or reached, is not
 *         a liberp store, is corrupt, has a migration whose text changed, or
 *         was written by a newer liberp;
 *         ERP_ERROR when out of memory.
 */
ERP_EXTERN int erp_store_open(erp_store **out, const char *url, const erp_store_options *opts);

/**
 * Closes a store and releases every connection it holds.
 *
 * Contexts made from the store must be freed first.
 *
 * @param store the store; NULL is accepted and ignored.
 */
ERP_EXTERN void erp_store_close(erp_store *store);

/**
 * The name of the storage backend in use ("sqlite", "postgresql").
 *
 * @return a string borrowed from the store, valid until it is closed.
 */
ERP_EXTERN const char *erp_store_backend(const erp_store *store);

/**
 * The highest schema migration applied to the store.
 *
 * @param out   receives the migration number.
 * @param store the store.
 * @return ERP_OK, ERP_EINVALID for NULL arguments, ERP_EBACKEND.
 */
ERP_EXTERN int erp_store_schema_version(int *out, erp_store *store);

/**
 * Checks the store's invariants and reports the first discrepancy.
 *
 * It checks that every applied migration matches the text built into this
 * library, that the storage itself is sound (SQLite: `PRAGMA
 * integrity_check` and foreign keys), and for every tenant that the
 * ledger's hash chain recomputes, every entry balances per currency and
 * every daily balance equals the sum of its lines; and for the stock that
 * every quant equals the sum of its moves and of its daily totals, every
 * product's stock the sum of its quants, its value the sum of its
 * valuation layers (zero at zero quantity) and every move's value the sum
 * of its layers.
 *
 * @param out   receives a JSON report `{"ok":true|false,"checks":[...]}`
 *              (may be NULL when only the code matters).
 * @param store the store.
 * @return ERP_OK when every check passes; ERP_ERROR when one fails (the
 *         report and erp_error_last() name it); ERP_EBACKEND when a check
 *         could not run.
 */
ERP_EXTERN int erp_store_verify(erp_buf *out, erp_store *store);

/**
 * Checks that the store's storage and cache answer now, as a JSON report:
 * `{"status":"ok"|"degraded"|"down",
 *   "storage":{"backend":"sqlite","ok":true,"latency_us":120},
 *   "cache":{"backend":"redis","shared":true,"ok":false,"latency_us":0,
 *            "error":"...","failures":12}}`
 * ("failures": cache calls that failed since the store was opened; each was
 * answered from storage instead). "degraded" means storage works and the
 * cache does not: every call still succeeds, more slowly.
 *
 * @param out   receives the report (may be NULL when only the code matters).
 * @param store the store.
 * @return ERP_OK when the storage answers (whatever the cache does);
 *         ERP_EBACKEND when it does not ("status":"down");
 *         ERP_EINVALID for a NULL store.
 */
ERP_EXTERN int erp_store_health(erp_buf *out, erp_store *store);

ERP_END_DECL

#endif /* ERP_STORE_H */
