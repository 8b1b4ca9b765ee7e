/*
 * Idempotency keys (erp/ledger.h, scenario P2): a repeat of the same
 * request is answered with the first entry and writes nothing; the key
 * with another request is ERP_EEXISTS; a refused request leaves its key free.
 */
#include "ledger/ledger_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	lt_books b;
	char a[37], c[37], d[37];
} key_books;

static void key_open(key_books *k, erp_store *store)
{
	lt_books_open(&k->b, store);
	lt_account(k->a, &k->b, "1000", NULL, true);
	lt_account(k->c, &k->b, "2000", NULL, true);
	lt_account(k->d, &k->b, "3000", NULL, true);
}

static void post_keyed(key_books *k, char out[37], const char *key, int64_t amount)
{
	erp_ledger_line l[2] = { lt_dr(k->a, amount), lt_cr(k->c, amount) };
	erp_ledger_entry e = lt_entry(&k->b, "2024-02-01", l, 2);
	e.idempotency_key = key;
	lt_post(&k->b, out, &e);
}

void test_ledger__p2_same_key_and_body_returns_the_first_id_and_writes_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	key_books k;
	key_open(&k, f->store);
	char first[37], again[37];
	erp_ledger_line l[2] = { lt_dr(k.a, 1234), lt_cr(k.c, 1234) };
	l[0].memo = "m";
	erp_ledger_entry e = lt_entry(&k.b, "2024-02-01", l, 2);
	e.reference = "REF";
	e.idempotency_key = "order-1/payment";
	lt_post(&k.b, first, &e);
	json_t *got = lt_get(k.b.ro, first);
	assert_string_equal(lt_str(got, "idempotency_key"), "order-1/payment");
	json_decref(got);
	for (int i = 0; i < 3; i++) {
		lt_state before = lt_state_of(&k.b);
		lt_post(&k.b, again, &e);
		assert_string_equal(again, first);
		assert_lt_unchanged(&k.b, &before);
	}
	/* The same request built from other buffers is still the same request. */
	char key[32] = "order-1/payment", ref[8] = "REF", date[11] = "2024-02-01", acc[37];
	memcpy(acc, k.a, 37);
	erp_ledger_line l2[2] = { lt_dr(acc, 1234), lt_cr(k.c, 1234) };
	l2[0].memo = "m";
	erp_ledger_entry e2 = lt_entry(&k.b, date, l2, 2);
	e2.reference = ref;
	e2.idempotency_key = key;
	lt_state before = lt_state_of(&k.b);
	lt_post(&k.b, again, &e2);
	assert_string_equal(again, first);
	assert_lt_unchanged(&k.b, &before);
	assert_int_equal(erp_test_count(f->store, k.b.tenant, "{financial.entries}"), 1);
	assert_int_equal(lt_balance(&k.b, k.a, "USD", NULL, 2).balance, 1234);
	lt_books_close(&k.b);
}

void test_ledger__p2_same_key_with_another_body_is_eexists_and_writes_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	key_books k;
	key_open(&k, f->store);
	char first[37];
	post_keyed(&k, first, "k1", 1000);
	erp_ledger_line l[2] = { lt_dr(k.a, 1000), lt_cr(k.c, 1000) };
	erp_ledger_entry e = lt_entry(&k.b, "2024-02-01", l, 2);
	e.idempotency_key = "k1";
	/* Each change of the request on its own. */
	l[0].debit = l[1].credit = 1001;
	assert_post_refused(&k.b, k.b.rw, &e, ERP_EEXISTS, "idempotency_key");
	l[0].debit = l[1].credit = 1000;
	e.date = "2024-02-02";
	assert_post_refused(&k.b, k.b.rw, &e, ERP_EEXISTS, "idempotency_key");
	e.date = "2024-02-01";
	l[1].account_id = k.d;
	assert_post_refused(&k.b, k.b.rw, &e, ERP_EEXISTS, "idempotency_key");
	l[1].account_id = k.c;
	e.reference = "other";
	assert_post_refused(&k.b, k.b.rw, &e, ERP_EEXISTS, "idempotency_key");
	e.reference = NULL;
	l[0].memo = "note";
	assert_post_refused(&k.b, k.b.rw, &e, ERP_EEXISTS, "idempotency_key");
	l[0].memo = NULL;
	erp_ledger_line swapped[2] = { lt_cr(k.c, 1000), lt_dr(k.a, 1000) };
	e.lines = swapped;
	assert_post_refused(&k.b, k.b.rw, &e, ERP_EEXISTS, "idempotency_key");
	/* The message names the first entry. */
	assert_non_null(strstr(erp_error_last()->message, first));
	/* And the original request is still answered. */
	e.lines = l;
	char again[37];
	lt_post(&k.b, again, &e);
	assert_string_equal(again, first);
	lt_books_close(&k.b);
}

