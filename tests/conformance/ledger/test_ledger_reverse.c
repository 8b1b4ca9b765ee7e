/*
 * Reversal (erp/ledger.h, scenario P1 from Tryton's scenario_move_cancel):
 * the mirror entry points to its origin, every account nets to zero, and
 * an entry is reversed at most once.
 */
#include "ledger/ledger_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	lt_books b;
	char revenue[37], receivable[37], customer_a[37], customer_b[37], move[37];
} p1_books;

/* Revenue credit 42.00; receivable debit 32.00 (customer A) and 10.00 (customer B). */
static void p1_open(p1_books *p, erp_store *store)
{
	lt_books_open(&p->b, store);
	char json[200];
	erp_buf o = ERP_BUF_INIT;
	snprintf(json, sizeof json, "{\"code\":\"700\",\"name\":\"Revenue\",\"type\":\"income\"}");
	assert_erp_ok(erp_entity_create(&o, p->b.rw, "financial.account", json));
	json_t *v = lt_json(o.ptr);
	snprintf(p->revenue, 37, "%s", lt_str(v, "id"));
	json_decref(v);
	snprintf(json, sizeof json, "{\"code\":\"411\",\"name\":\"Receivable\",\"type\":\"asset\",\"reconcilable\":true}");
	assert_erp_ok(erp_entity_create(&o, p->b.rw, "financial.account", json));
	v = lt_json(o.ptr);
	snprintf(p->receivable, 37, "%s", lt_str(v, "id"));
	json_decref(v);
	erp_buf_dispose(&o);
	lt_partner(p->customer_a, &p->b, "Customer A");
	lt_partner(p->customer_b, &p->b, "Customer B");
	erp_ledger_line l[3] = { lt_cr(p->revenue, 4200), lt_dr(p->receivable, 3200), lt_dr(p->receivable, 1000) };
	l[1].partner_id = p->customer_a;
	l[2].partner_id = p->customer_b;
	erp_ledger_entry e = lt_entry(&p->b, "2024-04-10", l, 3);
	e.reference = "INV/2024/0001";
	lt_post(&p->b, p->move, &e);
}

static int64_t partner_net(p1_books *p, const char *partner)
{
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT coalesce(sum(debit), 0) - coalesce(sum(credit), 0) FROM {financial.entry_lines} "
	         "WHERE tenant_id = '%s' AND partner_id = '%s'",
	         p->b.tenant, partner);
	return erp_test_scalar(p->b.store, p->b.tenant, sql);
}

void test_ledger__p1_reversal_points_to_the_original_and_nets_every_account_to_zero(void **state)
{
	erp_conformance_fixture *f = *state;
	p1_books p;
	p1_open(&p, f->store);
	assert_int_equal(lt_balance(&p.b, p.revenue, "USD", NULL, 2).balance, -4200);
	assert_int_equal(lt_balance(&p.b, p.receivable, "USD", NULL, 2).balance, 4200);
	assert_int_equal(partner_net(&p, p.customer_a), 3200);
	assert_int_equal(partner_net(&p, p.customer_b), 1000);

	erp_buf rid = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_reverse(&rid, p.b.rw, p.move, "2024-04-20"));
	assert_int_equal(rid.size, 36);
	json_t *rev = lt_get(p.b.ro, rid.ptr);
	json_t *orig = lt_get(p.b.ro, p.move);
	/* Linked both ways. */
	assert_string_equal(lt_str(rev, "reversal_of"), p.move);
	assert_true(json_is_null(json_object_get(rev, "reversed_by")));
	assert_string_equal(lt_str(orig, "reversed_by"), rid.ptr);
	assert_true(json_is_null(json_object_get(orig, "reversal_of")));
	/* The mirror: same journal, its own date, debits and credits swapped, partners kept. */
	assert_string_equal(lt_str(rev, "journal_id"), p.b.journal);
	assert_string_equal(lt_str(rev, "date"), "2024-04-20");
	assert_int_equal(json_integer_value(json_object_get(rev, "seq")), 2);
	json_t *rl = json_object_get(rev, "lines"), *ol = json_object_get(orig, "lines");
	assert_int_equal(json_array_size(rl), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *r = json_array_get(rl, i), *o = json_array_get(ol, i);
		assert_string_equal(lt_str(r, "account_id"), lt_str(o, "account_id"));
		assert_string_equal(lt_str(r, "debit"), lt_str(o, "credit"));
		assert_string_equal(lt_str(r, "credit"), lt_str(o, "debit"));
		assert_string_equal(lt_str(r, "currency"), lt_str(o, "currency"));
		assert_true(json_equal(json_object_get(r, "partner_id"), json_object_get(o, "partner_id")));
	}
	assert_string_equal(lt_str(json_array_get(rl, 0), "debit"), "42.00");
	assert_string_equal(lt_str(json_array_get(rl, 1), "credit"), "32.00");
	assert_string_equal(lt_str(json_array_get(rl, 2), "credit"), "10.00");
	json_decref(rev);
	json_decref(orig);

	/* Every account nets to zero: revenue 42.00 debit and 42.00 credit. */
	lt_amounts rv = lt_balance(&p.b, p.revenue, "USD", NULL, 2);
	assert_int_equal(rv.debit, 4200);
	assert_int_equal(rv.credit, 4200);
	assert_int_equal(rv.balance, 0);
	lt_amounts rc = lt_balance(&p.b, p.receivable, "USD", NULL, 2);
	assert_int_equal(rc.debit, 4200);
	assert_int_equal(rc.credit, 4200);
	assert_int_equal(rc.balance, 0);
	assert_int_equal(partner_net(&p, p.customer_a), 0);
	assert_int_equal(partner_net(&p, p.customer_b), 0);
	/* As of a date between the two, the original stands. */
	assert_int_equal(lt_balance(&p.b, p.revenue, "USD", "2024-04-19", 2).balance, -4200);
	assert_int_equal(lt_balance(&p.b, p.revenue, "USD", "2024-04-20", 2).balance, 0);
	/* The trial balance: both accounts at zero, totals 84.00 each side. */
	erp_buf t = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_trial_balance(&t, p.b.ro, NULL));
	json_t *tb = lt_json(t.ptr);
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(tb, "accounts"), i, x)
		assert_string_equal(lt_str(x, "balance"), "0.00");
	json_t *tot = json_array_get(json_object_get(tb, "totals"), 0);
	assert_string_equal(lt_str(tot, "currency"), "USD");
	assert_string_equal(lt_str(tot, "debit"), "84.00");
	assert_string_equal(lt_str(tot, "credit"), "84.00");
	json_decref(tb);
	erp_buf_dispose(&t);
	erp_buf_dispose(&rid);
	assert_store_verifies(f->store);
	lt_books_close(&p.b);
}

