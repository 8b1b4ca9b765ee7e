/*
 * Reservations as two-phase transfers (erp/stock.h; scenarios.md S1, S2):
 * reserve, consume with a move (the rest released), release, expire with
 * no other call; availability; ENOSTOCK unless the location allows
 * negative stock; ECONFLICT for a reservation that is not pending or is
 * for less; and concurrent reservations and deliveries from many threads
 * that never take more than is there.
 */
#include "stock/stock_support.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#define NO_SUCH_ID "01900000-0000-7000-8000-000000000000"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

static void assert_level(st_world *w, const char *product, const char *location, int64_t on_hand, int64_t reserved)
{
	erp_stock_level l = st_qty(w, product, location, NULL);
	if (l.on_hand != on_hand || l.reserved != reserved || l.available != on_hand - reserved)
		fail_msg("on hand %" PRId64 " reserved %" PRId64 " available %" PRId64 ", expected %" PRId64 " %" PRId64 " %" PRId64,
		         l.on_hand, l.reserved, l.available, on_hand, reserved, on_hand - reserved);
}

static void assert_reservation(st_world *w, const char *id, const char *state, const char *quantity, const char *consumed)
{
	json_t *r = st_reservation_get(w, id);
	assert_string_equal(lt_str(r, "id"), id);
	if (strcmp(lt_str(r, "state"), state) != 0)
		fail_msg("reservation state '%s', expected '%s'", lt_str(r, "state"), state);
	assert_string_equal(lt_str(r, "quantity"), quantity);
	if (consumed)
		assert_string_equal(lt_str(r, "consumed"), consumed);
	json_decref(r);
}

