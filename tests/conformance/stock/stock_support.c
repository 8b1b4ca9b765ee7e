/* Helpers shared by the stock conformance tests (stock_support.h). */
#include "stock/stock_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the world ---------------------------------------------------------------------- */

static void create(char out[37], erp_ctx *ctx, const char *type, const char *json)
{
	erp_buf o = ERP_BUF_INIT;
	int rc = erp_entity_create(&o, ctx, type, json);
	if (rc != ERP_OK)
		fail_msg("creating %s %s: %s (%s) field=%s", type, json, erp_error_name(rc), erp_error_last()->message,
		         erp_error_last()->field ? erp_error_last()->field : "");
	json_t *v = lt_json(o.ptr);
	const char *id = lt_str(v, "id");
	assert_int_equal(strlen(id), 36);
	memcpy(out, id, 37);
	json_decref(v);
	erp_buf_dispose(&o);
}

void st_location(char out[37], st_world *w, const char *name, const char *usage, bool allow_negative)
{
	char json[400];
	snprintf(json, sizeof json, "{\"name\":\"%s\",\"usage\":\"%s\",\"warehouse_id\":\"%s\",\"allow_negative\":%s}", name,
	         usage, w->warehouse, allow_negative ? "true" : "false");
	create(out, w->b.rw, "inventory.location", json);
}

void st_product(char out[37], st_world *w, const char *cost_method, int64_t standard_price, bool kg, const char *type)
{
	char u[16], price[64] = "", json[600], text[32];
	erp_test_unique(u);
	if (standard_price >= 0) {
		lt_format(text, standard_price, 2);
		snprintf(price, sizeof price, ",\"standard_price\":\"%s\"", text);
	}
	snprintf(json, sizeof json,
	         "{\"name\":\"Product %s %s\",\"sku\":\"P%s\",\"type\":\"%s\",\"uom_id\":\"%s\",\"category_id\":\"%s\","
	         "\"cost_method\":\"%s\",\"currency\":\"USD\"%s}",
	         cost_method, u, u, type ? type : "storable", kg ? w->kg : w->unit, w->category, cost_method, price);
	create(out, w->b.rw, "core.product", json);
	assert_true(w->product_count < ST_MAX_PRODUCTS);
	memcpy(w->products[w->product_count].id, out, 37);
	w->products[w->product_count].precision = kg ? 3 : 0;
	w->product_count++;
}

static void account(char out[37], st_world *w, const char *code, const char *name, const char *type)
{
	char json[300];
	snprintf(json, sizeof json, "{\"code\":\"%s\",\"name\":\"%s\",\"type\":\"%s\"}", code, name, type);
	create(out, w->b.rw, "financial.account", json);
}

void st_world_open(st_world *w, erp_store *store)
{
	char json[600], u[16];
	memset(w, 0, sizeof *w);
	lt_books_open(&w->b, store);
	erp_test_unique(u);
	snprintf(json, sizeof json, "{\"name\":\"Unit %s\",\"precision\":0,\"category\":\"unit\"}", u);
	create(w->unit, w->b.rw, "core.uom", json);
	snprintf(json, sizeof json, "{\"name\":\"kg %s\",\"precision\":3,\"category\":\"weight\"}", u);
	create(w->kg, w->b.rw, "core.uom", json);
	account(w->valuation, w, "1300", "Stock valuation", "asset");
	account(w->input, w, "2300", "Stock input (clearing)", "liability");
	account(w->output, w, "5000", "Stock output (COGS)", "expense");
	lt_journal(w->journal, &w->b, "STK");
	snprintf(json, sizeof json,
	         "{\"name\":\"Stocked %s\",\"stock_valuation_account_id\":\"%s\",\"stock_input_account_id\":\"%s\","
	         "\"stock_output_account_id\":\"%s\",\"stock_journal_id\":\"%s\"}",
	         u, w->valuation, w->input, w->output, w->journal);
	create(w->category, w->b.rw, "core.product_category", json);
	create(w->warehouse, w->b.rw, "inventory.warehouse", "{\"code\":\"WH\",\"name\":\"Warehouse\"}");
	st_location(w->supplier, w, "Partners/Suppliers", "supplier", false);
	st_location(w->customer, w, "Partners/Customers", "customer", false);
	st_location(w->inventory, w, "Virtual/Inventory adjustment", "inventory", false);
	st_location(w->transit, w, "Virtual/Transit", "transit", false);
	st_location(w->view, w, "WH", "view", false);
	st_location(w->stock, w, "WH/Stock", "internal", false);
	st_location(w->shelf, w, "WH/Shelf", "internal", false);
	st_location(w->negative, w, "WH/Negative", "internal", true);
	st_product(w->standard, w, "standard", 1000, false, NULL);
	st_product(w->average, w, "average", -1, false, NULL);
	st_product(w->fifo, w, "fifo", -1, false, NULL);
}

