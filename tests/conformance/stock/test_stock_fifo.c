/*
 * FIFO valuation (erp/stock.h): the queue of layers against the cases of
 * ERPNext's test_valuation.py (scenarios.md; adjacent layers of one rate
 * merged as ERPNext shows them), Tryton's product_cost_fifo flow, negative
 * stock, quantities in a unit with decimals; and the standard cost method.
 */
#include "stock/stock_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fifo_product(char out[37], st_world *w)
{
	st_product(out, w, "fifo", -1, false, NULL);
}

/* empty; add 1@10, add 1@10 -> [[2,10]] */
void test_stock__fifo_same_rate_merges(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char p[37];
	fifo_product(p, &w);
	assert_queue(&w, p, "[]");
	st_receive(&w, NULL, p, 1, 1000, w.stock);
	assert_queue(&w, p, "[[1,10.00]]");
	st_receive(&w, NULL, p, 1, 1000, w.stock);
	assert_queue(&w, p, "[[2,10.00]]");
	assert_stock(&w, p, 2, 2000);
	assert_books_match(&w);
	st_world_close(&w);
}

/* [[-5,100]]: receive 5 @ 100, deliver 10 from a location that allows negative stock. */
static void make_minus_five(st_world *w, char p[37])
{
	fifo_product(p, w);
	char out[37];
	st_receive(w, NULL, p, 5, 10000, w->negative);
	st_deliver(w, out, p, 10, w->negative);
	/* 5 from the layer at 100, 5 owed at the last layer's rate. */
	assert_int_equal(st_move_value(w, out), -100000);
	assert_queue(w, p, "[[-5,100.00]]");
	assert_stock(w, p, -5, -50000);
	assert_books_match(w);
}

/* [[-5,100]]; add 1@10 -> [[-4,100]] */
void test_stock__fifo_negative_partly_filled(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char p[37], in[37];
	make_minus_five(&w, p);
	st_receive(&w, in, p, 1, 1000, w.negative);
	assert_queue(&w, p, "[[-4,100.00]]");
	/* The unit owed was valued at 100 and came in at 10: the correction is 90 of COGS. */
	assert_stock(&w, p, -4, -40000);
	assert_int_equal(st_move_value(&w, in), 10000);
	assert_int_equal(st_balance(&w, w.output), 100000 - 9000);
	assert_books_match(&w);
	st_world_close(&w);
}

/* [[-5,100]]; add 6@10 -> [[1,10]] */
void test_stock__fifo_negative_filled_and_more(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char p[37], in[37];
	make_minus_five(&w, p);
	st_receive(&w, in, p, 6, 1000, w.negative);
	assert_queue(&w, p, "[[1,10.00]]");
	assert_stock(&w, p, 1, 1000);
	assert_int_equal(st_move_value(&w, in), 51000);
	/* COGS: 10 units, 5 at 100 and 5 at 10. */
	assert_int_equal(st_balance(&w, w.output), 55000);
	assert_int_equal(st_balance(&w, w.valuation), 1000);
	assert_books_match(&w);
	st_world_close(&w);
}

/* empty; add 1@10, 2@20, 1@20, 5@20; remove 4 -> [[5,20]] */
void test_stock__fifo_remove_across_layers(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char p[37], out[37];
	fifo_product(p, &w);
	st_receive(&w, NULL, p, 1, 1000, w.stock);
	st_receive(&w, NULL, p, 2, 2000, w.stock);
	st_receive(&w, NULL, p, 1, 2000, w.stock);
	st_receive(&w, NULL, p, 5, 2000, w.stock);
	assert_queue(&w, p, "[[1,10.00],[8,20.00]]");
	st_deliver(&w, out, p, 4, w.stock);
	assert_int_equal(st_move_value(&w, out), -7000);
	assert_queue(&w, p, "[[5,20.00]]");
	assert_stock(&w, p, 5, 10000);
	assert_books_match(&w);
	st_world_close(&w);
}