/* S1: 20 on hand; reserve 15; deliver 13 against it; the 2 left are released. */
void test_stock__s1_reserve_consume_release(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	const char *p = w.average;
	st_receive(&w, NULL, p, 20, 1000, w.stock);
	char r1[37], mv[37];
	st_reserve(&w, r1, p, w.stock, 15, 0);
	assert_level(&w, p, w.stock, 20, 15);
	assert_level(&w, p, NULL, 20, 15);
	json_t *r = st_reservation_get(&w, r1);
	assert_string_equal(lt_str(r, "state"), "pending");
	assert_string_equal(lt_str(r, "quantity"), "15");
	assert_string_equal(lt_str(r, "consumed"), "0");
	assert_string_equal(lt_str(r, "product_id"), p);
	assert_string_equal(lt_str(r, "location_id"), w.stock);
	assert_true(json_is_null(json_object_get(r, "expires_at")));
	assert_true(json_is_null(json_object_get(r, "move_id")));
	json_decref(r);
	/* Not against the reservation: only the 5 available may go. */
	erp_stock_move_params free_move = st_mv(p, 6, w.stock, w.customer);
	assert_move_refused(&w, w.b.rw, &free_move, ERP_ENOSTOCK, NULL);
	free_move = st_mv(p, 6, w.stock, w.shelf);
	assert_move_refused(&w, w.b.rw, &free_move, ERP_ENOSTOCK, NULL);
	/* More than the reservation against it: refused, nothing written, the reservation still pending. */
	erp_stock_move_params m = st_mv(p, 16, w.stock, w.customer);
	m.reservation_id = r1;
	assert_move_refused(&w, w.b.rw, &m, ERP_ECONFLICT, NULL);
	/* Against it from another location or of another product: refused. */
	m = st_mv(p, 1, w.shelf, w.customer);
	m.reservation_id = r1;
	st_state before = st_state_of(&w);
	int rc = erp_stock_move(NULL, w.b.rw, &m);
	if (rc != ERP_ECONFLICT && rc != ERP_EINVALID)
		fail_msg("a move from another location against a reservation: %s", erp_error_name(rc));
	assert_st_unchanged(&w, &before);
	m = st_mv(w.fifo, 1, w.stock, w.customer);
	m.reservation_id = r1;
	before = st_state_of(&w);
	rc = erp_stock_move(NULL, w.b.rw, &m);
	if (rc != ERP_ECONFLICT && rc != ERP_EINVALID)
		fail_msg("a move of another product against a reservation: %s", erp_error_name(rc));
	assert_st_unchanged(&w, &before);
	assert_reservation(&w, r1, "pending", "15", "0");
	/* Deliver 13 against it. */
	m = st_mv(p, 13, w.stock, w.customer);
	m.reservation_id = r1;
	st_move(&w, mv, &m);
	assert_level(&w, p, w.stock, 7, 0);
	r = st_reservation_get(&w, r1);
	assert_string_equal(lt_str(r, "state"), "consumed");
	assert_string_equal(lt_str(r, "consumed"), "13");
	assert_string_equal(lt_str(r, "move_id"), mv);
	json_decref(r);
	json_t *mj = st_move_get(&w, mv);
	assert_string_equal(lt_str(mj, "reservation_id"), r1);
	assert_string_equal(lt_str(mj, "value"), "-130.00");
	json_decref(mj);
	assert_stock(&w, p, 7, 7000);
	/* Consumed: not again, not released. */
	m.quantity = 1;
	assert_move_refused(&w, w.b.rw, &m, ERP_ECONFLICT, NULL);
	before = st_state_of(&w);
	assert_st_refusal(erp_stock_release(w.b.rw, r1), ERP_ECONFLICT, NULL);
	assert_st_unchanged(&w, &before);

	/* A second reservation for more than is available: refused. */
	erp_stock_reserve_params rq = ERP_STOCK_RESERVE_PARAMS_INIT;
	rq.product_id = p;
	rq.location_id = w.stock;
	rq.quantity = 8;
	assert_reserve_refused(&w, w.b.rw, &rq, ERP_ENOSTOCK, NULL);
	char r2[37];
	st_reserve(&w, r2, p, w.stock, 7, 0);
	assert_level(&w, p, w.stock, 7, 7);
	rq.quantity = 1;
	assert_reserve_refused(&w, w.b.rw, &rq, ERP_ENOSTOCK, NULL);
	/* Releasing gives it back; twice is a conflict; a released one cannot be consumed. */
	assert_erp_ok(erp_stock_release(w.b.rw, r2));
	assert_reservation(&w, r2, "released", "7", "0");
	assert_level(&w, p, w.stock, 7, 0);
	before = st_state_of(&w);
	assert_st_refusal(erp_stock_release(w.b.rw, r2), ERP_ECONFLICT, NULL);
	assert_st_unchanged(&w, &before);
	m = st_mv(p, 1, w.stock, w.customer);
	m.reservation_id = r2;
	assert_move_refused(&w, w.b.rw, &m, ERP_ECONFLICT, NULL);
	assert_st_refusal(erp_stock_release(w.b.rw, NO_SUCH_ID), ERP_ENOTFOUND, NULL);
	assert_st_refusal(erp_stock_release(w.b.rw, "nope"), ERP_EINVALID, NULL);

	/* A location that allows negative stock reserves anything. */
	char r3[37];
	st_reserve(&w, r3, p, w.negative, 50, 0);
	assert_level(&w, p, w.negative, 0, 50);
	m = st_mv(p, 50, w.negative, w.customer);
	m.reservation_id = r3;
	st_move(&w, NULL, &m);
	assert_level(&w, p, w.negative, -50, 0);
	assert_books_match(&w);
	assert_store_verifies(f->store);
	st_world_close(&w);
}

/* An expiring reservation stops counting at once, with no other call; it can then be neither consumed nor released. */
void test_stock__s1_reservation_expires_by_itself(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	const char *p = w.fifo;
	st_receive(&w, NULL, p, 7, 500, w.stock);
	char r[37];
	/* 200 ms (longer under valgrind, where the calls between are slow). */
	int64_t ttl = erp_test_under_valgrind() ? 3000 : 200;
	st_reserve(&w, r, p, w.stock, 5, ttl);
	assert_level(&w, p, w.stock, 7, 5);
	json_t *j = st_reservation_get(&w, r);
	assert_string_equal(lt_str(j, "state"), "pending");
	const char *exp = lt_str(j, "expires_at");
	assert_true(strlen(exp) >= 20 && exp[strlen(exp) - 1] == 'Z');
	json_decref(j);
	sleep_ms((long)ttl + 150);
	assert_level(&w, p, w.stock, 7, 0);
	assert_reservation(&w, r, "expired", "5", "0");
	erp_stock_move_params m = st_mv(p, 2, w.stock, w.customer);
	m.reservation_id = r;
	assert_move_refused(&w, w.b.rw, &m, ERP_ECONFLICT, NULL);
	st_state before = st_state_of(&w);
	assert_st_refusal(erp_stock_release(w.b.rw, r), ERP_ECONFLICT, NULL);
	assert_st_unchanged(&w, &before);
	/* All 7 can go now. */
	st_deliver(&w, NULL, p, 7, w.stock);
	assert_level(&w, p, w.stock, 0, 0);
	/* A reservation that is consumed before it expires stays consumed. */
	st_receive(&w, NULL, p, 3, 500, w.stock);
	st_reserve(&w, r, p, w.stock, 3, 60000);
	m = st_mv(p, 3, w.stock, w.customer);
	m.reservation_id = r;
	st_move(&w, NULL, &m);
	assert_reservation(&w, r, "consumed", "3", "3");
	st_world_close(&w);
}