void st_world_close(st_world *w)
{
	lt_books_close(&w->b);
}

int st_precision(const st_world *w, const char *product_id)
{
	for (int i = 0; i < w->product_count; i++)
		if (strcmp(w->products[i].id, product_id) == 0)
			return w->products[i].precision;
	return 0;
}

void st_qtext(char out[32], const st_world *w, const char *product, int64_t qty)
{
	lt_format(out, qty, st_precision(w, product));
}

/* ---- moves -------------------------------------------------------------------------- */

erp_stock_move_params st_mv(const char *product, int64_t qty, const char *from, const char *to)
{
	erp_stock_move_params m = ERP_STOCK_MOVE_PARAMS_INIT;
	m.product_id = product;
	m.quantity = qty;
	m.location_id = from;
	m.location_dest_id = to;
	return m;
}

erp_stock_move_params st_mv_cost(const char *product, int64_t qty, const char *from, const char *to, int64_t unit_cost)
{
	erp_stock_move_params m = st_mv(product, qty, from, to);
	m.has_unit_cost = 1;
	m.unit_cost = unit_cost;
	return m;
}

void st_move_at(st_world *w, char out[37], const erp_stock_move_params *m, const char *file, int line)
{
	erp_buf id = ERP_BUF_INIT;
	int rc = erp_stock_move(&id, w->b.rw, m);
	if (rc != ERP_OK)
		erp_test_fail_at(file, line, "erp_stock_move (qty %" PRId64 "): %s (%s) field=%s", m->quantity, erp_error_name(rc),
		                 erp_error_last()->message, erp_error_last()->field ? erp_error_last()->field : "");
	if (id.size != 36)
		erp_test_fail_at(file, line, "erp_stock_move returned an id of %zu bytes", id.size);
	if (out)
		memcpy(out, id.ptr, 37);
	erp_buf_dispose(&id);
}

void st_receive_at(st_world *w, char out[37], const char *product, int64_t qty, int64_t unit_cost, const char *dest,
                   const char *date, const char *file, int line)
{
	erp_stock_move_params m = st_mv_cost(product, qty, w->supplier, dest, unit_cost);
	m.date = date;
	st_move_at(w, out, &m, file, line);
}

void st_deliver_at(st_world *w, char out[37], const char *product, int64_t qty, const char *src, const char *date,
                   const char *file, int line)
{
	erp_stock_move_params m = st_mv(product, qty, src, w->customer);
	m.date = date;
	st_move_at(w, out, &m, file, line);
}

void st_internal_at(st_world *w, char out[37], const char *product, int64_t qty, const char *src, const char *dest,
                    const char *file, int line)
{
	erp_stock_move_params m = st_mv(product, qty, src, dest);
	st_move_at(w, out, &m, file, line);
}

json_t *st_move_get(st_world *w, const char *id)
{
	erp_buf o = ERP_BUF_INIT;
	int rc = erp_stock_move_get(&o, w->b.ro, id);
	if (rc != ERP_OK)
		fail_msg("erp_stock_move_get(%s): %s (%s)", id, erp_error_name(rc), erp_error_last()->message);
	json_t *v = lt_json(o.ptr);
	erp_buf_dispose(&o);
	return v;
}

int64_t st_move_value(st_world *w, const char *id)
{
	json_t *v = st_move_get(w, id);
	const char *text = json_string_value(json_object_get(v, "value"));
	if (!text)
		fail_msg("move %s has no string \"value\"", id);
	int64_t r = lt_minor(text, 2);
	json_decref(v);
	return r;
}

/* ---- reports ------------------------------------------------------------------------ */

