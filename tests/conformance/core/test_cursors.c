/*
 * Cursors carry a position, never a figure, and only work for the tenant
 * and the query that made them (lib/util/cursor.h): every list and report that
 * pages refuses, as ERP_EINVALID naming "cursor" and answering nothing, a
 * cursor of another tenant, of another account or query, an altered or
 * cut one, and one made by hand in the old format that carried balances.
 */
#include "ledger/ledger_support.h"
#include "stock/stock_support.h"

#include <sodium.h>
#include <string.h>

/* The next_cursor of a JSON answer, copied into `out` ("" when null). */
static void next_cursor(char *out, size_t cap, const char *answer)
{
	json_t *v = lt_json(answer);
	const char *c = json_string_value(json_object_get(v, "next_cursor"));
	snprintf(out, cap, "%s", c ? c : "");
	json_decref(v);
}

/* Variants of a genuine cursor that must all be refused: one byte changed, cut, extended. */
static void altered(char out[3][512], const char *cursor)
{
	snprintf(out[0], 512, "%s", cursor);
	size_t mid = strlen(out[0]) / 2;
	out[0][mid] = out[0][mid] == 'A' ? 'B' : 'A';
	snprintf(out[1], 512, "%.*s", (int)(strlen(cursor) - 3), cursor);
	snprintf(out[2], 512, "%sAA", cursor);
}

