#include "entity_hooks.h"

#include <assert.h>
#include <string.h>

#define HOOKS_MAX 32

static struct {
	const char *type_name;
	erp__entity_update_hook fn;
} before_update[HOOKS_MAX];
static size_t before_update_count;

void erp__entity_hook_before_update(const char *type_name, erp__entity_update_hook fn)
{
	/* Called from module inits only, a fixed set known at build time. */
	assert(before_update_count < HOOKS_MAX);
	if (before_update_count < HOOKS_MAX) {
		before_update[before_update_count].type_name = type_name;
		before_update[before_update_count].fn = fn;
		before_update_count++;
	}
}

int erp__entity_hooks_before_update(erp__tx *tx, const char *type_name, const char *tenant, const char *id,
                                    const json_t *patch)
{
	int rc = ERP_OK;
	for (size_t i = 0; rc == ERP_OK && i < before_update_count; i++)
		if (strcmp(before_update[i].type_name, type_name) == 0)
			rc = before_update[i].fn(tx, tenant, id, patch);
	return rc;
}