void test_ledger__p2_json_repeat_returns_the_first_entry_and_another_amount_is_eexists(void **state)
{
	erp_conformance_fixture *f = *state;
	key_books k;
	key_open(&k, f->store);
	char json[600];
#define tmpl "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"idempotency_key\":\"json-1\",\"lines\":[" \
	             "{\"account_id\":\"%s\",\"debit\":\"%s\"},{\"account_id\":\"%s\",\"credit\":\"%s\"}]}"
	snprintf(json, sizeof json, tmpl, k.b.journal, k.a, "10.00", k.c, "10.00");
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_post_json(&out, k.b.rw, json));
	json_t *first = lt_json(out.ptr);
	lt_state before = lt_state_of(&k.b);
	assert_erp_ok(erp_ledger_post_json(&out, k.b.rw, json));
	json_t *second = lt_json(out.ptr);
	assert_true(json_equal(first, second));
	assert_lt_unchanged(&k.b, &before);
	json_decref(second);
	/* The same key with other amounts is another request. */
	snprintf(json, sizeof json, tmpl, k.b.journal, k.a, "99.00", k.c, "99.00");
	assert_post_json_refused(&k.b, k.b.rw, json, ERP_EEXISTS, "idempotency_key");
	snprintf(json, sizeof json, tmpl, k.b.journal, k.a, "10.01", k.c, "10.01");
	assert_post_json_refused(&k.b, k.b.rw, json, ERP_EEXISTS, "idempotency_key");
	assert_int_equal(lt_balance(&k.b, k.a, "USD", NULL, 2).balance, 1000);
#undef tmpl
	json_decref(first);
	erp_buf_dispose(&out);
	lt_books_close(&k.b);
}

void test_ledger__p2_request_refused_by_validation_leaves_its_key_free(void **state)
{
	erp_conformance_fixture *f = *state;
	key_books k, other;
	key_open(&k, f->store);
	key_open(&other, f->store);
	assert_erp_ok(erp_ledger_set_lock_date(k.b.admin, "2024-01-31"));
	erp_ledger_line l[2] = { lt_dr(k.a, 500), lt_cr(k.c, 499) };
	erp_ledger_entry e = lt_entry(&k.b, "2024-02-01", l, 2);
	e.idempotency_key = "retry-me";
	/* Unbalanced, then an account of another tenant, then a closed period, then an unknown journal. */
	assert_post_refused(&k.b, k.b.rw, &e, ERP_EUNBALANCED, "lines");
	l[1].credit = 500;
	l[1].account_id = other.c;
	assert_post_refused(&k.b, k.b.rw, &e, ERP_ENOTFOUND, "lines[1].account_id");
	l[1].account_id = k.c;
	e.date = "2024-01-31";
	assert_post_refused(&k.b, k.b.rw, &e, ERP_ELOCKED, "date");
	e.date = "2024-02-01";
	e.journal_id = other.b.journal;
	assert_post_refused(&k.b, k.b.rw, &e, ERP_ENOTFOUND, "journal_id");
	e.journal_id = k.b.journal;
	/* Corrected: posts, with the key. */
	char id[37], again[37];
	lt_post(&k.b, id, &e);
	json_t *got = lt_get(k.b.ro, id);
	assert_string_equal(lt_str(got, "idempotency_key"), "retry-me");
	json_decref(got);
	lt_state before = lt_state_of(&k.b);
	lt_post(&k.b, again, &e);
	assert_string_equal(again, id);
	assert_lt_unchanged(&k.b, &before);
	assert_int_equal(erp_test_count(f->store, k.b.tenant, "{financial.entries}"), 1);
	/* The same for JSON: a refused JSON post keeps its key free. */
	char json[600];
#define tmpl "{\"journal_id\":\"%s\",\"date\":\"2024-02-01\",\"idempotency_key\":\"json-retry\",\"lines\":[" \
	             "{\"account_id\":\"%s\",\"debit\":\"%s\"},{\"account_id\":\"%s\",\"credit\":\"5.00\"}]}"
	snprintf(json, sizeof json, tmpl, k.b.journal, k.a, "5.001", k.c);
	assert_post_json_refused(&k.b, k.b.rw, json, ERP_EINVALID, "lines[0].debit");
	snprintf(json, sizeof json, tmpl, k.b.journal, k.a, "5.01", k.c);
	assert_post_json_refused(&k.b, k.b.rw, json, ERP_EUNBALANCED, "lines");
	snprintf(json, sizeof json, tmpl, k.b.journal, k.a, "5.00", k.c);
	assert_erp_ok(erp_ledger_post_json(NULL, k.b.rw, json));
#undef tmpl
	assert_int_equal(erp_test_count(f->store, k.b.tenant, "{financial.entries}"), 2);
	lt_books_close(&other.b);
	lt_books_close(&k.b);
}

