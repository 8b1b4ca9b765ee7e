/*
 * Tamper evidence (erp/ledger.h, erp_store_verify()): rows changed behind
 * the library's back, with the immutability triggers switched off by the
 * tables' owner, are reported, and the report names the first discrepancy.
 *
 * Each test tampers with its own fresh store.
 */
#include "ledger/ledger_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	lt_books b;
	char a[37], c[37], d[37];
	char ids[4][37];
} chain;

/* Four entries; the second one has three lines. */
static void chain_open(chain *ch, erp_store *store)
{
	lt_books_open(&ch->b, store);
	lt_account(ch->a, &ch->b, "1000", NULL, true);
	lt_account(ch->c, &ch->b, "2000", NULL, true);
	lt_account(ch->d, &ch->b, "3000", NULL, true);
	lt_post2(&ch->b, ch->ids[0], "2024-01-10", ch->a, ch->c, 1000);
	erp_ledger_line l[3] = { lt_dr(ch->a, 700), lt_cr(ch->c, 500), lt_cr(ch->d, 200) };
	erp_ledger_entry e = lt_entry(&ch->b, "2024-01-11", l, 3);
	e.memo = "second";
	lt_post(&ch->b, ch->ids[1], &e);
	lt_post2(&ch->b, ch->ids[2], "2024-01-12", ch->d, ch->a, 300);
	lt_post2(&ch->b, ch->ids[3], "2024-01-13", ch->c, ch->d, 50);
}

/* `in` with every `from` replaced by `to`. */
static void replace_all(char *out, size_t cap, const char *in, const char *from, const char *to)
{
	size_t n = 0, lf = strlen(from), lt = strlen(to);
	while (*in && n + 1 < cap) {
		if (strncmp(in, from, lf) == 0 && n + lt < cap) {
			memcpy(out + n, to, lt);
			n += lt;
			in += lf;
		} else {
			out[n++] = *in++;
		}
	}
	out[n] = '\0';
}

/*
 * Runs `stmt` (one statement on `table`, "entries", "entry_lines" or
 * "balances"; TENANT stands for the tenant) as the owner, with the
 * table's triggers off: SQLite drops them, PostgreSQL disables them for
 * the statement's transaction.
 */
static void tamper(erp_conformance_fixture *f, chain *ch, const char *table, const char *stmt)
{
	char sql[600], script[1200], why[600];
	replace_all(sql, sizeof sql, stmt, "TENANT", ch->b.tenant);
	if (erp_test_backend_is("sqlite")) {
		const char *triggers = strcmp(table, "balances") == 0
		                           ? "DROP TRIGGER IF EXISTS financial_balances_only_grow; "
		                             "DROP TRIGGER IF EXISTS financial_balances_no_delete"
		                           : strcmp(table, "entries") == 0
		                                 ? "DROP TRIGGER IF EXISTS financial_entries_immutable_update; "
		                                   "DROP TRIGGER IF EXISTS financial_entries_immutable_delete"
		                                 : "DROP TRIGGER IF EXISTS financial_entry_lines_immutable_update; "
		                                   "DROP TRIGGER IF EXISTS financial_entry_lines_immutable_delete";
		snprintf(script, sizeof script, "%s; %s", triggers, sql);
	} else {
		char pg[600], step[600];
		replace_all(step, sizeof step, sql, "{", "");
		replace_all(pg, sizeof pg, step, "}", "");
		snprintf(script, sizeof script,
		         "ALTER TABLE financial.%s DISABLE TRIGGER USER; %s; ALTER TABLE financial.%s ENABLE TRIGGER USER", table, pg,
		         table);
	}
	if (lt_owner_exec(f->store, f->url, ch->b.tenant, script, why, sizeof why) != ERP_OK)
		fail_msg("tampering failed: %s\n%s", why, script);
}

/* erp_store_verify() fails; returns its ledger detail (malloc'd) after checking the report's shape. */
static char *verify_fails(erp_store *store)
{
	erp_buf report = ERP_BUF_INIT;
	int rc = erp_store_verify(&report, store);
	if (rc != ERP_ERROR)
		fail_msg("erp_store_verify: expected ERP_ERROR, got %s\n%s", erp_error_name(rc), report.ptr ? report.ptr : "");
	json_t *v = lt_json(report.ptr);
	assert_true(json_is_false(json_object_get(v, "ok")));
	char *detail = NULL;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(v, "checks"), i, x) {
		if (strcmp(lt_str(x, "name"), "ledger") == 0) {
			assert_true(json_is_false(json_object_get(x, "ok")));
			detail = strdup(lt_str(x, "detail"));
		} else {
			/* Only the ledger is wrong. */
			if (!json_is_true(json_object_get(x, "ok")))
				fail_msg("check %s failed too: %s", lt_str(x, "name"), lt_str(x, "detail"));
		}
	}
	assert_non_null(detail);
	/* erp_error_last() tells the same. */
	assert_int_equal(erp_error_last()->code, ERP_ERROR);
	assert_non_null(strstr(erp_error_last()->message, detail));
	json_decref(v);
	erp_buf_dispose(&report);
	return detail;
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' does not mention '%s'", text, part);
}