erp_stock_level st_qty_at(st_world *w, const char *product, const char *location, const char *as_of, const char *file,
                          int line)
{
	erp_stock_level l = { -999, -999, -999 };
	int rc = erp_stock_quantity(&l, w->b.ro, product, location, as_of);
	if (rc != ERP_OK)
		erp_test_fail_at(file, line, "erp_stock_quantity: %s (%s) field=%s", erp_error_name(rc), erp_error_last()->message,
		                 erp_error_last()->field ? erp_error_last()->field : "");
	if (l.available != l.on_hand - l.reserved)
		erp_test_fail_at(file, line, "available %" PRId64 " != on_hand %" PRId64 " - reserved %" PRId64, l.available,
		                 l.on_hand, l.reserved);
	return l;
}

static json_t *valuation_report(st_world *w, const char *as_of, const char *file, int line)
{
	erp_buf o = ERP_BUF_INIT;
	int rc = erp_stock_valuation(&o, w->b.ro, as_of);
	if (rc != ERP_OK)
		erp_test_fail_at(file, line, "erp_stock_valuation: %s (%s)", erp_error_name(rc), erp_error_last()->message);
	json_t *v = lt_json(o.ptr);
	erp_buf_dispose(&o);
	if (!json_is_array(json_object_get(v, "products")) || !json_is_object(json_object_get(v, "totals")))
		erp_test_fail_at(file, line, "valuation report without products or totals");
	return v;
}

st_val st_valuation_at(st_world *w, const char *product, const char *as_of, const char *file, int line)
{
	st_val r;
	memset(&r, 0, sizeof r);
	json_t *v = valuation_report(w, as_of, file, line);
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(v, "products"), i, x) {
		if (strcmp(lt_str(x, "product_id"), product) != 0)
			continue;
		if (r.present)
			erp_test_fail_at(file, line, "product %s listed twice in the valuation report", product);
		r.present = true;
		r.quantity = lt_minor(lt_str(x, "quantity"), st_precision(w, product));
		r.value = lt_minor(lt_str(x, "value"), 2);
		json_t *uc = json_object_get(x, "unit_cost");
		if (json_is_string(uc)) {
			r.has_unit_cost = true;
			r.unit_cost = lt_minor(json_string_value(uc), 2);
		} else if (!json_is_null(uc)) {
			erp_test_fail_at(file, line, "unit_cost is neither a string nor null");
		}
		snprintf(r.cost_method, sizeof r.cost_method, "%s", lt_str(x, "cost_method"));
		if (strcmp(lt_str(x, "currency"), "USD") != 0)
			erp_test_fail_at(file, line, "currency '%s'", lt_str(x, "currency"));
		if (r.quantity == 0 && r.has_unit_cost)
			erp_test_fail_at(file, line, "unit_cost not null at quantity 0");
		if (r.quantity == 0 && r.value != 0)
			erp_test_fail_at(file, line, "quantity 0 with value %" PRId64 " (product %s)", r.value, product);
	}
	json_decref(v);
	return r;
}

int64_t st_valuation_total(st_world *w, const char *as_of)
{
	json_t *v = valuation_report(w, as_of, __FILE__, __LINE__);
	json_t *t = json_object_get(json_object_get(v, "totals"), "USD");
	int64_t r = json_is_string(t) ? lt_minor(json_string_value(t), 2) : 0;
	/* The total is the sum of the lines. */
	int64_t sum = 0;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(v, "products"), i, x)
		sum += lt_minor(lt_str(x, "value"), 2);
	if (sum != r)
		fail_msg("valuation total %" PRId64 " != sum of its products %" PRId64, r, sum);
	json_decref(v);
	return r;
}

json_t *st_layers(st_world *w, const char *product)
{
	erp_buf o = ERP_BUF_INIT;
	int rc = erp_stock_layer_list(&o, w->b.ro, product);
	if (rc != ERP_OK)
		fail_msg("erp_stock_layer_list: %s (%s)", erp_error_name(rc), erp_error_last()->message);
	json_t *v = lt_json(o.ptr);
	erp_buf_dispose(&o);
	assert_true(json_is_array(v));
	return v;
}