void test_ledger__p2_keys_belong_to_their_tenant(void **state)
{
	erp_conformance_fixture *f = *state;
	key_books k, other;
	key_open(&k, f->store);
	key_open(&other, f->store);
	char mine[37], theirs[37];
	post_keyed(&k, mine, "shared-key", 100);
	post_keyed(&other, theirs, "shared-key", 100);
	assert_string_not_equal(mine, theirs);
	/* Each tenant's key answers with its own entry. */
	char again[37];
	post_keyed(&other, again, "shared-key", 100);
	assert_string_equal(again, theirs);
	post_keyed(&k, again, "shared-key", 100);
	assert_string_equal(again, mine);
	lt_books_close(&other.b);
	lt_books_close(&k.b);
}

void test_ledger__p2_duplicate_key_inside_a_batch_with_the_same_body_posts_once(void **state)
{
	erp_conformance_fixture *f = *state;
	key_books k;
	key_open(&k, f->store);
	erp_ledger_line l0[2] = { lt_dr(k.a, 100), lt_cr(k.c, 100) };
	erp_ledger_line l1[2] = { lt_dr(k.a, 200), lt_cr(k.d, 200) };
	erp_ledger_entry e[3] = { lt_entry(&k.b, "2024-02-01", l0, 2), lt_entry(&k.b, "2024-02-01", l1, 2),
		                       lt_entry(&k.b, "2024-02-01", l0, 2) };
	e[0].idempotency_key = e[2].idempotency_key = "batch-dup";
	erp_buf ids = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_post_batch(&ids, k.b.rw, e, 3));
	json_t *arr = lt_json(ids.ptr);
	assert_int_equal(json_array_size(arr), 3);
	assert_string_equal(json_string_value(json_array_get(arr, 0)), json_string_value(json_array_get(arr, 2)));
	assert_string_not_equal(json_string_value(json_array_get(arr, 0)), json_string_value(json_array_get(arr, 1)));
	assert_int_equal(erp_test_count(f->store, k.b.tenant, "{financial.entries}"), 2);
	assert_int_equal(lt_balance(&k.b, k.a, "USD", NULL, 2).balance, 300);
	/* The whole batch again: every id answered, nothing written but the unkeyed entry. */
	lt_state before = lt_state_of(&k.b);
	e[1].idempotency_key = "batch-second";
	assert_erp_ok(erp_ledger_post_batch(&ids, k.b.rw, e, 3));
	json_t *arr2 = lt_json(ids.ptr);
	assert_string_equal(json_string_value(json_array_get(arr2, 0)), json_string_value(json_array_get(arr, 0)));
	assert_string_equal(json_string_value(json_array_get(arr2, 2)), json_string_value(json_array_get(arr, 0)));
	json_decref(arr2);
	assert_int_equal(erp_test_count(f->store, k.b.tenant, "{financial.entries}"), before.entries + 1);
	lt_state_free(&before);
	/* ...and once more: now nothing at all is written. */
	before = lt_state_of(&k.b);
	assert_erp_ok(erp_ledger_post_batch(&ids, k.b.rw, e, 3));
	assert_lt_unchanged(&k.b, &before);
	json_decref(arr);
	erp_buf_dispose(&ids);
	assert_store_verifies(f->store);
	lt_books_close(&k.b);
}

