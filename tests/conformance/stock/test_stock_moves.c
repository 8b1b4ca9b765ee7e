/*
 * Stock moves (erp/stock.h): validation that names the field and writes
 * nothing, ERP_ENOSTOCK, negative locations, internal moves, idempotency,
 * batches, the JSON form, history paging, as-of quantities and values, the
 * lock date, roles, tenant isolation, and erp_store_verify() over stock
 * (including a tampered quant).
 */
#include "stock/stock_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_SUCH_ID "01900000-0000-7000-8000-000000000000"

/* ---- validation --------------------------------------------------------------------------------- */

void test_stock__invalid_moves_name_the_field_and_write_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	st_receive(&w, NULL, w.average, 10, 1000, w.stock);
	char service[37], consumable[37];
	st_product(service, &w, "average", -1, false, "service");
	st_product(consumable, &w, "average", -1, false, "consumable");

	erp_stock_move_params m = st_mv(w.average, 0, w.stock, w.shelf);
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "quantity");
	m.quantity = -3;
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "quantity");

	m = st_mv(NO_SUCH_ID, 1, w.stock, w.shelf);
	assert_move_refused(&w, w.b.rw, &m, ERP_ENOTFOUND, "product_id");
	m = st_mv(NULL, 1, w.stock, w.shelf);
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "product_id");
	m = st_mv("not-a-uuid", 1, w.stock, w.shelf);
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "product_id");
	m = st_mv(w.average, 1, NO_SUCH_ID, w.shelf);
	assert_move_refused(&w, w.b.rw, &m, ERP_ENOTFOUND, "location_id");
	m = st_mv(w.average, 1, w.stock, NO_SUCH_ID);
	assert_move_refused(&w, w.b.rw, &m, ERP_ENOTFOUND, "location_dest_id");
	m = st_mv(w.average, 1, NULL, w.shelf);
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "location_id");
	m = st_mv(w.average, 1, w.stock, NULL);
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "location_dest_id");
	/* A location's id given as the product, a product's as a location. */
	m = st_mv(w.stock, 1, w.stock, w.shelf);
	assert_move_refused(&w, w.b.rw, &m, ERP_ENOTFOUND, "product_id");
	m = st_mv(w.average, 1, w.average, w.shelf);
	assert_move_refused(&w, w.b.rw, &m, ERP_ENOTFOUND, "location_id");

	m = st_mv(w.average, 1, w.stock, w.stock);
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "location_dest_id");
	m = st_mv(w.average, 1, w.view, w.shelf);
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "location_id");
	m = st_mv(w.average, 1, w.stock, w.view);
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "location_dest_id");

	/* From a supplier or an inventory location into stock: the unit cost is required, and not negative. */
	m = st_mv(w.average, 1, w.supplier, w.stock);
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "unit_cost");
	m = st_mv(w.fifo, 1, w.inventory, w.stock);
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "unit_cost");
	m = st_mv_cost(w.average, 1, w.supplier, w.stock, -1);
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "unit_cost");

	m = st_mv(service, 1, w.stock, w.shelf);
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "product_id");
	m = st_mv_cost(service, 1, w.supplier, w.stock, 100);
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "product_id");

	m = st_mv(w.average, 1, w.stock, w.shelf);
	m.date = "2024-02-30";
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "date");
	m.date = "yesterday";
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "date");
	m.date = NULL;
	char longref[120];
	memset(longref, 'r', sizeof longref - 1);
	longref[sizeof longref - 1] = '\0';
	m.reference = longref;
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "reference");
	m.reference = NULL;
	m.idempotency_key = "";
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "idempotency_key");
	m.idempotency_key = "tab\there";
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "idempotency_key");
	m.idempotency_key = NULL;
	m.reservation_id = "nope";
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, "reservation_id");
	m.reservation_id = NO_SUCH_ID;
	assert_move_refused(&w, w.b.rw, &m, ERP_ENOTFOUND, "reservation_id");
	m.reservation_id = NULL;
	m.version = 99;
	assert_move_refused(&w, w.b.rw, &m, ERP_EINVALID, NULL);
	assert_st_refusal(erp_stock_move(NULL, w.b.rw, NULL), ERP_EINVALID, NULL);

	/* JSON: a quantity with more decimals than the unit, malformed JSON, a number with a fraction. */
	char json[800];
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"quantity\":\"1.5\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\"}", w.average,
	         w.stock, w.shelf);
	assert_move_json_refused(&w, json, ERP_EINVALID, "quantity");
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"quantity\":1.5,\"location_id\":\"%s\",\"location_dest_id\":\"%s\"}", w.average,
	         w.stock, w.shelf);
	assert_move_json_refused(&w, json, ERP_EINVALID, "quantity");
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"quantity\":\"abc\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\"}", w.average,
	         w.stock, w.shelf);
	assert_move_json_refused(&w, json, ERP_EINVALID, "quantity");
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"quantity\":\"1\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\",\"unit_cost\":\"1.001\"}",
	         w.average, w.supplier, w.stock);
	assert_move_json_refused(&w, json, ERP_EINVALID, "unit_cost");
	snprintf(json, sizeof json, "{\"product_id\":\"%s\",\"quantity\":\"1\",\"location_id\":\"%s\"", w.average, w.stock);
	assert_move_json_refused(&w, json, ERP_EINVALID, "json");
	assert_move_json_refused(&w, "[1,2]", ERP_EINVALID, NULL);
	assert_move_json_refused(&w, "", ERP_EINVALID, "json");
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"quantity\":\"1\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\",\"colour\":\"red\"}",
	         w.average, w.stock, w.shelf);
	assert_move_json_refused(&w, json, ERP_EINVALID, "colour");

	/* A consumable moves. */
	st_receive(&w, NULL, consumable, 2, 100, w.stock);
	assert_int_equal(st_qty(&w, consumable, w.stock, NULL).on_hand, 2);
	assert_store_verifies(f->store);
	st_world_close(&w);
}

/* ---- stock on hand ----------------------------------------------------------------------------- */

