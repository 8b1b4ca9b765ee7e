/*
 * Helpers shared by the stock conformance tests (test_stock_*.c): a
 * tenant's stock world (units, accounts, a stock journal, a category with
 * perpetual valuation, products per cost method, locations of every
 * usage), move shorthands, readers of the quantity, valuation and layer
 * reports, and the snapshot that proves a refused call wrote nothing.
 */
#ifndef ERP_STOCK_SUPPORT_H
#define ERP_STOCK_SUPPORT_H

#include "ledger/ledger_support.h"

#include <stdbool.h>

#define ST_MAX_PRODUCTS 64

/** One tenant's stock world (built by st_world_open). */
typedef struct {
	lt_books b;              /* store, tenant, ro/rw/admin contexts, journal "GEN" */
	char unit[37], kg[37];   /* core.uom: precision 0 and 3 */
	char valuation[37];      /* stock valuation (asset) */
	char input[37];          /* stock input (liability, clearing) */
	char output[37];         /* stock output (expense, COGS) */
	char journal[37];        /* financial.journal "STK" */
	char category[37];       /* names the three accounts and the journal */
	char warehouse[37];
	char standard[37];       /* product, cost_method standard, standard_price 10.00 */
	char average[37];        /* product, average */
	char fifo[37];           /* product, fifo */
	char supplier[37], customer[37], inventory[37], transit[37], view[37];
	char stock[37];          /* WH/Stock, internal */
	char shelf[37];          /* WH/Shelf, internal */
	char negative[37];       /* WH/Negative, internal, allow_negative */
	/* every product made, with the precision of its unit */
	struct {
		char id[37];
		int precision;
	} products[ST_MAX_PRODUCTS];
	int product_count;
} st_world;

void st_world_open(st_world *w, erp_store *store);
void st_world_close(st_world *w);

/**
 * Creates a core.product in the world's category: cost_method "standard",
 * "average" or "fifo"; standard_price (minor units, < 0: none); in kg when
 * `kg`, else in units; `type` NULL: storable.
 */
void st_product(char out[37], st_world *w, const char *cost_method, int64_t standard_price, bool kg, const char *type);

/** Creates an inventory.location (`usage`, allow_negative). */
void st_location(char out[37], st_world *w, const char *name, const char *usage, bool allow_negative);

/** The precision of a product's unit (0 when unknown). */
int st_precision(const st_world *w, const char *product_id);

/** A move, ready to make (no date, no unit cost). */
erp_stock_move_params st_mv(const char *product, int64_t qty, const char *from, const char *to);
/** The same with a unit cost. */
erp_stock_move_params st_mv_cost(const char *product, int64_t qty, const char *from, const char *to, int64_t unit_cost);

/** Makes a move with the readwrite context; asserts success; `out` (may be NULL) receives its id. */
#define st_move(w, out, m) st_move_at((w), (out), (m), __FILE__, __LINE__)
void st_move_at(st_world *w, char out[37], const erp_stock_move_params *m, const char *file, int line);

/** supplier -> dest, qty @ unit_cost (minor units), dated `date` (NULL: today). */
#define st_receive(w, out, product, qty, unit_cost, dest) \
	st_receive_at((w), (out), (product), (qty), (unit_cost), (dest), NULL, __FILE__, __LINE__)
#define st_receive_on(w, out, product, qty, unit_cost, dest, date) \
	st_receive_at((w), (out), (product), (qty), (unit_cost), (dest), (date), __FILE__, __LINE__)
void st_receive_at(st_world *w, char out[37], const char *product, int64_t qty, int64_t unit_cost, const char *dest,
                   const char *date, const char *file, int line);

/** src -> customer. */
#define st_deliver(w, out, product, qty, src) st_deliver_at((w), (out), (product), (qty), (src), NULL, __FILE__, __LINE__)
#define st_deliver_on(w, out, product, qty, src, date) \
	st_deliver_at((w), (out), (product), (qty), (src), (date), __FILE__, __LINE__)
void st_deliver_at(st_world *w, char out[37], const char *product, int64_t qty, const char *src, const char *date,
                   const char *file, int line);

/** src -> dest between internal locations. */
#define st_internal(w, out, product, qty, src, dest) \
	st_internal_at((w), (out), (product), (qty), (src), (dest), __FILE__, __LINE__)
void st_internal_at(st_world *w, char out[37], const char *product, int64_t qty, const char *src, const char *dest,
                    const char *file, int line);

/** erp_stock_move_get() parsed; asserts success. New reference. */
json_t *st_move_get(st_world *w, const char *id);
/** The "value" of a move in minor units of its currency (2 decimals). */
int64_t st_move_value(st_world *w, const char *id);

/** erp_stock_quantity() (asserts success). `location` NULL: every internal location. */
#define st_qty(w, product, location, as_of) st_qty_at((w), (product), (location), (as_of), __FILE__, __LINE__)
erp_stock_level st_qty_at(st_world *w, const char *product, const char *location, const char *as_of, const char *file,
                          int line);

