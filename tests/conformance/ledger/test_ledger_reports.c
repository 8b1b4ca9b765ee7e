/*
 * Reading the ledger (erp/ledger.h): balances as of a date, the trial
 * balance per currency, the general ledger with opening and running
 * balances, and paging of the general ledger and the entry list.
 */
#include "ledger/ledger_support.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *balance_json(lt_books *b, const char *account, const char *as_of)
{
	erp_buf o = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_account_balance(&o, b->ro, account, as_of));
	json_t *v = lt_json(o.ptr);
	erp_buf_dispose(&o);
	return v;
}

static json_t *trial_json(lt_books *b, const char *as_of)
{
	erp_buf o = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_trial_balance(&o, b->ro, as_of));
	json_t *v = lt_json(o.ptr);
	erp_buf_dispose(&o);
	return v;
}

static json_t *gl_json(lt_books *b, const char *account, const char *from, const char *to, const char *cursor, int limit)
{
	erp_buf o = ERP_BUF_INIT;
	int rc = erp_ledger_general_ledger(&o, b->ro, account, from, to, cursor, limit);
	if (rc != ERP_OK)
		fail_msg("erp_ledger_general_ledger: %s (%s)", erp_error_name(rc), erp_error_last()->message);
	json_t *v = lt_json(o.ptr);
	erp_buf_dispose(&o);
	return v;
}

static json_t *list_json(lt_books *b, const char *query)
{
	erp_buf o = ERP_BUF_INIT;
	int rc = erp_ledger_entry_list(&o, b->ro, query);
	if (rc != ERP_OK)
		fail_msg("erp_ledger_entry_list(%s): %s (%s)", query ? query : "NULL", erp_error_name(rc), erp_error_last()->message);
	json_t *v = lt_json(o.ptr);
	erp_buf_dispose(&o);
	return v;
}

void test_ledger__account_balance_as_of_each_date_counts_the_days_up_to_it(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	lt_post2(&b, NULL, "2024-03-01", a, c, 2500); /* posted out of date order on purpose */
	lt_post2(&b, NULL, "2024-01-10", a, c, 10000);
	lt_post2(&b, NULL, "2024-02-15", c, a, 5000);
	lt_post2(&b, NULL, "2024-02-15", a, c, 700);
	struct {
		const char *as_of;
		int64_t debit, credit;
	} expect[] = {
		{ "2024-01-10", 10000, 0 }, { "2024-02-14", 10000, 0 },     { "2024-02-15", 10700, 5000 },
		{ "2024-02-29", 10700, 5000 }, { "2024-03-01", 13200, 5000 }, { "2099-12-31", 13200, 5000 },
		{ NULL, 13200, 5000 },
	};
	for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
		lt_amounts x = lt_balance(&b, a, "USD", expect[i].as_of, 2);
		assert_int_equal(x.debit, expect[i].debit);
		assert_int_equal(x.credit, expect[i].credit);
		assert_int_equal(x.balance, expect[i].debit - expect[i].credit);
		lt_amounts y = lt_balance(&b, c, "USD", expect[i].as_of, 2);
		assert_int_equal(y.balance, -x.balance);
	}
	/* Before the first posting: no currency at all. */
	json_t *v = balance_json(&b, a, "2024-01-09");
	assert_int_equal(json_array_size(json_object_get(v, "balances")), 0);
	json_decref(v);
	v = balance_json(&b, a, NULL);
	json_t *row = json_array_get(json_object_get(v, "balances"), 0);
	assert_string_equal(lt_str(row, "currency"), "USD");
	assert_string_equal(lt_str(row, "debit"), "132.00");
	assert_string_equal(lt_str(row, "credit"), "50.00");
	assert_string_equal(lt_str(row, "balance"), "82.00");
	json_decref(v);
	/* An account with no postings has no balances; an unknown one is not found. */
	char unused[37];
	lt_account(unused, &b, "3000", NULL, true);
	v = balance_json(&b, unused, NULL);
	assert_int_equal(json_array_size(json_object_get(v, "balances")), 0);
	json_decref(v);
	erp_buf o = ERP_BUF_INIT;
	assert_erp_error(erp_ledger_account_balance(&o, b.ro, "01900000-0000-7000-8000-000000000000", NULL), ERP_ENOTFOUND, "account_id");
	assert_erp_error(erp_ledger_account_balance(NULL, b.ro, a, NULL), ERP_EINVALID, "out");
	erp_buf_dispose(&o);
	lt_books_close(&b);
}

