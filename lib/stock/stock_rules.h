/*
 * What the stock asks of the rest of the engine: the rules that entity
 * updates must keep so that stock already valued stays consistent.
 */
#ifndef ERP_LIB_STOCK_RULES_H
#define ERP_LIB_STOCK_RULES_H

#include "core/db.h"

#include <jansson.h>

/**
 * Before a core.product update is written: a product that has stock may
 * not change its cost method (its layers and average were kept by the old
 * one) nor become a service. `patch` is the update's JSON object.
 *
 * @return ERP_OK; ERP_EINVALID (entity "core.product", field "cost_method"
 *         or "type").
 */
int erp__stock_product_update_check(erp__tx *tx, const char *tenant, const char *product_id, const json_t *patch);

#endif