void test_ledger__p2_duplicate_key_inside_a_batch_with_another_body_refuses_the_batch(void **state)
{
	erp_conformance_fixture *f = *state;
	key_books k;
	key_open(&k, f->store);
	erp_ledger_line l0[2] = { lt_dr(k.a, 100), lt_cr(k.c, 100) };
	erp_ledger_line l1[2] = { lt_dr(k.a, 200), lt_cr(k.d, 200) };
	erp_ledger_line l2[2] = { lt_dr(k.a, 101), lt_cr(k.c, 101) };
	erp_ledger_entry e[3] = { lt_entry(&k.b, "2024-02-01", l0, 2), lt_entry(&k.b, "2024-02-01", l1, 2),
		                       lt_entry(&k.b, "2024-02-01", l2, 2) };
	e[0].idempotency_key = e[2].idempotency_key = "batch-clash";
	e[1].idempotency_key = "batch-other";
	assert_batch_refused(&k.b, e, 3, ERP_EEXISTS, "entries[2].idempotency_key");
	/* Nothing was stored, so every key of the refused batch is free. */
	char id[37];
	post_keyed(&k, id, "batch-clash", 101);
	erp_ledger_line m[2] = { lt_dr(k.a, 200), lt_cr(k.d, 200) };
	erp_ledger_entry e1 = lt_entry(&k.b, "2024-02-01", m, 2);
	e1.idempotency_key = "batch-other";
	lt_post(&k.b, NULL, &e1);
	assert_int_equal(erp_test_count(f->store, k.b.tenant, "{financial.entries}"), 2);
	lt_books_close(&k.b);
}

void test_ledger__p2_batch_refused_by_validation_leaves_every_key_free(void **state)
{
	erp_conformance_fixture *f = *state;
	key_books k;
	key_open(&k, f->store);
	enum { N = 5 };
	erp_ledger_line l[N][2];
	erp_ledger_entry e[N];
	char keys[N][16];
	for (int i = 0; i < N; i++) {
		l[i][0] = lt_dr(k.a, 10 + i);
		l[i][1] = lt_cr(k.c, 10 + i);
		e[i] = lt_entry(&k.b, "2024-02-01", l[i], 2);
		snprintf(keys[i], sizeof keys[i], "bk-%d", i);
		e[i].idempotency_key = keys[i];
	}
	l[4][1].credit = 1;
	assert_batch_refused(&k.b, e, N, ERP_EUNBALANCED, "entries[4].lines");
	l[4][1].credit = 14;
	erp_buf ids = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_post_batch(&ids, k.b.rw, e, N));
	assert_int_equal(erp_test_count(f->store, k.b.tenant, "{financial.entries}"), N);
	/* A single post of one of them answers with the batch's id. */
	json_t *arr = lt_json(ids.ptr);
	char again[37];
	post_keyed(&k, again, "bk-2", 12);
	assert_string_equal(again, json_string_value(json_array_get(arr, 2)));
	/* A batch mixing a stored key with another body is refused whole. */
	erp_ledger_line n0[2] = { lt_dr(k.a, 1), lt_cr(k.c, 1) };
	erp_ledger_line n1[2] = { lt_dr(k.a, 999), lt_cr(k.c, 999) };
	erp_ledger_entry mixed[2] = { lt_entry(&k.b, "2024-02-01", n0, 2), lt_entry(&k.b, "2024-02-01", n1, 2) };
	mixed[1].idempotency_key = "bk-3";
	assert_batch_refused(&k.b, mixed, 2, ERP_EEXISTS, "entries[1].idempotency_key");
	json_decref(arr);
	erp_buf_dispose(&ids);
	lt_books_close(&k.b);
}

ERP_CONFORMANCE_GROUP(210, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