void test_stock__no_stock_below_zero_unless_allowed(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	st_receive(&w, NULL, w.fifo, 5, 1000, w.stock);
	erp_stock_move_params m = st_mv(w.fifo, 6, w.stock, w.customer);
	assert_move_refused(&w, w.b.rw, &m, ERP_ENOSTOCK, NULL);
	m = st_mv(w.fifo, 6, w.stock, w.shelf);
	assert_move_refused(&w, w.b.rw, &m, ERP_ENOSTOCK, NULL);
	m = st_mv(w.fifo, 1, w.shelf, w.stock); /* nothing ever at the shelf */
	assert_move_refused(&w, w.b.rw, &m, ERP_ENOSTOCK, NULL);
	/* Exactly what is there is fine. */
	st_deliver(&w, NULL, w.fifo, 5, w.stock);
	assert_int_equal(st_qty(&w, w.fifo, w.stock, NULL).on_hand, 0);
	assert_stock(&w, w.fifo, 0, 0);
	/* The negative location takes anything. */
	st_deliver(&w, NULL, w.fifo, 4, w.negative);
	assert_int_equal(st_qty(&w, w.fifo, w.negative, NULL).on_hand, -4);
	st_internal(&w, NULL, w.fifo, 3, w.negative, w.shelf);
	assert_int_equal(st_qty(&w, w.fifo, w.negative, NULL).on_hand, -7);
	assert_int_equal(st_qty(&w, w.fifo, w.shelf, NULL).on_hand, 3);
	assert_int_equal(st_qty(&w, w.fifo, NULL, NULL).on_hand, -4);
	assert_books_match(&w);
	st_world_close(&w);
}

void test_stock__internal_moves_change_quants_not_value(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	st_receive(&w, NULL, w.average, 10, 1234, w.stock);
	st_state before = st_state_of(&w);
	int64_t entries = erp_test_count(f->store, w.b.tenant, "{financial.entries}");
	char id[37];
	st_internal(&w, id, w.average, 4, w.stock, w.shelf);
	assert_int_equal(st_qty(&w, w.average, w.stock, NULL).on_hand, 6);
	assert_int_equal(st_qty(&w, w.average, w.shelf, NULL).on_hand, 4);
	assert_int_equal(st_qty(&w, w.average, NULL, NULL).on_hand, 10);
	assert_stock(&w, w.average, 10, 12340);
	json_t *m = st_move_get(&w, id);
	assert_string_equal(lt_str(m, "kind"), "internal");
	assert_string_equal(lt_str(m, "value"), "0.00");
	assert_true(json_is_null(json_object_get(m, "entry_id")));
	json_decref(m);
	assert_int_equal(erp_test_count(f->store, w.b.tenant, "{financial.entries}"), entries);
	st_state after = st_state_of(&w);
	assert_int_equal(after.v[0], before.v[0] + 1);  /* one move */
	assert_int_equal(after.v[1], before.v[1]);      /* no layer */
	assert_int_equal(after.v[13], before.v[13]);    /* no value */
	lt_state_free(&before.ledger);
	lt_state_free(&after.ledger);
	/* External moves (supplier straight to customer) touch no internal stock and no value either. */
	erp_stock_move_params x = st_mv(w.average, 2, w.supplier, w.customer);
	st_move(&w, id, &x);
	m = st_move_get(&w, id);
	assert_string_equal(lt_str(m, "kind"), "external");
	assert_string_equal(lt_str(m, "value"), "0.00");
	assert_true(json_is_null(json_object_get(m, "entry_id")));
	json_decref(m);
	assert_stock(&w, w.average, 10, 12340);
	/* The quants report. */
	erp_buf o = ERP_BUF_INIT;
	char q[200];
	snprintf(q, sizeof q, "{\"product_id\":\"%s\"}", w.average);
	assert_erp_ok(erp_stock_quant_list(&o, w.b.ro, q));
	json_t *quants = lt_json(o.ptr);
	erp_buf_dispose(&o);
	int seen = 0;
	size_t i;
	json_t *x2;
	json_array_foreach(quants, i, x2) {
		assert_string_equal(lt_str(x2, "product_id"), w.average);
		const char *loc = lt_str(x2, "location_id");
		if (strcmp(loc, w.stock) == 0) {
			assert_string_equal(lt_str(x2, "on_hand"), "6");
			assert_string_equal(lt_str(x2, "available"), "6");
			assert_string_equal(lt_str(x2, "reserved"), "0");
			seen++;
		} else if (strcmp(loc, w.shelf) == 0) {
			assert_string_equal(lt_str(x2, "on_hand"), "4");
			seen++;
		} else if (strcmp(loc, w.supplier) == 0 || strcmp(loc, w.customer) == 0) {
			fail_msg("the quants report lists a non-internal location");
		}
	}
	assert_int_equal(seen, 2);
	json_decref(quants);
	assert_books_match(&w);
	st_world_close(&w);
}

/* ---- idempotency --------------------------------------------------------------------------------- */

void test_stock__idempotent_moves(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	erp_stock_move_params m = st_mv_cost(w.fifo, 5, w.supplier, w.stock, 1000);
	m.idempotency_key = "receipt-1";
	char first[37], again[37];
	st_move(&w, first, &m);
	st_state before = st_state_of(&w);
	st_move(&w, again, &m);
	assert_string_equal(first, again);
	assert_st_unchanged(&w, &before);
	assert_stock(&w, w.fifo, 5, 5000);
	/* A refused request stores nothing: its key stays free for a corrected one. */
	erp_stock_move_params d = st_mv(w.fifo, 50, w.stock, w.customer);
	d.idempotency_key = "delivery-1";
	assert_move_refused(&w, w.b.rw, &d, ERP_ENOSTOCK, NULL);
	d.quantity = 2;
	char did[37], did2[37];
	st_move(&w, did, &d);
	assert_stock(&w, w.fifo, 3, 3000);
	/* The JSON form with the same key and the same request returns the same move. */
	char json[600];
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"quantity\":\"2\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\","
	         "\"idempotency_key\":\"delivery-1\"}",
	         w.fifo, w.stock, w.customer);
	erp_buf o = ERP_BUF_INIT;
	before = st_state_of(&w);
	assert_erp_ok(erp_stock_move_json(&o, w.b.rw, json));
	erp_test_json_string(did2, sizeof did2, o.ptr, "id");
	erp_buf_dispose(&o);
	assert_string_equal(did, did2);
	assert_st_unchanged(&w, &before);
	/* One key twice in one batch: the same request is one move; another request is refused. */
	erp_stock_move_params twice[2] = { st_mv_cost(w.fifo, 1, w.supplier, w.stock, 700), st_mv_cost(w.fifo, 1, w.supplier, w.stock, 700) };
	twice[0].idempotency_key = twice[1].idempotency_key = "batch-dup";
	erp_buf ids = ERP_BUF_INIT;
	int64_t moves_before = erp_test_count(f->store, w.b.tenant, "{inventory.moves}");
	assert_erp_ok(erp_stock_move_batch(&ids, w.b.rw, twice, 2));
	json_t *a = lt_json(ids.ptr);
	erp_buf_dispose(&ids);
	assert_string_equal(json_string_value(json_array_get(a, 0)), json_string_value(json_array_get(a, 1)));
	json_decref(a);
	assert_int_equal(erp_test_count(f->store, w.b.tenant, "{inventory.moves}"), moves_before + 1);
	assert_stock(&w, w.fifo, 4, 3700);
	/* Keys are per tenant. */
	st_world w2;
	st_world_open(&w2, f->store);
	erp_stock_move_params m2 = st_mv_cost(w2.fifo, 5, w2.supplier, w2.stock, 1000);
	m2.idempotency_key = "receipt-1";
	st_move(&w2, again, &m2);
	assert_string_not_equal(again, first);
	st_world_close(&w2);
	st_world_close(&w);
}