char *st_queue(st_world *w, const char *product)
{
	int prec = st_precision(w, product);
	json_t *layers = st_layers(w, product);
	char buf[4096];
	size_t n = 0;
	buf[n++] = '[';
	int64_t total_value = 0, run_qty = 0, run_value = 0;
	char run_rate[32] = "";
	bool first = true, open = false;
	size_t i;
	json_t *x;
	json_array_foreach(layers, i, x) {
		int64_t q = lt_minor(lt_str(x, "quantity"), prec);
		int64_t v = lt_minor(lt_str(x, "value"), 2);
		const char *rate = lt_str(x, "unit_cost");
		if (q == 0)
			fail_msg("a layer with quantity 0 is listed: %s", json_dumps(x, JSON_COMPACT));
		if (strlen(lt_str(x, "move_id")) != 36)
			fail_msg("a layer without a move_id");
		total_value += v;
		if (open && strcmp(rate, run_rate) == 0) {
			run_qty += q;
			run_value += v;
			continue;
		}
		if (open) {
			char qt[32];
			lt_format(qt, run_qty, prec);
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s[%s,%s]", first ? "" : ",", qt, run_rate);
			first = false;
		}
		open = true;
		run_qty = q;
		run_value = v;
		snprintf(run_rate, sizeof run_rate, "%s", rate);
	}
	if (open) {
		char qt[32];
		lt_format(qt, run_qty, prec);
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s[%s,%s]", first ? "" : ",", qt, run_rate);
	}
	snprintf(buf + n, sizeof buf - n, "]");
	(void)run_value;
	json_decref(layers);
	st_val val = st_valuation(w, product, NULL);
	if (val.value != total_value)
		fail_msg("the layers add up to %" PRId64 " cents, the valuation report says %" PRId64, total_value, val.value);
	return strdup(buf);
}

void st_assert_queue_at(st_world *w, const char *product, const char *expected, const char *file, int line)
{
	char *q = st_queue(w, product);
	if (strcmp(q, expected) != 0) {
		char shown[600];
		snprintf(shown, sizeof shown, "%.590s", q);
		free(q);
		erp_test_fail_at(file, line, "FIFO queue %s, expected %s", shown, expected);
	}
	free(q);
}

int64_t st_layer_sum(st_world *w, const char *product)
{
	char sql[400];
	snprintf(sql, sizeof sql,
	         "SELECT CAST(coalesce(sum(value), 0) AS bigint) FROM {inventory.layers} WHERE tenant_id = '%s' AND product_id = '%s'",
	         w->b.tenant, product);
	return erp_test_scalar(w->b.store, w->b.tenant, sql);
}

int64_t st_balance(st_world *w, const char *account)
{
	return lt_balance(&w->b, account, "USD", NULL, 2).balance;
}

void st_assert_books_match_at(st_world *w, const char *file, int line)
{
	int64_t total = st_valuation_total(w, NULL);
	int64_t val = st_balance(w, w->valuation), in = st_balance(w, w->input), out = st_balance(w, w->output);
	if (val != total)
		erp_test_fail_at(file, line, "stock valuation account %" PRId64 " != valuation report total %" PRId64, val, total);
	if (val + in + out != 0)
		erp_test_fail_at(file, line, "valuation %" PRId64 " + input %" PRId64 " + output %" PRId64 " != 0", val, in, out);
	for (int i = 0; i < w->product_count; i++) {
		st_val v = st_valuation_at(w, w->products[i].id, NULL, file, line);
		int64_t layers = st_layer_sum(w, w->products[i].id);
		if (v.value != layers)
			erp_test_fail_at(file, line, "product %d: value %" PRId64 " != sum of its layers %" PRId64, i, v.value, layers);
		if (v.present) {
			erp_stock_level l = st_qty_at(w, w->products[i].id, NULL, NULL, file, line);
			if (l.on_hand != v.quantity)
				erp_test_fail_at(file, line, "product %d: valuation quantity %" PRId64 " != on hand %" PRId64, i, v.quantity,
				                 l.on_hand);
		}
	}
}

void st_assert_stock_at(st_world *w, const char *product, int64_t qty, int64_t value, const char *file, int line)
{
	st_val v = st_valuation_at(w, product, NULL, file, line);
	erp_stock_level l = st_qty_at(w, product, NULL, NULL, file, line);
	if (l.on_hand != qty || v.quantity != qty || v.value != value)
		erp_test_fail_at(file, line,
		                 "expected quantity %" PRId64 " value %" PRId64 "; on hand %" PRId64 ", valuation quantity %" PRId64
		                 " value %" PRId64,
		                 qty, value, l.on_hand, v.quantity, v.value);
	int64_t layers = st_layer_sum(w, product);
	if (layers != value)
		erp_test_fail_at(file, line, "the layers add up to %" PRId64 ", expected %" PRId64, layers, value);
}

