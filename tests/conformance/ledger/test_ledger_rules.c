/*
 * The posting rules (erp/ledger.h, scenarios P3): every refusal has its own
 * code and field, and writes nothing (rows, balances, chain head and the
 * trial balance unchanged).
 */
#include "ledger/ledger_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_SUCH_ID "01900000-0000-7000-8000-000000000000"

/* Books with two open accounts and one entry already posted, so that balances are not empty. */
typedef struct {
	lt_books b;
	char a[37], c[37];
} rules_books;

static void rules_open(rules_books *r, erp_store *store)
{
	lt_books_open(&r->b, store);
	lt_account(r->a, &r->b, "1000", NULL, true);
	lt_account(r->c, &r->b, "2000", NULL, true);
	lt_post2(&r->b, NULL, "2024-01-10", r->a, r->c, 5000);
}

/* ---- P3 ------------------------------------------------------------------------------------- */

void test_ledger__p3_unbalanced_entry_is_eunbalanced_and_changes_no_balance(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	erp_ledger_line l[3] = { lt_dr(r.a, 1000), lt_cr(r.c, 600), lt_cr(r.c, 399) };
	erp_ledger_entry e = lt_entry(&r.b, "2024-02-01", l, 3);
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EUNBALANCED, "lines");
	/* One minor unit off either way. */
	l[2].credit = 401;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EUNBALANCED, "lines");
	assert_int_equal(lt_balance(&r.b, r.a, "USD", NULL, 2).balance, 5000);
	assert_int_equal(lt_balance(&r.b, r.c, "USD", NULL, 2).balance, -5000);
	l[2].credit = 400;
	lt_post(&r.b, NULL, &e);
	assert_int_equal(lt_balance(&r.b, r.a, "USD", NULL, 2).balance, 6000);
	lt_books_close(&r.b);
}

void test_ledger__p3_entry_balanced_in_total_but_not_per_currency_is_eunbalanced(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	erp_ledger_line l[2] = { lt_dr_in(r.a, 1000, "EUR"), lt_cr_in(r.c, 1000, "USD") };
	erp_ledger_entry e = lt_entry(&r.b, "2024-02-01", l, 2);
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EUNBALANCED, "lines");
	erp_ledger_line m[4] = { lt_dr_in(r.a, 1000, "EUR"), lt_cr_in(r.c, 1000, "USD"), lt_cr_in(r.c, 1000, "EUR"),
		                      lt_dr_in(r.a, 999, "USD") };
	e = lt_entry(&r.b, "2024-02-01", m, 4);
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EUNBALANCED, "lines");
	lt_books_close(&r.b);
}

void test_ledger__p3_account_of_another_tenant_is_enotfound_and_changes_no_balance(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r, other;
	rules_open(&r, f->store);
	rules_open(&other, f->store);
	erp_ledger_line l[2] = { lt_dr(r.a, 700), lt_cr(other.c, 700) };
	erp_ledger_entry e = lt_entry(&r.b, "2024-02-01", l, 2);
	assert_post_refused(&r.b, r.b.rw, &e, ERP_ENOTFOUND, "lines[1].account_id");
	l[0].account_id = other.a;
	l[1].account_id = r.c;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_ENOTFOUND, "lines[0].account_id");
	l[0].account_id = NO_SUCH_ID;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_ENOTFOUND, "lines[0].account_id");
	/* The other tenant's books are untouched too. */
	lt_state theirs = lt_state_of(&other.b);
	l[0].account_id = other.a;
	l[1].account_id = other.c;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_ENOTFOUND, "lines[0].account_id");
	assert_lt_unchanged(&other.b, &theirs);
	lt_books_close(&other.b);
	lt_books_close(&r.b);
}