/* Same key, another request: EEXISTS naming the key, nothing written. */
void test_stock__idempotency_key_reused_for_another_request(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	erp_stock_move_params m = st_mv_cost(w.fifo, 5, w.supplier, w.stock, 1000);
	m.idempotency_key = "receipt-2";
	st_move(&w, NULL, &m);
	erp_stock_move_params other = m;
	other.quantity = 6;
	assert_move_refused(&w, w.b.rw, &other, ERP_EEXISTS, "idempotency_key");
	other = m;
	other.unit_cost = 1001;
	assert_move_refused(&w, w.b.rw, &other, ERP_EEXISTS, "idempotency_key");
	other = m;
	other.location_dest_id = w.shelf;
	assert_move_refused(&w, w.b.rw, &other, ERP_EEXISTS, "idempotency_key");
	/* In a batch the field names the move. */
	erp_stock_move_params b[2] = { st_mv_cost(w.fifo, 1, w.supplier, w.stock, 1000), other };
	assert_batch_move_refused(&w, b, 2, ERP_EEXISTS, "moves[1].idempotency_key");
	/* One key for two different moves of one batch. */
	erp_stock_move_params twice[2] = { st_mv_cost(w.fifo, 1, w.supplier, w.stock, 700), st_mv_cost(w.fifo, 2, w.supplier, w.stock, 700) };
	twice[0].idempotency_key = twice[1].idempotency_key = "batch-dup-2";
	assert_batch_move_refused(&w, twice, 2, ERP_EEXISTS, "moves[1].idempotency_key");
	assert_stock(&w, w.fifo, 5, 5000);
	st_world_close(&w);
}

/* ---- batches ------------------------------------------------------------------------------------- */

void test_stock__batches_all_or_none(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	/* In order: receive, move inside, deliver what was just received. */
	erp_stock_move_params ok[3] = {
		st_mv_cost(w.fifo, 10, w.supplier, w.stock, 500),
		st_mv(w.fifo, 4, w.stock, w.shelf),
		st_mv(w.fifo, 6, w.stock, w.customer),
	};
	erp_buf ids = ERP_BUF_INIT;
	assert_erp_ok(erp_stock_move_batch(&ids, w.b.rw, ok, 3));
	json_t *a = lt_json(ids.ptr);
	erp_buf_dispose(&ids);
	assert_int_equal(json_array_size(a), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *m = st_move_get(&w, json_string_value(json_array_get(a, i)));
		assert_int_equal(lt_minor(lt_str(m, "quantity"), 0), ok[i].quantity);
		json_decref(m);
	}
	json_decref(a);
	assert_stock(&w, w.fifo, 4, 2000);
	assert_int_equal(st_qty(&w, w.fifo, w.shelf, NULL).on_hand, 4);
	assert_int_equal(st_qty(&w, w.fifo, w.stock, NULL).on_hand, 0);

	/* A bad move in the middle: nothing written, the field names it. */
	erp_stock_move_params bad[4] = {
		st_mv_cost(w.fifo, 10, w.supplier, w.stock, 500),
		st_mv(w.fifo, 1, w.stock, w.shelf),
		st_mv(w.fifo, 0, w.stock, w.customer),
		st_mv(w.fifo, 1, w.stock, w.customer),
	};
	assert_batch_move_refused(&w, bad, 4, ERP_EINVALID, "moves[2].quantity");
	bad[2] = st_mv(NO_SUCH_ID, 1, w.stock, w.customer);
	assert_batch_move_refused(&w, bad, 4, ERP_ENOTFOUND, "moves[2].product_id");
	bad[2] = st_mv(w.fifo, 1, w.supplier, w.stock); /* no unit cost */
	assert_batch_move_refused(&w, bad, 4, ERP_EINVALID, "moves[2].unit_cost");
	/* Not enough stock for the third once the first two are made. */
	bad[2] = st_mv(w.fifo, 10, w.stock, w.customer);
	assert_batch_move_refused(&w, bad, 4, ERP_ENOSTOCK, "moves[2]");
	/* Count limits. */
	assert_st_refusal(erp_stock_move_batch(NULL, w.b.rw, bad, 0), ERP_EINVALID, NULL);
	/* Corrected, it goes through. */
	bad[2] = st_mv(w.fifo, 8, w.stock, w.customer);
	assert_erp_ok(erp_stock_move_batch(NULL, w.b.rw, bad, 4));
	/* 4 on the shelf from before, 1 more; the stock location back to 0. */
	assert_int_equal(st_qty(&w, w.fifo, w.shelf, NULL).on_hand, 5);
	assert_int_equal(st_qty(&w, w.fifo, w.stock, NULL).on_hand, 0);
	assert_stock(&w, w.fifo, 5, 2500);
	assert_books_match(&w);
	st_world_close(&w);
}