void test_ledger__p1_reversing_twice_is_eexists_and_writes_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	p1_books p;
	p1_open(&p, f->store);
	erp_buf rid = ERP_BUF_INIT, again = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_reverse(&rid, p.b.rw, p.move, "2024-04-20"));
	const char *dates[] = { "2024-04-20", "2024-05-01" };
	for (size_t i = 0; i < 2; i++) {
		lt_state before = lt_state_of(&p.b);
		assert_erp_error(erp_ledger_reverse(&again, p.b.rw, p.move, dates[i]), ERP_EEXISTS, "entry_id");
		assert_int_equal(again.size, 0);
		assert_erp_error(erp_ledger_reverse(NULL, p.b.admin, p.move, dates[i]), ERP_EEXISTS, "entry_id");
		assert_lt_unchanged(&p.b, &before);
	}
	json_t *orig = lt_get(p.b.ro, p.move);
	assert_string_equal(lt_str(orig, "reversed_by"), rid.ptr);
	json_decref(orig);
	assert_int_equal(erp_test_count(f->store, p.b.tenant, "{financial.entries}"), 2);
	erp_buf_dispose(&rid);
	erp_buf_dispose(&again);
	lt_books_close(&p.b);
}

void test_ledger__reversal_in_a_locked_period_is_elocked_and_writes_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	p1_books p;
	p1_open(&p, f->store);
	assert_erp_ok(erp_ledger_set_lock_date(p.b.admin, "2024-04-30"));
	lt_state before = lt_state_of(&p.b);
	assert_erp_error(erp_ledger_reverse(NULL, p.b.rw, p.move, "2024-04-30"), ERP_ELOCKED, "date");
	assert_erp_error(erp_ledger_reverse(NULL, p.b.rw, p.move, "2024-04-10"), ERP_ELOCKED, "date");
	assert_lt_unchanged(&p.b, &before);
	json_t *orig = lt_get(p.b.ro, p.move);
	assert_true(json_is_null(json_object_get(orig, "reversed_by")));
	json_decref(orig);
	/* After the lock date, the original (itself in the closed period) can be reversed. */
	assert_erp_ok(erp_ledger_reverse(NULL, p.b.rw, p.move, "2024-05-01"));
	assert_int_equal(lt_balance(&p.b, p.revenue, "USD", NULL, 2).balance, 0);
	assert_int_equal(lt_balance(&p.b, p.revenue, "USD", "2024-04-30", 2).balance, -4200);
	lt_books_close(&p.b);
}

void test_ledger__reversal_of_unknown_foreign_or_malformed_entry_is_refused(void **state)
{
	erp_conformance_fixture *f = *state;
	p1_books p, other;
	p1_open(&p, f->store);
	p1_open(&other, f->store);
	lt_state before = lt_state_of(&p.b), theirs = lt_state_of(&other.b);
	assert_erp_error(erp_ledger_reverse(NULL, p.b.rw, "01900000-0000-7000-8000-000000000000", "2024-05-01"), ERP_ENOTFOUND,
	                 "entry_id");
	assert_erp_error(erp_ledger_reverse(NULL, p.b.rw, other.move, "2024-05-01"), ERP_ENOTFOUND, "entry_id");
	assert_erp_error(erp_ledger_reverse(NULL, p.b.rw, "entry-1", "2024-05-01"), ERP_EINVALID, "entry_id");
	assert_erp_error(erp_ledger_reverse(NULL, p.b.rw, NULL, "2024-05-01"), ERP_EINVALID, "entry_id");
	assert_erp_error(erp_ledger_reverse(NULL, p.b.rw, p.move, "2024-02-30"), ERP_EINVALID, "date");
	assert_erp_error(erp_ledger_reverse(NULL, p.b.rw, p.move, NULL), ERP_EINVALID, "date");
	assert_erp_error(erp_ledger_reverse(NULL, p.b.ro, p.move, "2024-05-01"), ERP_EPERM, NULL);
	assert_lt_unchanged(&p.b, &before);
	assert_lt_unchanged(&other.b, &theirs);
	lt_books_close(&other.b);
	lt_books_close(&p.b);
}

