/*
 * Statistics for tables that have never had any.
 *
 * PostgreSQL plans a query on a table that was never analyzed by assuming
 * that `tenant_id = $1` keeps 0.5% of its rows. For a store's first rows
 * that makes every index that starts with tenant_id look as good as the
 * unique one a look-up needs, and the plans a connection caches then (its
 * prepared statements and, above all, the foreign-key checks PostgreSQL
 * keeps per connection) keep scanning a whole tenant's part of the index
 * per look-up as the table grows: a new store's first import posted 5-10x
 * slower than the next one. Autovacuum analyzes a table within a minute or
 * so; until then the plans are wrong.
 *
 * Figures from a table's first rows are not enough either: a plan made
 * while a table holds a page finds every index as cheap as any other, and
 * a connection keeps it. So the backend analyzes, after a write commits,
 * each of the store's tables that has rows and was never analyzed, or that
 * was under 1024 pages (8 MB) when last analyzed and has more than doubled
 * since. It looks when the rows written since the store opened pass 256,
 * 512, 1024... (then every 2^20 rows): as a table doubles early in its
 * life, so do the store's writes. ANALYZE invalidates the cached plans
 * that use the table, so every connection plans again with figures that
 * say a tenant holds all of a single-tenant store's rows, at a size where
 * the right index is the cheap one; past 8 MB autovacuum keeps the
 * figures fresh.
 *
 * The check is one catalog query; ANALYZE samples at most 30,000 rows per
 * table. Both run as the store's login role (the owner of its tables),
 * after the caller's transaction committed: they cannot undo it, and a
 * failure is ignored (the next check tries again).
 */
#ifndef ERP_LIB_STORAGE_PG_FRESH_STATS_H
#define ERP_LIB_STORAGE_PG_FRESH_STATS_H

#include <libpq-fe.h>
#include <stdatomic.h>

/** The store's state of the check; shared by its connections. */
typedef struct erp__pg_fresh_stats {
	atomic_ulong writes;      /**< Rows written by committed transactions so far. */
	atomic_ulong next_check;  /**< The value of `writes` at which to check next. */
	atomic_flag busy;         /**< Held by the connection that checks. */
} erp__pg_fresh_stats;

/** The first check once 256 rows are written. */
void erp__pg_fresh_stats_init(erp__pg_fresh_stats *s);

/**
 * Counts the `writes` (rows written) of a transaction that committed on
 * `pg` (idle, outside any transaction) and, when a check is due and no
 * other connection runs one, analyzes the tables that are due. Raises
 * nothing.
 */
void erp__pg_fresh_stats_after_commit(erp__pg_fresh_stats *s, PGconn *pg, unsigned long writes);

#endif