void test_ledger__verify_passes_on_an_untouched_ledger_of_several_tenants(void **state)
{
	erp_conformance_fixture *f = *state;
	chain one, two;
	chain_open(&one, f->store);
	chain_open(&two, f->store);
	assert_erp_ok(erp_ledger_reverse(NULL, two.b.rw, two.ids[1], "2024-02-01"));
	erp_buf report = ERP_BUF_INIT;
	assert_erp_ok(erp_store_verify(&report, f->store));
	json_t *v = lt_json(report.ptr);
	assert_true(json_is_true(json_object_get(v, "ok")));
	size_t i;
	json_t *x;
	bool ledger = false;
	json_array_foreach(json_object_get(v, "checks"), i, x) {
		assert_true(json_is_true(json_object_get(x, "ok")));
		if (strcmp(lt_str(x, "name"), "ledger") == 0) {
			ledger = true;
			assert_contains(lt_str(x, "detail"), "9 entries in 2 tenants");
		}
	}
	assert_true(ledger);
	json_decref(v);
	assert_erp_ok(erp_store_verify(NULL, f->store));
	erp_buf_dispose(&report);
	lt_books_close(&two.b);
	lt_books_close(&one.b);
}

void test_ledger__verify_names_the_first_entry_whose_line_amount_changed(void **state)
{
	erp_conformance_fixture *f = *state;
	chain ch;
	chain_open(&ch, f->store);
	char stmt[300];
	/* Entries 2 and 3 changed: the report names 2, the first. */
	for (int k = 2; k >= 1; k--) {
		snprintf(stmt, sizeof stmt,
		         "UPDATE {financial.entry_lines} SET debit = debit + 1 WHERE tenant_id = 'TENANT' AND "
		         "seq = (SELECT seq FROM {financial.entries} WHERE tenant_id = 'TENANT' AND id = '%s') AND line_no = 1",
		         ch.ids[k]);
		tamper(f, &ch, "entry_lines", stmt);
	}
	char *detail = verify_fails(f->store);
	assert_contains(detail, ch.ids[1]);
	assert_contains(detail, "seq 2");
	assert_null(strstr(detail, ch.ids[2]));
	free(detail);
	lt_books_close(&ch.b);
}

void test_ledger__verify_sees_a_consistent_rewrite_through_the_hash(void **state)
{
	erp_conformance_fixture *f = *state;
	chain ch;
	chain_open(&ch, f->store);
	/* Entry 2 rewritten so that it still balances and its balances still add up: only the hash can tell. */
	char stmt[400];
	snprintf(stmt, sizeof stmt,
	         "UPDATE {financial.entry_lines} SET debit = debit * 10, credit = credit * 10 WHERE tenant_id = 'TENANT' AND "
	         "seq = (SELECT seq FROM {financial.entries} WHERE tenant_id = 'TENANT' AND id = '%s')",
	         ch.ids[1]);
	tamper(f, &ch, "entry_lines", stmt);
	tamper(f, &ch, "balances",
	       "UPDATE {financial.balances} SET debit = debit * 10, credit = credit * 10 WHERE tenant_id = 'TENANT' AND "
	       "date = '2024-01-11'");
	/* The balances agree with the lines again... */
	assert_int_equal(lt_balance(&ch.b, ch.a, "USD", "2024-01-11", 2).balance, 1000 + 7000);
	/* ...but the entry's hash does not. */
	char *detail = verify_fails(f->store);
	assert_contains(detail, ch.ids[1]);
	assert_contains(detail, "changed after posting");
	free(detail);
	lt_books_close(&ch.b);
}

void test_ledger__verify_sees_a_changed_entry_field(void **state)
{
	erp_conformance_fixture *f = *state;
	chain ch;
	chain_open(&ch, f->store);
	char stmt[300];
	snprintf(stmt, sizeof stmt, "UPDATE {financial.entries} SET memo = 'edited' WHERE tenant_id = 'TENANT' AND id = '%s'",
	         ch.ids[3]);
	tamper(f, &ch, "entries", stmt);
	char *detail = verify_fails(f->store);
	assert_contains(detail, ch.ids[3]);
	assert_contains(detail, "changed after posting");
	free(detail);
	lt_books_close(&ch.b);
}

