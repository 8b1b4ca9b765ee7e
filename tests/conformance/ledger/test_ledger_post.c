/* Posting journal entries (erp/ledger.h): what a post writes and how it reads back. */
#include "ledger/ledger_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_hex64(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

void test_ledger__post_writes_entry_lines_balances_and_reads_back(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char cash[37], sales[37], tax[37], partner[37], analytic[37], id[37];
	lt_account(cash, &b, "1000", NULL, true);
	lt_account(sales, &b, "4000", NULL, true);
	lt_account(tax, &b, "2100", "USD", true);
	lt_partner(partner, &b, "Customer A");
	lt_analytic(analytic, &b, "Project X");
	erp_ledger_line l[3] = { lt_dr(cash, 12000), lt_cr(sales, 10000), lt_cr(tax, 2000) };
	l[0].partner_id = partner;
	l[1].analytic_account_id = analytic;
	l[1].memo = "net";
	erp_ledger_entry e = lt_entry(&b, "2024-03-15", l, 3);
	e.reference = "INV-1";
	e.memo = "first sale";
	lt_post(&b, id, &e);

	json_t *got = lt_get(b.ro, id);
	assert_string_equal(lt_str(got, "id"), id);
	assert_int_equal(json_integer_value(json_object_get(got, "seq")), 1);
	assert_string_equal(lt_str(got, "journal_id"), b.journal);
	assert_string_equal(lt_str(got, "date"), "2024-03-15");
	assert_string_equal(lt_str(got, "reference"), "INV-1");
	assert_string_equal(lt_str(got, "memo"), "first sale");
	assert_true(json_is_null(json_object_get(got, "idempotency_key")));
	assert_true(json_is_null(json_object_get(got, "reversal_of")));
	assert_true(json_is_null(json_object_get(got, "reversed_by")));
	assert_true(is_hex64(lt_str(got, "hash")));
	assert_string_equal(lt_str(got, "created_by"), "tester");
	assert_true(strlen(lt_str(got, "created_at")) >= 20);
	json_t *lines = json_object_get(got, "lines");
	assert_int_equal(json_array_size(lines), 3);
	const char *accounts[3] = { cash, sales, tax };
	const char *debits[3] = { "120.00", "0.00", "0.00" }, *credits[3] = { "0.00", "100.00", "20.00" };
	for (size_t i = 0; i < 3; i++) {
		json_t *x = json_array_get(lines, i);
		assert_int_equal(json_integer_value(json_object_get(x, "line")), (json_int_t)i + 1);
		assert_string_equal(lt_str(x, "account_id"), accounts[i]);
		assert_string_equal(lt_str(x, "currency"), "USD");
		assert_string_equal(lt_str(x, "debit"), debits[i]);
		assert_string_equal(lt_str(x, "credit"), credits[i]);
	}
	assert_string_equal(lt_str(json_array_get(lines, 0), "partner_id"), partner);
	assert_true(json_is_null(json_object_get(json_array_get(lines, 0), "analytic_account_id")));
	assert_string_equal(lt_str(json_array_get(lines, 1), "analytic_account_id"), analytic);
	assert_string_equal(lt_str(json_array_get(lines, 1), "memo"), "net");
	assert_true(json_is_null(json_object_get(json_array_get(lines, 2), "memo")));
	json_decref(got);

	assert_int_equal(erp_test_count(f->store, b.tenant, "{financial.entries}"), 1);
	assert_int_equal(erp_test_count(f->store, b.tenant, "{financial.entry_lines}"), 3);
	assert_int_equal(erp_test_count(f->store, b.tenant, "{financial.balances}"), 3);
	assert_int_equal(lt_balance(&b, cash, "USD", NULL, 2).balance, 12000);
	assert_int_equal(lt_balance(&b, sales, "USD", NULL, 2).balance, -10000);
	lt_amounts t = lt_balance(&b, tax, "USD", NULL, 2);
	assert_int_equal(t.debit, 0);
	assert_int_equal(t.credit, 2000);
	assert_store_verifies(f->store);
	lt_books_close(&b);
}