void test_stock__reservation_validation_and_idempotency(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	const char *p = w.average;
	st_receive(&w, NULL, p, 10, 100, w.stock);
	erp_stock_reserve_params r = ERP_STOCK_RESERVE_PARAMS_INIT;
	r.product_id = p;
	r.location_id = w.stock;
	r.quantity = 0;
	assert_reserve_refused(&w, w.b.rw, &r, ERP_EINVALID, "quantity");
	r.quantity = -1;
	assert_reserve_refused(&w, w.b.rw, &r, ERP_EINVALID, "quantity");
	r.quantity = 1;
	r.expires_in_ms = -5;
	assert_reserve_refused(&w, w.b.rw, &r, ERP_EINVALID, "expires_in_ms");
	r.expires_in_ms = 0;
	r.location_id = w.supplier;
	assert_reserve_refused(&w, w.b.rw, &r, ERP_EINVALID, "location_id");
	r.location_id = w.view;
	assert_reserve_refused(&w, w.b.rw, &r, ERP_EINVALID, "location_id");
	r.location_id = NO_SUCH_ID;
	assert_reserve_refused(&w, w.b.rw, &r, ERP_ENOTFOUND, "location_id");
	r.location_id = w.stock;
	r.product_id = NO_SUCH_ID;
	assert_reserve_refused(&w, w.b.rw, &r, ERP_ENOTFOUND, "product_id");
	r.product_id = p;
	r.idempotency_key = "";
	assert_reserve_refused(&w, w.b.rw, &r, ERP_EINVALID, "idempotency_key");
	/* Idempotency: same key same request -> the same reservation, once. */
	r.idempotency_key = "hold-1";
	r.quantity = 4;
	r.reference = "SO-1";
	char id1[37], id2[37];
	erp_buf o = ERP_BUF_INIT;
	assert_erp_ok(erp_stock_reserve(&o, w.b.rw, &r));
	memcpy(id1, o.ptr, 37);
	st_state before = st_state_of(&w);
	assert_erp_ok(erp_stock_reserve(&o, w.b.rw, &r));
	memcpy(id2, o.ptr, 37);
	assert_string_equal(id1, id2);
	assert_st_unchanged(&w, &before);
	assert_level(&w, p, w.stock, 10, 4);
	r.quantity = 5;
	assert_reserve_refused(&w, w.b.rw, &r, ERP_EEXISTS, NULL);
	/* The JSON form returns the reservation as erp_stock_reservation_get() does. */
	char json[400];
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"location_id\":\"%s\",\"quantity\":\"3\",\"expires_in_ms\":60000,\"reference\":\"SO-2\"}",
	         p, w.stock);
	assert_erp_ok(erp_stock_reserve_json(&o, w.b.rw, json));
	json_t *made = lt_json(o.ptr);
	json_t *got = st_reservation_get(&w, lt_str(made, "id"));
	assert_json_equal(made, got);
	assert_string_equal(lt_str(got, "quantity"), "3");
	assert_string_equal(lt_str(got, "reference"), "SO-2");
	assert_string_equal(lt_str(got, "state"), "pending");
	assert_true(json_is_string(json_object_get(got, "expires_at")));
	json_decref(made);
	json_decref(got);
	assert_level(&w, p, w.stock, 10, 7);
	snprintf(json, sizeof json, "{\"product_id\":\"%s\",\"location_id\":\"%s\",\"quantity\":\"1.5\"}", p, w.stock);
	st_state b2 = st_state_of(&w);
	assert_st_refusal(erp_stock_reserve_json(&o, w.b.rw, json), ERP_EINVALID, "quantity");
	assert_st_refusal(erp_stock_reserve_json(&o, w.b.rw, "{"), ERP_EINVALID, "json");
	assert_st_unchanged(&w, &b2);
	assert_st_refusal(erp_stock_reservation_get(&o, w.b.ro, NO_SUCH_ID), ERP_ENOTFOUND, NULL);
	erp_buf_dispose(&o);
	st_world_close(&w);
}