void test_ledger__p3_entry_dated_on_or_before_the_lock_date_is_elocked(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	assert_erp_ok(erp_ledger_set_lock_date(r.b.admin, "2024-03-31"));
	erp_buf d = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_lock_date(&d, r.b.ro));
	assert_string_equal(d.ptr, "2024-03-31");
	erp_buf_dispose(&d);
	erp_ledger_line l[2] = { lt_dr(r.a, 100), lt_cr(r.c, 100) };
	const char *closed[] = { "2024-03-31", "2024-03-30", "2024-01-01", "2023-12-31", "0001-01-01" };
	for (size_t i = 0; i < sizeof closed / sizeof closed[0]; i++) {
		erp_ledger_entry e = lt_entry(&r.b, closed[i], l, 2);
		assert_post_refused(&r.b, r.b.rw, &e, ERP_ELOCKED, "date");
		assert_post_refused(&r.b, r.b.admin, &e, ERP_ELOCKED, "date");
	}
	erp_ledger_entry open = lt_entry(&r.b, "2024-04-01", l, 2);
	lt_post(&r.b, NULL, &open);
	/* Removing the lock opens the period again. */
	assert_erp_ok(erp_ledger_set_lock_date(r.b.admin, NULL));
	erp_ledger_entry old = lt_entry(&r.b, "2024-01-01", l, 2);
	lt_post(&r.b, NULL, &old);
	assert_int_equal(lt_balance(&r.b, r.a, "USD", NULL, 2).balance, 5200);
	lt_books_close(&r.b);
}

void test_ledger__p3_more_decimals_than_the_currency_allows_is_einvalid(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	char yen[37], yen2[37], json[600];
	lt_account(yen, &r.b, "1500", "JPY", true);
	lt_account(yen2, &r.b, "1600", "JPY", true);
	lt_post2(&r.b, NULL, "2024-01-10", yen, yen2, 300);
	static const char *const usd[][2] = { { "1.005", "1.005" }, { "1.00", "1.001" }, { "0.0001", "0.0001" } };
	for (size_t i = 0; i < 3; i++) {
		snprintf(json, sizeof json,
		         "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"lines\":[{\"account_id\":\"%s\",\"debit\":\"%s\"},"
		         "{\"account_id\":\"%s\",\"credit\":\"%s\"}]}",
		         r.b.journal, r.a, usd[i][0], r.c, usd[i][1]);
		assert_post_json_refused(&r.b, r.b.rw, json, ERP_EINVALID, i == 1 ? "lines[1].credit" : "lines[0].debit");
	}
	snprintf(json, sizeof json,
	         "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"lines\":[{\"account_id\":\"%s\",\"debit\":\"1.5\"},"
	         "{\"account_id\":\"%s\",\"credit\":\"1.5\"}]}",
	         r.b.journal, yen, yen2);
	assert_post_json_refused(&r.b, r.b.rw, json, ERP_EINVALID, "lines[0].debit");
	/* A line currency decides the exponent too. */
	snprintf(json, sizeof json,
	         "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"lines\":[{\"account_id\":\"%s\",\"debit\":\"2\",\"currency\":\"JPY\"},"
	         "{\"account_id\":\"%s\",\"credit\":\"2.5\",\"currency\":\"JPY\"}]}",
	         r.b.journal, r.a, r.c);
	assert_post_json_refused(&r.b, r.b.rw, json, ERP_EINVALID, "lines[1].credit");
	/* Trailing zeros within the exponent are exact, so accepted. */
	snprintf(json, sizeof json,
	         "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"lines\":[{\"account_id\":\"%s\",\"debit\":\"7.000\"},"
	         "{\"account_id\":\"%s\",\"credit\":\"7\"}]}",
	         r.b.journal, yen, yen2);
	assert_erp_ok(erp_ledger_post_json(NULL, r.b.rw, json));
	assert_int_equal(lt_balance(&r.b, yen, "JPY", NULL, 0).balance, 307);
	assert_int_equal(lt_balance(&r.b, r.a, "USD", NULL, 2).balance, 5000);
	lt_books_close(&r.b);
}

/* ---- lines ------------------------------------------------------------------------------------ */

