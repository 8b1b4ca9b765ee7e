#include "module.h"

#include "store_internal.h"
#include "util/error.h"

#include <stdlib.h>

static size_t module_count(void)
{
	size_t n = 0;
	while (erp__modules[n])
		n++;
	return n;
}

void *erp__module_state(const erp_store *store, const erp__module *m)
{
	for (size_t i = 0; i < store->module_count; i++)
		if (erp__modules[i] == m)
			return store->module_state[i];
	return NULL;
}

void erp__modules_init(void)
{
	for (size_t i = 0; erp__modules[i]; i++)
		if (erp__modules[i]->init)
			erp__modules[i]->init();
}

int erp__modules_options(erp_store_options *o)
{
	int rc = ERP_OK;
	for (size_t i = 0; rc == ERP_OK && erp__modules[i]; i++)
		if (erp__modules[i]->options)
			rc = erp__modules[i]->options(o);
	return rc;
}

int erp__modules_start(erp_store *store)
{
	size_t n = module_count();
	if (!(store->module_state = calloc(n ? n : 1, sizeof *store->module_state)))
		return erp__oom();
	for (size_t i = 0; i < n; i++) {
		const erp__module *m = erp__modules[i];
		int rc = ERP_OK;
		if (m->state_size && !(store->module_state[i] = calloc(1, m->state_size)))
			rc = erp__oom();
		if (rc == ERP_OK && m->start)
			rc = m->start(store, store->module_state[i]);
		if (rc != ERP_OK) {
			free(store->module_state[i]);
			store->module_state[i] = NULL;
			erp__modules_stop(store);
			return rc;
		}
		store->module_count = i + 1;
	}
	return ERP_OK;
}

void erp__modules_stop(erp_store *store)
{
	for (size_t i = store->module_count; i-- > 0;) {
		const erp__module *m = erp__modules[i];
		if (m->stop)
			m->stop(store, store->module_state[i]);
		free(store->module_state[i]);
	}
	free(store->module_state);
	store->module_state = NULL;
	store->module_count = 0;
}