void test_ledger__verify_sees_a_deleted_entry_as_a_gap_in_the_chain(void **state)
{
	erp_conformance_fixture *f = *state;
	chain ch;
	chain_open(&ch, f->store);
	char stmt[300];
	snprintf(stmt, sizeof stmt, "DELETE FROM {financial.entry_lines} WHERE tenant_id = 'TENANT' AND "
	         "seq = (SELECT seq FROM {financial.entries} WHERE tenant_id = 'TENANT' AND id = '%s')", ch.ids[1]);
	tamper(f, &ch, "entry_lines", stmt);
	snprintf(stmt, sizeof stmt, "DELETE FROM {financial.entries} WHERE tenant_id = 'TENANT' AND id = '%s'", ch.ids[1]);
	tamper(f, &ch, "entries", stmt);
	char *detail = verify_fails(f->store);
	assert_contains(detail, ch.ids[2]);
	assert_contains(detail, "sequence 3 where 2 was expected");
	free(detail);
	lt_books_close(&ch.b);
}

void test_ledger__verify_sees_a_tampered_balance_row(void **state)
{
	erp_conformance_fixture *f = *state;
	chain ch;
	chain_open(&ch, f->store);
	/* Growing a balance passes the triggers: only verification can catch it. */
	char sql[500];
	snprintf(sql, sizeof sql,
	         "UPDATE {financial.balances} SET credit = credit + 1 WHERE tenant_id = '%s' AND account_no = "
	         "(SELECT account_no FROM {financial.ledger_accounts} WHERE tenant_id = '%s' AND account_id = '%s') AND "
	         "date = '2024-01-12'",
	         ch.b.tenant, ch.b.tenant, ch.a);
	assert_erp_ok(erp_test_exec(f->store, ch.b.tenant, sql));
	char *detail = verify_fails(f->store);
	assert_contains(detail, ch.a);
	assert_contains(detail, "2024-01-12");
	free(detail);
	lt_books_close(&ch.b);
}

void test_ledger__verify_sees_a_balance_row_without_lines(void **state)
{
	erp_conformance_fixture *f = *state;
	chain ch;
	chain_open(&ch, f->store);
	char sql[400];
	snprintf(sql, sizeof sql,
	         "INSERT INTO {financial.balances} (tenant_id, account_no, currency, date, debit, credit) "
	         "SELECT tenant_id, account_no, 'USD', '2024-06-30', 500, 0 FROM {financial.ledger_accounts} "
	         "WHERE tenant_id = '%s' AND account_id = '%s'",
	         ch.b.tenant, ch.d);
	assert_erp_ok(erp_test_exec(f->store, ch.b.tenant, sql));
	assert_int_equal(lt_balance(&ch.b, ch.d, "USD", NULL, 2).balance, 500 + 300 - 200 - 50);
	char *detail = verify_fails(f->store);
	assert_contains(detail, ch.d);
	assert_contains(detail, "2024-06-30");
	free(detail);
	lt_books_close(&ch.b);
}

void test_ledger__verify_sees_a_chain_head_that_is_not_the_last_entry(void **state)
{
	erp_conformance_fixture *f = *state;
	chain ch;
	chain_open(&ch, f->store);
	char sql[300];
	snprintf(sql, sizeof sql, "UPDATE {financial.ledger_state} SET last_seq = 3 WHERE tenant_id = '%s'", ch.b.tenant);
	assert_erp_ok(erp_test_exec(f->store, ch.b.tenant, sql));
	char *detail = verify_fails(f->store);
	assert_contains(detail, "chain head");
	free(detail);
	lt_books_close(&ch.b);
}

/* A lowered posted total would let a day's balance pass INT64_MAX unchecked. */
void test_ledger__verify_sees_a_posted_total_that_is_not_the_sum_of_debits(void **state)
{
	erp_conformance_fixture *f = *state;
	chain ch;
	chain_open(&ch, f->store);
	char sql[300];
	snprintf(sql, sizeof sql, "UPDATE {financial.ledger_state} SET posted_total = 1 WHERE tenant_id = '%s'", ch.b.tenant);
	assert_erp_ok(erp_test_exec(f->store, ch.b.tenant, sql));
	char *detail = verify_fails(f->store);
	assert_contains(detail, "posted total");
	free(detail);
	lt_books_close(&ch.b);
}

/* No group store: each test tampers with a fresh one of its own. */
ERP_CONFORMANCE_GROUP(290, NULL, NULL);
ERP_CONFORMANCE_TEST_FIXTURES(erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
