/*
 * A property test of stock (erp/stock.h): a seeded random sequence of
 * receipts, deliveries, internal moves, customer returns and small
 * batches over three products (standard, average, fifo) and three
 * internal locations (one allowing negative stock), some of them refused
 * for want of stock. After every step: the quantity of every product at
 * every location equals a model, the valuation report's quantity is their
 * sum, every product's value equals the sum of its layers and the sum of
 * its moves' values, is exactly zero at quantity zero and has the sign of
 * the quantity, the standard product is worth quantity x standard price,
 * FIFO's open layers add up to its value, and the stock valuation
 * account's balance equals the report's total. erp_store_verify() passes
 * every 50 steps and at the end.
 *
 * The seed is printed; ERP_TEST_SEED=<seed> replays a run.
 */
#include "stock/stock_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#define NP 3
#define NL 3
#define STANDARD_PRICE 1000

typedef struct {
	st_world w;
	const char *product[NP];   /* standard, average, fifo */
	const char *location[NL];  /* stock, shelf, negative */
	int64_t qty[NP][NL];       /* the model of the quants */
	int64_t move_value[NP];    /* sum of the "value" of every move made */
	uint64_t rng;
	int64_t made, refused, batches;
} model;

static bool allows_negative(int l)
{
	return l == 2;
}

static int64_t product_qty(const model *m, int p)
{
	int64_t q = 0;
	for (int l = 0; l < NL; l++)
		q += m->qty[p][l];
	return q;
}

/* One step's move, and what it does to the model. */
typedef struct {
	erp_stock_move_params mv;
	int p, from, to;   /* from/to: internal location index, or -1 */
	bool expect_nostock;
} step;

static void apply(model *m, const step *s, const char *id)
{
	if (s->from >= 0)
		m->qty[s->p][s->from] -= s->mv.quantity;
	if (s->to >= 0)
		m->qty[s->p][s->to] += s->mv.quantity;
	m->move_value[s->p] += st_move_value(&m->w, id);
	m->made++;
}

static void generate(model *m, step *s, const int64_t pending[NP][NL])
{
	memset(s, 0, sizeof *s);
	st_world *w = &m->w;
	s->p = (int)lt_rand_range(&m->rng, 0, NP - 1);
	const char *prod = m->product[s->p];
	int kind = (int)lt_rand_range(&m->rng, 0, 99);
	s->from = s->to = -1;
	if (kind < 35) { /* receipt */
		s->to = (int)lt_rand_range(&m->rng, 0, NL - 1);
		s->mv = st_mv_cost(prod, lt_rand_range(&m->rng, 1, 20), w->supplier, m->location[s->to],
		                   lt_rand_range(&m->rng, 0, 99) < 5 ? 0 : lt_rand_range(&m->rng, 1, 5000));
	} else if (kind < 70) { /* delivery */
		s->from = (int)lt_rand_range(&m->rng, 0, NL - 1);
		int64_t have = m->qty[s->p][s->from] - pending[s->p][s->from];
		int64_t q;
		if (allows_negative(s->from) || have <= 0 || lt_rand_range(&m->rng, 0, 9) == 0)
			q = lt_rand_range(&m->rng, 1, 15);
		else
			q = lt_rand_range(&m->rng, 1, have);
		s->mv = st_mv(prod, q, m->location[s->from], w->customer);
	} else if (kind < 88) { /* internal */
		s->from = (int)lt_rand_range(&m->rng, 0, NL - 1);
		s->to = (s->from + (int)lt_rand_range(&m->rng, 1, NL - 1)) % NL;
		int64_t have = m->qty[s->p][s->from] - pending[s->p][s->from];
		int64_t q = allows_negative(s->from) || have <= 0 ? lt_rand_range(&m->rng, 1, 10) : lt_rand_range(&m->rng, 1, have);
		s->mv = st_mv(prod, q, m->location[s->from], m->location[s->to]);
	} else { /* a customer return */
		s->to = (int)lt_rand_range(&m->rng, 0, NL - 1);
		s->mv = st_mv(prod, lt_rand_range(&m->rng, 1, 5), w->customer, m->location[s->to]);
	}
	if (s->from >= 0 && !allows_negative(s->from))
		s->expect_nostock = m->qty[s->p][s->from] - pending[s->p][s->from] < s->mv.quantity;
}

