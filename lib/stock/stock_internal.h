/*
 * What the stock modules share (erp/stock.h): the facts about products and
 * locations that a move needs, read once per transaction, and the checks
 * of request text.
 */
#ifndef ERP_LIB_STOCK_INTERNAL_H
#define ERP_LIB_STOCK_INTERNAL_H

#include <erp/stock.h>

#include "core/context_internal.h"
#include "core/db.h"
#include "entity/entity_row.h"
#include "util/ident.h"

#include <stdbool.h>

/** A product as moves see it. */
typedef struct {
	char id[ERP__UUID_LEN + 1];
	bool stockable;              /* storable or consumable (not a service) */
	int method;                  /* erp__cost_method */
	char currency[4];
	int exponent;                /* of the currency */
	int precision;               /* of the unit of measure */
	int64_t standard_price;
	char valuation_account[ERP__UUID_LEN + 1]; /* "" unless the category names all four */
	char input_account[ERP__UUID_LEN + 1];
	char output_account[ERP__UUID_LEN + 1];
	char journal[ERP__UUID_LEN + 1];
} erp__stock_product;

/** A location's usage. */
typedef enum {
	ERP__LOC_INTERNAL = 1,
	ERP__LOC_SUPPLIER,
	ERP__LOC_CUSTOMER,
	ERP__LOC_INVENTORY,
	ERP__LOC_TRANSIT,
	ERP__LOC_VIEW
} erp__location_usage;

/** A location as moves see it. */
typedef struct {
	char id[ERP__UUID_LEN + 1];
	int usage;                   /* erp__location_usage */
	bool allow_negative;
} erp__stock_location;

/**
 * Reads a product of the tenant into `out`.
 * @return ERP_OK; ERP_ENOTFOUND (entity "core.product", field `field`).
 */
int erp__stock_product_load(erp__tx *tx, const char *tenant, erp__scales *sc, const char *id, const char *field,
                            erp__stock_product *out);

/**
 * Reads a location of the tenant into `out`.
 * @return ERP_OK; ERP_ENOTFOUND (entity "inventory.location", field `field`).
 */
int erp__stock_location_load(erp__tx *tx, const char *tenant, const char *id, const char *field,
                             erp__stock_location *out);

/** Text of at most `max` characters of UTF-8 without control characters (NULL is fine). */
bool erp__stock_text_ok(const char *s, size_t max);

/** An idempotency key: 1 to 200 printable ASCII characters. */
bool erp__stock_key_ok(const char *key);

/** Today (UTC) as "YYYY-MM-DD". */
void erp__stock_today(char out[11]);

/**
 * Quantity held by the reservations of (product, location) that are
 * pending and not expired at `now_ms`.
 */
int erp__stock_reserved(int64_t *out, erp__tx *tx, const char *tenant, const char *product_id,
                        const char *location_id, int64_t now_ms);

/**
 * Locks the quant of (product, location), creating it at zero, and reads
 * its quantity. Callers lock quants in one order (product, then location).
 */
int erp__stock_quant_lock(int64_t *quantity, erp__tx *tx, const char *tenant, const char *product_id,
                          const char *location_id);

#endif