/* The JSON batch (erp-server's POST /stock/moves/batch, the bindings' move_batch): all or none, fields named. */
void test_stock__json_batches_all_or_none(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char json[1600];
#define SHAPE                                                                                       \
	"[{\"product_id\":\"%s\",\"quantity\":\"10\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\","     \
	"\"unit_cost\":\"5.00\",\"idempotency_key\":\"jb-1\"},"                                                  \
	"{\"product_id\":\"%s\",\"quantity\":\"%s\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\"}]"
	snprintf(json, sizeof json, SHAPE, w.fifo, w.supplier, w.stock, w.fifo, "4", w.stock, w.customer);
	erp_buf ids = ERP_BUF_INIT;
	assert_erp_ok(erp_stock_move_batch_json(&ids, w.b.rw, json));
	json_t *a = lt_json(ids.ptr);
	erp_buf_dispose(&ids);
	assert_int_equal(json_array_size(a), 2);
	json_t *m = st_move_get(&w, json_string_value(json_array_get(a, 1)));
	assert_int_equal(lt_minor(lt_str(m, "quantity"), 0), 4);
	json_decref(m);
	json_decref(a);
	assert_stock(&w, w.fifo, 6, 3000);

	/* Refused, naming the move and its field; nothing written (a snapshot is used up by its check). */
	st_state before;
	static const struct {
		const char *quantity, *field;
		int code;
	} bad[] = {
		{ "1.5", "moves[1].quantity", ERP_EINVALID },  /* units of 0 decimals */
		{ "0", "moves[1].quantity", ERP_EINVALID },
		{ "99", "moves[1].quantity", ERP_ENOSTOCK },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(json, sizeof json, SHAPE, w.fifo, w.supplier, w.stock, w.fifo, bad[i].quantity, w.stock, w.customer);
		/* another key than jb-1, so that the first move is not a replay */
		char *key = strstr(json, "jb-1");
		key[3] = '2';
		before = st_state_of(&w);
		assert_st_refusal(erp_stock_move_batch_json(NULL, w.b.rw, json), bad[i].code, bad[i].field);
		assert_st_unchanged(&w, &before);
	}
	static const struct {
		const char *json, *field;
	} malformed[] = {
		{ "[]", "moves" },
		{ "{}", "moves" },
		{ "[{\"quantity\":\"1\"}, 7]", "moves[1]" },
		{ "[{\"quantity\":\"1\"}, {\"quantity\":\"1\",\"colour\":\"red\"}]", "moves[1].colour" },
		{ "[{\"quantity\":\"1\"}, {\"product_id\":\"x\"}]", "moves[1].quantity" },
		{ "[{\"quantity\":\"1\"}, {\"quantity\":1}]", "moves[1].quantity" },
		{ "[{\"quantity\":\"1\",\"quantity\":\"2\"}]", "json" },
		{ "[{\"quantity\"", "json" },
	};
	for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
		before = st_state_of(&w);
		assert_st_refusal(erp_stock_move_batch_json(NULL, w.b.rw, malformed[i].json), ERP_EINVALID, malformed[i].field);
		assert_st_unchanged(&w, &before);
	}
	assert_st_refusal(erp_stock_move_batch_json(NULL, w.b.ro, "[{\"quantity\":\"1\"}]"), ERP_EPERM, NULL);
	/* The same batch again, with its key: the first move is a replay, the second a new delivery. */
	snprintf(json, sizeof json, SHAPE, w.fifo, w.supplier, w.stock, w.fifo, "1", w.stock, w.customer);
	assert_erp_ok(erp_stock_move_batch_json(NULL, w.b.rw, json));
	assert_stock(&w, w.fifo, 5, 2500);
	assert_books_match(&w);
	st_world_close(&w);
#undef SHAPE
}

/* ---- JSON ---------------------------------------------------------------------------------------- */

void test_stock__json_round_trip(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char kg[37];
	st_product(kg, &w, "fifo", -1, true, NULL);
	char json[800];
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"quantity\":\"2.500\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\","
	         "\"date\":\"2024-03-15\",\"unit_cost\":\"4.00\",\"reference\":\"PO-7\",\"idempotency_key\":\"po-7-1\"}",
	         kg, w.supplier, w.stock);
	erp_buf o = ERP_BUF_INIT;
	assert_erp_ok(erp_stock_move_json(&o, w.b.rw, json));
	json_t *made = lt_json(o.ptr);
	erp_buf_dispose(&o);
	const char *id = lt_str(made, "id");
	assert_int_equal(strlen(id), 36);
	json_t *got = st_move_get(&w, id);
	assert_json_equal(made, got);
	assert_string_equal(lt_str(got, "product_id"), kg);
	assert_string_equal(lt_str(got, "quantity"), "2.500");
	assert_string_equal(lt_str(got, "location_id"), w.supplier);
	assert_string_equal(lt_str(got, "location_dest_id"), w.stock);
	assert_string_equal(lt_str(got, "date"), "2024-03-15");
	assert_string_equal(lt_str(got, "kind"), "in");
	assert_string_equal(lt_str(got, "unit_cost"), "4.00");
	assert_string_equal(lt_str(got, "value"), "10.00");
	assert_string_equal(lt_str(got, "currency"), "USD");
	assert_string_equal(lt_str(got, "reference"), "PO-7");
	assert_true(json_is_null(json_object_get(got, "reservation_id")));
	assert_int_equal(strlen(lt_str(got, "entry_id")), 36);
	assert_true(strlen(lt_str(got, "created_at")) > 0);
	assert_string_equal(lt_str(got, "created_by"), "tester");
	/* The typed form of the same move reads the same (minus id and created_at). */
	erp_stock_move_params m = st_mv_cost(kg, 2500, w.supplier, w.stock, 400);
	m.date = "2024-03-15";
	m.reference = "PO-7";
	char id2[37];
	st_move(&w, id2, &m);
	json_t *typed = st_move_get(&w, id2);
	const char *keys[] = { "product_id", "quantity", "location_id", "location_dest_id", "date",
		                   "kind", "unit_cost", "value", "currency", "reference" };
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		assert_json_equal(json_object_get(typed, keys[k]), json_object_get(got, keys[k]));
	json_decref(typed);
	/* Unit cost null for an internal move. */
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"quantity\":\"0.500\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\"}", kg,
	         w.stock, w.shelf);
	assert_erp_ok(erp_stock_move_json(&o, w.b.rw, json));
	json_t *internal = lt_json(o.ptr);
	erp_buf_dispose(&o);
	assert_true(json_is_null(json_object_get(internal, "unit_cost")));
	assert_string_equal(lt_str(internal, "quantity"), "0.500");
	json_decref(internal);
	/* Getting an unknown or malformed id. */
	assert_st_refusal(erp_stock_move_get(&o, w.b.ro, NO_SUCH_ID), ERP_ENOTFOUND, NULL);
	assert_st_refusal(erp_stock_move_get(&o, w.b.ro, "xyz"), ERP_EINVALID, "id");
	erp_buf_dispose(&o);
	json_decref(got);
	json_decref(made);
	st_world_close(&w);
}

