#include "ledger_module.h"

#include "ledger_verify.h"
#include "util/error.h"

static int ledger_start(erp_store *store, void *state)
{
	(void)store;
	erp__ledger_state *l = state;
	return (l->posts = erp__post_group_new()) ? ERP_OK : erp__oom();
}

static void ledger_stop(erp_store *store, void *state)
{
	(void)store;
	erp__post_group_free(((erp__ledger_state *)state)->posts);
}

const erp__module erp__ledger_module = {
	.name = "ledger",
	.state_size = sizeof(erp__ledger_state),
	.start = ledger_start,
	.stop = ledger_stop,
	.verify = erp__ledger_verify,
};

erp__ledger_state *erp__ledger_state_of(const erp_store *store)
{
	return erp__module_state(store, &erp__ledger_module);
}
