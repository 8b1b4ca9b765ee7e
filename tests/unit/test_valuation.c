/*
 * Stock valuation arithmetic (lib/stock/stock_valuation.h) without a store: the
 * published cases (../shared/scenarios.md) at the level of the queue and
 * the averages, and the rounding rules that make zero quantity worth
 * exactly zero.
 */
#include "test_backend.h"

#include "stock/stock_valuation.h"

#include <string.h>

/* Prices are in cents, quantities in whole units (scale 1). */
static erp__valuation make(int method)
{
	erp__valuation v;
	memset(&v, 0, sizeof v);
	v.method = method;
	v.scale = 1;
	return v;
}

static int64_t seq_no;

static erp__valuation_step in(erp__valuation *v, int64_t qty, int64_t unit_cost)
{
	erp__valuation_step s;
	assert_int_equal(erp__valuation_in(v, qty, true, unit_cost, ++seq_no, &s), 0);
	return s;
}

static erp__valuation_step out(erp__valuation *v, int64_t qty)
{
	erp__valuation_step s;
	assert_int_equal(erp__valuation_out(v, qty, ++seq_no, &s), 0);
	return s;
}

/* The FIFO queue as [qty, value] pairs of the layers still open, adjacent equal rates merged. */
static size_t queue(const erp__valuation *v, int64_t q[][2])
{
	size_t n = 0;
	for (size_t i = 0; i < v->nopen; i++) {
		const erp__open_layer *l = &v->open[i];
		if (l->qty == 0)
			continue;
		if (n > 0 && (__int128)q[n - 1][1] * l->qty == (__int128)l->value * q[n - 1][0]) {
			q[n - 1][0] += l->qty;
			q[n - 1][1] += l->value;
		} else {
			q[n][0] = l->qty;
			q[n][1] = l->value;
			n++;
		}
	}
	return n;
}

static void test_avco__a1(void **state)
{
	(void)state;
	erp__valuation v = make(ERP__COST_AVERAGE);
	assert_int_equal(in(&v, 10, 1000).value, 10000);
	assert_int_equal(in(&v, 10, 2000).value, 20000);
	assert_int_equal(v.unit_cost, 1500);
	assert_int_equal(out(&v, 15).value, -22500);
	assert_int_equal(v.qty, 5);
	assert_int_equal(v.value, 7500);
	erp__valuation_free(&v);
}

static void test_negative_stock__a2_avco_and_fifo(void **state)
{
	(void)state;
	for (int method = ERP__COST_AVERAGE; method <= ERP__COST_FIFO; method++) {
		erp__valuation v = make(method);
		in(&v, 10, 1000);
		in(&v, 10, 2000);
		out(&v, 30);
		assert_int_equal(v.qty, -10);
		in(&v, 10, 3000);
		assert_int_equal(v.qty, 0);
		assert_int_equal(v.value, 0);
		in(&v, 10, 4000);
		assert_int_equal(v.qty, 10);
		assert_int_equal(v.value, 40000);
		erp__valuation_free(&v);
	}
}

static void test_rounding__a3_and_a4_end_at_zero(void **state)
{
	(void)state;
	erp__valuation v = make(ERP__COST_AVERAGE);
	in(&v, 1, 100);
	in(&v, 1, 100);
	in(&v, 1, 101);
	assert_int_equal(v.value, 301);
	assert_int_equal(out(&v, 3).value, -301);
	assert_int_equal(v.value, 0);
	erp__valuation_free(&v);

	v = make(ERP__COST_AVERAGE);
	in(&v, 1000, 17);
	in(&v, 800, 23);
	assert_int_equal(v.unit_cost, 20); /* 354 / 18 = 19.67 cents → 0.20 */
	out(&v, 1000);
	out(&v, 800);
	assert_int_equal(v.qty, 0);
	assert_int_equal(v.value, 0);
	erp__valuation_free(&v);
}

