/**
 * @file erp/stock.h
 * @brief Stock moves, two-phase reservations and FIFO/AVCO/standard
 *        valuation posted to the ledger.
 *
 * A move takes a quantity of a product from one location to another
 * (inventory.location; its usage says what it is). Moving changes the
 * quants — the quantity on hand per product and location — in the same
 * transaction, and is immutable once made: a mistake is corrected by a
 * move back.
 *
 * Valuation. Stock in internal locations has a value, kept per product by
 * the product's cost method:
 *
 * - "standard": every unit is worth the product's standard_price;
 * - "average" (AVCO): receipts add their cost, deliveries take the
 *   current average (value / quantity);
 * - "fifo": receipts open layers, deliveries consume the oldest first.
 *
 * Only moves that cross the boundary of internal stock are valued: in
 * (supplier, inventory, customer, transit → internal) and out (internal →
 * anything else). Moves between internal locations change no value. Every
 * valued move writes a valuation layer (its quantity and value, signed);
 * the stock value of a product is exactly the sum of its layers, and when
 * its quantity returns to zero its value is exactly zero (the last unit
 * out takes what rounding left). Amounts are integers with 128-bit
 * intermediates; a share of a value is rounded half away from zero.
 *
 * Negative stock (only in locations that allow it) is valued at the
 * current unit cost (AVCO, standard) or the last layer's (FIFO) and
 * corrected when goods come in: the receipt fills the hole first and a
 * correction layer moves the difference between the provisional and the
 * real cost (Odoo's test_negative_1: the result is the same for AVCO and
 * FIFO).
 *
 * Perpetual valuation: when the product's category names
 * stock_valuation_account_id, stock_input_account_id,
 * stock_output_account_id and stock_journal_id, each valued move posts a
 * journal entry through the posting engine in the same transaction (in:
 * debit valuation, credit input; out: debit output, credit valuation;
 * corrections against output). The move, its quants, its layers and its
 * entry commit together or not at all; the entry is refused like any other
 * (a closed period is ERP_ELOCKED and no stock moves).
 *
 * Reservations are two-phase transfers: reserve a quantity at an internal
 * location (pending; optionally expiring), then move against it any
 * quantity up to it (the rest is released) or release it. Available =
 * on hand − active reservations. An expired reservation stops counting at
 * once, with no background job. A move that is not against a reservation
 * may take only what is available; a location that allows negative stock
 * takes anything.
 *
 * Quantities cross JSON as decimal strings at the product's unit of
 * measure precision, amounts at the product currency's exponent. Typed
 * calls take minor units.
 *
 * Roles: readwrite moves, reserves and releases; every role reads.
 *
 * Thread safety: as erp_ctx. Concurrent moves and reservations of one
 * product never take more than is there.
 */
#ifndef ERP_STOCK_H
#define ERP_STOCK_H

#include "common.h"
#include "buf.h"
#include "context.h"

ERP_BEGIN_DECL

/** The current version of erp_stock_move_params. */
#define ERP_STOCK_MOVE_PARAMS_VERSION 1

/** A stock move to make. Declare with ERP_STOCK_MOVE_PARAMS_INIT; fields are only appended. */
typedef struct erp_stock_move_params {
	unsigned int version;          /**< ERP_STOCK_MOVE_PARAMS_VERSION. */
	const char *product_id;        /**< A storable or consumable core.product. */
	int64_t quantity;              /**< > 0, in minor units of the product's unit of measure. */
	const char *location_id;       /**< Source inventory.location (not a "view"). */
	const char *location_dest_id;  /**< Destination inventory.location (not a "view", not the source). */
	const char *date;              /**< "YYYY-MM-DD"; NULL: today (UTC). */
	int has_unit_cost;             /**< Non-zero: unit_cost is given. */
	int64_t unit_cost;             /**< Cost of one unit of measure, minor units of the product currency, >= 0.
	                                    Required when goods come from a supplier or inventory location into stock. */
	const char *reference;         /**< Optional, at most 100 characters. */
	const char *idempotency_key;   /**< Optional, 1 to 200 printable ASCII characters. */
	const char *reservation_id;    /**< Optional: the move consumes this reservation (same product and source). */
} erp_stock_move_params;

/** Initialiser for erp_stock_move_params. */
#define ERP_STOCK_MOVE_PARAMS_INIT { ERP_STOCK_MOVE_PARAMS_VERSION, NULL, 0, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL }

/**
 * Makes a stock move.
 *
 * @param out_id receives the move's id (the first move's for a repeated
 *               idempotency key); may be NULL.
 * @param ctx    a readwrite or admin context.
 * @param move   the move; not retained.
 * @return ERP_OK; ERP_ENOSTOCK (not enough available at the source);
 *         ERP_EINVALID (field named: "quantity", "unit_cost",
 *         "location_dest_id"...); ERP_ENOTFOUND (product, location,
 *         reservation); ERP_ECONFLICT (the reservation is not pending, has
 *         expired or is for less); ERP_EEXISTS (idempotency key reused for
 *         another request); ERP_ELOCKED and the other codes of
 *         erp_ledger_post() for the valuation entry; ERP_EPERM;
 *         ERP_ERETRY; ERP_EBACKEND. Nothing is written on failure.
 */
ERP_EXTERN int erp_stock_move(erp_buf *out_id, erp_ctx *ctx, const erp_stock_move_params *move);

/**
 * Makes several moves, in order, all or none.
 *
 * @param out_ids receives a JSON array of the moves' ids; may be NULL.
 * @param count   1 to 10000.
 * @return as erp_stock_move(); a field names the move ("moves[3].quantity").
 */
ERP_EXTERN int erp_stock_move_batch(erp_buf *out_ids, erp_ctx *ctx, const erp_stock_move_params *moves, size_t count);

/**
 * Makes a move given as JSON:
 * `{"product_id":"...","quantity":"2.500","location_id":"...",
 *   "location_dest_id":"...","date":"2026-01-31","unit_cost":"10.00",
 *   "reference":"...","idempotency_key":"...","reservation_id":"..."}`
 * and returns it as erp_stock_move_get() does.
 */
ERP_EXTERN int erp_stock_move_json(erp_buf *out, erp_ctx *ctx, const char *json);

/**
 * Makes many moves given as a JSON array of moves in the form of
 * erp_stock_move_json(), in one transaction: all or none.
 *
 * @param out_ids receives a JSON array of the moves' ids, in order; may be NULL.
 * @param json    `[{"product_id":...,"quantity":...}, ...]`, 1 to 10000 moves.
 * @return as erp_stock_move_batch(); fields are named "moves[3].quantity"
 *         (a batch of one names them as a lone move).
 */
ERP_EXTERN int erp_stock_move_batch_json(erp_buf *out_ids, erp_ctx *ctx, const char *json);

/**
 * Reads a move:
 * `{"id":"...","product_id":"...","quantity":"2.500",
 *   "location_id":"...","location_dest_id":"...","date":"...",
 *   "kind":"in"|"out"|"internal"|"external","unit_cost":"10.00"|null,
 *   "value":"25.00","currency":"USD","reference":...,"reservation_id":...,
 *   "entry_id":"..."|null,"created_at":"...","created_by":"..."}`
 * ("value": the change of stock value it made, negative going out, with
 * its correction layers).
 *
 * @return ERP_OK; ERP_ENOTFOUND; ERP_EINVALID (field "id"); ERP_EBACKEND.
 */
ERP_EXTERN int erp_stock_move_get(erp_buf *out, erp_ctx *ctx, const char *id);

/**
 * Move history, oldest first, as `{"items":[...],"next_cursor":...}`.
 *
 * @param query JSON object, every member optional: "product_id",
 *              "location_id" (as source or destination), "from",
 *              "to" (inclusive), "limit" (1 to 1000, default 100),
 *              "cursor" (from the previous page). NULL: everything.
 * @return ERP_OK; ERP_EINVALID (field named); ERP_EBACKEND.
 */
ERP_EXTERN int erp_stock_move_list(erp_buf *out, erp_ctx *ctx, const char *query);

/** The current version of erp_stock_reserve_params. */
#define ERP_STOCK_RESERVE_PARAMS_VERSION 1

/** A reservation to make. Declare with ERP_STOCK_RESERVE_PARAMS_INIT. */
typedef struct erp_stock_reserve_params {
	unsigned int version;         /**< ERP_STOCK_RESERVE_PARAMS_VERSION. */
	const char *product_id;       /**< The product. */
	const char *location_id;      /**< An internal location. */
	int64_t quantity;             /**< > 0, minor units of the product's unit of measure. */
	int64_t expires_in_ms;        /**< > 0: the reservation lapses this long from now; 0: it does not. */
	const char *reference;        /**< Optional, at most 100 characters. */
	const char *idempotency_key;  /**< Optional, 1 to 200 printable ASCII characters. */
} erp_stock_reserve_params;