void test_ledger__fewer_than_two_lines_is_einvalid(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	erp_ledger_line l[2] = { lt_dr(r.a, 100), lt_cr(r.c, 100) };
	erp_ledger_entry e = lt_entry(&r.b, "2024-02-01", l, 1);
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "lines");
	e.line_count = 0;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "lines");
	e.line_count = 2;
	e.lines = NULL;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "lines");
	char json[300];
	snprintf(json, sizeof json, "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"lines\":[{\"account_id\":\"%s\",\"debit\":\"1.00\"}]}",
	         r.b.journal, r.a);
	assert_post_json_refused(&r.b, r.b.rw, json, ERP_EINVALID, "lines");
	snprintf(json, sizeof json, "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"lines\":[]}", r.b.journal);
	assert_post_json_refused(&r.b, r.b.rw, json, ERP_EINVALID, "lines");
	/* More than 10000 lines. */
	erp_ledger_line *many = calloc(10001, sizeof *many);
	assert_non_null(many);
	for (size_t i = 0; i < 10001; i++)
		many[i] = i % 2 ? lt_cr(r.c, 1) : lt_dr(r.a, 1);
	many[10000] = lt_dr(r.a, 1);
	e = lt_entry(&r.b, "2024-02-01", many, 10001);
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "lines");
	free(many);
	lt_books_close(&r.b);
}

void test_ledger__line_with_both_neither_or_negative_amounts_is_einvalid(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	struct {
		int64_t debit, credit;
		const char *field;
	} bad[] = {
		{ 100, 100, "lines[1].credit" }, /* both */
		{ 0, 0, "lines[1].debit" },      /* neither */
		{ -100, 0, "lines[1].debit" },   /* negative debit */
		{ 0, -100, "lines[1].credit" },  /* negative credit */
		{ -100, 200, "lines[1].debit" },
		{ INT64_MIN, 0, "lines[1].debit" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		erp_ledger_line l[3] = { lt_dr(r.a, 100), { r.c, bad[i].debit, bad[i].credit, NULL, NULL, NULL, NULL }, lt_cr(r.c, 100) };
		erp_ledger_entry e = lt_entry(&r.b, "2024-02-01", l, 3);
		assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, bad[i].field);
	}
	lt_books_close(&r.b);
}

/* ---- references ----------------------------------------------------------------------------------- */

void test_ledger__unknown_or_foreign_journal_is_enotfound_malformed_is_einvalid(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r, other;
	rules_open(&r, f->store);
	rules_open(&other, f->store);
	erp_ledger_line l[2] = { lt_dr(r.a, 100), lt_cr(r.c, 100) };
	erp_ledger_entry e = lt_entry(&r.b, "2024-02-01", l, 2);
	e.journal_id = NO_SUCH_ID;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_ENOTFOUND, "journal_id");
	e.journal_id = other.b.journal;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_ENOTFOUND, "journal_id");
	e.journal_id = "journal-1";
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "journal_id");
	e.journal_id = NULL;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "journal_id");
	lt_books_close(&other.b);
	lt_books_close(&r.b);
}

void test_ledger__account_closed_to_posting_is_einvalid(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	char view[37];
	lt_account(view, &r.b, "1999", NULL, false);
	erp_ledger_line l[2] = { lt_dr(view, 100), lt_cr(r.c, 100) };
	erp_ledger_entry e = lt_entry(&r.b, "2024-02-01", l, 2);
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "lines[0].account_id");
	/* Opening it makes the same entry valid. */
	erp_buf o = ERP_BUF_INIT;
	assert_erp_ok(erp_entity_update(&o, r.b.rw, "financial.account", view, 1, "{\"allow_posting\":true}"));
	erp_buf_dispose(&o);
	lt_post(&r.b, NULL, &e);
	assert_int_equal(lt_balance(&r.b, view, "USD", NULL, 2).balance, 100);
	lt_books_close(&r.b);
}

