#include "auth_module.h"

#include "auth_options.h"
#include "util/error.h"

#include <sodium.h>

static int auth_start(erp_store *store, void *state)
{
	(void)store;
	erp__auth_state *a = state;
	atomic_init(&a->session_cache_distrust_until_ms, 0);
	return pthread_mutex_init(&a->lock, NULL) == 0 ? ERP_OK : erp__oom();
}

static void auth_stop(erp_store *store, void *state)
{
	(void)store;
	erp__auth_state *a = state;
	pthread_mutex_destroy(&a->lock);
	sodium_memzero(a->dummy_hash, sizeof a->dummy_hash);
}

const erp__module erp__auth_module = {
	.name = "auth",
	.state_size = sizeof(erp__auth_state),
	.options = erp__auth_options_fill,
	.start = auth_start,
	.stop = auth_stop,
};

erp__auth_state *erp__auth_state_of(const erp_store *store)
{
	return erp__module_state(store, &erp__auth_module);
}