/* A category without the perpetual accounts: moves are valued, nothing is posted. */
void test_stock__no_entry_without_perpetual_accounts(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char cat[37], p[37], in[37], out[37];
	json_t *c = ent_create(w.b.rw, "core.product_category", "{\"name\":\"Periodic\"}");
	snprintf(cat, sizeof cat, "%s", ent_id(c));
	json_decref(c);
	char json[400];
	snprintf(json, sizeof json,
	         "{\"name\":\"Periodic product\",\"uom_id\":\"%s\",\"category_id\":\"%s\",\"cost_method\":\"average\"}", w.unit,
	         cat);
	json_t *pr = ent_create(w.b.rw, "core.product", json);
	snprintf(p, sizeof p, "%s", ent_id(pr));
	json_decref(pr);
	int64_t entries = erp_test_count(f->store, w.b.tenant, "{financial.entries}");
	st_receive(&w, in, p, 4, 250, w.stock);
	st_deliver(&w, out, p, 1, w.stock);
	assert_int_equal(st_move_value(&w, in), 1000);
	assert_int_equal(st_move_value(&w, out), -250);
	json_t *m = st_move_get(&w, out);
	assert_true(json_is_null(json_object_get(m, "entry_id")));
	json_decref(m);
	assert_int_equal(erp_test_count(f->store, w.b.tenant, "{financial.entries}"), entries);
	st_val v = st_valuation(&w, p, NULL);
	assert_int_equal(v.quantity, 3);
	assert_int_equal(v.value, 750);
	assert_int_equal(st_layer_sum(&w, p), 750);
	st_world_close(&w);
}

/* A product priced in yen (exponent 0): costs and values cross JSON without decimals, the entry is in JPY. */
void test_stock__amounts_at_the_product_currency_exponent(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char json[600];
	snprintf(json, sizeof json,
	         "{\"name\":\"Yen product\",\"uom_id\":\"%s\",\"category_id\":\"%s\",\"cost_method\":\"average\","
	         "\"currency\":\"JPY\"}",
	         w.unit, w.category);
	json_t *pr = ent_create(w.b.rw, "core.product", json);
	char p[37];
	snprintf(p, sizeof p, "%s", ent_id(pr));
	json_decref(pr);
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"quantity\":\"3\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\","
	         "\"unit_cost\":\"1500.5\"}",
	         p, w.supplier, w.stock);
	assert_move_json_refused(&w, json, ERP_EINVALID, "unit_cost");
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"quantity\":\"3\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\","
	         "\"unit_cost\":\"1500\"}",
	         p, w.supplier, w.stock);
	erp_buf o = ERP_BUF_INIT;
	assert_erp_ok(erp_stock_move_json(&o, w.b.rw, json));
	json_t *m = lt_json(o.ptr);
	assert_string_equal(lt_str(m, "unit_cost"), "1500");
	assert_string_equal(lt_str(m, "value"), "4500");
	assert_string_equal(lt_str(m, "currency"), "JPY");
	json_t *e = lt_get(w.b.ro, lt_str(m, "entry_id"));
	assert_string_equal(lt_str(json_array_get(json_object_get(e, "lines"), 0), "currency"), "JPY");
	json_decref(e);
	json_decref(m);
	/* Typed: minor units of the yen. */
	erp_stock_move_params d = st_mv(p, 2, w.stock, w.customer);
	char id[37];
	st_move(&w, id, &d);
	m = st_move_get(&w, id);
	assert_string_equal(lt_str(m, "value"), "-3000");
	json_decref(m);
	assert_erp_ok(erp_stock_valuation(&o, w.b.ro, NULL));
	json_t *r = lt_json(o.ptr);
	assert_string_equal(lt_str(json_object_get(r, "totals"), "JPY"), "1500");
	size_t i;
	json_t *x;
	int seen = 0;
	json_array_foreach(json_object_get(r, "products"), i, x) {
		if (strcmp(lt_str(x, "product_id"), p) != 0)
			continue;
		seen++;
		assert_string_equal(lt_str(x, "currency"), "JPY");
		assert_string_equal(lt_str(x, "value"), "1500");
		assert_string_equal(lt_str(x, "unit_cost"), "1500");
	}
	assert_int_equal(seen, 1);
	json_decref(r);
	erp_buf_dispose(&o);
	assert_int_equal(lt_balance(&w.b, w.valuation, "JPY", NULL, 0).balance, 1500);
	assert_store_verifies(f->store);
	st_world_close(&w);
}

/* ---- history ------------------------------------------------------------------------------------- */

static json_t *moves_page(st_world *w, const char *query)
{
	erp_buf o = ERP_BUF_INIT;
	int rc = erp_stock_move_list(&o, w->b.ro, query);
	if (rc != ERP_OK)
		fail_msg("erp_stock_move_list(%s): %s (%s) field=%s", query ? query : "NULL", erp_error_name(rc),
		         erp_error_last()->message, erp_error_last()->field ? erp_error_last()->field : "");
	json_t *v = lt_json(o.ptr);
	erp_buf_dispose(&o);
	assert_true(json_is_array(json_object_get(v, "items")));
	return v;
}

