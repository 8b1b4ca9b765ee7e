/*
 * Statistics for tables that have never had any (see pg_fresh_stats.h).
 */
#include "pg_fresh_stats.h"

#include <stdlib.h>
#include <string.h>

#define FIRST_CHECK 256ul /* rows: a store that writes fewer has no plan worth fixing */
#define MAX_GAP (1ul << 20)

/*
 * The store's own tables (owned by the login role) that are due: those with
 * rows and no statistics, and those still under SMALL_PAGES pages at their
 * last analysis that have more than doubled since. A table's pages tell
 * its size without counting its rows.
 */
#define SMALL_PAGES "1024"
static const char FIND_SQL[] =
	"SELECT coalesce(string_agg(format('%I.%I', n.nspname, c.relname), ', '), '') FROM pg_class c "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"CROSS JOIN LATERAL (SELECT pg_relation_size(c.oid) / current_setting('block_size')::int AS pages) s "
	"WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
	"AND n.nspname NOT LIKE 'pg\\_%' AND pg_has_role(c.relowner, 'USAGE') AND s.pages > 0 "
	"AND (c.reltuples < 0 OR (c.relpages < " SMALL_PAGES " AND s.pages > 2 * greatest(c.relpages, 1)))";

void erp__pg_fresh_stats_init(erp__pg_fresh_stats *s)
{
	atomic_init(&s->writes, 0);
	atomic_init(&s->next_check, FIRST_CHECK);
	atomic_flag_clear(&s->busy);
}

/* Analyzes what FIND_SQL lists. */
static void analyze_due(PGconn *pg)
{
	PGresult *res = PQexec(pg, FIND_SQL);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		PQclear(res);
		return;
	}
	const char *tables = PQgetvalue(res, 0, 0);
	if (tables[0]) {
		/* As the login role, whatever a loose read left as the session's role; LOCAL ends with the transaction. */
		static const char prefix[] = "BEGIN; SET LOCAL ROLE NONE; ANALYZE ";
		static const char suffix[] = "; COMMIT";
		size_t len = strlen(tables);
		char *sql = malloc(sizeof prefix + len + sizeof suffix);
		if (sql) {
			memcpy(sql, prefix, sizeof prefix - 1);
			memcpy(sql + sizeof prefix - 1, tables, len);
			memcpy(sql + sizeof prefix - 1 + len, suffix, sizeof suffix);
			PQclear(PQexec(pg, sql));
			free(sql);
			if (PQtransactionStatus(pg) == PQTRANS_INERROR || PQtransactionStatus(pg) == PQTRANS_INTRANS)
				PQclear(PQexec(pg, "ROLLBACK"));
		}
	}
	PQclear(res);
}

void erp__pg_fresh_stats_after_commit(erp__pg_fresh_stats *s, PGconn *pg, unsigned long writes)
{
	if (writes == 0)
		return;
	unsigned long n = atomic_fetch_add_explicit(&s->writes, writes, memory_order_relaxed) + writes;
	if (n < atomic_load_explicit(&s->next_check, memory_order_relaxed) || atomic_flag_test_and_set(&s->busy))
		return;
	analyze_due(pg);
	atomic_store(&s->next_check, n + (n < MAX_GAP ? n : MAX_GAP));
	atomic_flag_clear(&s->busy);
}