/* ---- S2: concurrency ------------------------------------------------------------------------------- */

#define THREADS 8

typedef struct {
	erp_store *store;
	const char *tenant, *product, *location, *customer;
	int attempts;
	bool deliver;
	int ok, nostock, other;
	char message[300];
} worker;

static void *work(void *arg)
{
	worker *k = arg;
	erp_ctx *ctx = NULL;
	if (erp_ctx_new(&ctx, k->store, k->tenant, "worker", ERP_ROLE_READWRITE) != ERP_OK) {
		k->other++;
		snprintf(k->message, sizeof k->message, "erp_ctx_new: %s", erp_error_last()->message);
		return NULL;
	}
	for (int i = 0; i < k->attempts; i++) {
		int rc;
		if (k->deliver) {
			erp_stock_move_params m = st_mv(k->product, 1, k->location, k->customer);
			rc = erp_stock_move(NULL, ctx, &m);
		} else {
			erp_stock_reserve_params r = ERP_STOCK_RESERVE_PARAMS_INIT;
			r.product_id = k->product;
			r.location_id = k->location;
			r.quantity = 1;
			rc = erp_stock_reserve(NULL, ctx, &r);
		}
		if (rc == ERP_OK)
			k->ok++;
		else if (rc == ERP_ENOSTOCK)
			k->nostock++;
		else if (!k->other++)
			snprintf(k->message, sizeof k->message, "%s (%s)", erp_error_name(rc), erp_error_last()->message);
	}
	erp_ctx_free(ctx);
	return NULL;
}

static void race(st_world *w, const char *product, bool deliver, int attempts, int *ok, int *nostock)
{
	pthread_t t[THREADS];
	worker k[THREADS];
	for (int i = 0; i < THREADS; i++) {
		memset(&k[i], 0, sizeof k[i]);
		k[i].store = w->b.store;
		k[i].tenant = w->b.tenant;
		k[i].product = product;
		k[i].location = w->stock;
		k[i].customer = w->customer;
		k[i].attempts = attempts;
		k[i].deliver = deliver;
		assert_int_equal(pthread_create(&t[i], NULL, work, &k[i]), 0);
	}
	int other = 0;
	*ok = *nostock = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		*ok += k[i].ok;
		*nostock += k[i].nostock;
		other += k[i].other;
		if (k[i].other)
			print_error("thread %d: %d calls neither OK nor ENOSTOCK, first: %s\n", i, k[i].other, k[i].message);
	}
	assert_int_equal(other, 0);
}

/* S2: 8 threads x 5 attempts to reserve 1 of 10: exactly 10 succeed. */
void test_stock__s2_concurrent_reservations_never_exceed_stock(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	st_receive(&w, NULL, w.fifo, 10, 1000, w.stock);
	int ok, nostock;
	race(&w, w.fifo, false, 5, &ok, &nostock);
	assert_int_equal(ok, 10);
	assert_int_equal(nostock, THREADS * 5 - 10);
	assert_level(&w, w.fifo, w.stock, 10, 10);
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM {inventory.reservations} WHERE tenant_id = '%s' AND state = 'pending'", w.b.tenant);
	assert_int_equal(erp_test_scalar(f->store, w.b.tenant, sql), 10);
	/* Nothing left for a plain delivery either. */
	erp_stock_move_params m = st_mv(w.fifo, 1, w.stock, w.customer);
	assert_move_refused(&w, w.b.rw, &m, ERP_ENOSTOCK, NULL);
	st_world_close(&w);
}