void test_ledger__line_currency_defaults_to_the_account_then_the_tenant_base(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char eur[37], any[37], any2[37], id[37];
	lt_account(eur, &b, "1100", "EUR", true);
	lt_account(any, &b, "1200", NULL, true);
	lt_account(any2, &b, "1300", NULL, true);
	/* EUR account without a currency on the line: EUR; the free account named EUR explicitly. */
	erp_ledger_line l[2] = { lt_dr(eur, 500), lt_cr_in(any, 500, "EUR") };
	erp_ledger_entry e = lt_entry(&b, "2024-01-02", l, 2);
	lt_post(&b, id, &e);
	json_t *got = lt_get(b.rw, id);
	json_t *lines = json_object_get(got, "lines");
	assert_string_equal(lt_str(json_array_get(lines, 0), "currency"), "EUR");
	assert_string_equal(lt_str(json_array_get(lines, 1), "currency"), "EUR");
	json_decref(got);
	/* Free accounts without a currency on the line: the tenant's base currency (USD). */
	lt_post2(&b, id, "2024-01-02", any, any2, 700);
	got = lt_get(b.rw, id);
	lines = json_object_get(got, "lines");
	assert_string_equal(lt_str(json_array_get(lines, 0), "currency"), "USD");
	assert_string_equal(lt_str(json_array_get(lines, 1), "currency"), "USD");
	json_decref(got);
	assert_int_equal(lt_balance(&b, any, "EUR", NULL, 2).balance, -500);
	assert_int_equal(lt_balance(&b, any, "USD", NULL, 2).balance, 700);
	assert_int_equal(lt_balance(&b, eur, "EUR", NULL, 2).balance, 500);
	lt_books_close(&b);
}

void test_ledger__entries_get_consecutive_seq_and_a_hash_chained_to_the_previous(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37], ids[4][37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	for (int i = 0; i < 4; i++)
		lt_post2(&b, ids[i], i % 2 ? "2024-02-01" : "2024-01-01", a, c, 100 + i);
	char prev[65] = "";
	for (int i = 0; i < 4; i++) {
		json_t *got = lt_get(b.ro, ids[i]);
		assert_int_equal(json_integer_value(json_object_get(got, "seq")), i + 1);
		assert_string_equal(lt_str(got, "prev_hash"), prev);
		assert_true(is_hex64(lt_str(got, "hash")));
		assert_string_not_equal(lt_str(got, "hash"), prev);
		snprintf(prev, sizeof prev, "%s", lt_str(got, "hash"));
		json_decref(got);
	}
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT last_seq FROM {financial.ledger_state} WHERE tenant_id = '%s'", b.tenant);
	assert_int_equal(erp_test_scalar(f->store, b.tenant, sql), 4);
	/* Chains are per tenant: another tenant starts at 1. */
	lt_books b2;
	lt_books_open(&b2, f->store);
	char a2[37], c2[37], id2[37];
	lt_account(a2, &b2, "1000", NULL, true);
	lt_account(c2, &b2, "2000", NULL, true);
	lt_post2(&b2, id2, "2024-01-01", a2, c2, 1);
	json_t *got = lt_get(b2.ro, id2);
	assert_int_equal(json_integer_value(json_object_get(got, "seq")), 1);
	assert_string_equal(lt_str(got, "prev_hash"), "");
	json_decref(got);
	assert_store_verifies(f->store);
	lt_books_close(&b2);
	lt_books_close(&b);
}