static void test_fifo__erpnext_queue_cases(void **state)
{
	(void)state;
	int64_t q[8][2];
	erp__valuation v = make(ERP__COST_FIFO);
	in(&v, 1, 10);
	in(&v, 1, 10);
	assert_int_equal(queue(&v, q), 1);
	assert_int_equal(q[0][0], 2);
	assert_int_equal(q[0][1], 20);
	erp__valuation_free(&v);

	/* [[-5,100]] (5 in at 100, 10 out), add 1@10 -> [[-4,100]] */
	v = make(ERP__COST_FIFO);
	in(&v, 5, 100);
	out(&v, 10);
	assert_int_equal(queue(&v, q), 1);
	assert_int_equal(q[0][0], -5);
	assert_int_equal(q[0][1], -500);
	in(&v, 1, 10);
	assert_int_equal(queue(&v, q), 1);
	assert_int_equal(q[0][0], -4);
	assert_int_equal(q[0][1], -400);
	/* ... add 6@10 -> [[2,10]] here (from -4); the published case from -5 follows */
	erp__valuation_free(&v);

	v = make(ERP__COST_FIFO);
	in(&v, 5, 100);
	out(&v, 10);
	erp__valuation_step s = in(&v, 6, 10);
	assert_int_equal(queue(&v, q), 1);
	assert_int_equal(q[0][0], 1);
	assert_int_equal(q[0][1], 10);
	assert_int_equal(s.value + s.correction, 510); /* 60 of goods, 450 less cost for the 5 owed */
	erp__valuation_free(&v);

	v = make(ERP__COST_FIFO);
	in(&v, 1, 10);
	in(&v, 2, 20);
	in(&v, 1, 20);
	in(&v, 5, 20);
	out(&v, 4);
	assert_int_equal(queue(&v, q), 1);
	assert_int_equal(q[0][0], 5);
	assert_int_equal(q[0][1], 100);
	erp__valuation_free(&v);

	v = make(ERP__COST_FIFO);
	in(&v, 1, 1);
	in(&v, 1, 2);
	in(&v, 1, 3);
	in(&v, 1, 4);
	assert_int_equal(v.value, 10);
	out(&v, 3);
	assert_int_equal(queue(&v, q), 1);
	assert_int_equal(q[0][0], 1);
	assert_int_equal(q[0][1], 4);
	assert_int_equal(v.value, 4);
	erp__valuation_free(&v);
}

static void test_fifo__tryton_cost_is_the_average_of_what_remains(void **state)
{
	(void)state;
	erp__valuation v = make(ERP__COST_FIFO);
	in(&v, 4, 1000);
	assert_int_equal(v.value / v.qty, 1000);
	in(&v, 2, 2500);
	assert_int_equal(v.value / v.qty, 1500);
	erp__valuation_free(&v);
}

static void test_standard__in_and_out_at_standard_zero_at_zero(void **state)
{
	(void)state;
	erp__valuation v = make(ERP__COST_STANDARD);
	v.standard_price = 333;
	assert_int_equal(in(&v, 3, 999999).value, 999); /* the given cost does not count */
	assert_int_equal(out(&v, 1).value, -333);
	v.standard_price = 400; /* a new standard price: the last unit out takes what is left */
	assert_int_equal(out(&v, 2).value, -666);
	assert_int_equal(v.value, 0);
	erp__valuation_free(&v);
}

static void test_property__random_moves_keep_queue_equal_to_totals(void **state)
{
	(void)state;
	unsigned seed = 12345;
	for (int method = ERP__COST_STANDARD; method <= ERP__COST_FIFO; method++) {
		erp__valuation v = make(method);
		v.scale = 1000;
		v.standard_price = 1234;
		for (int i = 0; i < 5000; i++) {
			seed = seed * 1103515245u + 12345u;
			int64_t qty = 1 + (seed >> 8) % 5000;
			if ((seed >> 20) % 3 == 0 || v.qty < qty / 2)
				in(&v, qty, 1 + (seed >> 4) % 100000);
			else
				out(&v, qty);
			if (v.qty == 0)
				assert_int_equal(v.value, 0);
			if (method == ERP__COST_FIFO) {
				int64_t sq = 0, sv = 0;
				for (size_t k = 0; k < v.nopen; k++) {
					sq += v.open[k].qty;
					sv += v.open[k].value;
				}
				assert_int_equal(sq, v.qty);
				assert_int_equal(sv, v.value);
			}
		}
		erp__valuation_free(&v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_avco__a1),
		cmocka_unit_test(test_negative_stock__a2_avco_and_fifo),
		cmocka_unit_test(test_rounding__a3_and_a4_end_at_zero),
		cmocka_unit_test(test_fifo__erpnext_queue_cases),
		cmocka_unit_test(test_fifo__tryton_cost_is_the_average_of_what_remains),
		cmocka_unit_test(test_standard__in_and_out_at_standard_zero_at_zero),
		cmocka_unit_test(test_property__random_moves_keep_queue_equal_to_totals),
	};
	return cmocka_run_group_tests_name("valuation", tests, NULL, NULL);
}