/** Initialiser for erp_stock_reserve_params. */
#define ERP_STOCK_RESERVE_PARAMS_INIT { ERP_STOCK_RESERVE_PARAMS_VERSION, NULL, NULL, 0, 0, NULL, NULL }

/**
 * Reserves stock (phase one).
 *
 * @param out_id receives the reservation's id; may be NULL.
 * @return ERP_OK; ERP_ENOSTOCK when more than is available is asked (unless
 *         the location allows negative stock); ERP_EINVALID; ERP_ENOTFOUND;
 *         ERP_EEXISTS (idempotency key reused); ERP_EPERM; ERP_ERETRY;
 *         ERP_EBACKEND.
 */
ERP_EXTERN int erp_stock_reserve(erp_buf *out_id, erp_ctx *ctx, const erp_stock_reserve_params *reservation);

/**
 * Reserves stock given as JSON: `{"product_id":"...","location_id":"...",
 * "quantity":"15","expires_in_ms":60000,"reference":"...",
 * "idempotency_key":"..."}`; returns the reservation as
 * erp_stock_reservation_get() does.
 */
ERP_EXTERN int erp_stock_reserve_json(erp_buf *out, erp_ctx *ctx, const char *json);

/**
 * Releases a pending reservation (phase two, cancelled).
 *
 * @return ERP_OK; ERP_ENOTFOUND; ERP_ECONFLICT when it is not pending
 *         (consumed, released or expired); ERP_EINVALID; ERP_EPERM;
 *         ERP_EBACKEND.
 */
ERP_EXTERN int erp_stock_release(erp_ctx *ctx, const char *reservation_id);

/**
 * Reads a reservation:
 * `{"id":"...","product_id":"...","location_id":"...","quantity":"15",
 *   "consumed":"13","state":"pending"|"consumed"|"released"|"expired",
 *   "expires_at":"...Z"|null,"move_id":"..."|null,"reference":...,
 *   "created_at":"...","created_by":"..."}`
 */
ERP_EXTERN int erp_stock_reservation_get(erp_buf *out, erp_ctx *ctx, const char *id);

/** Stock of a product at a location (or in every internal location). */
typedef struct erp_stock_level {
	int64_t on_hand;    /**< Minor units of the unit of measure. */
	int64_t reserved;   /**< Held by reservations active at the time. */
	int64_t available;  /**< on_hand - reserved. */
} erp_stock_level;

/**
 * The stock of a product, now or at the end of a past day.
 *
 * @param out         receives the quantities.
 * @param product_id  the product.
 * @param location_id a location, or NULL for every internal location.
 * @param as_of       "YYYY-MM-DD" (end of that day, UTC), or NULL for now.
 *                    Past quantities come from daily totals, not from
 *                    replaying moves.
 * @return ERP_OK; ERP_EINVALID (field named); ERP_ENOTFOUND; ERP_EBACKEND.
 */
ERP_EXTERN int erp_stock_quantity(erp_stock_level *out, erp_ctx *ctx, const char *product_id,
                                  const char *location_id, const char *as_of);

/**
 * Quants as JSON: `[{"product_id":"...","location_id":"...",
 * "on_hand":"7","reserved":"0","available":"7"}]` for internal
 * locations, ordered by product and location.
 *
 * @param query JSON object, every member optional: "product_id",
 *              "location_id", "as_of". NULL: every quant now.
 */
ERP_EXTERN int erp_stock_quant_list(erp_buf *out, erp_ctx *ctx, const char *query);

/**
 * The stock valuation report, now or at the end of a past day:
 * `{"as_of":...,"products":[{"product_id":"...","name":"...",
 *   "cost_method":"fifo","currency":"USD","quantity":"5","value":"75.00",
 *   "unit_cost":"15.00"}],"totals":{"USD":"75.00"}}` ("unit_cost": value /
 * quantity rounded to the currency, null at zero quantity). Products
 * never moved are left out.
 */
ERP_EXTERN int erp_stock_valuation(erp_buf *out, erp_ctx *ctx, const char *as_of);

/**
 * The valuation layers of a product that still hold stock (FIFO: the
 * queue, oldest first; a negative layer is stock owed), as
 * `[{"move_id":"...","quantity":"1","value":"4.00","unit_cost":"4.00"}]`.
 */
ERP_EXTERN int erp_stock_layer_list(erp_buf *out, erp_ctx *ctx, const char *product_id);

ERP_END_DECL

#endif /* ERP_STOCK_H */