void test_ledger__trial_balance_is_per_currency_and_its_totals_balance(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char cash_usd[37], cash_eur[37], sales[37], fees[37];
	lt_account(cash_usd, &b, "1010", "USD", true);
	lt_account(cash_eur, &b, "1020", "EUR", true);
	lt_account(sales, &b, "4000", NULL, true);
	lt_account(fees, &b, "6000", NULL, true);
	/* One entry in two currencies, each balanced on its own. */
	erp_ledger_line l[4] = { lt_dr(cash_usd, 10000), lt_cr_in(sales, 10000, "USD"), lt_dr(cash_eur, 8000),
		                      lt_cr_in(sales, 8000, "EUR") };
	erp_ledger_entry e = lt_entry(&b, "2024-01-05", l, 4);
	lt_post(&b, NULL, &e);
	lt_post2(&b, NULL, "2024-02-01", fees, cash_usd, 1000);

	json_t *t = trial_json(&b, NULL);
	assert_true(json_is_null(json_object_get(t, "as_of")));
	json_t *accounts = json_object_get(t, "accounts");
	struct {
		const char *id, *code, *currency, *debit, *credit, *balance;
	} rows[] = {
		{ cash_usd, "1010", "USD", "100.00", "10.00", "90.00" },  { cash_eur, "1020", "EUR", "80.00", "0.00", "80.00" },
		{ sales, "4000", "EUR", "0.00", "80.00", "-80.00" },     { sales, "4000", "USD", "0.00", "100.00", "-100.00" },
		{ fees, "6000", "USD", "10.00", "0.00", "10.00" },
	};
	assert_int_equal(json_array_size(accounts), 5);
	for (size_t i = 0; i < 5; i++) {
		json_t *x = json_array_get(accounts, i);
		assert_string_equal(lt_str(x, "account_id"), rows[i].id);
		assert_string_equal(lt_str(x, "code"), rows[i].code);
		char name[40];
		snprintf(name, sizeof name, "Account %s", rows[i].code);
		assert_string_equal(lt_str(x, "name"), name);
		assert_string_equal(lt_str(x, "currency"), rows[i].currency);
		assert_string_equal(lt_str(x, "debit"), rows[i].debit);
		assert_string_equal(lt_str(x, "credit"), rows[i].credit);
		assert_string_equal(lt_str(x, "balance"), rows[i].balance);
	}
	json_t *totals = json_object_get(t, "totals");
	assert_int_equal(json_array_size(totals), 2);
	size_t i;
	json_t *x;
	json_array_foreach(totals, i, x) {
		assert_string_equal(lt_str(x, "debit"), lt_str(x, "credit"));
		const char *cur = lt_str(x, "currency");
		assert_string_equal(lt_str(x, "debit"), strcmp(cur, "USD") == 0 ? "110.00" : "80.00");
		/* The accounts of the currency sum to zero. */
		int64_t sum = 0;
		size_t k;
		json_t *acc;
		json_array_foreach(accounts, k, acc)
			if (strcmp(lt_str(acc, "currency"), cur) == 0)
				sum += lt_minor(lt_str(acc, "balance"), 2);
		assert_int_equal(sum, 0);
	}
	json_decref(t);
	/* As of January: no fees yet. */
	t = trial_json(&b, "2024-01-31");
	assert_string_equal(lt_str(t, "as_of"), "2024-01-31");
	assert_int_equal(json_array_size(json_object_get(t, "accounts")), 4);
	json_array_foreach(json_object_get(t, "totals"), i, x)
		assert_string_equal(lt_str(x, "debit"), strcmp(lt_str(x, "currency"), "USD") == 0 ? "100.00" : "80.00");
	json_decref(t);
	t = trial_json(&b, "2024-01-04");
	assert_int_equal(json_array_size(json_object_get(t, "accounts")), 0);
	assert_int_equal(json_array_size(json_object_get(t, "totals")), 0);
	json_decref(t);
	/* The account with two currencies reports both. */
	lt_amounts s_usd = lt_balance(&b, sales, "USD", NULL, 2), s_eur = lt_balance(&b, sales, "EUR", NULL, 2);
	assert_int_equal(s_usd.balance, -10000);
	assert_int_equal(s_eur.balance, -8000);
	json_t *v = balance_json(&b, sales, NULL);
	assert_int_equal(json_array_size(json_object_get(v, "balances")), 2);
	json_decref(v);
	lt_books_close(&b);
}

