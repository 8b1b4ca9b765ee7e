/*
 * Schema migrations: forward-only scripts from the backend's dialect,
 * applied in order in one transaction when a store opens, each recorded
 * with a BLAKE2b checksum of its text.
 */
#ifndef ERP_LIB_MIGRATE_H
#define ERP_LIB_MIGRATE_H

#include "store_internal.h"
#include <stdbool.h>

/**
 * Brings the store's schema up to date (`apply` true) or only checks that
 * it is (`apply` false). Refuses a store whose recorded migrations differ
 * from the built-in text or go beyond what this library knows.
 */
int erp__migrate(erp_store *store, bool apply);

/**
 * Checks the recorded migrations against the built-in ones and reports
 * the highest applied. ERP_OK when they match.
 */
int erp__migrate_verify(erp_store *store, int *schema_version);

#endif