/* ---- nothing written ----------------------------------------------------------------- */

st_state st_state_of(st_world *w)
{
	st_state s;
	memset(&s, 0, sizeof s);
	const char *t = w->b.tenant;
	char sql[4000];
	snprintf(sql, sizeof sql,
	         "SELECT "
	         "(SELECT count(*) FROM {inventory.moves} WHERE tenant_id = '%s'), "
	         "(SELECT count(*) FROM {inventory.layers} WHERE tenant_id = '%s'), "
	         "(SELECT CAST(coalesce(sum(remaining_qty), 0) AS bigint) FROM {inventory.layers} WHERE tenant_id = '%s'), "
	         "(SELECT CAST(coalesce(sum(remaining_value), 0) AS bigint) FROM {inventory.layers} WHERE tenant_id = '%s'), "
	         "(SELECT count(*) FROM {inventory.quants} WHERE tenant_id = '%s'), "
	         "(SELECT CAST(coalesce(sum(quantity), 0) AS bigint) FROM {inventory.quants} WHERE tenant_id = '%s'), "
	         "(SELECT CAST(coalesce(sum(quantity * quantity), 0) AS bigint) FROM {inventory.quants} WHERE tenant_id = '%s'), "
	         "(SELECT count(*) FROM {inventory.quant_days} WHERE tenant_id = '%s'), "
	         "(SELECT CAST(coalesce(sum(quantity), 0) AS bigint) FROM {inventory.quant_days} WHERE tenant_id = '%s'), "
	         "(SELECT count(*) FROM {inventory.reservations} WHERE tenant_id = '%s'), "
	         "(SELECT CAST(coalesce(sum(consumed), 0) AS bigint) FROM {inventory.reservations} WHERE tenant_id = '%s'), "
	         "(SELECT CAST(coalesce(sum(version), 0) AS bigint) FROM {inventory.reservations} WHERE tenant_id = '%s'), "
	         "(SELECT CAST(coalesce(sum(quantity), 0) AS bigint) FROM {inventory.product_stock} WHERE tenant_id = '%s'), "
	         "(SELECT CAST(coalesce(sum(value), 0) AS bigint) FROM {inventory.product_stock} WHERE tenant_id = '%s'), "
	         "(SELECT count(*) FROM {inventory.layer_days} WHERE tenant_id = '%s'), "
	         "(SELECT count(*) FROM {inventory.reservations} WHERE tenant_id = '%s' AND state = 'pending')",
	         t, t, t, t, t, t, t, t, t, t, t, t, t, t, t, t);
	erp_test_scalars(s.v, 16, w->b.store, t, sql);
	s.ledger = lt_state_of(&w->b);
	return s;
}

static const char *const state_names[16] = { "moves", "layers", "layer remaining qty", "layer remaining value",
	                                          "quants", "quant sum", "quant squares", "quant days",
	                                          "quant day sum", "reservations", "reservations consumed",
	                                          "reservation versions", "product stock quantity", "product stock value",
	                                          "layer days", "pending reservations" };

void st_assert_unchanged_at(st_world *w, st_state *before, const char *file, int line)
{
	st_state after = st_state_of(w);
	lt_state_free(&after.ledger);
	for (int i = 0; i < 16; i++)
		if (after.v[i] != before->v[i]) {
			lt_state_free(&before->ledger);
			erp_test_fail_at(file, line, "something was written: %s %" PRId64 " -> %" PRId64, state_names[i], before->v[i],
			                 after.v[i]);
		}
	lt_assert_unchanged_at(&w->b, &before->ledger, file, line);
}