void test_stock__history_pages_with_a_cursor(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char ids[8][37];
	char date[11];
	for (int i = 0; i < 7; i++) {
		lt_day(date, 40 + i);
		if (i % 3 == 2) {
			erp_stock_move_params m = st_mv(w.average, 1, w.stock, w.shelf);
			m.date = date;
			st_move(&w, ids[i], &m);
		} else {
			st_receive_on(&w, ids[i], w.average, 2, 100, w.stock, date);
		}
	}
	/* Another product's moves are not in the filtered history. */
	st_receive(&w, ids[7], w.fifo, 1, 100, w.stock);
	char q[300], cursor[400] = "";
	int seen = 0, pages = 0;
	for (;;) {
		if (cursor[0])
			snprintf(q, sizeof q, "{\"product_id\":\"%s\",\"limit\":3,\"cursor\":\"%s\"}", w.average, cursor);
		else
			snprintf(q, sizeof q, "{\"product_id\":\"%s\",\"limit\":3}", w.average);
		json_t *p = moves_page(&w, q);
		json_t *items = json_object_get(p, "items");
		assert_true(json_array_size(items) <= 3);
		size_t i;
		json_t *x;
		json_array_foreach(items, i, x) {
			assert_true(seen < 7);
			assert_string_equal(lt_str(x, "id"), ids[seen]);
			seen++;
		}
		pages++;
		json_t *next = json_object_get(p, "next_cursor");
		if (json_is_null(next) || !next) {
			json_decref(p);
			break;
		}
		assert_true(json_is_string(next));
		snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
		json_decref(p);
		assert_true(pages < 10);
	}
	assert_int_equal(seen, 7);
	assert_int_equal(pages, 3);
	/* Everything: 8 moves. */
	json_t *all = moves_page(&w, NULL);
	assert_int_equal(json_array_size(json_object_get(all, "items")), 8);
	json_decref(all);
	/* By location (source or destination): the shelf saw the 2 internal moves. */
	snprintf(q, sizeof q, "{\"location_id\":\"%s\"}", w.shelf);
	json_t *shelf = moves_page(&w, q);
	assert_int_equal(json_array_size(json_object_get(shelf, "items")), 2);
	assert_string_equal(lt_str(json_array_get(json_object_get(shelf, "items"), 0), "id"), ids[2]);
	assert_string_equal(lt_str(json_array_get(json_object_get(shelf, "items"), 1), "id"), ids[5]);
	json_decref(shelf);
	/* By dates, inclusive: days 41..43 are moves 1..3. */
	char from[11], to[11];
	lt_day(from, 41);
	lt_day(to, 43);
	snprintf(q, sizeof q, "{\"product_id\":\"%s\",\"from\":\"%s\",\"to\":\"%s\"}", w.average, from, to);
	json_t *range = moves_page(&w, q);
	json_t *items = json_object_get(range, "items");
	assert_int_equal(json_array_size(items), 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(lt_str(json_array_get(items, (size_t)i), "id"), ids[i + 1]);
	json_decref(range);
	/* Bad queries name the field. */
	erp_buf o = ERP_BUF_INIT;
	assert_st_refusal(erp_stock_move_list(&o, w.b.ro, "{\"limit\":0}"), ERP_EINVALID, "limit");
	assert_st_refusal(erp_stock_move_list(&o, w.b.ro, "{\"limit\":1001}"), ERP_EINVALID, "limit");
	assert_st_refusal(erp_stock_move_list(&o, w.b.ro, "{\"from\":\"2024-13-01\"}"), ERP_EINVALID, "from");
	/* The keys of 0.x before the renames are unknown now, as any other (CHANGELOG.md). */
	assert_st_refusal(erp_stock_move_list(&o, w.b.ro, "{\"date_from\":\"2024-01-01\"}"), ERP_EINVALID, "date_from");
	assert_st_refusal(erp_stock_move_list(&o, w.b.ro, "{\"cursor\":\"garbage!\"}"), ERP_EINVALID, "cursor");
	assert_st_refusal(erp_stock_move_list(&o, w.b.ro, "{\"limit\":"), ERP_EINVALID, NULL);
	erp_buf_dispose(&o);
	st_world_close(&w);
}

/* ---- as of a date -------------------------------------------------------------------------------- */

void test_stock__quantities_and_values_as_of_a_date(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	/* 03-01 receive 10 @ 10 at Stock; 03-05 deliver 3; 03-07 move 2 to the shelf; 03-10 receive 4 @ 20 at the shelf. */
	st_receive_on(&w, NULL, w.fifo, 10, 1000, w.stock, "2024-03-01");
	st_deliver_on(&w, NULL, w.fifo, 3, w.stock, "2024-03-05");
	erp_stock_move_params m = st_mv(w.fifo, 2, w.stock, w.shelf);
	m.date = "2024-03-07";
	st_move(&w, NULL, &m);
	st_receive_on(&w, NULL, w.fifo, 4, 2000, w.shelf, "2024-03-10");
	static const struct {
		const char *as_of;
		int64_t stock, shelf, value;
	} want[] = {
		{ "2024-02-28", 0, 0, 0 },     { "2024-03-01", 10, 0, 10000 }, { "2024-03-03", 10, 0, 10000 },
		{ "2024-03-05", 7, 0, 7000 },  { "2024-03-06", 7, 0, 7000 },   { "2024-03-07", 5, 2, 7000 },
		{ "2024-03-09", 5, 2, 7000 },  { "2024-03-10", 5, 6, 15000 },  { "2025-01-01", 5, 6, 15000 },
		{ NULL, 5, 6, 15000 },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const char *d = want[i].as_of;
		erp_stock_level s = st_qty(&w, w.fifo, w.stock, d), h = st_qty(&w, w.fifo, w.shelf, d),
		                all = st_qty(&w, w.fifo, NULL, d);
		if (s.on_hand != want[i].stock || h.on_hand != want[i].shelf || all.on_hand != want[i].stock + want[i].shelf)
			fail_msg("as of %s: stock %" PRId64 " shelf %" PRId64 " all %" PRId64 ", expected %" PRId64 " %" PRId64,
			         d ? d : "now", s.on_hand, h.on_hand, all.on_hand, want[i].stock, want[i].shelf);
		st_val v = st_valuation(&w, w.fifo, d);
		if (v.value != want[i].value || v.quantity != want[i].stock + want[i].shelf)
			fail_msg("valuation as of %s: %" PRId64 " / %" PRId64 ", expected %" PRId64 " / %" PRId64, d ? d : "now",
			         v.quantity, v.value, want[i].stock + want[i].shelf, want[i].value);
		/* The quants report as of the date agrees. */
		char q[200];
		if (d)
			snprintf(q, sizeof q, "{\"product_id\":\"%s\",\"location_id\":\"%s\",\"as_of\":\"%s\"}", w.fifo, w.shelf, d);
		else
			snprintf(q, sizeof q, "{\"product_id\":\"%s\",\"location_id\":\"%s\"}", w.fifo, w.shelf);
		erp_buf o = ERP_BUF_INIT;
		assert_erp_ok(erp_stock_quant_list(&o, w.b.ro, q));
		json_t *quants = lt_json(o.ptr);
		erp_buf_dispose(&o);
		int64_t shelf = 0;
		size_t k;
		json_t *x;
		json_array_foreach(quants, k, x)
			shelf += lt_minor(lt_str(x, "on_hand"), 0);
		assert_int_equal(shelf, want[i].shelf);
		json_decref(quants);
	}
	/* The valuation account as of each day agrees with the report. */
	assert_int_equal(lt_balance(&w.b, w.valuation, "USD", "2024-03-05", 2).balance, 7000);
	assert_int_equal(lt_balance(&w.b, w.valuation, "USD", "2024-03-10", 2).balance, 15000);
	/* A move dated before later ones counts from its own day. */
	m = st_mv(w.fifo, 1, w.stock, w.shelf);
	m.date = "2024-03-03";
	st_move(&w, NULL, &m);
	assert_int_equal(st_qty(&w, w.fifo, w.stock, "2024-03-02").on_hand, 10);
	assert_int_equal(st_qty(&w, w.fifo, w.stock, "2024-03-03").on_hand, 9);
	assert_int_equal(st_qty(&w, w.fifo, w.shelf, "2024-03-03").on_hand, 1);
	assert_int_equal(st_qty(&w, w.fifo, w.stock, "2024-03-10").on_hand, 4);
	assert_int_equal(st_qty(&w, w.fifo, w.shelf, "2024-03-10").on_hand, 7);
	assert_int_equal(st_qty(&w, w.fifo, w.shelf, NULL).on_hand, 7);
	assert_int_equal(st_qty(&w, w.fifo, NULL, "2024-03-05").on_hand, 7);
	erp_stock_level l;
	assert_st_refusal(erp_stock_quantity(&l, w.b.ro, w.fifo, NULL, "2024-02-30"), ERP_EINVALID, "as_of");
	assert_st_refusal(erp_stock_quantity(&l, w.b.ro, NO_SUCH_ID, NULL, NULL), ERP_ENOTFOUND, NULL);
	erp_buf o = ERP_BUF_INIT;
	assert_st_refusal(erp_stock_valuation(&o, w.b.ro, "March"), ERP_EINVALID, "as_of");
	erp_buf_dispose(&o);
	st_world_close(&w);
}

/* ---- lock date ------------------------------------------------------------------------------------- */

void test_stock__closed_period_refuses_valued_moves(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	st_receive_on(&w, NULL, w.average, 10, 1000, w.stock, "2024-06-01");
	assert_erp_ok(erp_ledger_set_lock_date(w.b.admin, "2024-06-30"));
	erp_stock_move_params m = st_mv_cost(w.average, 5, w.supplier, w.stock, 1000);
	m.date = "2024-06-15";
	assert_move_refused(&w, w.b.rw, &m, ERP_ELOCKED, NULL);
	m.date = "2024-06-30";
	assert_move_refused(&w, w.b.rw, &m, ERP_ELOCKED, NULL);
	erp_stock_move_params d = st_mv(w.average, 2, w.stock, w.customer);
	d.date = "2024-06-20";
	assert_move_refused(&w, w.b.rw, &d, ERP_ELOCKED, NULL);
	/* An internal move posts nothing: the lock date does not stop it. */
	erp_stock_move_params i = st_mv(w.average, 1, w.stock, w.shelf);
	i.date = "2024-06-20";
	st_move(&w, NULL, &i);
	/* After the lock date it goes through. */
	m.date = "2024-07-01";
	st_move(&w, NULL, &m);
	assert_stock(&w, w.average, 15, 15000);
	assert_books_match(&w);
	/* In a batch too: nothing of it is written, and the field names the move. */
	erp_stock_move_params b[2] = { st_mv_cost(w.average, 1, w.supplier, w.stock, 1000), d };
	b[0].date = "2024-07-02";
	assert_batch_move_refused(&w, b, 2, ERP_ELOCKED, "moves[1]");
	assert_erp_ok(erp_ledger_set_lock_date(w.b.admin, NULL));
	st_world_close(&w);
}

/* ---- roles ------------------------------------------------------------------------------------------ */

void test_stock__readonly_may_not_move(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	st_receive(&w, NULL, w.average, 10, 1000, w.stock);
	erp_stock_move_params m = st_mv(w.average, 1, w.stock, w.customer);
	assert_move_refused(&w, w.b.ro, &m, ERP_EPERM, NULL);
	m = st_mv_cost(w.average, 1, w.supplier, w.stock, 100);
	assert_move_refused(&w, w.b.ro, &m, ERP_EPERM, NULL);
	st_state before = st_state_of(&w);
	assert_st_refusal(erp_stock_move_batch(NULL, w.b.ro, &m, 1), ERP_EPERM, NULL);
	char json[400];
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"quantity\":\"1\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\"}", w.average,
	         w.stock, w.shelf);
	erp_buf o = ERP_BUF_INIT;
	assert_st_refusal(erp_stock_move_json(&o, w.b.ro, json), ERP_EPERM, NULL);
	erp_stock_reserve_params r = ERP_STOCK_RESERVE_PARAMS_INIT;
	r.product_id = w.average;
	r.location_id = w.stock;
	r.quantity = 1;
	assert_st_refusal(erp_stock_reserve(&o, w.b.ro, &r), ERP_EPERM, NULL);
	assert_st_unchanged(&w, &before);
	char res[37];
	st_reserve(&w, res, w.average, w.stock, 1, 0);
	before = st_state_of(&w);
	assert_st_refusal(erp_stock_release(w.b.ro, res), ERP_EPERM, NULL);
	assert_st_unchanged(&w, &before);
	/* Every role reads. */
	erp_stock_level l;
	assert_erp_ok(erp_stock_quantity(&l, w.b.ro, w.average, NULL, NULL));
	assert_int_equal(l.on_hand, 10);
	assert_int_equal(l.available, 9);
	assert_erp_ok(erp_stock_valuation(&o, w.b.ro, NULL));
	assert_erp_ok(erp_stock_move_list(&o, w.b.ro, NULL));
	assert_erp_ok(erp_stock_layer_list(&o, w.b.ro, w.average));
	assert_erp_ok(erp_stock_quant_list(&o, w.b.ro, NULL));
	assert_erp_ok(erp_stock_reservation_get(&o, w.b.ro, res));
	/* Admin moves. */
	assert_erp_ok(erp_stock_move(NULL, w.b.admin, &m));
	erp_buf_dispose(&o);
	st_world_close(&w);
}

