/*
 * The tenant registry's checks and insert, for the calls that create a
 * tenant together with other rows in one transaction (user.c's
 * erp_tenant_create_with_admin).
 */
#ifndef ERP_LIB_TENANT_INTERNAL_H
#define ERP_LIB_TENANT_INTERNAL_H

#include "db.h"

/**
 * Checks a new tenant's name and base currency as erp_tenant_create()
 * does; raises ERP_EINVALID naming "name" or "base_currency".
 */
int erp__tenant_check(const char *name, const char *base_currency);

/**
 * Inserts the tenant `id` in `tx` (a store-scope or the new tenant's
 * scope). ERP_EEXISTS (field "name") when the name is taken.
 */
int erp__tenant_insert(erp__tx *tx, const char *id, const char *name, const char *base_currency);

#endif