void test_ledger__json_post_keeps_amounts_exact_at_the_currency_exponent(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37], yen[37], yen2[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	lt_account(yen, &b, "1500", "JPY", true);
	lt_account(yen2, &b, "1600", "JPY", true);
	char json[1200];
	snprintf(json, sizeof json,
	         "{\"journal_id\":\"%s\",\"date\":\"2024-05-01\",\"reference\":\"R1\",\"memo\":\"m\",\"lines\":["
	         "{\"account_id\":\"%s\",\"debit\":\"1234.5\",\"memo\":\"lm\"},"
	         "{\"account_id\":\"%s\",\"debit\":\"0.07\"},"
	         "{\"account_id\":\"%s\",\"credit\":\"1234.57\"},"
	         "{\"account_id\":\"%s\",\"debit\":\"1500\"},"
	         "{\"account_id\":\"%s\",\"credit\":\"1500.00\",\"currency\":\"JPY\"}]}",
	         b.journal, a, a, c, yen, yen2);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_post_json(&out, b.rw, json));
	json_t *got = lt_json(out.ptr);
	json_t *lines = json_object_get(got, "lines");
	assert_int_equal(json_array_size(lines), 5);
	assert_string_equal(lt_str(json_array_get(lines, 0), "debit"), "1234.50");
	assert_string_equal(lt_str(json_array_get(lines, 0), "memo"), "lm");
	assert_string_equal(lt_str(json_array_get(lines, 1), "debit"), "0.07");
	assert_string_equal(lt_str(json_array_get(lines, 2), "credit"), "1234.57");
	assert_string_equal(lt_str(json_array_get(lines, 3), "debit"), "1500");
	assert_string_equal(lt_str(json_array_get(lines, 3), "currency"), "JPY");
	assert_string_equal(lt_str(json_array_get(lines, 4), "credit"), "1500");
	/* The output is what erp_ledger_entry_get returns. */
	json_t *again = lt_get(b.ro, lt_str(got, "id"));
	assert_true(json_equal(got, again));
	json_decref(again);
	/* Stored as exact minor units. */
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT sum(debit) FROM {financial.entry_lines} WHERE tenant_id = '%s' AND currency = 'USD'",
	         b.tenant);
	assert_int_equal(erp_test_scalar(f->store, b.tenant, sql), 123457);
	snprintf(sql, sizeof sql, "SELECT sum(credit) FROM {financial.entry_lines} WHERE tenant_id = '%s' AND currency = 'JPY'",
	         b.tenant);
	assert_int_equal(erp_test_scalar(f->store, b.tenant, sql), 1500);
	json_decref(got);

	erp_buf_dispose(&out);
	lt_books_close(&b);
}

void test_ledger__json_post_takes_the_largest_64_bit_amount_and_refuses_more(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	char json[600];
	snprintf(json, sizeof json,
	         "{\"journal_id\":\"%s\",\"date\":\"2024-05-02\",\"lines\":[{\"account_id\":\"%s\",\"debit\":\"92233720368547758.08\"},"
	         "{\"account_id\":\"%s\",\"credit\":\"1.00\"}]}",
	         b.journal, a, c);
	assert_post_json_refused(&b, b.rw, json, ERP_EINVALID, "lines[0].debit");
	snprintf(json, sizeof json,
	         "{\"journal_id\":\"%s\",\"date\":\"2024-05-02\",\"lines\":[{\"account_id\":\"%s\",\"debit\":\"92233720368547758.07\"},"
	         "{\"account_id\":\"%s\",\"credit\":\"92233720368547758.07\"}]}",
	         b.journal, a, c);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_post_json(&out, b.rw, json));
	json_t *got = lt_json(out.ptr);
	assert_string_equal(lt_str(json_array_get(json_object_get(got, "lines"), 0), "debit"), "92233720368547758.07");
	json_decref(got);
	assert_int_equal(lt_balance(&b, a, "USD", NULL, 2).balance, INT64_MAX);
	assert_int_equal(lt_balance(&b, c, "USD", NULL, 2).balance, -INT64_MAX);
	erp_buf_dispose(&out);
	lt_books_close(&b);
}

/*
 * A day's balance of an account holds up to INT64_MAX per side (sums over
 * days are wider; test_ledger_rules.c): one more minor unit is refused
 * naming the line, whatever path it comes by, and nothing is written.
 */
