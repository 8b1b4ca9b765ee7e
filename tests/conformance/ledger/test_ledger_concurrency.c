/*
 * Concurrent posting (erp/ledger.h thread-safety promise): threads with
 * their own contexts post to overlapping accounts and every post succeeds
 * (the library retries internally), balances end exact, the hash chain has
 * one entry per post with consecutive seq, and erp_store_verify() passes.
 * Races on one idempotency key and on one reversal resolve to one winner.
 */
#include "ledger/ledger_support.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define SHARED 4

typedef struct {
	erp_store *store;
	const char *tenant, *journal;
	char (*accounts)[37];
	int index, posts;
	int64_t delta[SHARED];  /* the net this thread adds to each account */
	int failures;
	char message[300];
} poster;

/* Entry i of thread t: 2 to 4 lines over the shared accounts, in an order that differs between threads. */
static void *post_many(void *arg)
{
	poster *p = arg;
	erp_ctx *ctx = NULL;
	if (erp_ctx_new(&ctx, p->store, p->tenant, "poster", ERP_ROLE_READWRITE) != ERP_OK) {
		p->failures++;
		snprintf(p->message, sizeof p->message, "erp_ctx_new: %s", erp_error_last()->message);
		return NULL;
	}
	for (int i = 0; i < p->posts; i++) {
		int64_t amount = (int64_t)p->index * 1000 + i + 1;
		int first = (p->index + i) % SHARED, second = (p->index + i + 1 + i % 3) % SHARED;
		if (second == first)
			second = (first + 1) % SHARED;
		int third = (first + 2) % SHARED;
		erp_ledger_line l[4];
		size_t n;
		char date[11];
		lt_day(date, (p->index * 29 + i * 7) % 366);
		if (i % 4 == 3) {
			/* Three accounts: debit two, credit one (a different lock order). */
			l[0] = lt_cr(p->accounts[third], 2 * amount);
			l[1] = lt_dr(p->accounts[second], amount);
			l[2] = lt_dr(p->accounts[first], amount);
			n = 3;
			p->delta[third] -= 2 * amount;
			p->delta[second] += amount;
			p->delta[first] += amount;
		} else {
			l[0] = lt_dr(p->accounts[first], amount);
			l[1] = lt_cr(p->accounts[second], amount);
			n = 2;
			p->delta[first] += amount;
			p->delta[second] -= amount;
		}
		erp_ledger_entry e = ERP_LEDGER_ENTRY_INIT;
		e.journal_id = p->journal;
		e.date = date;
		e.lines = l;
		e.line_count = n;
		int rc = erp_ledger_post(NULL, ctx, &e);
		if (rc != ERP_OK) {
			if (!p->failures++)
				snprintf(p->message, sizeof p->message, "post %d: %s (%s)", i, erp_error_name(rc), erp_error_last()->message);
			/* Not posted: take it out of the expectation. */
			for (size_t k = 0; k < n; k++)
				for (int a = 0; a < SHARED; a++)
					if (strcmp(l[k].account_id, p->accounts[a]) == 0)
						p->delta[a] -= l[k].debit - l[k].credit;
		}
	}
	erp_ctx_free(ctx);
	return NULL;
}

void test_ledger__concurrent_posters_on_shared_accounts_end_exact(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char accounts[SHARED][37];
	for (int i = 0; i < SHARED; i++) {
		char code[8];
		snprintf(code, sizeof code, "S%d", i);
		lt_account(accounts[i], &b, code, NULL, true);
	}
	const int posts = 200;
	pthread_t threads[THREADS];
	poster p[THREADS];
	for (int t = 0; t < THREADS; t++) {
		memset(&p[t], 0, sizeof p[t]);
		p[t].store = f->store;
		p[t].tenant = b.tenant;
		p[t].journal = b.journal;
		p[t].accounts = accounts;
		p[t].index = t;
		p[t].posts = posts;
		assert_int_equal(pthread_create(&threads[t], NULL, post_many, &p[t]), 0);
	}
	int64_t expect[SHARED] = { 0 };
	int failures = 0;
	for (int t = 0; t < THREADS; t++) {
		pthread_join(threads[t], NULL);
		if (p[t].failures)
			print_error("thread %d: %d failed posts, first: %s\n", t, p[t].failures, p[t].message);
		failures += p[t].failures;
		for (int a = 0; a < SHARED; a++)
			expect[a] += p[t].delta[a];
	}
	assert_int_equal(failures, 0);
	int64_t total = (int64_t)THREADS * posts;
	for (int a = 0; a < SHARED; a++)
		assert_int_equal(lt_balance(&b, accounts[a], "USD", NULL, 2).balance, expect[a]);
	/* The chain: one entry per post, seq 1..N without gaps, the head at N. */
	char sql[300];
	assert_int_equal(erp_test_count(f->store, b.tenant, "{financial.entries}"), total);
	snprintf(sql, sizeof sql, "SELECT count(DISTINCT seq) FROM {financial.entries} WHERE tenant_id = '%s'", b.tenant);
	assert_int_equal(erp_test_scalar(f->store, b.tenant, sql), total);
	snprintf(sql, sizeof sql, "SELECT min(seq) FROM {financial.entries} WHERE tenant_id = '%s'", b.tenant);
	assert_int_equal(erp_test_scalar(f->store, b.tenant, sql), 1);
	snprintf(sql, sizeof sql, "SELECT max(seq) FROM {financial.entries} WHERE tenant_id = '%s'", b.tenant);
	assert_int_equal(erp_test_scalar(f->store, b.tenant, sql), total);
	snprintf(sql, sizeof sql, "SELECT last_seq FROM {financial.ledger_state} WHERE tenant_id = '%s'", b.tenant);
	assert_int_equal(erp_test_scalar(f->store, b.tenant, sql), total);
	/* Balanced overall. */
	json_t *t;
	erp_buf o = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_trial_balance(&o, b.ro, NULL));
	t = lt_json(o.ptr);
	json_t *tot = json_array_get(json_object_get(t, "totals"), 0);
	assert_string_equal(lt_str(tot, "debit"), lt_str(tot, "credit"));
	json_decref(t);
	erp_buf_dispose(&o);
	assert_store_verifies(f->store);
	lt_books_close(&b);
}

