/*
 * Hooks of entity types, filled by the domains above entity/ (as Tryton's
 * stock module wraps product's write with check_no_move): generic CRUD
 * calls them without knowing who filled them. Stock fills the product's
 * before-update hook so that a product with stock keeps its cost method.
 *
 * Hooks are registered from a module's init (core/module.h), once per
 * process before any store opens, and only read afterwards.
 */
#ifndef ERP_LIB_ENTITY_HOOKS_H
#define ERP_LIB_ENTITY_HOOKS_H

#include "core/db.h"

#include <jansson.h>

/**
 * Runs inside an update's transaction, after the row is checked and
 * before it is written: ERP_OK lets it go on; an error (ERP_EINVALID
 * naming the field) refuses the whole update. `patch` is the caller's
 * JSON object of changed fields.
 */
typedef int (*erp__entity_update_hook)(erp__tx *tx, const char *tenant, const char *id, const json_t *patch);

/** Adds `fn` to the before-update hooks of entity type `type_name` (a string that lives forever). */
void erp__entity_hook_before_update(const char *type_name, erp__entity_update_hook fn);

/** Runs the before-update hooks of `type_name` in the order registered, stopping at the first refusal. */
int erp__entity_hooks_before_update(erp__tx *tx, const char *type_name, const char *tenant, const char *id,
                                    const json_t *patch);

#endif