void test_ledger__a_days_balance_never_passes_the_largest_64_bit_amount(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37], d[37], e[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	lt_account(d, &b, "3000", NULL, true);
	lt_account(e, &b, "4000", NULL, true);
	lt_post2(&b, NULL, "2024-05-02", a, c, INT64_MAX);
	erp_ledger_line l1[2] = { lt_dr(a, 1), lt_cr(d, 1) };
	erp_ledger_entry x = lt_entry(&b, "2024-05-02", l1, 2);
	assert_post_refused(&b, b.rw, &x, ERP_EINVALID, "lines[0].debit");
	assert_non_null(strstr(erp_error_last()->message, "2024-05-02"));
	assert_non_null(strstr(erp_error_last()->message, a));
	erp_ledger_line l2[2] = { lt_dr(d, 1), lt_cr(c, 1) };
	x = lt_entry(&b, "2024-05-02", l2, 2);
	assert_post_refused(&b, b.rw, &x, ERP_EINVALID, "lines[1].credit");
	/* in a batch, the entry is named and nothing of the batch is posted */
	erp_ledger_line ok[2] = { lt_dr(d, 100), lt_cr(e, 100) };
	erp_ledger_line bad[3] = { lt_dr(e, 7), lt_cr(d, 8), lt_dr(a, 1) };
	erp_ledger_entry batch[2] = { lt_entry(&b, "2024-05-02", ok, 2), lt_entry(&b, "2024-05-02", bad, 3) };
	assert_batch_refused(&b, batch, 2, ERP_EINVALID, "entries[1].lines[2].debit");
	/* the same over JSON */
	char json[600];
	snprintf(json, sizeof json,
	         "{\"journal_id\":\"%s\",\"date\":\"2024-05-02\",\"lines\":[{\"account_id\":\"%s\",\"debit\":\"0.01\"},"
	         "{\"account_id\":\"%s\",\"credit\":\"0.01\"}]}",
	         b.journal, a, e);
	assert_post_json_refused(&b, b.rw, json, ERP_EINVALID, "lines[0].debit");
	/* Everything else still posts: other days, other accounts, the other side of the full one. */
	lt_post2(&b, NULL, "2024-05-02", d, e, 500);
	lt_post2(&b, NULL, "2024-05-02", e, a, 200);
	x = lt_entry(&b, "2024-05-03", l1, 2);
	lt_post(&b, NULL, &x);
	lt_amounts full = lt_balance(&b, a, "USD", "2024-05-02", 2);
	assert_int_equal(full.debit, INT64_MAX);
	assert_int_equal(full.credit, 200);
	assert_int_equal(lt_balance(&b, d, "USD", NULL, 2).balance, 499);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT posted_total FROM {financial.ledger_state} WHERE tenant_id = '%s'", b.tenant);
	assert_int_equal(erp_test_scalar(f->store, b.tenant, sql), INT64_MAX);
	assert_store_verifies(f->store);
	lt_books_close(&b);
}

void test_ledger__batch_posts_every_entry_in_order_with_consecutive_seq(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	enum { N = 10 };
	erp_ledger_line l[N][2];
	erp_ledger_entry e[N];
	for (int i = 0; i < N; i++) {
		l[i][0] = lt_dr(a, 100 * (i + 1));
		l[i][1] = lt_cr(c, 100 * (i + 1));
		e[i] = lt_entry(&b, i < 5 ? "2024-06-02" : "2024-06-01", l[i], 2);
	}
	erp_buf ids = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_post_batch(&ids, b.rw, e, N));
	json_t *arr = lt_json(ids.ptr);
	assert_int_equal(json_array_size(arr), N);
	for (int i = 0; i < N; i++) {
		json_t *got = lt_get(b.ro, json_string_value(json_array_get(arr, (size_t)i)));
		assert_int_equal(json_integer_value(json_object_get(got, "seq")), i + 1);
		assert_string_equal(lt_str(json_array_get(json_object_get(got, "lines"), 0), "account_id"), a);
		char amount[32];
		lt_format(amount, 100 * (i + 1), 2);
		assert_string_equal(lt_str(json_array_get(json_object_get(got, "lines"), 0), "debit"), amount);
		json_decref(got);
	}
	json_decref(arr);
	assert_int_equal(erp_test_count(f->store, b.tenant, "{financial.entries}"), N);
	assert_int_equal(erp_test_count(f->store, b.tenant, "{financial.entry_lines}"), 2 * N);
	/* Two dates: one balance row per account and date. */
	assert_int_equal(erp_test_count(f->store, b.tenant, "{financial.balances}"), 4);
	assert_int_equal(lt_balance(&b, a, "USD", NULL, 2).balance, 5500);
	assert_int_equal(lt_balance(&b, a, "USD", "2024-06-01", 2).balance, 100 * (6 + 7 + 8 + 9 + 10));
	erp_buf_dispose(&ids);
	assert_store_verifies(f->store);
	lt_books_close(&b);
}