void st_refusal_at(int rc, int code, const char *field, const char *file, int line)
{
	const erp_error *e = erp_error_last();
	if (rc == ERP_OK && code != ERP_OK)
		erp_test_fail_at(file, line, "expected %s%s%s, got ERP_OK (accepted)", erp_error_name(code), field ? " field " : "",
		                 field ? field : "");
	if (rc != code)
		erp_test_fail_at(file, line, "expected %s (field %s), got %s: %s field=%s", erp_error_name(code), field ? field : "any",
		                 erp_error_name(rc), e->message, e->field ? e->field : "(none)");
	if (code == ERP_OK)
		return;
	if (e->code != code || !e->message[0])
		erp_test_fail_at(file, line, "erp_error_last() is %s '%s'", erp_error_name(e->code), e->message);
	if (field && (!e->field || strcmp(e->field, field) != 0))
		erp_test_fail_at(file, line, "expected field '%s', got '%s' (%s)", field, e->field ? e->field : "(none)", e->message);
}

void st_move_refused_at(st_world *w, erp_ctx *ctx, const erp_stock_move_params *m, int code, const char *field, const char *file,
                        int line)
{
	st_state before = st_state_of(w);
	erp_buf id = ERP_BUF_INIT;
	int rc = erp_stock_move(&id, ctx, m);
	if (rc != ERP_OK && id.size)
		erp_test_fail_at(file, line, "a refused move returned an id");
	erp_buf_dispose(&id);
	st_refusal_at(rc, code, field, file, line);
	st_assert_unchanged_at(w, &before, file, line);
}

void st_move_json_refused_at(st_world *w, const char *json, int code, const char *field, const char *file, int line)
{
	st_state before = st_state_of(w);
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_stock_move_json(&out, w->b.rw, json);
	erp_buf_dispose(&out);
	st_refusal_at(rc, code, field, file, line);
	st_assert_unchanged_at(w, &before, file, line);
}

void st_batch_refused_at(st_world *w, const erp_stock_move_params *m, size_t n, int code, const char *field_prefix,
                         const char *file, int line)
{
	st_state before = st_state_of(w);
	erp_buf ids = ERP_BUF_INIT;
	int rc = erp_stock_move_batch(&ids, w->b.rw, m, n);
	erp_buf_dispose(&ids);
	st_refusal_at(rc, code, NULL, file, line);
	const char *f = erp_error_last()->field;
	if (field_prefix && (!f || strncmp(f, field_prefix, strlen(field_prefix)) != 0))
		erp_test_fail_at(file, line, "expected a field starting with '%s', got '%s' (%s)", field_prefix, f ? f : "(none)",
		                 erp_error_last()->message);
	st_assert_unchanged_at(w, &before, file, line);
}

void st_reserve_refused_at(st_world *w, erp_ctx *ctx, const erp_stock_reserve_params *r, int code, const char *field,
                           const char *file, int line)
{
	st_state before = st_state_of(w);
	erp_buf id = ERP_BUF_INIT;
	int rc = erp_stock_reserve(&id, ctx, r);
	erp_buf_dispose(&id);
	st_refusal_at(rc, code, field, file, line);
	st_assert_unchanged_at(w, &before, file, line);
}

void st_reserve_at(st_world *w, char out[37], const char *product, const char *location, int64_t qty,
                   int64_t expires_in_ms, const char *file, int line)
{
	erp_stock_reserve_params r = ERP_STOCK_RESERVE_PARAMS_INIT;
	r.product_id = product;
	r.location_id = location;
	r.quantity = qty;
	r.expires_in_ms = expires_in_ms;
	erp_buf id = ERP_BUF_INIT;
	int rc = erp_stock_reserve(&id, w->b.rw, &r);
	if (rc != ERP_OK)
		erp_test_fail_at(file, line, "erp_stock_reserve (qty %" PRId64 "): %s (%s) field=%s", qty, erp_error_name(rc),
		                 erp_error_last()->message, erp_error_last()->field ? erp_error_last()->field : "");
	if (id.size != 36)
		erp_test_fail_at(file, line, "erp_stock_reserve returned an id of %zu bytes", id.size);
	if (out)
		memcpy(out, id.ptr, 37);
	erp_buf_dispose(&id);
}

json_t *st_reservation_get(st_world *w, const char *id)
{
	erp_buf o = ERP_BUF_INIT;
	int rc = erp_stock_reservation_get(&o, w->b.ro, id);
	if (rc != ERP_OK)
		fail_msg("erp_stock_reservation_get(%s): %s (%s)", id, erp_error_name(rc), erp_error_last()->message);
	json_t *v = lt_json(o.ptr);
	erp_buf_dispose(&o);
	return v;
}