/* ---- one key, one reversal, many threads ------------------------------------------------------------- */

typedef struct {
	erp_store *store;
	const char *tenant, *journal, *a, *c, *target;
	bool reverse;
	int rc;
	char id[37];
	char message[300];
} racer;

static void *race(void *arg)
{
	racer *r = arg;
	erp_ctx *ctx = NULL;
	r->rc = erp_ctx_new(&ctx, r->store, r->tenant, "racer", ERP_ROLE_READWRITE);
	if (r->rc != ERP_OK)
		return NULL;
	erp_buf id = ERP_BUF_INIT;
	if (r->reverse) {
		r->rc = erp_ledger_reverse(&id, ctx, r->target, "2024-06-01");
	} else {
		erp_ledger_line l[2] = { lt_dr(r->a, 777), lt_cr(r->c, 777) };
		erp_ledger_entry e = ERP_LEDGER_ENTRY_INIT;
		e.journal_id = r->journal;
		e.date = "2024-06-01";
		e.lines = l;
		e.line_count = 2;
		e.idempotency_key = "the-one-key";
		r->rc = erp_ledger_post(&id, ctx, &e);
	}
	snprintf(r->message, sizeof r->message, "%s", r->rc ? erp_error_last()->message : "");
	if (r->rc == ERP_OK && id.size == 36)
		memcpy(r->id, id.ptr, 37);
	erp_buf_dispose(&id);
	erp_ctx_free(ctx);
	return NULL;
}

static void run_race(racer *r, size_t n)
{
	pthread_t threads[THREADS];
	for (size_t i = 0; i < n; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, race, &r[i]), 0);
	for (size_t i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
}

void test_ledger__racing_posts_with_one_idempotency_key_write_one_entry(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	racer r[THREADS];
	for (int i = 0; i < THREADS; i++)
		r[i] = (racer){ f->store, b.tenant, b.journal, a, c, NULL, false, -1, "", "" };
	run_race(r, THREADS);
	for (int i = 0; i < THREADS; i++) {
		if (r[i].rc != ERP_OK)
			fail_msg("racer %d: %s (%s)", i, erp_error_name(r[i].rc), r[i].message);
		assert_string_equal(r[i].id, r[0].id);
	}
	assert_int_equal(erp_test_count(f->store, b.tenant, "{financial.entries}"), 1);
	assert_int_equal(lt_balance(&b, a, "USD", NULL, 2).balance, 777);
	lt_books_close(&b);
}

void test_ledger__racing_reversals_of_one_entry_reverse_it_once(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char a[37], c[37], id[37];
	lt_account(a, &b, "1000", NULL, true);
	lt_account(c, &b, "2000", NULL, true);
	lt_post2(&b, id, "2024-05-01", a, c, 4200);
	racer r[THREADS];
	for (int i = 0; i < THREADS; i++)
		r[i] = (racer){ f->store, b.tenant, b.journal, a, c, id, true, -1, "", "" };
	run_race(r, THREADS);
	int won = 0;
	for (int i = 0; i < THREADS; i++) {
		if (r[i].rc == ERP_OK)
			won++;
		else if (r[i].rc != ERP_EEXISTS)
			fail_msg("racer %d: expected ERP_OK or ERP_EEXISTS, got %s (%s)", i, erp_error_name(r[i].rc), r[i].message);
	}
	assert_int_equal(won, 1);
	assert_int_equal(erp_test_count(f->store, b.tenant, "{financial.entries}"), 2);
	assert_int_equal(lt_balance(&b, a, "USD", NULL, 2).balance, 0);
	assert_store_verifies(f->store);
	lt_books_close(&b);
}

