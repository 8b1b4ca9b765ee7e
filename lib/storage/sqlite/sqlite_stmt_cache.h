/*
 * A per-connection cache of prepared statements, keyed by SQL text.
 *
 * The core sends the same few hundred statements over and over; parsing
 * them once per connection instead of once per call is most of the gain
 * of prepared statements. Each connection has its own cache, used only by
 * the thread that holds the connection, so the cache needs no lock.
 *
 * Bounded: at most `capacity` entries; when full, the least recently used
 * statement that is not in use is finalized. A statement is "in use"
 * between erp__sqlite_stmt_acquire() and erp__sqlite_stmt_release(); when
 * the SQL asked for is cached but in use (the same query open twice), a
 * fresh statement is prepared for this one use and finalized on release.
 *
 * Cached statements are prepared with SQLITE_PREPARE_PERSISTENT and
 * re-prepare themselves after a schema change (sqlite3_prepare_v3).
 */
#ifndef ERP_SQLITE_STMT_CACHE_H
#define ERP_SQLITE_STMT_CACHE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/** Default bound on cached statements per connection. */
#define ERP__SQLITE_STMT_CACHE_CAPACITY 256

typedef struct erp__sqlite_stmt_entry erp__sqlite_stmt_entry;

/** The cache; zero-initialised means "not set up". */
typedef struct erp__sqlite_stmt_cache {
	erp__sqlite_stmt_entry **buckets; /**< Hash chains. */
	size_t nbuckets;                  /**< A power of two. */
	erp__sqlite_stmt_entry *newest;   /**< LRU list head. */
	erp__sqlite_stmt_entry *oldest;   /**< LRU list tail. */
	size_t count;                     /**< Cached entries. */
	size_t capacity;                  /**< Bound on count. */
} erp__sqlite_stmt_cache;

/**
 * Sets up an empty cache for at most `capacity` statements.
 * @return ERP_OK, or ERP_ERROR (raised) when out of memory.
 */
int erp__sqlite_stmt_cache_init(erp__sqlite_stmt_cache *cache, size_t capacity);

/** Finalizes every cached statement and frees the cache (none may be in use). */
void erp__sqlite_stmt_cache_free(erp__sqlite_stmt_cache *cache);

/**
 * Gets a statement for `sql`, from the cache or freshly prepared, marked
 * in use. `sql` must hold exactly one statement (trailing blanks, `;` and
 * comments are allowed).
 *
 * @param stmt  receives the statement (reset, no bindings).
 * @param entry receives the cache entry, or NULL when the statement is
 *              not cached; pass both back to erp__sqlite_stmt_release().
 * @param what  what is attempted, for error messages ("query", "exec").
 * @return ERP_OK, or the raised error of the prepare (see sqlite_error.h);
 *         ERP_ERROR for an empty SQL or several statements.
 */
int erp__sqlite_stmt_acquire(sqlite3_stmt **stmt, erp__sqlite_stmt_entry **entry, erp__sqlite_stmt_cache *cache,
                             sqlite3 *db, const char *sql, const char *what);

/**
 * Gives a statement back: resets it and clears its bindings, then keeps
 * it for the next use, or finalizes it when it was not cached (entry NULL).
 */
void erp__sqlite_stmt_release(erp__sqlite_stmt_cache *cache, sqlite3_stmt *stmt, erp__sqlite_stmt_entry *entry);

#endif