static void check(model *m, int64_t step_no)
{
	st_world *w = &m->w;
	int64_t total = 0;
	for (int p = 0; p < NP; p++) {
		for (int l = 0; l < NL; l++) {
			erp_stock_level lv = st_qty(w, m->product[p], m->location[l], NULL);
			if (lv.on_hand != m->qty[p][l])
				fail_msg("step %" PRId64 ": product %d at location %d: on hand %" PRId64 ", the moves say %" PRId64, step_no,
				         p, l, lv.on_hand, m->qty[p][l]);
			if (!allows_negative(l) && lv.on_hand < 0)
				fail_msg("step %" PRId64 ": product %d below zero at location %d", step_no, p, l);
		}
		int64_t q = product_qty(m, p);
		erp_stock_level all = st_qty(w, m->product[p], NULL, NULL);
		if (all.on_hand != q)
			fail_msg("step %" PRId64 ": product %d in every internal location %" PRId64 ", the model %" PRId64, step_no, p,
			         all.on_hand, q);
		st_val v = st_valuation(w, m->product[p], NULL);
		if (v.present && v.quantity != q)
			fail_msg("step %" PRId64 ": product %d valuation quantity %" PRId64 ", the model %" PRId64, step_no, p, v.quantity,
			         q);
		if (q == 0 && v.value != 0)
			fail_msg("step %" PRId64 ": product %d has quantity 0 and value %" PRId64, step_no, p, v.value);
		if ((q > 0 && v.value < 0) || (q < 0 && v.value > 0))
			fail_msg("step %" PRId64 ": product %d has quantity %" PRId64 " and value %" PRId64, step_no, p, q, v.value);
		int64_t layers = st_layer_sum(w, m->product[p]);
		if (layers != v.value)
			fail_msg("step %" PRId64 ": product %d value %" PRId64 " != sum of its layers %" PRId64, step_no, p, v.value,
			         layers);
		if (m->move_value[p] != v.value)
			fail_msg("step %" PRId64 ": product %d value %" PRId64 " != sum of its moves' values %" PRId64, step_no, p,
			         v.value, m->move_value[p]);
		if (p == 0 && v.value != q * STANDARD_PRICE)
			fail_msg("step %" PRId64 ": the standard product: %" PRId64 " units worth %" PRId64, step_no, q, v.value);
		if (p == 2) /* The FIFO queue holds the stock: its layers add up to the value (st_queue checks it). */
			free(st_queue(w, m->product[p]));
		total += v.value;
	}
	int64_t reported = st_valuation_total(w, NULL);
	if (reported != total)
		fail_msg("step %" PRId64 ": valuation total %" PRId64 " != sum of products %" PRId64, step_no, reported, total);
	int64_t bal = st_balance(w, w->valuation);
	if (bal != total)
		fail_msg("step %" PRId64 ": stock valuation account %" PRId64 " != stock value %" PRId64, step_no, bal, total);
	int64_t in = st_balance(w, w->input), out = st_balance(w, w->output);
	if (bal + in + out != 0)
		fail_msg("step %" PRId64 ": valuation %" PRId64 " + input %" PRId64 " + output %" PRId64 " != 0", step_no, bal, in,
		         out);
}

static void one(model *m, int64_t step_no)
{
	static const int64_t none[NP][NL];
	step s;
	generate(m, &s, none);
	erp_buf id = ERP_BUF_INIT;
	int rc = erp_stock_move(&id, m->w.b.rw, &s.mv);
	int want = s.expect_nostock ? ERP_ENOSTOCK : ERP_OK;
	if (rc != want)
		fail_msg("step %" PRId64 ": move of %" PRId64 " of product %d from %d to %d: expected %s, got %s (%s) field=%s",
		         step_no, s.mv.quantity, s.p, s.from, s.to, erp_error_name(want), erp_error_name(rc),
		         erp_error_last()->message, erp_error_last()->field ? erp_error_last()->field : "");
	if (rc == ERP_OK)
		apply(m, &s, id.ptr);
	else
		m->refused++;
	erp_buf_dispose(&id);
}