/* empty; add 1@1, 1@2, 1@3, 1@4 (value 10); remove 3 -> [[1,4]], value 4 */
void test_stock__fifo_remove_oldest_first(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char p[37], out[37];
	fifo_product(p, &w);
	for (int i = 1; i <= 4; i++)
		st_receive(&w, NULL, p, 1, i * 100, w.stock);
	assert_stock(&w, p, 4, 1000);
	assert_queue(&w, p, "[[1,1.00],[1,2.00],[1,3.00],[1,4.00]]");
	st_deliver(&w, out, p, 3, w.stock);
	assert_int_equal(st_move_value(&w, out), -600);
	assert_queue(&w, p, "[[1,4.00]]");
	assert_stock(&w, p, 1, 400);
	/* The layer JSON itself. */
	json_t *layers = st_layers(&w, p);
	assert_int_equal(json_array_size(layers), 1);
	json_t *l = json_array_get(layers, 0);
	assert_string_equal(lt_str(l, "quantity"), "1");
	assert_string_equal(lt_str(l, "value"), "4.00");
	assert_string_equal(lt_str(l, "unit_cost"), "4.00");
	json_decref(layers);
	/* Deliver the last one: queue empty, value zero. */
	st_deliver(&w, out, p, 1, w.stock);
	assert_int_equal(st_move_value(&w, out), -400);
	assert_queue(&w, p, "[]");
	assert_stock(&w, p, 0, 0);
	assert_books_match(&w);
	st_world_close(&w);
}

/*
 * Owed units keep the rate they were valued at: receive 5 @ 50 and 5 @ 100,
 * deliver 15 (5 short, at the last layer's 100) -> [[-5,100]]; deliver 5
 * more while negative -> [[-10,100]] (ERPNext: the queue's rate); receive
 * 10 @ 30 -> [] and value 0.
 */
void test_stock__fifo_owed_units_keep_their_rate(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char p[37], out[37], in[37];
	fifo_product(p, &w);
	st_receive(&w, NULL, p, 5, 5000, w.negative);
	st_receive(&w, NULL, p, 5, 10000, w.negative);
	st_deliver(&w, out, p, 15, w.negative);
	assert_int_equal(st_move_value(&w, out), -(25000 + 50000 + 50000));
	assert_stock(&w, p, -5, -50000);
	assert_queue(&w, p, "[[-5,100.00]]");
	st_deliver(&w, out, p, 5, w.negative);
	assert_int_equal(st_move_value(&w, out), -50000);
	assert_stock(&w, p, -10, -100000);
	assert_queue(&w, p, "[[-10,100.00]]");
	st_receive(&w, in, p, 10, 3000, w.negative);
	assert_stock(&w, p, 0, 0);
	assert_queue(&w, p, "[]");
	/* COGS: 5 @ 50 and 5 @ 100, then 10 owed (provisionally at 100) that cost 30: 250 + 500 + 300 = 1050.00. */
	assert_int_equal(st_balance(&w, w.output), 105000);
	assert_int_equal(st_balance(&w, w.input), -105000);
	assert_books_match(&w);
	st_world_close(&w);
}

/* Tryton product_cost_fifo: receive 4 @ 10 -> cost 10; receive 2 @ 25 -> cost 15 (the average of the remaining layers). */
void test_stock__fifo_tryton_cost_price(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char p[37];
	fifo_product(p, &w);
	st_receive(&w, NULL, p, 4, 1000, w.stock);
	st_val v = st_valuation(&w, p, NULL);
	assert_true(v.has_unit_cost);
	assert_int_equal(v.unit_cost, 1000);
	st_receive(&w, NULL, p, 2, 2500, w.stock);
	v = st_valuation(&w, p, NULL);
	assert_int_equal(v.unit_cost, 1500);
	assert_int_equal(v.value, 9000);
	assert_string_equal(v.cost_method, "fifo");
	/* Deliver 4: the 4 @ 10 go, the cost price becomes 25. */
	st_deliver(&w, NULL, p, 4, w.stock);
	v = st_valuation(&w, p, NULL);
	assert_int_equal(v.unit_cost, 2500);
	assert_queue(&w, p, "[[2,25.00]]");
	assert_books_match(&w);
	st_world_close(&w);
}