/* Concurrent deliveries: 8 threads x 3 attempts to deliver 1 of 10 from a location that may not go negative. */
void test_stock__s2_concurrent_deliveries_never_go_negative(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	st_receive(&w, NULL, w.average, 10, 333, w.stock);
	int ok, nostock;
	race(&w, w.average, true, 3, &ok, &nostock);
	assert_int_equal(ok, 10);
	assert_int_equal(nostock, THREADS * 3 - 10);
	assert_level(&w, w.average, w.stock, 0, 0);
	assert_stock(&w, w.average, 0, 0);
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM {inventory.moves} WHERE tenant_id = '%s'", w.b.tenant);
	assert_int_equal(erp_test_scalar(f->store, w.b.tenant, sql), 11);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM {inventory.quants} WHERE tenant_id = '%s' AND quantity < 0", w.b.tenant);
	assert_int_equal(erp_test_scalar(f->store, w.b.tenant, sql), 0);
	assert_int_equal(st_balance(&w, w.output), 3330);
	assert_books_match(&w);
	assert_store_verifies(f->store);
	st_world_close(&w);
}

/* Reservations and deliveries racing on one quant: what is reserved plus what is delivered never exceeds it. */
void test_stock__s2_reservations_and_deliveries_race(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	st_receive(&w, NULL, w.standard, 12, 1000, w.stock);
	pthread_t t[THREADS];
	worker k[THREADS];
	for (int i = 0; i < THREADS; i++) {
		memset(&k[i], 0, sizeof k[i]);
		k[i].store = f->store;
		k[i].tenant = w.b.tenant;
		k[i].product = w.standard;
		k[i].location = w.stock;
		k[i].customer = w.customer;
		k[i].attempts = 4;
		k[i].deliver = i % 2 == 0;
		assert_int_equal(pthread_create(&t[i], NULL, work, &k[i]), 0);
	}
	int reserved = 0, delivered = 0, other = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		if (k[i].deliver)
			delivered += k[i].ok;
		else
			reserved += k[i].ok;
		other += k[i].other;
		if (k[i].other)
			print_error("thread %d: %s\n", i, k[i].message);
	}
	assert_int_equal(other, 0);
	assert_int_equal(reserved + delivered, 12);
	assert_level(&w, w.standard, w.stock, 12 - delivered, reserved);
	assert_books_match(&w);
	st_world_close(&w);
}

/* Racing moves with one idempotency key: one move, every caller gets its id. */
typedef struct {
	erp_store *store;
	const char *tenant;
	erp_stock_move_params m;
	int rc;
	char id[37], message[300];
} keyed;

static void *keyed_move(void *arg)
{
	keyed *k = arg;
	erp_ctx *ctx = NULL;
	k->rc = erp_ctx_new(&ctx, k->store, k->tenant, "racer", ERP_ROLE_READWRITE);
	if (k->rc != ERP_OK)
		return NULL;
	erp_buf id = ERP_BUF_INIT;
	k->rc = erp_stock_move(&id, ctx, &k->m);
	snprintf(k->message, sizeof k->message, "%s", k->rc ? erp_error_last()->message : "");
	if (k->rc == ERP_OK && id.size == 36)
		memcpy(k->id, id.ptr, 37);
	erp_buf_dispose(&id);
	erp_ctx_free(ctx);
	return NULL;
}

void test_stock__s2_racing_moves_with_one_key_make_one_move(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	st_receive(&w, NULL, w.fifo, 5, 1000, w.stock);
	pthread_t t[THREADS];
	keyed k[THREADS];
	for (int i = 0; i < THREADS; i++) {
		memset(&k[i], 0, sizeof k[i]);
		k[i].store = f->store;
		k[i].tenant = w.b.tenant;
		k[i].m = st_mv(w.fifo, 3, w.stock, w.customer);
		k[i].m.idempotency_key = "the-one-delivery";
		assert_int_equal(pthread_create(&t[i], NULL, keyed_move, &k[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < THREADS; i++) {
		if (k[i].rc != ERP_OK)
			fail_msg("racer %d: %s (%s)", i, erp_error_name(k[i].rc), k[i].message);
		assert_string_equal(k[i].id, k[0].id);
	}
	assert_level(&w, w.fifo, w.stock, 2, 0);
	assert_int_equal(erp_test_count(f->store, w.b.tenant, "{inventory.moves}"), 2);
	assert_books_match(&w);
	st_world_close(&w);
}

ERP_CONFORMANCE_GROUP(370, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