void test_ledger__line_currency_other_than_the_account_currency_is_einvalid(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	char eur[37], eur2[37];
	lt_account(eur, &r.b, "1100", "EUR", true);
	lt_account(eur2, &r.b, "1101", "EUR", true);
	erp_ledger_line l[2] = { lt_dr_in(eur, 100, "USD"), lt_cr_in(r.c, 100, "USD") };
	erp_ledger_entry e = lt_entry(&r.b, "2024-02-01", l, 2);
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "lines[0].currency");
	/* A free account without a line currency is in USD (the base), not the EUR of the account it faces. */
	erp_ledger_line m[2] = { lt_dr(eur, 100), lt_cr(r.c, 100) };
	e = lt_entry(&r.b, "2024-02-01", m, 2);
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EUNBALANCED, "lines");
	/* Currencies unknown or not in ISO shape. */
	const char *bad[] = { "XYZ", "usd", "US", "EURO", "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		erp_ledger_line n[2] = { lt_dr(r.a, 100), lt_cr_in(r.c, 100, bad[i]) };
		e = lt_entry(&r.b, "2024-02-01", n, 2);
		assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "lines[1].currency");
	}
	erp_ledger_line ok[2] = { lt_dr(eur, 100), lt_cr(eur2, 100) };
	e = lt_entry(&r.b, "2024-02-01", ok, 2);
	lt_post(&r.b, NULL, &e);
	lt_books_close(&r.b);
}

void test_ledger__unknown_or_foreign_partner_and_analytic_account_are_enotfound(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r, other;
	rules_open(&r, f->store);
	rules_open(&other, f->store);
	char partner[37], theirs[37], analytic[37], their_analytic[37];
	lt_partner(partner, &r.b, "Mine");
	lt_partner(theirs, &other.b, "Theirs");
	lt_analytic(analytic, &r.b, "Mine");
	lt_analytic(their_analytic, &other.b, "Theirs");
	erp_ledger_line l[2] = { lt_dr(r.a, 100), lt_cr(r.c, 100) };
	erp_ledger_entry e = lt_entry(&r.b, "2024-02-01", l, 2);
	l[1].partner_id = NO_SUCH_ID;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_ENOTFOUND, "lines[1].partner_id");
	l[1].partner_id = theirs;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_ENOTFOUND, "lines[1].partner_id");
	l[1].partner_id = partner;
	l[0].analytic_account_id = NO_SUCH_ID;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_ENOTFOUND, "lines[0].analytic_account_id");
	l[0].analytic_account_id = their_analytic;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_ENOTFOUND, "lines[0].analytic_account_id");
	l[0].analytic_account_id = analytic;
	lt_post(&r.b, NULL, &e);
	lt_books_close(&other.b);
	lt_books_close(&r.b);
}

void test_ledger__malformed_ids_are_einvalid(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	erp_ledger_line l[2] = { lt_dr(r.a, 100), lt_cr(r.c, 100) };
	erp_ledger_entry e = lt_entry(&r.b, "2024-02-01", l, 2);
	const char *bad[] = { "not-a-uuid", "", "01900000-0000-7000-8000-00000000000", "01900000-0000-7000-8000-0000000000000",
		                  "0190000g-0000-7000-8000-000000000000", "'; DROP TABLE x; --" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		l[1].account_id = bad[i];
		assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "lines[1].account_id");
		l[1].account_id = r.c;
		l[0].partner_id = bad[i];
		assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "lines[0].partner_id");
		l[0].partner_id = NULL;
		l[1].analytic_account_id = bad[i];
		assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "lines[1].analytic_account_id");
		l[1].analytic_account_id = NULL;
	}
	l[0].account_id = NULL;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "lines[0].account_id");
	lt_books_close(&r.b);
}

void test_ledger__bad_dates_are_einvalid(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	erp_ledger_line l[2] = { lt_dr(r.a, 100), lt_cr(r.c, 100) };
	const char *bad[] = { "2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "24-01-01",
		                  "2024/01/01", "2024-1-01", "2024-01-01T00:00:00Z", "", "0000-01-01", NULL };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		erp_ledger_entry e = lt_entry(&r.b, bad[i], l, 2);
		assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "date");
	}
	erp_ledger_entry leap = lt_entry(&r.b, "2024-02-29", l, 2);
	lt_post(&r.b, NULL, &leap);
	lt_books_close(&r.b);
}

