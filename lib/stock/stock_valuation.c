/* Stock valuation as arithmetic (stock_valuation.h). */
#include "stock_valuation.h"

#include "util/array.h"
#include "util/decimal.h"

#include <stdlib.h>
#include <string.h>

int erp__cost_method_parse(const char *name)
{
	if (!name)
		return 0;
	if (strcmp(name, "standard") == 0)
		return ERP__COST_STANDARD;
	if (strcmp(name, "average") == 0)
		return ERP__COST_AVERAGE;
	if (strcmp(name, "fifo") == 0)
		return ERP__COST_FIFO;
	return 0;
}

bool erp__share(int64_t *out, int64_t a, int64_t num, int64_t den)
{
	if (den == 0)
		return false;
	if (den < 0) {
		if (a == INT64_MIN || den == INT64_MIN)
			return false;
		a = -a;
		den = -den;
	}
	return erp__muldiv_round(out, a, num, den) != 0;
}

static bool add(int64_t *acc, int64_t x)
{
	return !__builtin_add_overflow(*acc, x, acc);
}

/* The value of `qty` units at the current unit cost. */
static bool at_current_cost(int64_t *out, const erp__valuation *v, int64_t qty)
{
	if (v->method == ERP__COST_STANDARD)
		return erp__share(out, v->standard_price, qty, v->scale);
	if (v->method == ERP__COST_FIFO) {
		/* the newest layer's rate: of what remains of it (owed units keep
		 * the rate they were taken at), else its own */
		for (size_t i = v->nopen; i-- > 0;) {
			const erp__open_layer *l = &v->open[i];
			if (l->qty != 0)
				return erp__share(out, l->value, qty, l->qty);
			if (l->own_qty != 0)
				return erp__share(out, l->own_value, qty, l->own_qty);
		}
	} else if (v->qty != 0) {
		return erp__share(out, v->value, qty, v->qty);
	}
	return erp__share(out, v->unit_cost, qty, v->scale);
}

static int open_push(erp__valuation *v, int64_t seq, int64_t qty, int64_t value, int64_t own_qty, int64_t own_value)
{
	if (!ERP__ARRAY_TRY_RESERVE(v->open, v->cap, v->nopen + 1))
		return -2;
	erp__open_layer *l = &v->open[v->nopen++];
	l->seq = seq;
	l->qty = qty;
	l->value = value;
	l->own_qty = own_qty;
	l->own_value = own_value;
	l->changed = true;
	return 0;
}

/* Keeps the unit cost to value units by when there is no stock. */
static void remember_unit_cost(erp__valuation *v)
{
	int64_t c;
	if (v->method == ERP__COST_STANDARD)
		v->unit_cost = v->standard_price;
	else if (v->qty > 0 && erp__share(&c, v->value, v->scale, v->qty))
		v->unit_cost = c;
}