/* FIFO in kg (3 decimals): 2.500 @ 4.00 and 1.250 @ 8.00; deliver 3.000 -> 0.750 @ 8.00. */
void test_stock__fifo_in_a_unit_with_decimals(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char p[37], out[37];
	st_product(p, &w, "fifo", -1, true, NULL);
	st_receive(&w, NULL, p, 2500, 400, w.stock);
	st_receive(&w, NULL, p, 1250, 800, w.stock);
	assert_stock(&w, p, 3750, 2000);
	assert_queue(&w, p, "[[2.500,4.00],[1.250,8.00]]");
	st_deliver(&w, out, p, 3000, w.stock);
	assert_int_equal(st_move_value(&w, out), -1400);
	json_t *m = st_move_get(&w, out);
	assert_string_equal(lt_str(m, "quantity"), "3.000");
	json_decref(m);
	assert_queue(&w, p, "[[0.750,8.00]]");
	assert_stock(&w, p, 750, 600);
	erp_stock_level l = st_qty(&w, p, w.stock, NULL);
	assert_int_equal(l.on_hand, 750);
	assert_books_match(&w);
	st_world_close(&w);
}

/* A partly consumed layer at a rate that does not divide: the shares round, the last unit takes the rest. */
void test_stock__fifo_partial_layer_rounding(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char p[37], out[37];
	st_product(p, &w, "fifo", -1, true, NULL);
	/* 3.000 kg @ 0.01 = 0.03; 1.000 kg out is 0.01; then 0.001 kg at a time, then the rest. */
	st_receive(&w, NULL, p, 3000, 1, w.stock);
	st_deliver(&w, out, p, 1000, w.stock);
	assert_int_equal(st_move_value(&w, out), -1);
	int64_t sum = -1;
	for (int i = 0; i < 3; i++) {
		st_deliver(&w, out, p, 1, w.stock);
		sum += st_move_value(&w, out);
		assert_books_match(&w);
	}
	st_deliver(&w, out, p, 1997, w.stock);
	sum += st_move_value(&w, out);
	assert_int_equal(sum, -3);
	assert_stock(&w, p, 0, 0);
	assert_queue(&w, p, "[]");
	assert_books_match(&w);
	st_world_close(&w);
}

/* Standard cost: in and out at the standard price, whatever the receipt cost; zero at zero. */
void test_stock__standard_in_and_out_at_standard_price(void **state)
{
	erp_conformance_fixture *f = *state;
	st_world w;
	st_world_open(&w, f->store);
	char in[37], out[37];
	/* standard_price 10.00 */
	st_receive(&w, in, w.standard, 5, 1200, w.stock);
	assert_int_equal(st_move_value(&w, in), 5000);
	st_val v = st_valuation(&w, w.standard, NULL);
	assert_string_equal(v.cost_method, "standard");
	assert_int_equal(v.unit_cost, 1000);
	assert_stock(&w, w.standard, 5, 5000);
	st_receive(&w, NULL, w.standard, 3, 700, w.stock);
	assert_stock(&w, w.standard, 8, 8000);
	st_deliver(&w, out, w.standard, 6, w.stock);
	assert_int_equal(st_move_value(&w, out), -6000);
	assert_stock(&w, w.standard, 2, 2000);
	assert_books_match(&w);
	st_deliver(&w, out, w.standard, 2, w.stock);
	assert_int_equal(st_move_value(&w, out), -2000);
	assert_stock(&w, w.standard, 0, 0);
	v = st_valuation(&w, w.standard, NULL);
	assert_false(v.has_unit_cost);
	assert_int_equal(st_balance(&w, w.valuation), 0);
	assert_int_equal(st_balance(&w, w.output), 8000);
	assert_books_match(&w);
	/* Negative stock at the standard price too, then back to zero. */
	st_deliver(&w, out, w.standard, 3, w.negative);
	assert_int_equal(st_move_value(&w, out), -3000);
	assert_stock(&w, w.standard, -3, -3000);
	st_receive(&w, NULL, w.standard, 3, 900, w.negative);
	assert_stock(&w, w.standard, 0, 0);
	assert_books_match(&w);
	assert_store_verifies(f->store);
	st_world_close(&w);
}

ERP_CONFORMANCE_GROUP(350, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