void test_ledger__texts_keys_and_versions_out_of_bounds_are_einvalid(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	char big[1200];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	erp_ledger_line l[2] = { lt_dr(r.a, 100), lt_cr(r.c, 100) };
	erp_ledger_entry e = lt_entry(&r.b, "2024-02-01", l, 2);
	big[101] = '\0';
	e.reference = big;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "reference");
	e.reference = "bad \xff utf-8";
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "reference");
	e.reference = NULL;
	big[101] = 'x';
	big[1001] = '\0';
	e.memo = big;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "memo");
	e.memo = NULL;
	big[1001] = 'x';
	big[501] = '\0';
	l[1].memo = big;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "lines[1].memo");
	l[1].memo = NULL;
	big[501] = 'x';
	big[201] = '\0';
	const char *keys[] = { "", "with space", "tab\tkey", "caf\xc3\xa9", big };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		e.idempotency_key = keys[i];
		assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "idempotency_key");
	}
	e.idempotency_key = NULL;
	e.version = 0;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "version");
	e.version = ERP_LEDGER_ENTRY_VERSION + 1;
	assert_post_refused(&r.b, r.b.rw, &e, ERP_EINVALID, "version");
	lt_state before = lt_state_of(&r.b);
	assert_erp_error(erp_ledger_post(NULL, r.b.rw, NULL), ERP_EINVALID, "entry");
	assert_erp_error(erp_ledger_post(NULL, NULL, &e), ERP_EINVALID, NULL);
	assert_lt_unchanged(&r.b, &before);
	/* The limits themselves are accepted. */
	char key[201], reference[101], memo[1001], line_memo[501];
	memset(key, '~', 200);
	key[200] = '\0';
	memset(reference, 'r', 100);
	reference[100] = '\0';
	memset(memo, 'm', 1000);
	memo[1000] = '\0';
	memset(line_memo, 'l', 500);
	line_memo[500] = '\0';
	e.version = ERP_LEDGER_ENTRY_VERSION;
	e.idempotency_key = key;
	e.reference = reference;
	e.memo = memo;
	l[1].memo = line_memo;
	char id[37];
	lt_post(&r.b, id, &e);
	json_t *got = lt_get(r.b.ro, id);
	assert_string_equal(lt_str(got, "idempotency_key"), key);
	assert_string_equal(lt_str(got, "reference"), reference);
	assert_string_equal(lt_str(got, "memo"), memo);
	assert_string_equal(lt_str(json_array_get(json_object_get(got, "lines"), 1), "memo"), line_memo);
	json_decref(got);
	lt_books_close(&r.b);
}

/* ---- JSON --------------------------------------------------------------------------------------------- */