int erp__valuation_in(erp__valuation *v, int64_t qty, bool has_cost, int64_t unit_cost, int64_t new_seq,
                      erp__valuation_step *out)
{
	memset(out, 0, sizeof *out);
	int64_t v_in;
	bool ok;
	if (v->method == ERP__COST_STANDARD)
		ok = erp__share(&v_in, v->standard_price, qty, v->scale);
	else if (has_cost)
		ok = erp__share(&v_in, unit_cost, qty, v->scale);
	else
		ok = at_current_cost(&v_in, v, qty);
	if (!ok)
		return -1;

	int64_t correction = 0, filled = 0, filled_value = 0;
	if (v->qty < 0) {
		int64_t owed = -v->qty;
		int64_t n = qty < owed ? qty : owed;
		if (v->method == ERP__COST_FIFO) {
			/* Fill the owed layers oldest first. */
			for (size_t i = 0; i < v->nopen && filled < n; i++) {
				erp__open_layer *l = &v->open[i];
				if (l->qty >= 0)
					continue;
				int64_t k = n - filled < -l->qty ? n - filled : -l->qty;
				int64_t sv, rv;
				if (k == -l->qty)
					sv = l->value;
				else if (!erp__share(&sv, l->value, k, -l->qty))
					return -1;
				if (filled + k == qty)
					rv = v_in - filled_value;
				else if (!erp__share(&rv, v_in, k, qty))
					return -1;
				if (!add(&correction, -(rv + sv)))
					return -1;
				l->qty += k;
				l->value -= sv;
				l->changed = true;
				filled += k;
				filled_value += rv;
			}
		} else {
			int64_t sv, rv;
			if (n == owed)
				sv = v->value;
			else if (!erp__share(&sv, v->value, n, owed))
				return -1;
			if (n == qty)
				rv = v_in;
			else if (!erp__share(&rv, v_in, n, qty))
				return -1;
			correction = -(rv + sv);
			filled = n;
			filled_value = rv;
		}
	}
	out->value = v_in;
	out->correction = correction;
	if (v->method == ERP__COST_FIFO) {
		out->remaining_qty = qty - filled;
		out->remaining_value = v_in - filled_value;
		if (out->remaining_qty != 0 && open_push(v, new_seq, out->remaining_qty, out->remaining_value, qty, v_in) != 0)
			return -2;
	}
	if (__builtin_add_overflow(v->qty, qty, &v->qty) || !add(&v->value, v_in) || !add(&v->value, correction))
		return -1;
	if (v->method != ERP__COST_STANDARD && has_cost)
		v->unit_cost = unit_cost;
	remember_unit_cost(v);
	return 0;
}

int erp__valuation_out(erp__valuation *v, int64_t qty, int64_t new_seq, erp__valuation_step *out)
{
	memset(out, 0, sizeof *out);
	int64_t taken = 0, taken_value = 0, short_value = 0;
	if (v->method == ERP__COST_FIFO) {
		const erp__open_layer *last = NULL;
		erp__open_layer rate;
		for (size_t i = 0; i < v->nopen && taken < qty; i++) {
			erp__open_layer *l = &v->open[i];
			if (l->qty <= 0)
				continue;
			int64_t k = qty - taken < l->qty ? qty - taken : l->qty, kv;
			if (k == l->qty)
				kv = l->value;
			else if (!erp__share(&kv, l->value, k, l->qty))
				return -1;
			l->qty -= k;
			l->value -= kv;
			l->changed = true;
			taken += k;
			if (!add(&taken_value, kv))
				return -1;
			rate = *l;
			last = &rate;
		}
		int64_t s = qty - taken;
		if (s > 0) {
			bool ok = last ? erp__share(&short_value, last->own_value, s, last->own_qty) : at_current_cost(&short_value, v, s);
			if (!ok)
				return -1;
			out->remaining_qty = -s;
			out->remaining_value = -short_value;
			if (open_push(v, new_seq, -s, -short_value, -qty, -(taken_value + short_value)) != 0)
				return -2;
		}
	} else {
		if (v->qty > 0) {
			taken = qty < v->qty ? qty : v->qty;
			if (taken == v->qty)
				taken_value = v->value;
			else if (v->method == ERP__COST_STANDARD ? !erp__share(&taken_value, v->standard_price, taken, v->scale)
			                                         : !erp__share(&taken_value, v->value, taken, v->qty))
				return -1;
		}
		int64_t s = qty - taken;
		if (s > 0) {
			bool ok;
			if (v->method == ERP__COST_STANDARD)
				ok = erp__share(&short_value, v->standard_price, s, v->scale);
			else if (v->qty != 0)
				ok = erp__share(&short_value, v->value, s, v->qty); /* the average before, of either sign */
			else
				ok = erp__share(&short_value, v->unit_cost, s, v->scale);
			if (!ok)
				return -1;
		}
	}
	int64_t total = taken_value;
	if (!add(&total, short_value))
		return -1;
	out->value = -total;
	if (__builtin_sub_overflow(v->qty, qty, &v->qty) || __builtin_sub_overflow(v->value, total, &v->value))
		return -1;
	remember_unit_cost(v);
	return 0;
}

void erp__valuation_free(erp__valuation *v)
{
	free(v->open);
	v->open = NULL;
	v->nopen = v->cap = 0;
}