void test_ledger__a_reversal_is_an_entry_that_can_itself_be_reversed_once(void **state)
{
	erp_conformance_fixture *f = *state;
	p1_books p;
	p1_open(&p, f->store);
	erp_buf r1 = ERP_BUF_INIT, r2 = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_reverse(&r1, p.b.rw, p.move, "2024-04-20"));
	assert_erp_ok(erp_ledger_reverse(&r2, p.b.rw, r1.ptr, "2024-04-21"));
	json_t *g = lt_get(p.b.ro, r2.ptr);
	assert_string_equal(lt_str(g, "reversal_of"), r1.ptr);
	json_decref(g);
	g = lt_get(p.b.ro, r1.ptr);
	assert_string_equal(lt_str(g, "reversal_of"), p.move);
	assert_string_equal(lt_str(g, "reversed_by"), r2.ptr);
	json_decref(g);
	assert_erp_error(erp_ledger_reverse(NULL, p.b.rw, r1.ptr, "2024-04-22"), ERP_EEXISTS, "entry_id");
	/* Back to the original's effect. */
	assert_int_equal(lt_balance(&p.b, p.revenue, "USD", NULL, 2).balance, -4200);
	assert_int_equal(lt_balance(&p.b, p.receivable, "USD", NULL, 2).balance, 4200);
	assert_int_equal(erp_test_count(f->store, p.b.tenant, "{financial.entries}"), 3);
	erp_buf_dispose(&r1);
	erp_buf_dispose(&r2);
	assert_store_verifies(f->store);
	lt_books_close(&p.b);
}

void test_ledger__entry_stays_reversible_after_its_account_changes(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char usd[37], other[37], id1[37], id2[37];
	lt_account(usd, &b, "1000", "USD", true);
	lt_account(other, &b, "2000", NULL, true);
	lt_post2(&b, id1, "2024-01-10", usd, other, 900);
	lt_post2(&b, id2, "2024-01-11", usd, other, 100);
	/* Closed to posting: a correction is still possible. */
	erp_buf o = ERP_BUF_INIT;
	assert_erp_ok(erp_entity_update(&o, b.rw, "financial.account", usd, 1, "{\"allow_posting\":false}"));
	assert_erp_ok(erp_ledger_reverse(NULL, b.rw, id1, "2024-02-01"));
	/* Its currency edited after postings in USD: either the edit is refused or the USD entry can still be reversed. */
	int rc = erp_entity_update(&o, b.rw, "financial.account", usd, 2, "{\"currency\":\"EUR\"}");
	char why[300];
	snprintf(why, sizeof why, "%s", erp_error_last()->message);
	int rr = erp_ledger_reverse(NULL, b.rw, id2, "2024-02-02");
	if (rr != ERP_OK)
		fail_msg("account currency edit USD -> EUR after USD postings returned %s (%s); reversing a USD entry of it then "
		         "returned %s (%s)", erp_error_name(rc), rc ? why : "accepted", erp_error_name(rr), erp_error_last()->message);
	assert_int_equal(lt_balance(&b, usd, "USD", NULL, 2).balance, 0);
	erp_buf_dispose(&o);
	lt_books_close(&b);
}

void test_ledger__entry_with_a_long_non_ascii_reference_can_be_reversed(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37], id[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	/* 33 euro signs: 33 characters (within the 100 allowed), 99 bytes of UTF-8. */
	char reference[128] = "";
	for (int i = 0; i < 33; i++)
		strcat(reference, "\xe2\x82\xac");
	erp_ledger_line l[2] = { lt_dr(a, 100), lt_cr(c, 100) };
	erp_ledger_entry e = lt_entry(&b, "2024-01-10", l, 2);
	e.reference = reference;
	lt_post(&b, id, &e);
	erp_buf rid = ERP_BUF_INIT;
	int rc = erp_ledger_reverse(&rid, b.rw, id, "2024-01-11");
	if (rc != ERP_OK)
		fail_msg("reversing an entry whose reference is 33 x U+20AC: %s (%s) field=%s", erp_error_name(rc),
		         erp_error_last()->message, erp_error_last()->field ? erp_error_last()->field : "");
	json_t *g = lt_get(b.ro, rid.ptr);
	assert_string_equal(lt_str(g, "reversal_of"), id);
	json_decref(g);
	erp_buf_dispose(&rid);
	lt_books_close(&b);
}

ERP_CONFORMANCE_GROUP(220, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