/* ---- isolation ------------------------------------------------------------------------------------ */

void test_stock__another_tenants_ids_are_not_found(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world a, b;
	st_world_open(&a, f->store);
	st_world_open(&b, f->store);
	char amove[37], ares[37];
	st_receive(&a, amove, a.fifo, 10, 1000, a.stock);
	st_reserve(&a, ares, a.fifo, a.stock, 2, 0);
	st_receive(&b, NULL, b.fifo, 3, 700, b.stock);
	/* B moving A's product, from or to A's locations. */
	erp_stock_move_params m = st_mv(a.fifo, 1, b.stock, b.customer);
	assert_move_refused(&b, b.b.rw, &m, ERP_ENOTFOUND, "product_id");
	m = st_mv(b.fifo, 1, a.stock, b.customer);
	assert_move_refused(&b, b.b.rw, &m, ERP_ENOTFOUND, "location_id");
	m = st_mv(b.fifo, 1, b.stock, a.shelf);
	assert_move_refused(&b, b.b.rw, &m, ERP_ENOTFOUND, "location_dest_id");
	m = st_mv(b.fifo, 1, b.stock, b.customer);
	m.reservation_id = ares;
	assert_move_refused(&b, b.b.rw, &m, ERP_ENOTFOUND, "reservation_id");
	erp_stock_reserve_params r = ERP_STOCK_RESERVE_PARAMS_INIT;
	r.product_id = a.fifo;
	r.location_id = a.stock;
	r.quantity = 1;
	assert_reserve_refused(&b, b.b.rw, &r, ERP_ENOTFOUND, NULL);
	/* Reading A's things from B. */
	erp_buf o = ERP_BUF_INIT;
	erp_stock_level l;
	assert_st_refusal(erp_stock_move_get(&o, b.b.ro, amove), ERP_ENOTFOUND, NULL);
	assert_st_refusal(erp_stock_reservation_get(&o, b.b.ro, ares), ERP_ENOTFOUND, NULL);
	assert_st_refusal(erp_stock_release(b.b.rw, ares), ERP_ENOTFOUND, NULL);
	assert_st_refusal(erp_stock_quantity(&l, b.b.ro, a.fifo, NULL, NULL), ERP_ENOTFOUND, NULL);
	/* Layers of an unknown product: not found, or nothing. */
	int lrc = erp_stock_layer_list(&o, b.b.ro, a.fifo);
	if (lrc == ERP_OK)
		assert_string_equal(o.ptr, "[]");
	else
		assert_st_refusal(lrc, ERP_ENOTFOUND, NULL);
	/* B's reports show B only. */
	assert_erp_ok(erp_stock_valuation(&o, b.b.ro, NULL));
	assert_null(strstr(o.ptr, a.fifo));
	assert_int_equal(st_valuation_total(&b, NULL), 2100);
	char q[200];
	snprintf(q, sizeof q, "{\"product_id\":\"%s\"}", a.fifo);
	assert_erp_ok(erp_stock_move_list(&o, b.b.ro, q));
	json_t *v = lt_json(o.ptr);
	assert_int_equal(json_array_size(json_object_get(v, "items")), 0);
	json_decref(v);
	assert_erp_ok(erp_stock_move_list(&o, b.b.ro, NULL));
	assert_null(strstr(o.ptr, amove));
	assert_erp_ok(erp_stock_quant_list(&o, b.b.ro, NULL));
	assert_null(strstr(o.ptr, a.fifo));
	erp_buf_dispose(&o);
	/* A unchanged. */
	assert_stock(&a, a.fifo, 10, 10000);
	assert_int_equal(st_qty(&a, a.fifo, a.stock, NULL).available, 8);
	st_world_close(&a);
	st_world_close(&b);
}

