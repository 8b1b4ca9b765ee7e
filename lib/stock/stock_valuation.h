/*
 * Stock valuation as arithmetic: a product's stock (quantity and value) and,
 * for FIFO, its open layers, changed by goods coming in and going out.
 * No storage here: the move engine loads the state under the product's
 * lock, applies its moves and writes what changed.
 *
 * Values are minor units of the product's currency, quantities minor units
 * of its unit of measure; a unit cost is the value of one whole unit
 * (scale = 10^precision minor units). A share of a value is computed in
 * 128 bits and rounded half away from zero, and the last units of a layer
 * (or of the whole stock) take exactly what is left, so a stock that
 * returns to zero quantity is worth exactly zero.
 *
 * Negative stock: units taken beyond what is there are valued at the
 * current unit cost (AVCO, standard) or the rate of the last layer
 * consumed (FIFO) and owed; goods coming in fill what is owed first, and
 * the difference between the provisional and the real cost of the units
 * that filled it is a correction (Odoo's test_negative_1).
 */
#ifndef ERP_LIB_STOCK_VALUATION_H
#define ERP_LIB_STOCK_VALUATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A product's cost method. */
typedef enum { ERP__COST_STANDARD = 1, ERP__COST_AVERAGE = 2, ERP__COST_FIFO = 3 } erp__cost_method;

/** "standard", "average", "fifo" → the method; 0 for anything else. */
int erp__cost_method_parse(const char *name);

/** What is left of a FIFO layer (negative: units owed). */
typedef struct {
	int64_t seq;              /* the layer's number */
	int64_t qty, value;       /* remaining */
	int64_t own_qty, own_value; /* the layer's own quantity and value: its rate */
	bool changed;             /* to be written back */
} erp__open_layer;

/** A product's valuation state. */
typedef struct {
	int method;
	int64_t scale;            /* 10^(unit of measure precision) */
	int64_t standard_price;   /* per unit (standard) */
	int64_t qty, value;       /* stock in internal locations and its value */
	int64_t unit_cost;        /* the last known unit cost, for units valued when there is no stock */
	erp__open_layer *open;    /* FIFO: the open layers, oldest first */
	size_t nopen, cap;
} erp__valuation;

/** The layers one movement makes. */
typedef struct {
	int64_t value;            /* of the in (+) or out (-) layer */
	int64_t remaining_qty;    /* FIFO: what stays open of it */
	int64_t remaining_value;
	int64_t correction;       /* value of the correction layer; 0: none */
} erp__valuation_step;

/**
 * Goods in: `qty` (> 0) units at `unit_cost` per unit, or at the current
 * unit cost when `has_cost` is false (a return). Standard-cost products
 * come in at their standard price whatever is given.
 *
 * @param new_seq the number the new layer will have (FIFO keeps it open).
 * @return 0; -1 when a value does not fit in 64 bits; -2 out of memory.
 */
int erp__valuation_in(erp__valuation *v, int64_t qty, bool has_cost, int64_t unit_cost, int64_t new_seq,
                      erp__valuation_step *out);

/**
 * Goods out: `qty` (> 0) units, at the method's cost.
 *
 * @param new_seq the number the new layer will have (FIFO: a layer of
 *                owed units stays open).
 * @return 0; -1 when a value does not fit in 64 bits; -2 out of memory.
 */
int erp__valuation_out(erp__valuation *v, int64_t qty, int64_t new_seq, erp__valuation_step *out);

/** Frees the open layers. */
void erp__valuation_free(erp__valuation *v);

/** a * num / den, rounded half away from zero, for a den of either sign (not 0); false on overflow. */
bool erp__share(int64_t *out, int64_t a, int64_t num, int64_t den);

#endif