void test_ledger__json_floats_unknown_keys_and_malformed_text_are_einvalid(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	char json[700];
	const char *j = r.b.journal;
	struct {
		const char *line0;   /* the first line's members after account_id */
		const char *field;
	} amounts[] = {
		{ "\"debit\":12.5", "lines[0].debit" },
		{ "\"debit\":1250", "lines[0].debit" },
		{ "\"debit\":1.25e3", "lines[0].debit" },
		{ "\"debit\":true", "lines[0].debit" },
		{ "\"debit\":\"abc\"", "lines[0].debit" },
		{ "\"debit\":\"1e3\"", "lines[0].debit" },
		{ "\"debit\":\" 12.50\"", "lines[0].debit" },
		{ "\"debit\":\"12.\"", "lines[0].debit" },
		{ "\"debit\":\".50\"", "lines[0].debit" },
		{ "\"debit\":\"-12.50\"", "lines[0].debit" },
		{ "\"debit\":\"0.00\"", "lines[0].debit" },
		{ "\"debit\":null", "lines[0].debit" },
		{ "\"credit\":12.5", "lines[0].credit" },
		{ "\"debit\":\"12.50\",\"foo\":1", "lines[0].foo" },
		{ "\"debit\":\"12.50\",\"memo\":7", "lines[0].memo" },
		{ "\"debit\":\"12.50\",\"currency\":5", "lines[0].currency" },
	};
	for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
		snprintf(json, sizeof json,
		         "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"lines\":[{\"account_id\":\"%s\",%s},"
		         "{\"account_id\":\"%s\",\"credit\":\"12.50\"}]}",
		         j, r.a, amounts[i].line0, r.c);
		assert_post_json_refused(&r.b, r.b.rw, json, ERP_EINVALID, amounts[i].field);
	}
	/* Entry-level keys. */
	snprintf(json, sizeof json,
	         "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"foo\":\"bar\",\"lines\":[{\"account_id\":\"%s\",\"debit\":\"1.00\"},"
	         "{\"account_id\":\"%s\",\"credit\":\"1.00\"}]}",
	         j, r.a, r.c);
	assert_post_json_refused(&r.b, r.b.rw, json, ERP_EINVALID, "foo");
	snprintf(json, sizeof json,
	         "{\"journal_id\":\"%s\",\"date\":20240201,\"lines\":[{\"account_id\":\"%s\",\"debit\":\"1.00\"},"
	         "{\"account_id\":\"%s\",\"credit\":\"1.00\"}]}",
	         j, r.a, r.c);
	assert_post_json_refused(&r.b, r.b.rw, json, ERP_EINVALID, "date");
	snprintf(json, sizeof json, "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"lines\":{}}", j);
	assert_post_json_refused(&r.b, r.b.rw, json, ERP_EINVALID, "lines");
	snprintf(json, sizeof json, "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"lines\":[1,2]}", j);
	assert_post_json_refused(&r.b, r.b.rw, json, ERP_EINVALID, "lines[0]");
	/* Not JSON, not an object, duplicate keys. */
	const char *malformed[] = { "", "{", "{\"journal_id\":}", "[]", "\"entry\"", "null", "{\"date\":\"2024-02-01\",\"date\":\"2024-02-02\"}" };
	for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
		assert_post_json_refused(&r.b, r.b.rw, malformed[i], ERP_EINVALID, "json");
	assert_post_json_refused(&r.b, r.b.rw, NULL, ERP_EINVALID, "json");
	/* The same entry, well formed, posts. */
	snprintf(json, sizeof json,
	         "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"lines\":[{\"account_id\":\"%s\",\"debit\":\"12.50\"},"
	         "{\"account_id\":\"%s\",\"credit\":\"12.50\"}]}",
	         j, r.a, r.c);
	assert_erp_ok(erp_ledger_post_json(NULL, r.b.rw, json));
	assert_int_equal(lt_balance(&r.b, r.a, "USD", NULL, 2).balance, 6250);
	lt_books_close(&r.b);
}

/* ---- roles and the lock date ------------------------------------------------------------------------ */

void test_ledger__readonly_may_not_post_reverse_or_batch(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	char id[37], json[400];
	lt_post2(&r.b, id, "2024-01-11", r.a, r.c, 100);
	erp_ledger_line l[2] = { lt_dr(r.a, 100), lt_cr(r.c, 100) };
	erp_ledger_entry e = lt_entry(&r.b, "2024-02-01", l, 2);
	assert_post_refused(&r.b, r.b.ro, &e, ERP_EPERM, NULL);
	snprintf(json, sizeof json,
	         "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"lines\":[{\"account_id\":\"%s\",\"debit\":\"1.00\"},"
	         "{\"account_id\":\"%s\",\"credit\":\"1.00\"}]}",
	         r.b.journal, r.a, r.c);
	assert_post_json_refused(&r.b, r.b.ro, json, ERP_EPERM, NULL);
	lt_state before = lt_state_of(&r.b);
	assert_erp_error(erp_ledger_post_batch(NULL, r.b.ro, &e, 1), ERP_EPERM, NULL);
	assert_erp_error(erp_ledger_reverse(NULL, r.b.ro, id, "2024-02-01"), ERP_EPERM, NULL);
	assert_lt_unchanged(&r.b, &before);
	/* readwrite and admin may. */
	lt_post(&r.b, NULL, &e);
	assert_erp_ok(erp_ledger_post(NULL, r.b.admin, &e));
	lt_books_close(&r.b);
}