/* ---- verification ---------------------------------------------------------------------------------- */

void test_stock__verify_passes_after_everything(void **state)
{
	erp_conformance_fixture *f = *state;
	assert_store_verifies(f->store);
}

/* erp_store_verify over a store with stock passes; it fails once a quant or a product's stock is changed behind the library's back. */
static void tamper_and_verify(const char *stmt, const char *what)
{
	char *url = NULL;
	erp_store *store = erp_test_store_fresh(&url);
	st_world w;
	st_world_open(&w, store);
	st_receive(&w, NULL, w.fifo, 10, 1000, w.stock);
	st_internal(&w, NULL, w.fifo, 3, w.stock, w.shelf);
	st_deliver(&w, NULL, w.fifo, 2, w.stock);
	st_receive(&w, NULL, w.average, 4, 250, w.negative);
	st_deliver(&w, NULL, w.average, 6, w.negative);
	assert_store_verifies(store);
	char sql[600];
	size_t n = 0;
	for (const char *p = stmt; *p && n + 40 < sizeof sql;) {
		if (strncmp(p, "TENANT", 6) == 0) {
			n += (size_t)snprintf(sql + n, sizeof sql - n, "%s", w.b.tenant);
			p += 6;
		} else if (strncmp(p, "PRODUCT", 7) == 0) {
			n += (size_t)snprintf(sql + n, sizeof sql - n, "%s", w.fifo);
			p += 7;
		} else {
			sql[n++] = *p++;
		}
	}
	sql[n] = '\0';
	int rc = erp_test_exec(store, w.b.tenant, sql);
	if (rc != ERP_OK && erp_test_backend_is("postgresql")) {
		/* As the tables' owner, template braces removed. */
		char pg[600], why[400];
		size_t k = 0;
		for (const char *p = sql; *p && k + 1 < sizeof pg; p++)
			if (*p != '{' && *p != '}')
				pg[k++] = *p;
		pg[k] = '\0';
		rc = lt_owner_exec(store, url, w.b.tenant, pg, why, sizeof why);
		if (rc != ERP_OK)
			fail_msg("tampering with %s was refused to the owner: %s", what, why);
	}
	if (rc != ERP_OK)
		fail_msg("tampering with %s was refused: %s (%s)", what, erp_error_name(rc), erp_error_last()->message);
	erp_buf report = ERP_BUF_INIT;
	rc = erp_store_verify(&report, store);
	json_t *r = report.ptr ? lt_json(report.ptr) : NULL;
	bool ok = rc == ERP_OK && r && json_is_true(json_object_get(r, "ok"));
	if (ok)
		fail_msg("erp_store_verify passed after tampering with %s: %.800s", what, report.ptr ? report.ptr : "");
	print_message("[ tamper   ] %s: %s %.300s\n", what, erp_error_name(rc), report.ptr ? report.ptr : "");
	json_decref(r);
	erp_buf_dispose(&report);
	st_world_close(&w);
	erp_test_store_drop(store, url);
}

void test_stock__verify_detects_a_tampered_quant(void **state)
{
	(void)state;
	tamper_and_verify("UPDATE {inventory.quants} SET quantity = quantity + 1 WHERE tenant_id = 'TENANT' AND product_id = 'PRODUCT' "
	                  "AND quantity = 5",
	                  "a quant");
}

void test_stock__verify_detects_a_tampered_product_stock(void **state)
{
	(void)state;
	tamper_and_verify("UPDATE {inventory.product_stock} SET value = value + 1 WHERE tenant_id = 'TENANT' AND product_id = 'PRODUCT'",
	                  "a product's stock value");
}

void test_stock__verify_detects_a_tampered_layer_remainder(void **state)
{
	(void)state;
	tamper_and_verify("UPDATE {inventory.layers} SET remaining_value = remaining_value + 1 WHERE tenant_id = 'TENANT' AND "
	                  "product_id = 'PRODUCT' AND remaining_qty > 0",
	                  "a layer's remaining value");
}

ERP_CONFORMANCE_GROUP(360, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