/*
 * Group commit: posters of one tenant and user share transactions, so a
 * refused entry must not take its neighbours down, and each poster must
 * get its own answer (code and field as a lone post would name them).
 * Threads post a mix: good entries, unbalanced ones, ones in the closed
 * period, ones on an unknown account, and duplicates of an idempotency key.
 */
typedef struct {
	lt_books *b;
	const char *cash, *sales;
	int index, posts;
	int ok, unbalanced, locked, unknown, replayed, wrong;
	int64_t cash_delta;
	char message[300];
} mixed_poster;

static void *post_mixed(void *arg)
{
	mixed_poster *p = arg;
	erp_ctx *ctx = NULL;
	if (erp_ctx_new(&ctx, p->b->store, p->b->tenant, "group-commit", ERP_ROLE_READWRITE) != ERP_OK) {
		p->wrong = p->posts;
		return NULL;
	}
	for (int k = 0; k < p->posts; k++) {
		int kind = (p->index + k) % 5;
		int64_t amount = 100 + p->index * 1000 + k;
		erp_ledger_line l[2] = { lt_dr(p->cash, amount), lt_cr(p->sales, amount) };
		if (kind == 1)
			l[1].credit = amount + 1;
		if (kind == 3)
			l[1].account_id = "01900000-0000-7000-8000-0000000000aa";
		erp_ledger_entry e = lt_entry(p->b, kind == 2 ? "2020-01-15" : "2026-06-01", l, 2);
		char key[64];
		if (kind == 4) {
			snprintf(key, sizeof key, "shared-%d", k); /* every thread posts the same request under this key */
			l[0].debit = l[1].credit = 777;
			e.idempotency_key = key;
		}
		erp_buf id = ERP_BUF_INIT;
		int rc = erp_ledger_post(&id, ctx, &e);
		const erp_error *err = erp_error_last();
		const char *field = err->field ? err->field : "";
		if (kind == 0 && rc == ERP_OK) {
			p->ok++;
			p->cash_delta += amount;
		} else if (kind == 1 && rc == ERP_EUNBALANCED) {
			p->unbalanced++;
		} else if (kind == 2 && rc == ERP_ELOCKED && strcmp(field, "date") == 0) {
			p->locked++;
		} else if (kind == 3 && rc == ERP_ENOTFOUND && strcmp(field, "lines[1].account_id") == 0) {
			p->unknown++;
		} else if (kind == 4 && rc == ERP_OK && id.size == 36) {
			p->replayed++;
		} else {
			if (!p->wrong)
				snprintf(p->message, sizeof p->message, "kind %d: %s field=%s: %s", kind, erp_error_name(rc), field,
				         err->message);
			p->wrong++;
		}
		erp_buf_dispose(&id);
	}
	erp_ctx_free(ctx);
	return NULL;
}

void test_ledger__grouped_posters_each_get_their_own_answer(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	char cash[37], sales[37];
	lt_account(cash, &b, "1000", NULL, true);
	lt_account(sales, &b, "4000", NULL, true);
	assert_erp_ok(erp_ledger_set_lock_date(b.admin, "2020-12-31"));
	enum { N = 8 };
	const int posts = erp_test_under_valgrind() ? 10 : 50;
	pthread_t threads[N];
	mixed_poster p[N];
	for (int t = 0; t < N; t++) {
		memset(&p[t], 0, sizeof p[t]);
		p[t].b = &b;
		p[t].cash = cash;
		p[t].sales = sales;
		p[t].index = t;
		p[t].posts = posts;
		assert_int_equal(pthread_create(&threads[t], NULL, post_mixed, &p[t]), 0);
	}
	int64_t cash_expected = 0;
	int ok = 0, keyed = 0;
	for (int t = 0; t < N; t++) {
		pthread_join(threads[t], NULL);
		if (p[t].wrong)
			print_error("thread %d: %d wrong answers, first: %s\n", t, p[t].wrong, p[t].message);
		assert_int_equal(p[t].wrong, 0);
		assert_int_equal(p[t].ok + p[t].unbalanced + p[t].locked + p[t].unknown + p[t].replayed, posts);
		cash_expected += p[t].cash_delta;
		ok += p[t].ok;
		keyed += p[t].replayed;
	}
	/* every good entry once, each shared key once */
	int64_t keys = 0;
	for (int k = 0; k < posts; k++)
		for (int t = 0; t < N; t++)
			if ((t + k) % 5 == 4) {
				keys++;
				break;
			}
	assert_int_equal(erp_test_count(f->store, b.tenant, "{financial.entries}"), ok + keys);
	assert_int_equal(lt_balance(&b, cash, "USD", NULL, 2).balance, cash_expected + 777 * keys);
	(void)keyed;
	lt_assert_verifies_at(f->store, __FILE__, __LINE__);
	lt_books_close(&b);
}

ERP_CONFORMANCE_GROUP(280, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