/* 2 to 4 moves made in order as one batch: all or none. */
static void batch(model *m, int64_t step_no)
{
	step s[4];
	erp_stock_move_params mv[4];
	size_t n = (size_t)lt_rand_range(&m->rng, 2, 4);
	int64_t pending[NP][NL];
	memset(pending, 0, sizeof pending);
	size_t bad = n;
	for (size_t i = 0; i < n; i++) {
		/* Each move sees the quants as the earlier moves of the batch leave them. */
		generate(m, &s[i], (const int64_t(*)[NL])pending);
		if (s[i].expect_nostock && bad == n)
			bad = i;
		if (s[i].from >= 0)
			pending[s[i].p][s[i].from] += s[i].mv.quantity;
		if (s[i].to >= 0)
			pending[s[i].p][s[i].to] -= s[i].mv.quantity;
		mv[i] = s[i].mv;
	}
	st_state before = st_state_of(&m->w);
	erp_buf ids = ERP_BUF_INIT;
	int rc = erp_stock_move_batch(&ids, m->w.b.rw, mv, n);
	if (bad < n) {
		char prefix[32];
		snprintf(prefix, sizeof prefix, "moves[%zu]", bad);
		const char *field = erp_error_last()->field;
		if (rc != ERP_ENOSTOCK || !field || strncmp(field, prefix, strlen(prefix)) != 0)
			fail_msg("step %" PRId64 ": batch of %zu with move %zu short: expected ERP_ENOSTOCK naming %s, got %s field %s (%s)",
			         step_no, n, bad, prefix, erp_error_name(rc), field ? field : "(none)", erp_error_last()->message);
		assert_st_unchanged(&m->w, &before);
		m->refused++;
	} else {
		lt_state_free(&before.ledger);
		if (rc != ERP_OK)
			fail_msg("step %" PRId64 ": batch of %zu: %s (%s) field=%s", step_no, n, erp_error_name(rc),
			         erp_error_last()->message, erp_error_last()->field ? erp_error_last()->field : "");
		json_t *a = lt_json(ids.ptr);
		assert_int_equal(json_array_size(a), n);
		for (size_t i = 0; i < n; i++)
			apply(m, &s[i], json_string_value(json_array_get(a, i)));
		json_decref(a);
		m->batches++;
	}
	erp_buf_dispose(&ids);
}

