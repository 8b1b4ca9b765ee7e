/*
 * The prepared statements of one PostgreSQL connection: a map from SQL
 * text to the server-side statement name ("erp_s<N>"), bounded, least
 * recently used first out.
 *
 * Only bookkeeping lives here; pg_statement.c talks to the server. The SQL
 * comes from the core, never from outsiders, so an unkeyed hash (FNV-1a)
 * is safe. Not thread-safe: a connection is used by one thread at a time.
 */
#ifndef ERP_LIB_STORAGE_PG_STMT_CACHE_H
#define ERP_LIB_STORAGE_PG_STMT_CACHE_H

#include <stddef.h>
#include <stdint.h>

/** How many statements a connection keeps prepared. */
#define ERP__PG_STMT_MAX 512

/** One prepared statement. */
typedef struct erp__pg_stmt {
	char *sql;                      /**< Owned copy of the text. */
	size_t len;
	uint64_t hash;
	char name[24];                  /**< "erp_s<N>". */
	struct erp__pg_stmt *chain;     /**< Next in the hash bucket. */
	struct erp__pg_stmt *newer;     /**< Recency list, towards the most recently used. */
	struct erp__pg_stmt *older;
} erp__pg_stmt;

/** The map. Zero-initialised is an empty, usable map. */
typedef struct erp__pg_stmt_cache {
	erp__pg_stmt **buckets;         /**< ERP__PG_STMT_BUCKETS heads, allocated on first add. */
	size_t count;
	erp__pg_stmt *newest;
	erp__pg_stmt *oldest;
	unsigned long long next_id;
} erp__pg_stmt_cache;

/** FNV-1a of the SQL text. */
uint64_t erp__pg_stmt_hash(const char *sql, size_t len);

/** The statement for `sql`, marked most recently used; NULL when absent. */
erp__pg_stmt *erp__pg_stmt_find(erp__pg_stmt_cache *cache, const char *sql, size_t len, uint64_t hash);

/**
 * Adds `sql` under a new name, as most recently used. Does not evict: the
 * caller deallocates the oldest first when the map is full.
 *
 * @return the entry, or NULL when out of memory (nothing raised).
 */
erp__pg_stmt *erp__pg_stmt_add(erp__pg_stmt_cache *cache, const char *sql, size_t len, uint64_t hash);

/** The least recently used statement, or NULL when empty. */
erp__pg_stmt *erp__pg_stmt_oldest(const erp__pg_stmt_cache *cache);

/** Removes and frees one entry. */
void erp__pg_stmt_remove(erp__pg_stmt_cache *cache, erp__pg_stmt *stmt);

/**
 * Forgets every statement (after a reconnect or a DEALLOCATE ALL); keeps
 * the bucket array. Names keep counting up, so a name is never reused on a
 * connection.
 */
void erp__pg_stmt_clear(erp__pg_stmt_cache *cache);

/** Frees everything; the map is empty and usable afterwards. */
void erp__pg_stmt_cache_free(erp__pg_stmt_cache *cache);

#endif
