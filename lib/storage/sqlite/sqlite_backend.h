/*
 * The built-in SQLite storage backend (scheme "sqlite").
 *
 * URLs: `sqlite:PATH`, `sqlite://PATH` (so `sqlite:///tmp/x.db` is
 * `/tmp/x.db`), `sqlite::memory:` (see sqlite_url.h). Needs SQLite 3.37 or
 * later (STRICT tables, sqlite3_changes64), built thread-safe.
 *
 * ## Connections and threads
 *
 * One erp_storage is shared by every thread of a store. A file database
 * has:
 *
 * - ONE writer connection. begin(ERP_TX_WRITE) takes it, first come first
 *   served (a ticket lock: sqlite_pool.h), and runs `BEGIN IMMEDIATE`;
 *   commit()/rollback() give it back. Writers of this process are thus
 *   serialised before they reach SQLite, which is what SQLite allows
 *   anyway (one writer per database) and what the core's invariants need
 *   (storage.h: "a backend either serialises writers..."). Waiting for
 *   another *process* is left to SQLite's busy_timeout; past it, begin()
 *   reports ERP_ERETRY.
 * - A pool of `pool_size` (default 4) reader connections. begin(ERP_TX_READ)
 *   takes a free one (waiting when none is) and runs `BEGIN`; with
 *   journal_mode=WAL each read transaction sees one consistent snapshot,
 *   from its first read on, and readers never block the writer nor are
 *   blocked by it. A reader refuses any statement that would write.
 *
 * `sqlite::memory:` has a single connection (a private in-memory database
 * cannot be shared between connections): reads and writes both take it,
 * through the writer's ticket lock, so they are serialised.
 *
 * Why this is safe for many threads: every connection is opened
 * SQLITE_OPEN_NOMUTEX and is only ever touched by the one thread that
 * holds it, between taking it from the pool and giving it back; the
 * pool's mutex orders those hand-overs, so a connection's state (its
 * statements, its statement cache, its sqlite3_errmsg()) is never shared
 * by two threads at once, and each error is read by the thread that
 * caused it. The erp_storage itself is read-only after open() except for
 * the pool, which only changes under its mutex. A transaction may be
 * finished by another thread than the one that began it (no lock is owned
 * by a thread); a thread that asks for the writer while it holds it gets
 * ERP_ERROR instead of waiting for itself forever.
 *
 * ## Settings of every file connection
 *
 * extended result codes; busy_timeout = busy_timeout_ms (default 5000);
 * foreign_keys=ON; and on the writer journal_mode=WAL, synchronous=FULL
 * (durable at every commit; NORMAL with the store's relaxed_durability,
 * unless sync_full). Each connection reads the schema when opened, so
 * a file that is not a database, or is corrupt, fails open() with
 * ERP_EBACKEND.
 *
 * Errors: see sqlite_error.h for how SQLite codes become liberp codes.
 */
#ifndef ERP_SQLITE_BACKEND_H
#define ERP_SQLITE_BACKEND_H

#include <erp/sys/storage.h>

/** The SQLite storage backend, for the core to register. */
extern const erp_storage_backend erp__sqlite_backend;

/** The embedded SQLite migrations (generated from sql/sqlite/ by cmake/embed_sql.cmake). */
extern const erp_sql_migration erp__sqlite_migrations[];
/** How many. */
extern const size_t erp__sqlite_migration_count;

#endif