/** A product's line of the valuation report. */
typedef struct {
	bool present;       /* listed in the report */
	int64_t quantity;   /* minor units of its unit */
	int64_t value;      /* cents */
	bool has_unit_cost; /* unit_cost not null */
	int64_t unit_cost;  /* cents */
	char cost_method[16];
} st_val;

/** The product's line of erp_stock_valuation(as_of) (asserts success; all zero when absent). */
#define st_valuation(w, product, as_of) st_valuation_at((w), (product), (as_of), __FILE__, __LINE__)
st_val st_valuation_at(st_world *w, const char *product, const char *as_of, const char *file, int line);

/** The report's USD total (0 when the report has none). */
int64_t st_valuation_total(st_world *w, const char *as_of);

/** erp_stock_layer_list() parsed; asserts success. New reference. */
json_t *st_layers(st_world *w, const char *product);

/**
 * The FIFO queue of a product as text "[[qty,rate],...]" (rates with their
 * decimals, "[[2,10.00]]"), adjacent layers of equal unit cost merged as
 * ERPNext shows them. Also asserts that every layer's value / quantity
 * gives its unit cost and that the layers' values add up to the valuation
 * report's value. malloc'd.
 */
char *st_queue(st_world *w, const char *product);
#define assert_queue(w, product, expected) st_assert_queue_at((w), (product), (expected), __FILE__, __LINE__)
void st_assert_queue_at(st_world *w, const char *product, const char *expected, const char *file, int line);

/** Sum of the value of a product's layers, read from the table. */
int64_t st_layer_sum(st_world *w, const char *product);

/** The balance (debit - credit, USD cents) of an account. */
int64_t st_balance(st_world *w, const char *account);

/**
 * The books agree with the stock: the valuation account's balance equals
 * the valuation report's total; input + output + valuation = 0; every
 * product's value equals the sum of its layers (table) and is 0 at
 * quantity 0; erp_store_verify() is not run here.
 */
#define assert_books_match(w) st_assert_books_match_at((w), __FILE__, __LINE__)
void st_assert_books_match_at(st_world *w, const char *file, int line);

/** Asserts product quantity (all internal) and value in cents. */
#define assert_stock(w, product, qty, value) st_assert_stock_at((w), (product), (qty), (value), __FILE__, __LINE__)
void st_assert_stock_at(st_world *w, const char *product, int64_t qty, int64_t value, const char *file, int line);

/** What a refused stock call must leave alone. */
typedef struct {
	int64_t v[16];
	lt_state ledger;
} st_state;

st_state st_state_of(st_world *w);
/** Fails unless nothing changed since `before` (frees it). */
#define assert_st_unchanged(w, before) st_assert_unchanged_at((w), (before), __FILE__, __LINE__)
void st_assert_unchanged_at(st_world *w, st_state *before, const char *file, int line);

/** Asserts rc == code and, for code != OK, the field (NULL: any) and erp_error_last() coherent. */
#define assert_st_refusal(rc, code, field) st_refusal_at((rc), (code), (field), __FILE__, __LINE__)
void st_refusal_at(int rc, int code, const char *field, const char *file, int line);

/** erp_stock_move() refused with code and field (NULL: any), writing nothing. */
#define assert_move_refused(w, ctx, m, code, field) st_move_refused_at((w), (ctx), (m), (code), (field), __FILE__, __LINE__)
void st_move_refused_at(st_world *w, erp_ctx *ctx, const erp_stock_move_params *m, int code, const char *field, const char *file,
                        int line);

/** erp_stock_move_json() refused with code and field, writing nothing. */
#define assert_move_json_refused(w, json, code, field) \
	st_move_json_refused_at((w), (json), (code), (field), __FILE__, __LINE__)
void st_move_json_refused_at(st_world *w, const char *json, int code, const char *field, const char *file, int line);

/** erp_stock_move_batch() refused with code and a field that starts with `field_prefix`, writing nothing. */
#define assert_batch_move_refused(w, m, n, code, field_prefix) \
	st_batch_refused_at((w), (m), (n), (code), (field_prefix), __FILE__, __LINE__)
void st_batch_refused_at(st_world *w, const erp_stock_move_params *m, size_t n, int code, const char *field_prefix,
                         const char *file, int line);

/** erp_stock_reserve() refused with code and field, writing nothing. */
#define assert_reserve_refused(w, ctx, r, code, field) \
	st_reserve_refused_at((w), (ctx), (r), (code), (field), __FILE__, __LINE__)
void st_reserve_refused_at(st_world *w, erp_ctx *ctx, const erp_stock_reserve_params *r, int code, const char *field,
                           const char *file, int line);

/** Reserves with the readwrite context; asserts success. */
#define st_reserve(w, out, product, location, qty, expires_in_ms) \
	st_reserve_at((w), (out), (product), (location), (qty), (expires_in_ms), __FILE__, __LINE__)
void st_reserve_at(st_world *w, char out[37], const char *product, const char *location, int64_t qty,
                   int64_t expires_in_ms, const char *file, int line);

/** erp_stock_reservation_get() parsed. New reference. */
json_t *st_reservation_get(st_world *w, const char *id);

/** Minor units as text at the product's precision ("2.500"). */
void st_qtext(char out[32], const st_world *w, const char *product, int64_t qty);

#endif
