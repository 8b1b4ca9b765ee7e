/*
 * The table of modules: the one place that names every domain of the
 * library (docs/architecture.md). The core walks it (core/module.h) to
 * start and stop a store's domains, fill their options and hooks, and run
 * their checks in erp_store_verify; the domains never name each other
 * here. Adding a domain: its folder, its module (see stock/stock_module.c)
 * and one line below, in layer order (a module's hooks and checks run
 * after those of the modules it builds on).
 */
#include "core/module.h"

extern const erp__module erp__auth_module;   /* auth/auth_module.c */
extern const erp__module erp__ledger_module; /* ledger/ledger_module.c */
extern const erp__module erp__stock_module;  /* stock/stock_module.c */

const erp__module *const erp__modules[] = {
	&erp__auth_module,
	&erp__ledger_module,
	&erp__stock_module,
	NULL,
};