void test_ledger__trial_balance_formats_each_currency_at_its_exponent(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char yen[37], dinar[37], any[37];
	lt_account(yen, &b, "1030", "JPY", true);
	lt_account(dinar, &b, "1040", "KWD", true);
	lt_account(any, &b, "9000", NULL, true);
	erp_ledger_line l[4] = { lt_dr(yen, 1500), lt_cr_in(any, 1500, "JPY"), lt_dr(dinar, 1234), lt_cr_in(any, 1234, "KWD") };
	erp_ledger_entry e = lt_entry(&b, "2024-01-05", l, 4);
	lt_post(&b, NULL, &e);
	json_t *t = trial_json(&b, NULL);
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(t, "totals"), i, x) {
		const char *cur = lt_str(x, "currency");
		assert_string_equal(lt_str(x, "debit"), strcmp(cur, "JPY") == 0 ? "1500" : "1.234");
		assert_string_equal(lt_str(x, "credit"), lt_str(x, "debit"));
	}
	json_decref(t);
	assert_int_equal(lt_balance(&b, dinar, "KWD", NULL, 3).balance, 1234);
	assert_int_equal(lt_balance(&b, any, "JPY", NULL, 0).balance, -1500);
	lt_books_close(&b);
}

void test_ledger__trial_balance_totals_cover_every_currency_posted(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	/* More currencies than a fixed-size table of totals would hold. */
	static const char *const codes[] = { "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTC", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF" };
	enum { N = sizeof codes / sizeof codes[0] };
	char a[37], c[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	erp_ledger_line l[N][2];
	erp_ledger_entry e[N];
	for (size_t i = 0; i < N; i++) {
		l[i][0] = lt_dr_in(a, 100 + (int64_t)i, codes[i]);
		l[i][1] = lt_cr_in(c, 100 + (int64_t)i, codes[i]);
		e[i] = lt_entry(&b, "2024-01-05", l[i], 2);
	}
	assert_erp_ok(erp_ledger_post_batch(NULL, b.rw, e, N));
	json_t *t = trial_json(&b, NULL);
	assert_int_equal(json_array_size(json_object_get(t, "accounts")), 2 * N);
	json_t *totals = json_object_get(t, "totals");
	size_t seen = 0, i;
	json_t *x;
	json_array_foreach(totals, i, x) {
		assert_string_equal(lt_str(x, "debit"), lt_str(x, "credit"));
		seen++;
	}
	if (seen != N)
		fail_msg("the trial balance has totals for %zu of the %d currencies posted", seen, (int)N);
	json_decref(t);
	lt_books_close(&b);
}

void test_ledger__general_ledger_has_opening_and_running_balances_between_dates(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37], ids[5][37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	lt_post2(&b, ids[0], "2024-02-20", a, c, 1234); /* seq 1, though later in date */
	lt_post2(&b, ids[1], "2024-01-10", a, c, 10000);
	lt_post2(&b, ids[2], "2024-02-03", c, a, 3000);
	erp_ledger_line l[2] = { lt_dr(a, 500), lt_cr(c, 500) };
	l[0].memo = "line memo";
	erp_ledger_entry e = lt_entry(&b, "2024-02-03", l, 2);
	e.reference = "REF-4";
	lt_post(&b, ids[3], &e);
	lt_post2(&b, ids[4], "2024-03-05", c, a, 100);

	json_t *g = gl_json(&b, a, "2024-02-01", "2024-02-29", NULL, 100);
	assert_string_equal(lt_str(g, "account_id"), a);
	assert_string_equal(lt_str(g, "from"), "2024-02-01");
	assert_string_equal(lt_str(g, "to"), "2024-02-29");
	json_t *opening = json_object_get(g, "opening");
	assert_int_equal(json_array_size(opening), 1);
	assert_string_equal(lt_str(json_array_get(opening, 0), "currency"), "USD");
	assert_string_equal(lt_str(json_array_get(opening, 0), "balance"), "100.00");
	json_t *lines = json_object_get(g, "lines");
	assert_int_equal(json_array_size(lines), 3);
	struct {
		const char *entry, *date, *debit, *credit, *balance;
		json_int_t seq;
	} expect[] = {
		{ ids[2], "2024-02-03", "0.00", "30.00", "70.00", 3 },
		{ ids[3], "2024-02-03", "5.00", "0.00", "75.00", 4 },
		{ ids[0], "2024-02-20", "12.34", "0.00", "87.34", 1 },
	};
	for (size_t i = 0; i < 3; i++) {
		json_t *x = json_array_get(lines, i);
		assert_string_equal(lt_str(x, "entry_id"), expect[i].entry);
		assert_int_equal(json_integer_value(json_object_get(x, "seq")), expect[i].seq);
		assert_string_equal(lt_str(x, "date"), expect[i].date);
		assert_int_equal(json_integer_value(json_object_get(x, "line")), expect[i].entry == ids[2] ? 2 : 1);
		assert_string_equal(lt_str(x, "currency"), "USD");
		assert_string_equal(lt_str(x, "debit"), expect[i].debit);
		assert_string_equal(lt_str(x, "credit"), expect[i].credit);
		assert_string_equal(lt_str(x, "balance"), expect[i].balance);
	}
	assert_string_equal(lt_str(json_array_get(lines, 1), "memo"), "line memo");
	assert_string_equal(lt_str(json_array_get(lines, 1), "reference"), "REF-4");
	assert_true(json_is_null(json_object_get(g, "next_cursor")));
	json_decref(g);
	/* Without from: no opening, every line, ending at the balance. */
	g = gl_json(&b, a, NULL, NULL, NULL, 100);
	assert_int_equal(json_array_size(json_object_get(g, "opening")), 0);
	lines = json_object_get(g, "lines");
	assert_int_equal(json_array_size(lines), 5);
	assert_string_equal(lt_str(json_array_get(lines, 0), "balance"), "100.00");
	assert_string_equal(lt_str(json_array_get(lines, 4), "balance"), "86.34");
	assert_int_equal(lt_minor(lt_str(json_array_get(lines, 4), "balance"), 2), lt_balance(&b, a, "USD", NULL, 2).balance);
	json_decref(g);
	/* From only; to only. */
	g = gl_json(&b, a, "2024-03-01", NULL, NULL, 100);
	assert_string_equal(lt_str(json_array_get(json_object_get(g, "opening"), 0), "balance"), "87.34");
	assert_int_equal(json_array_size(json_object_get(g, "lines")), 1);
	assert_string_equal(lt_str(json_array_get(json_object_get(g, "lines"), 0), "balance"), "86.34");
	json_decref(g);
	g = gl_json(&b, a, NULL, "2024-01-31", NULL, 100);
	assert_int_equal(json_array_size(json_object_get(g, "lines")), 1);
	json_decref(g);
	/* A range with no lines still has its opening balance. */
	g = gl_json(&b, a, "2024-04-01", "2024-04-30", NULL, 100);
	assert_int_equal(json_array_size(json_object_get(g, "lines")), 0);
	assert_string_equal(lt_str(json_array_get(json_object_get(g, "opening"), 0), "balance"), "86.34");
	json_decref(g);
	lt_books_close(&b);
}

void test_ledger__general_ledger_runs_one_balance_per_currency(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char any[37], eur[37], usd[37];
	lt_account(any, &b, "1000", NULL, true);
	lt_account(eur, &b, "1020", "EUR", true);
	lt_account(usd, &b, "1010", "USD", true);
	erp_ledger_line l[4] = { lt_dr_in(any, 1000, "EUR"), lt_cr(eur, 1000), lt_dr(any, 300), lt_cr(usd, 300) };
	erp_ledger_entry e = lt_entry(&b, "2024-01-05", l, 4);
	lt_post(&b, NULL, &e);
	lt_post2(&b, NULL, "2024-01-06", usd, any, 100);
	erp_ledger_line m[2] = { lt_dr(eur, 1), lt_cr_in(any, 1, "EUR") };
	e = lt_entry(&b, "2024-01-07", m, 2);
	lt_post(&b, NULL, &e);
	json_t *g = gl_json(&b, any, "2024-01-06", NULL, NULL, 10);
	json_t *opening = json_object_get(g, "opening");
	assert_int_equal(json_array_size(opening), 2);
	assert_string_equal(lt_str(json_array_get(opening, 0), "currency"), "EUR");
	assert_string_equal(lt_str(json_array_get(opening, 0), "balance"), "10.00");
	assert_string_equal(lt_str(json_array_get(opening, 1), "currency"), "USD");
	assert_string_equal(lt_str(json_array_get(opening, 1), "balance"), "3.00");
	json_t *lines = json_object_get(g, "lines");
	assert_int_equal(json_array_size(lines), 2);
	assert_string_equal(lt_str(json_array_get(lines, 0), "currency"), "USD");
	assert_string_equal(lt_str(json_array_get(lines, 0), "balance"), "2.00");
	assert_string_equal(lt_str(json_array_get(lines, 1), "currency"), "EUR");
	assert_string_equal(lt_str(json_array_get(lines, 1), "balance"), "9.99");
	json_decref(g);
	lt_books_close(&b);
}

/* Every line of one account's general ledger, fetched `limit` at a time. */
static json_t *gl_all_pages(lt_books *b, const char *account, const char *from, const char *to, int limit, int *pages)
{
	json_t *all = json_array();
	char *cursor = NULL;
	*pages = 0;
	for (;;) {
		json_t *g = gl_json(b, account, from, to, cursor, limit);
		json_t *lines = json_object_get(g, "lines");
		assert_true(json_array_size(lines) <= (size_t)limit);
		json_array_extend(all, lines);
		(*pages)++;
		free(cursor);
		cursor = NULL;
		json_t *next = json_object_get(g, "next_cursor");
		if (json_is_string(next)) {
			assert_int_equal(json_array_size(lines), limit);
			cursor = strdup(json_string_value(next));
		} else {
			assert_true(json_is_null(next));
		}
		json_decref(g);
		if (!cursor)
			break;
		assert_true(*pages < 1000);
	}
	return all;
}

void test_ledger__general_ledger_pages_concatenate_to_the_one_page_listing(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	enum { N = 57 };
	erp_ledger_line l[N][3];
	erp_ledger_entry e[N];
	char dates[N][11];
	for (int i = 0; i < N; i++) {
		lt_day(dates[i], (i * 37) % 120); /* dates out of order, several entries a day */
		/* Some entries touch the account twice. */
		l[i][0] = lt_dr(a, 100 + i);
		l[i][1] = i % 3 ? lt_cr(c, 100 + i) : lt_cr(a, 40);
		l[i][2] = lt_cr(c, 60 + i);
		e[i] = lt_entry(&b, dates[i], l[i], i % 3 ? 2 : 3);
	}
	assert_erp_ok(erp_ledger_post_batch(NULL, b.rw, e, N));
	const char *ranges[][2] = { { NULL, NULL }, { "2024-02-01", NULL }, { NULL, "2024-03-15" }, { "2024-01-20", "2024-04-10" } };
	for (size_t r = 0; r < 4; r++) {
		json_t *one = gl_json(&b, a, ranges[r][0], ranges[r][1], NULL, 1000);
		assert_true(json_is_null(json_object_get(one, "next_cursor")));
		size_t total = json_array_size(json_object_get(one, "lines"));
		assert_true(total > 10);
		int limits[] = { 1, 7, (int)total, (int)total - 1 };
		for (size_t k = 0; k < 4; k++) {
			int pages;
			json_t *all = gl_all_pages(&b, a, ranges[r][0], ranges[r][1], limits[k], &pages);
			assert_lt_json_equal(all, json_object_get(one, "lines"));
			assert_int_equal(pages, (int)((total + (size_t)limits[k] - 1) / (size_t)limits[k]));
			json_decref(all);
		}
		/* Dates are in order and within the range; the last running balance matches the balance as of `to`. */
		size_t i;
		json_t *x;
		const char *prev = "";
		json_array_foreach(json_object_get(one, "lines"), i, x) {
			const char *d = lt_str(x, "date");
			assert_true(strcmp(prev, d) <= 0);
			if (ranges[r][0])
				assert_true(strcmp(d, ranges[r][0]) >= 0);
			if (ranges[r][1])
				assert_true(strcmp(d, ranges[r][1]) <= 0);
			prev = d;
		}
		json_t *last = json_array_get(json_object_get(one, "lines"), total - 1);
		assert_int_equal(lt_minor(lt_str(last, "balance"), 2), lt_balance(&b, a, "USD", ranges[r][1], 2).balance);
		json_decref(one);
	}
	lt_books_close(&b);
}

static char *b64(const char *text)
{
	size_t n = sodium_base64_encoded_len(strlen(text), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = malloc(n);
	assert_non_null(out);
	sodium_bin2base64(out, n, (const unsigned char *)text, strlen(text), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

void test_ledger__general_ledger_refuses_bad_cursor_limit_dates_and_accounts(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	for (int i = 0; i < 3; i++)
		lt_post2(&b, NULL, "2024-01-10", a, c, 100);
	erp_buf o = ERP_BUF_INIT;
	char *forged[] = { b64("[1,2,3]"), b64("not json"), b64("[\"2024-01-10\",1,1,{}]"), b64("[\"2024-13-10\",1,1,[]]"),
		               b64("{\"seq\":1}") };
	const char *garbage[] = { "garbage!", "", "====", "a" };
	for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
		assert_erp_error(erp_ledger_general_ledger(&o, b.ro, a, NULL, NULL, forged[i], 2), ERP_EINVALID, "cursor");
		free(forged[i]);
	}
	for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++)
		assert_erp_error(erp_ledger_general_ledger(&o, b.ro, a, NULL, NULL, garbage[i], 2), ERP_EINVALID, "cursor");
	int limits[] = { 0, -1, 1001 };
	for (size_t i = 0; i < 3; i++)
		assert_erp_error(erp_ledger_general_ledger(&o, b.ro, a, NULL, NULL, NULL, limits[i]), ERP_EINVALID, "limit");
	assert_erp_error(erp_ledger_general_ledger(&o, b.ro, a, "2024-13-01", NULL, NULL, 10), ERP_EINVALID, "from");
	assert_erp_error(erp_ledger_general_ledger(&o, b.ro, a, NULL, "01/01/2024", NULL, 10), ERP_EINVALID, "to");
	assert_erp_error(erp_ledger_general_ledger(&o, b.ro, "01900000-0000-7000-8000-000000000000", NULL, NULL, NULL, 10), ERP_ENOTFOUND,
	                 "account_id");
	assert_erp_error(erp_ledger_general_ledger(&o, b.ro, "acct", NULL, NULL, NULL, 10), ERP_EINVALID, "account_id");
	assert_erp_error(erp_ledger_general_ledger(NULL, b.ro, a, NULL, NULL, NULL, 10), ERP_EINVALID, "out");
	/* A cursor that was returned works. */
	json_t *g = gl_json(&b, a, NULL, NULL, NULL, 2);
	json_t *g2 = gl_json(&b, a, NULL, NULL, lt_str(g, "next_cursor"), 2);
	assert_int_equal(json_array_size(json_object_get(g2, "lines")), 1);
	assert_string_equal(lt_str(json_array_get(json_object_get(g2, "lines"), 0), "balance"), "3.00");
	json_decref(g);
	json_decref(g2);
	erp_buf_dispose(&o);
	lt_books_close(&b);
}

void test_ledger__journal_list_pages_newest_first_and_filters(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37], sales[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	lt_journal(sales, &b, "SAL");
	enum { N = 23 };
	for (int i = 0; i < N; i++) {
		erp_ledger_line l[2] = { lt_dr(a, 100 + i), lt_cr(c, 100 + i) };
		char date[11];
		lt_day(date, (i * 11) % 90);
		erp_ledger_entry e = lt_entry(&b, date, l, 2);
		if (i % 3 == 0)
			e.journal_id = sales;
		e.reference = i % 2 ? "odd" : NULL;
		lt_post(&b, NULL, &e);
	}
	json_t *one = list_json(&b, "{\"limit\":1000}");
	json_t *items = json_object_get(one, "items");
	assert_int_equal(json_array_size(items), N);
	assert_true(json_is_null(json_object_get(one, "next_cursor")));
	for (size_t i = 0; i < N; i++) {
		json_t *x = json_array_get(items, i);
		assert_int_equal(json_integer_value(json_object_get(x, "seq")), N - (json_int_t)i);
		assert_null(json_object_get(x, "lines"));
		assert_true(strlen(lt_str(x, "id")) == 36);
	}
	/* Default query: everything (fewer than the default page). */
	json_t *dflt = list_json(&b, NULL);
	assert_lt_json_equal(json_object_get(dflt, "items"), items);
	json_decref(dflt);
	/* Pages of 5 make the same list, with and without filters. */
	struct {
		const char *from, *to;
		bool journal;
		size_t count; /* -1: not checked */
	} filters[] = {
		{ NULL, NULL, false, N }, { "2024-02-01", NULL, false, (size_t)-1 }, { NULL, "2024-01-31", false, (size_t)-1 },
		{ NULL, NULL, true, 8 },  { "2024-01-15", "2024-03-01", true, (size_t)-1 },
	};
	for (size_t k = 0; k < sizeof filters / sizeof filters[0]; k++) {
		char filter[200] = "", q[400];
		size_t len = 0;
		if (filters[k].from)
			len += (size_t)snprintf(filter + len, sizeof filter - len, ",\"from\":\"%s\"", filters[k].from);
		if (filters[k].to)
			len += (size_t)snprintf(filter + len, sizeof filter - len, ",\"to\":\"%s\"", filters[k].to);
		if (filters[k].journal)
			snprintf(filter + len, sizeof filter - len, ",\"journal_id\":\"%s\"", sales);
		snprintf(q, sizeof q, "{\"limit\":1000%s}", filter);
		json_t *whole = list_json(&b, q);
		json_t *expect = json_object_get(whole, "items");
		json_t *all = json_array();
		char cursor[64] = "";
		int pages = 0;
		do {
			if (cursor[0])
				snprintf(q, sizeof q, "{\"limit\":5,\"cursor\":\"%s\"%s}", cursor, filter);
			else
				snprintf(q, sizeof q, "{\"limit\":5%s}", filter);
			json_t *page = list_json(&b, q);
			assert_true(json_array_size(json_object_get(page, "items")) <= 5);
			json_array_extend(all, json_object_get(page, "items"));
			json_t *next = json_object_get(page, "next_cursor");
			snprintf(cursor, sizeof cursor, "%s", json_is_string(next) ? json_string_value(next) : "");
			json_decref(page);
			assert_true(++pages < 100);
		} while (cursor[0]);
		assert_lt_json_equal(all, expect);
		assert_true(json_array_size(expect) > 0);
		if (filters[k].count != (size_t)-1)
			assert_int_equal(json_array_size(expect), filters[k].count);
		size_t i;
		json_t *x;
		json_array_foreach(expect, i, x) {
			if (filters[k].from)
				assert_true(strcmp(lt_str(x, "date"), filters[k].from) >= 0);
			if (filters[k].to)
				assert_true(strcmp(lt_str(x, "date"), filters[k].to) <= 0);
			if (filters[k].journal)
				assert_string_equal(lt_str(x, "journal_id"), sales);
		}
		/* Nothing that matches is left out. */
		size_t matching = 0;
		json_array_foreach(items, i, x)
			matching += (!filters[k].from || strcmp(lt_str(x, "date"), filters[k].from) >= 0) &&
			            (!filters[k].to || strcmp(lt_str(x, "date"), filters[k].to) <= 0) &&
			            (!filters[k].journal || strcmp(lt_str(x, "journal_id"), sales) == 0);
		assert_int_equal(json_array_size(expect), matching);
		json_decref(all);
		json_decref(whole);
	}
	json_decref(one);
	lt_books_close(&b);
}

void test_ledger__journal_list_refuses_bad_queries(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	erp_buf o = ERP_BUF_INIT;
	struct {
		const char *query, *field;
	} bad[] = {
		{ "{\"cursor\":\"abc\"}", "cursor" },    { "{\"cursor\":\"0\"}", "cursor" },     { "{\"cursor\":\"-3\"}", "cursor" },
		{ "{\"cursor\":5}", "cursor" },          { "{\"cursor\":\"\"}", "cursor" },      { "{\"limit\":0}", "limit" },
		{ "{\"limit\":1001}", "limit" },         { "{\"limit\":\"5\"}", "limit" },        { "{\"limit\":2.5}", "limit" },
		{ "{\"from\":\"2024-02-30\"}", "from" }, { "{\"to\":20240101}", "to" },           { "{\"journal_id\":\"x\"}", "journal_id" },
		{ "{\"foo\":1}", "foo" },                { "not json", "query" },                 { "[]", "query" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_erp_error(erp_ledger_entry_list(&o, b.ro, bad[i].query), ERP_EINVALID, bad[i].field);
	assert_erp_error(erp_ledger_entry_list(NULL, b.ro, NULL), ERP_EINVALID, "out");
	erp_buf_dispose(&o);
	lt_books_close(&b);
}

ERP_CONFORMANCE_GROUP(240, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