void test_ledger__entries_and_balances_of_another_tenant_are_not_found(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b, other;
	lt_books_open(&b, f->store);
	lt_books_open(&other, f->store);
	char a[37], c[37], id[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	lt_post2(&b, id, "2024-01-05", a, c, 4200);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_error(erp_ledger_entry_get(&out, other.admin, id), ERP_ENOTFOUND, "id");
	assert_erp_error(erp_ledger_account_balance(&out, other.admin, a, NULL), ERP_ENOTFOUND, "account_id");
	assert_erp_error(erp_ledger_general_ledger(&out, other.admin, a, NULL, NULL, NULL, 10), ERP_ENOTFOUND, "account_id");
	assert_erp_ok(erp_ledger_trial_balance(&out, other.ro, NULL));
	json_t *t = lt_json(out.ptr);
	assert_int_equal(json_array_size(json_object_get(t, "accounts")), 0);
	assert_int_equal(json_array_size(json_object_get(t, "totals")), 0);
	json_decref(t);
	assert_erp_ok(erp_ledger_entry_list(&out, other.ro, NULL));
	t = lt_json(out.ptr);
	assert_int_equal(json_array_size(json_object_get(t, "items")), 0);
	json_decref(t);
	/* Malformed ids are EINVALID, not ENOTFOUND. */
	assert_erp_error(erp_ledger_entry_get(&out, b.ro, "not-a-uuid"), ERP_EINVALID, "id");
	assert_erp_error(erp_ledger_account_balance(&out, b.ro, "nope", NULL), ERP_EINVALID, "account_id");
	assert_erp_error(erp_ledger_account_balance(&out, b.ro, a, "2024-02-30"), ERP_EINVALID, "as_of");
	assert_erp_error(erp_ledger_trial_balance(&out, b.ro, "yesterday"), ERP_EINVALID, "as_of");
	erp_buf_dispose(&out);
	lt_books_close(&other);
	lt_books_close(&b);
}

void test_ledger__every_role_reads_the_ledger(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37], id[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	lt_post2(&b, id, "2024-01-05", a, c, 1);
	erp_ctx *roles[3] = { b.ro, b.rw, b.admin };
	erp_buf out = ERP_BUF_INIT;
	for (int i = 0; i < 3; i++) {
		assert_erp_ok(erp_ledger_entry_get(&out, roles[i], id));
		assert_erp_ok(erp_ledger_entry_list(&out, roles[i], NULL));
		assert_erp_ok(erp_ledger_account_balance(&out, roles[i], a, NULL));
		assert_erp_ok(erp_ledger_trial_balance(&out, roles[i], "2024-12-31"));
		assert_erp_ok(erp_ledger_general_ledger(&out, roles[i], a, NULL, NULL, NULL, 5));
		assert_erp_error(erp_ledger_lock_date(&out, roles[i]), ERP_ENOTFOUND, NULL);
	}
	erp_buf_dispose(&out);
	lt_books_close(&b);
}

/* A JSON batch of two entries; the second's debit is `debit` (its credit is 2.50). */
static void two_entries(char *out, size_t cap, const lt_books *b, const char *dr, const char *cr, const char *debit)
{
	snprintf(out, cap,
	         "[{\"journal_id\":\"%s\",\"date\":\"2026-05-01\",\"lines\":["
	         "{\"account_id\":\"%s\",\"debit\":\"10.00\"},{\"account_id\":\"%s\",\"credit\":\"10.00\"}]},"
	         "{\"journal_id\":\"%s\",\"date\":\"2026-05-02\",\"lines\":["
	         "{\"account_id\":\"%s\",\"debit\":\"%s\"},{\"account_id\":\"%s\",\"credit\":\"2.50\"}]}]",
	         b->journal, dr, cr, b->journal, dr, debit, cr);
}

void test_ledger__batch_json_posts_all_or_none_naming_the_entry(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char cash[37], sales[37];
	lt_account(cash, &b, "1000", NULL, true);
	lt_account(sales, &b, "4000", NULL, true);
	char json[1200];
	/* the second entry has too many decimals: nothing is posted, the field names it */
	two_entries(json, sizeof json, &b, cash, sales, "2.505");
	lt_state before = lt_state_of(&b);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_error(erp_ledger_post_batch_json(&out, b.rw, json), ERP_EINVALID, "entries[1].lines[0].debit");
	assert_int_equal(out.size, 0);
	lt_assert_unchanged_at(&b, &before, __FILE__, __LINE__);
	lt_state_free(&before);
	assert_erp_error(erp_ledger_post_batch_json(&out, b.rw, "{\"not\":\"an array\"}"), ERP_EINVALID, "entries");
	assert_erp_error(erp_ledger_post_batch_json(&out, b.rw, "[1]"), ERP_EINVALID, "json");
	assert_erp_error(erp_ledger_post_batch_json(&out, b.rw, "[1, 2]"), ERP_EINVALID, "entries[0]");
	/* corrected, both are posted in order */
	two_entries(json, sizeof json, &b, cash, sales, "2.50");
	assert_erp_ok(erp_ledger_post_batch_json(&out, b.rw, json));
	json_t *ids = lt_json(out.ptr);
	assert_int_equal(json_array_size(ids), 2);
	json_decref(ids);
	erp_buf_dispose(&out);
	assert_int_equal(lt_balance(&b, cash, "USD", NULL, 2).balance, 1250);
	lt_books_close(&b);
}

/* The number of `account` in the ledger of `b`'s tenant, 0 when it has none. */
static int64_t account_no(lt_books *b, const char *account)
{
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT coalesce(max(account_no), 0) FROM {financial.ledger_accounts} WHERE tenant_id = '%s' "
	         "AND account_id = '%s'",
	         b->tenant, account);
	return erp_test_scalar(b->store, b->tenant, sql);
}