void test_ledger__only_admin_sets_the_lock_date(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r;
	rules_open(&r, f->store);
	erp_buf d = ERP_BUF_INIT;
	int64_t audit = erp_test_count(f->store, r.b.tenant, "{system.audit_log}");
	assert_erp_error(erp_ledger_set_lock_date(r.b.rw, "2024-03-31"), ERP_EPERM, NULL);
	assert_erp_error(erp_ledger_set_lock_date(r.b.ro, "2024-03-31"), ERP_EPERM, NULL);
	assert_erp_error(erp_ledger_lock_date(&d, r.b.ro), ERP_ENOTFOUND, NULL);
	assert_erp_error(erp_ledger_set_lock_date(r.b.admin, "2024-02-30"), ERP_EINVALID, "date");
	assert_erp_error(erp_ledger_set_lock_date(r.b.admin, "31/03/2024"), ERP_EINVALID, "date");
	assert_erp_error(erp_ledger_lock_date(&d, r.b.ro), ERP_ENOTFOUND, NULL);
	assert_int_equal(erp_test_count(f->store, r.b.tenant, "{system.audit_log}"), audit);

	assert_erp_ok(erp_ledger_set_lock_date(r.b.admin, "2024-03-31"));
	assert_int_equal(erp_test_count(f->store, r.b.tenant, "{system.audit_log}"), audit + 1);
	assert_erp_error(erp_ledger_set_lock_date(r.b.rw, NULL), ERP_EPERM, NULL);
	assert_erp_error(erp_ledger_set_lock_date(r.b.rw, "2020-01-01"), ERP_EPERM, NULL);
	assert_erp_ok(erp_ledger_lock_date(&d, r.b.rw));
	assert_string_equal(d.ptr, "2024-03-31");
	assert_int_equal(erp_test_count(f->store, r.b.tenant, "{system.audit_log}"), audit + 1);
	/* The lock binds the admin too, and only this tenant. */
	erp_ledger_line l[2] = { lt_dr(r.a, 100), lt_cr(r.c, 100) };
	erp_ledger_entry e = lt_entry(&r.b, "2024-03-01", l, 2);
	assert_post_refused(&r.b, r.b.admin, &e, ERP_ELOCKED, "date");
	rules_books other;
	rules_open(&other, f->store);
	erp_ledger_line m[2] = { lt_dr(other.a, 100), lt_cr(other.c, 100) };
	erp_ledger_entry e2 = lt_entry(&other.b, "2024-03-01", m, 2);
	lt_post(&other.b, NULL, &e2);
	assert_erp_error(erp_ledger_lock_date(&d, other.b.ro), ERP_ENOTFOUND, NULL);
	assert_erp_ok(erp_ledger_set_lock_date(r.b.admin, NULL));
	assert_erp_error(erp_ledger_lock_date(&d, r.b.ro), ERP_ENOTFOUND, NULL);
	erp_buf_dispose(&d);
	lt_books_close(&other.b);
	lt_books_close(&r.b);
}

/* ---- batches ----------------------------------------------------------------------------------------- */