void test_stock__random_moves_keep_quants_values_and_books_equal(void **state)
{
	erp_conformance_fixture *f = *state;
	model *m = calloc(1, sizeof *m);
	assert_non_null(m);
	st_world_open(&m->w, f->store);
	m->product[0] = m->w.standard;
	m->product[1] = m->w.average;
	m->product[2] = m->w.fifo;
	m->location[0] = m->w.stock;
	m->location[1] = m->w.shelf;
	m->location[2] = m->w.negative;
	m->rng = lt_seed("stock property");
	int64_t steps = erp_test_backend_is("sqlite") ? 400 : 150;
	if (erp_test_under_valgrind())
		steps /= 4;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int64_t i = 1; i <= steps; i++) {
		if (lt_rand_range(&m->rng, 0, 9) == 0)
			batch(m, i);
		else
			one(m, i);
		check(m, i);
		if (i % 50 == 0)
			assert_store_verifies(f->store);
	}
	assert_store_verifies(f->store);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("[ property ] %" PRId64 " steps: %" PRId64 " moves made (%" PRId64 " batches), %" PRId64
	              " refused for want of stock, %.1f s\n",
	              steps, m->made, m->batches, m->refused,
	              (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	assert_true(m->refused > 0);
	st_world_close(&m->w);
	free(m);
}

/* ---- an exact model of AVCO and FIFO without negative stock ----------------------------------------- */

#define XP 4       /* average in units, average in kg, fifo in units, fifo in kg */
#define XL 2       /* stock, shelf */
#define XLAYERS 4096

typedef struct {
	int64_t qty, value;
} xlayer;

typedef struct {
	st_world w;
	char product[XP][37];
	const char *location[XL];
	int64_t scale[XP];
	bool fifo[XP];
	int64_t qty[XP][XL];
	int64_t value[XP];          /* AVCO: the stock's value */
	xlayer *queue[XP];          /* FIFO: open layers, oldest first */
	size_t head[XP], tail[XP];
	uint64_t rng;
	int64_t made;
} xmodel;

/* a * b / c rounded half away from zero (c > 0). */
static int64_t xshare(int64_t a, int64_t b, int64_t c)
{
	__extension__ typedef __int128 i128;
	i128 n = (i128)a * b;
	i128 q = n / c, r = n % c;
	if (r < 0)
		r = -r;
	if (2 * r >= c)
		q += n < 0 ? -1 : 1;
	return (int64_t)q;
}

static int64_t xtotal_qty(const xmodel *m, int p)
{
	return m->qty[p][0] + m->qty[p][1];
}

static int64_t xvalue(const xmodel *m, int p)
{
	if (!m->fifo[p])
		return m->value[p];
	int64_t v = 0;
	for (size_t i = m->head[p]; i < m->tail[p]; i++)
		v += m->queue[p][i].value;
	return v;
}

/* The change of value a receipt of q at cost makes. */
static int64_t xin(xmodel *m, int p, int64_t q, int64_t cost)
{
	int64_t v = xshare(cost, q, m->scale[p]);
	if (m->fifo[p]) {
		assert_true(m->tail[p] < XLAYERS);
		m->queue[p][m->tail[p]++] = (xlayer){ q, v };
	} else {
		m->value[p] += v;
	}
	return v;
}

/* The change of value a delivery of q makes (q <= the product's quantity). */
static int64_t xout(xmodel *m, int p, int64_t q)
{
	int64_t have = xtotal_qty(m, p);
	assert_true(q <= have);
	if (!m->fifo[p]) {
		int64_t v = q == have ? m->value[p] : xshare(m->value[p], q, have);
		m->value[p] -= v;
		return -v;
	}
	int64_t taken = 0, v = 0;
	while (taken < q) {
		assert_true(m->head[p] < m->tail[p]);
		xlayer *l = &m->queue[p][m->head[p]];
		int64_t k = q - taken < l->qty ? q - taken : l->qty;
		int64_t kv = k == l->qty ? l->value : xshare(l->value, k, l->qty);
		l->qty -= k;
		l->value -= kv;
		taken += k;
		v += kv;
		if (l->qty == 0)
			m->head[p]++;
	}
	return -v;
}

static void xcheck(xmodel *m, int64_t step_no)
{
	st_world *w = &m->w;
	for (int p = 0; p < XP; p++) {
		for (int l = 0; l < XL; l++) {
			erp_stock_level lv = st_qty(w, m->product[p], m->location[l], NULL);
			if (lv.on_hand != m->qty[p][l])
				fail_msg("step %" PRId64 ": product %d at %d: on hand %" PRId64 ", the model %" PRId64, step_no, p, l,
				         lv.on_hand, m->qty[p][l]);
		}
		int64_t q = xtotal_qty(m, p), value = xvalue(m, p);
		st_val v = st_valuation(w, m->product[p], NULL);
		if (v.quantity != q || v.value != value)
			fail_msg("step %" PRId64 ": product %d (%s): quantity %" PRId64 " value %" PRId64 ", the model %" PRId64
			         " %" PRId64,
			         step_no, p, m->fifo[p] ? "fifo" : "average", v.quantity, v.value, q, value);
		if (q != 0 && (!v.has_unit_cost || v.unit_cost != xshare(value, m->scale[p], q)))
			fail_msg("step %" PRId64 ": product %d unit cost %" PRId64 ", the model %" PRId64, step_no, p, v.unit_cost,
			         xshare(value, m->scale[p], q));
		if (m->fifo[p]) {
			/* The open layers, one by one. */
			json_t *layers = st_layers(w, m->product[p]);
			size_t n = m->tail[p] - m->head[p];
			if (json_array_size(layers) != n)
				fail_msg("step %" PRId64 ": product %d has %zu open layers, the model %zu", step_no, p,
				         json_array_size(layers), n);
			for (size_t i = 0; i < n; i++) {
				json_t *x = json_array_get(layers, i);
				const xlayer *l = &m->queue[p][m->head[p] + i];
				int64_t lq = lt_minor(lt_str(x, "quantity"), st_precision(w, m->product[p]));
				int64_t lv = lt_minor(lt_str(x, "value"), 2);
				if (lq != l->qty || lv != l->value)
					fail_msg("step %" PRId64 ": product %d layer %zu: %" PRId64 " / %" PRId64 ", the model %" PRId64
					         " / %" PRId64,
					         step_no, p, i, lq, lv, l->qty, l->value);
			}
			json_decref(layers);
		}
	}
	st_assert_books_match_at(w, __FILE__, __LINE__);
}

void test_stock__random_moves_match_an_exact_avco_and_fifo_model(void **state)
{
	erp_conformance_fixture *f = *state;
	xmodel *m = calloc(1, sizeof *m);
	assert_non_null(m);
	st_world *w = &m->w;
	st_world_open(w, f->store);
	for (int p = 0; p < XP; p++) {
		m->fifo[p] = p >= 2;
		bool kg = p % 2 == 1;
		m->scale[p] = kg ? 1000 : 1;
		st_product(m->product[p], w, m->fifo[p] ? "fifo" : "average", -1, kg, NULL);
		m->queue[p] = calloc(XLAYERS, sizeof(xlayer));
		assert_non_null(m->queue[p]);
	}
	m->location[0] = w->stock;
	m->location[1] = w->shelf;
	m->rng = lt_seed("stock exact model");
	int64_t steps = erp_test_backend_is("sqlite") ? 600 : 200;
	if (erp_test_under_valgrind())
		steps /= 4;
	for (int64_t i = 1; i <= steps; i++) {
		int p = (int)lt_rand_range(&m->rng, 0, XP - 1);
		int kind = (int)lt_rand_range(&m->rng, 0, 99);
		int l = (int)lt_rand_range(&m->rng, 0, XL - 1);
		int64_t max = m->scale[p] == 1 ? 25 : 25000;
		char id[37];
		int64_t expect;
		if (kind < 45 || m->qty[p][l] == 0) {
			int64_t q = lt_rand_range(&m->rng, 1, max);
			int64_t cost = lt_rand_range(&m->rng, 0, 99) < 30 ? lt_rand_range(&m->rng, 1, 99)
			                                                   : lt_rand_range(&m->rng, 1, 100000);
			st_receive(w, id, m->product[p], q, cost, m->location[l]);
			expect = xin(m, p, q, cost);
			m->qty[p][l] += q;
		} else if (kind < 85) {
			/* Sometimes all of it (the last units take what is left). */
			int64_t q = lt_rand_range(&m->rng, 0, 3) == 0 ? m->qty[p][l] : lt_rand_range(&m->rng, 1, m->qty[p][l]);
			st_deliver(w, id, m->product[p], q, m->location[l]);
			expect = xout(m, p, q);
			m->qty[p][l] -= q;
		} else {
			int64_t q = lt_rand_range(&m->rng, 1, m->qty[p][l]);
			st_internal(w, id, m->product[p], q, m->location[l], m->location[1 - l]);
			expect = 0;
			m->qty[p][l] -= q;
			m->qty[p][1 - l] += q;
		}
		int64_t got = st_move_value(w, id);
		if (got != expect)
			fail_msg("step %" PRId64 ": the move's value %" PRId64 ", the model %" PRId64, i, got, expect);
		m->made++;
		xcheck(m, i);
	}
	assert_store_verifies(f->store);
	print_message("[ property ] %" PRId64 " moves, exact to the cent\n", m->made);
	for (int p = 0; p < XP; p++)
		free(m->queue[p]);
	st_world_close(w);
	free(m);
}

ERP_CONFORMANCE_GROUP(380, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
