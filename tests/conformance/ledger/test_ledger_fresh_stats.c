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
	/* A batch of 400 entries: the rows written pass the first check's mark (256), and the tables that have rows are analyzed. */
	enum { MORE = 1200 };
	static erp_ledger_line lines[MORE][2];
	static erp_ledger_entry more[MORE];
	for (int i = 0; i < MORE; i++) {
		lines[i][0] = lt_dr(cash, 100 + i);
		lines[i][1] = lt_cr(sales, 100 + i);
		more[i] = lt_entry(&b, "2024-05-02", lines[i], 2);
	}
	assert_erp_ok(erp_ledger_post_batch(NULL, b.rw, more, 400));
	assert_true(entries_stat(s, "reltuples") >= 400);
	int64_t pages = entries_stat(s, "relpages");
	assert_true(pages >= 1);
	/* 800 more: the table passes 2x its analyzed size, the writes the next mark, and it is analyzed again. */
	assert_erp_ok(erp_ledger_post_batch(NULL, b.rw, more + 400, 800));
	assert_true(entries_stat(s, "reltuples") >= 1200);
	assert_true(entries_stat(s, "relpages") > 2 * pages);
	assert_erp_ok(erp_store_verify(NULL, s));
	lt_books_close(&b);
	erp_test_store_drop(s, url);
}

ERP_CONFORMANCE_GROUP(296, NULL, NULL);