void test_ledger__batch_with_one_bad_entry_writes_nothing_and_names_it(void **state)
{
	erp_conformance_fixture *f = *state;
	rules_books r, other;
	rules_open(&r, f->store);
	rules_open(&other, f->store);
	assert_erp_ok(erp_ledger_set_lock_date(r.b.admin, "2023-12-31"));
	enum { N = 10 };
	erp_ledger_line l[N][2];
	erp_ledger_entry e[N];
	for (int i = 0; i < N; i++) {
		l[i][0] = lt_dr(r.a, 100 + i);
		l[i][1] = lt_cr(r.c, 100 + i);
		e[i] = lt_entry(&r.b, "2024-02-01", l[i], 2);
	}
	l[7][0].account_id = other.a;
	assert_batch_refused(&r.b, e, N, ERP_ENOTFOUND, "entries[7].lines[0].account_id");
	l[7][0].account_id = r.a;
	l[3][1].credit = 1;
	assert_batch_refused(&r.b, e, N, ERP_EUNBALANCED, "entries[3].lines");
	l[3][1].credit = 103;
	e[9].date = "2023-12-31";
	assert_batch_refused(&r.b, e, N, ERP_ELOCKED, "entries[9].date");
	e[9].date = "2024-02-01";
	l[5][1].account_id = "bad";
	assert_batch_refused(&r.b, e, N, ERP_EINVALID, "entries[5].lines[1].account_id");
	l[5][1].account_id = r.c;
	e[0].journal_id = NO_SUCH_ID;
	assert_batch_refused(&r.b, e, N, ERP_ENOTFOUND, "entries[0].journal_id");
	e[0].journal_id = r.b.journal;
	e[8].line_count = 1;
	assert_batch_refused(&r.b, e, N, ERP_EINVALID, "entries[8].lines");
	e[8].line_count = 2;
	assert_batch_refused(&r.b, e, 0, ERP_EINVALID, "entries");
	assert_batch_refused(&r.b, NULL, 3, ERP_EINVALID, "entries");
	erp_ledger_entry *huge = calloc(100001, sizeof *huge);
	assert_non_null(huge);
	for (size_t i = 0; i < 100001; i++)
		huge[i] = e[i % N];
	assert_batch_refused(&r.b, huge, 100001, ERP_EINVALID, "entries");
	free(huge);
	/* Corrected, the whole batch posts. */
	erp_buf ids = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_post_batch(&ids, r.b.rw, e, N));
	json_t *arr = lt_json(ids.ptr);
	assert_int_equal(json_array_size(arr), N);
	json_decref(arr);
	erp_buf_dispose(&ids);
	assert_int_equal(lt_balance(&r.b, r.a, "USD", NULL, 2).balance, 5000 + 100 * N + 45);
	lt_books_close(&other.b);
	lt_books_close(&r.b);
}

/* ---- 64-bit bounds ---------------------------------------------------------------------------------- */

/*
 * Amounts and each day's balance are int64; an account's total over many
 * days may pass that, and is then read exactly (sums are 128-bit).
 */
void test_ledger__balances_beyond_64_bits_stay_exact_and_a_day_cannot_overflow(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	erp_ledger_line l[2] = { lt_dr(a, INT64_MAX), lt_cr(c, INT64_MAX) };
	erp_ledger_entry e = lt_entry(&b, "2024-01-01", l, 2);
	lt_post(&b, NULL, &e);
	/* One more cent on the same day: that day's balance would overflow. */
	erp_ledger_line m[2] = { lt_dr(a, 1), lt_cr(c, 1) };
	erp_ledger_entry same_day = lt_entry(&b, "2024-01-01", m, 2);
	lt_state before = lt_state_of(&b);
	int rc = erp_ledger_post(NULL, b.rw, &same_day);
	if (rc != ERP_EINVALID)
		fail_msg("one more cent on the same day after INT64_MAX: expected ERP_EINVALID, got %s", erp_error_name(rc));
	assert_lt_unchanged(&b, &before);
	/* One more cent on another day: accepted, and every report reads the exact total. */
	erp_ledger_entry next_day = lt_entry(&b, "2024-01-02", m, 2);
	lt_post(&b, NULL, &next_day);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_account_balance(&out, b.ro, a, NULL));
	assert_non_null(strstr(out.ptr, "\"debit\":\"92233720368547758.08\""));
	assert_erp_ok(erp_ledger_trial_balance(&out, b.ro, NULL));
	assert_non_null(strstr(out.ptr, "\"totals\":[{\"currency\":\"USD\",\"debit\":\"92233720368547758.08\",\"credit\":\"92233720368547758.08\"}]"));
	assert_erp_ok(erp_ledger_general_ledger(&out, b.ro, a, "2024-01-02", NULL, NULL, 10));
	assert_non_null(strstr(out.ptr, "\"balance\":\"92233720368547758.08\""));
	erp_buf_dispose(&out);
	assert_erp_ok(erp_store_verify(NULL, f->store));
	/* An entry whose own lines add up beyond 64 bits. */
	erp_ledger_line big[3] = { lt_dr(a, INT64_MAX), lt_dr(a, 1), lt_cr(c, INT64_MAX) };
	e = lt_entry(&b, "2024-01-03", big, 3);
	assert_post_refused(&b, b.rw, &e, ERP_EINVALID, "lines");
	lt_books_close(&b);
}

ERP_CONFORMANCE_GROUP(200, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