void test_ledger__accounts_are_numbered_per_tenant_when_first_posted_to(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b, other;
	lt_books_open(&b, f->store);
	lt_books_open(&other, f->store);
	char a[37], c[37], d[37], x[37], y[37], id[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	lt_account(d, &b, "3000", NULL, true);
	lt_account(x, &other, "1000", NULL, true);
	lt_account(y, &other, "2000", NULL, true);
	assert_int_equal(account_no(&b, a), 0);
	/* A batch refused after the chain lock (its second entry in a closed period) numbers nothing. */
	assert_erp_ok(erp_ledger_set_lock_date(b.admin, "2024-01-31"));
	erp_ledger_line l1[2] = { lt_dr(c, 500), lt_cr(a, 500) }, l2[2] = { lt_dr(d, 100), lt_cr(a, 100) };
	erp_ledger_entry batch[2] = { lt_entry(&b, "2024-02-01", l1, 2), lt_entry(&b, "2024-01-15", l2, 2) };
	lt_state before = lt_state_of(&b);
	erp_buf ids = ERP_BUF_INIT;
	assert_erp_error(erp_ledger_post_batch(&ids, b.rw, batch, 2), ERP_ELOCKED, "entries[1].date");
	assert_lt_unchanged(&b, &before);
	assert_int_equal(account_no(&b, c), 0);
	/* Numbered in the order the batch first meets them, from 1 in each tenant. */
	lt_post2(&b, id, "2024-02-01", c, a, 500);
	lt_post2(&b, id, "2024-02-02", d, a, 100);
	lt_post2(&other, id, "2024-02-01", y, x, 700);
	assert_int_equal(account_no(&b, a) + account_no(&b, c), 3);
	assert_int_equal(account_no(&b, d), 3);
	assert_int_equal(account_no(&other, x) + account_no(&other, y), 3);
	/* The reports speak of the accounts by id, each tenant its own. */
	assert_int_equal(lt_balance(&b, a, "USD", NULL, 2).balance, -600);
	assert_int_equal(lt_balance(&other, x, "USD", NULL, 2).balance, -700);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_error(erp_ledger_account_balance(&out, b.ro, x, NULL), ERP_ENOTFOUND, NULL);
	assert_erp_ok(erp_store_verify(NULL, f->store));
	lt_books_close(&other);
	lt_books_close(&b);
}

ERP_CONFORMANCE_GROUP(190, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
