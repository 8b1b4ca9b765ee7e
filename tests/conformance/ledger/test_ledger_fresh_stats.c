/*
 * PostgreSQL: a new store's tables get statistics as soon as they have
 * rows, and again as they double while small (lib/storage/postgres/
 * pg_fresh_stats.h), so that the plans connections cache for a first
 * import use the unique index of a look-up rather than a scan of the
 * tenant's rows. What is tested is the mechanism (the figures are there);
 * its effect on speed is measured by bench_posting on a new cluster, not
 * timed here.
 */
#include "ledger/ledger_support.h"

#include <stdio.h>
#include <string.h>

static int64_t entries_stat(erp_store *s, const char *column)
{
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT CAST(%s AS bigint) FROM pg_class WHERE oid = 'financial.entries'::regclass", column);
	return erp_test_scalar(s, NULL, sql);
}

void test_ledger__a_new_stores_tables_are_analyzed_as_they_fill(void **state)
{
	(void)state;
	if (!erp_test_backend_is("postgresql"))
		skip();
	char *url;
	erp_store *s = erp_test_store_fresh(&url);
	/* Never analyzed: PostgreSQL says so with reltuples -1. */
	assert_true(entries_stat(s, "reltuples") < 0);
	lt_books b;
	lt_books_open(&b, s);
	char cash[37], sales[37];
	lt_account(cash, &b, "1000", NULL, true);
	lt_account(sales, &b, "4000", NULL, true);
	/* Checks run at the 1st, 2nd, 4th, 8th, 16th... write commit (the tenant and its accounts were some). */
	for (int i = 0; i < 20; i++)
		lt_post2(&b, NULL, "2024-05-01", cash, sales, 100);
	/* A check analyzed the tables that had rows. */
	assert_true(entries_stat(s, "reltuples") >= 1);
	int64_t pages = entries_stat(s, "relpages");
	assert_true(pages >= 1);
	/* 400 more entries, each its own commit: the table passes 2x its analyzed size, and is analyzed again. */
	for (int i = 0; i < 400; i++)
		lt_post2(&b, NULL, "2024-05-02", cash, sales, 100 + i);
	assert_true(entries_stat(s, "reltuples") >= 100);
	assert_true(entries_stat(s, "relpages") > 2 * pages);
	assert_erp_ok(erp_store_verify(NULL, s));
	lt_books_close(&b);
	erp_test_store_drop(s, url);
}

ERP_CONFORMANCE_GROUP(296, NULL, NULL);