/* base64url of `raw`: a cursor made by hand. */
static void hand_made(char *out, size_t cap, const char *raw)
{
	sodium_bin2base64(out, cap, (const unsigned char *)raw, strlen(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Two tenants, each with accounts 1000 and 2000. */
typedef struct {
	lt_books a, b;
	char a1[37], a2[37], b1[37], b2[37];
} two_books;

static void two_books_open(two_books *t, erp_store *store)
{
	lt_books_open(&t->a, store);
	lt_books_open(&t->b, store);
	lt_account(t->a1, &t->a, "1000", NULL, true);
	lt_account(t->a2, &t->a, "2000", NULL, true);
	lt_account(t->b1, &t->b, "1000", NULL, true);
	lt_account(t->b2, &t->b, "2000", NULL, true);
}

static void two_books_close(two_books *t)
{
	lt_books_close(&t->a);
	lt_books_close(&t->b);
}

static int gl(erp_buf *o, lt_books *b, const char *account, const char *from, const char *to, const char *cursor)
{
	return erp_ledger_general_ledger(o, b->ro, account, from, to, cursor, 2);
}

static void assert_gl_refused(lt_books *b, const char *account, const char *from, const char *to, const char *cursor)
{
	erp_buf o = ERP_BUF_INIT;
	assert_erp_error(gl(&o, b, account, from, to, cursor), ERP_EINVALID, "cursor");
	assert_null(o.ptr);
}

/* The lists that take a JSON query with "limit" and "cursor". */
typedef int (*list_fn)(erp_buf *out, erp_ctx *ctx, const char *query);

static int list_partners(erp_buf *out, erp_ctx *ctx, const char *query)
{
	return erp_entity_list(out, ctx, "core.partner", query);
}

/* The query of one row after `cursor`, with `more` (",\"key\":value" members, or NULL). */
static void page_query(char *q, size_t cap, const char *cursor, const char *more)
{
	if (cursor)
		snprintf(q, cap, "{\"limit\":1,\"cursor\":\"%s\"%s}", cursor, more ? more : "");
	else
		snprintf(q, cap, "{\"limit\":1%s}", more ? more : "");
}

/* The next_cursor of the page of one row after `cursor` (NULL: the first page); it must succeed. */
static void page_cursor(char out[512], list_fn list, erp_ctx *ctx, const char *cursor)
{
	char q[1200];
	page_query(q, sizeof q, cursor, NULL);
	erp_buf o = ERP_BUF_INIT;
	assert_erp_ok(list(&o, ctx, q));
	next_cursor(out, 512, o.ptr);
	erp_buf_dispose(&o);
}

static void assert_refused(list_fn list, erp_ctx *ctx, const char *cursor, const char *more)
{
	char q[1200];
	page_query(q, sizeof q, cursor, more);
	erp_buf o = ERP_BUF_INIT;
	assert_erp_error(list(&o, ctx, q), ERP_EINVALID, "cursor");
	assert_null(o.ptr);
}

/* A cursor of A's first page: good under A, refused under B, and altered. */
static void check_list(list_fn list, erp_ctx *a, erp_ctx *b, char ca[512])
{
	char cb[512], next[512], bad[3][512];
	page_cursor(ca, list, a, NULL);
	page_cursor(cb, list, b, NULL);
	assert_true(ca[0] && cb[0]);
	page_cursor(next, list, a, ca);
	assert_refused(list, a, cb, NULL);
	assert_refused(list, b, ca, NULL);
	altered(bad, ca);
	for (int i = 0; i < 3; i++)
		assert_refused(list, a, bad[i], NULL);
}

void test_cursor__general_ledger_cursor_works_only_for_its_tenant_account_and_dates(void **state)
{
	erp_conformance_fixture *f = *state;
	two_books t;
	two_books_open(&t, f->store);
	const char *days[] = { "2026-01-05", "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08" };
	for (int i = 0; i < 5; i++) {
		lt_post2(&t.a, NULL, days[i], t.a1, t.a2, 1000 + i);
		lt_post2(&t.b, NULL, days[i], t.b1, t.b2, 10037 + i);
	}
	erp_buf o = ERP_BUF_INIT;
	char ca[512], cb[512];
	assert_erp_ok(gl(&o, &t.a, t.a1, NULL, NULL, NULL));
	next_cursor(ca, sizeof ca, o.ptr);
	erp_buf_dispose(&o);
	assert_erp_ok(gl(&o, &t.b, t.b1, NULL, NULL, NULL));
	next_cursor(cb, sizeof cb, o.ptr);
	erp_buf_dispose(&o);
	assert_true(ca[0] && cb[0]);
	/* the genuine one goes on, with the opening recomputed: 1000 + 1001 */
	assert_erp_ok(gl(&o, &t.a, t.a1, NULL, NULL, ca));
	json_t *page = lt_json(o.ptr);
	erp_buf_dispose(&o);
	assert_string_equal(lt_str(json_array_get(json_object_get(page, "opening"), 0), "balance"), "20.01");
	json_decref(page);
	/* B's cursor (its running balance would be 100.37 + 100.38) under A: refused */
	assert_gl_refused(&t.a, t.a1, NULL, NULL, cb);
	/* A's cursor for A's other account, or for other dates */
	assert_gl_refused(&t.a, t.a2, NULL, NULL, ca);
	assert_gl_refused(&t.a, t.a1, "2026-01-01", NULL, ca);
	assert_gl_refused(&t.a, t.a1, NULL, "2026-12-31", ca);
	char bad[3][512];
	altered(bad, ca);
	for (int i = 0; i < 3; i++)
		assert_gl_refused(&t.a, t.a1, NULL, NULL, bad[i]);
	/* the old format: position and running balances, by hand */
	char forged[512];
	hand_made(forged, sizeof forged, "[\"2026-01-05\",1,1,[[\"USD\",\"123456789\"]]]");
	assert_gl_refused(&t.a, t.a1, NULL, NULL, forged);
	assert_gl_refused(&t.a, t.a1, NULL, NULL, "");
	two_books_close(&t);
}

void test_cursor__journal_list_cursor_works_only_for_its_tenant_and_query(void **state)
{
	erp_conformance_fixture *f = *state;
	two_books t;
	two_books_open(&t, f->store);
	for (int i = 0; i < 3; i++) {
		lt_post2(&t.a, NULL, "2026-02-01", t.a1, t.a2, 100);
		lt_post2(&t.b, NULL, "2026-02-01", t.b1, t.b2, 100);
	}
	char ca[512];
	check_list(erp_ledger_entry_list, t.a.ro, t.b.ro, ca);
	assert_refused(erp_ledger_entry_list, t.a.ro, ca, ",\"from\":\"2026-01-01\"");
	assert_refused(erp_ledger_entry_list, t.a.ro, "2", NULL); /* the old format: a bare sequence number */
	two_books_close(&t);
}

void test_cursor__entity_list_cursor_works_only_for_its_tenant_type_and_query(void **state)
{
	erp_conformance_fixture *f = *state;
	lt_books a, b;
	lt_books_open(&a, f->store);
	lt_books_open(&b, f->store);
	for (int i = 0; i < 3; i++) {
		char id[37], name[32];
		snprintf(name, sizeof name, "Partner %d", i);
		lt_partner(id, &a, name);
		lt_partner(id, &b, name);
	}
	char ca[512], q[700];
	check_list(list_partners, a.ro, b.ro, ca);
	assert_refused(list_partners, a.ro, ca, ",\"filter\":[[\"name\",\"like\",\"Partner%\"]]");
	assert_refused(list_partners, a.ro, ca, ",\"include_archived\":true");
	assert_refused(list_partners, a.ro, ca, ",\"sort\":[[\"name\",\"desc\"]]");
	erp_buf o = ERP_BUF_INIT;
	page_query(q, sizeof q, ca, NULL);
	assert_erp_error(erp_entity_list(&o, a.ro, "core.product", q), ERP_EINVALID, "cursor");
	assert_null(o.ptr);
	lt_books_close(&a);
	lt_books_close(&b);
}

void test_cursor__stock_moves_cursor_works_only_for_its_tenant_and_query(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world a, b;
	st_world_open(&a, f->store);
	st_world_open(&b, f->store);
	for (int i = 0; i < 3; i++) {
		st_receive_on(&a, NULL, a.fifo, 5, 100, a.stock, "2026-03-01");
		st_receive_on(&b, NULL, b.fifo, 5, 100, b.stock, "2026-03-01");
	}
	char ca[512];
	check_list(erp_stock_move_list, a.b.ro, b.b.ro, ca);
	char more[200];
	snprintf(more, sizeof more, ",\"product_id\":\"%s\"", a.fifo);
	assert_refused(erp_stock_move_list, a.b.ro, ca, more);
	assert_refused(erp_stock_move_list, a.b.ro, ca, ",\"from\":\"2026-01-01\"");
	char forged[512];
	hand_made(forged, sizeof forged, "2026-03-01|01890000-0000-7000-8000-000000000000");
	assert_refused(erp_stock_move_list, a.b.ro, forged, NULL);
	st_world_close(&a);
	st_world_close(&b);
}

ERP_CONFORMANCE_GROUP(250, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
