/*
 * stock/ as a module of the store (core/module.h): the product rule it
 * hooks into generic CRUD (stock_rules.h) and its check in
 * erp_store_verify (stock_verify.c).
 */
#include "core/module.h"
#include "entity/entity_hooks.h"
#include "stock_rules.h"
#include "stock_verify.h"

static void stock_init(void)
{
	erp__entity_hook_before_update("core.product", erp__stock_product_update_check);
}

const erp__module erp__stock_module = {
	.name = "stock",
	.init = stock_init,
	.verify = erp__stock_verify,
};
