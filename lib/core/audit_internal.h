/*
 * Appending to the audit log inside the transaction of the write it
 * records (erp/audit.h).
 */
#ifndef ERP_LIB_AUDIT_INTERNAL_H
#define ERP_LIB_AUDIT_INTERNAL_H

#include "context_internal.h"
#include "db.h"

#include <jansson.h>

/**
 * Appends one audit row for the context's tenant and user.
 *
 * @param action     "create", "update", "delete", "archive", "post", "set"...
 * @param entity     the entity type, e.g. "system.setting".
 * @param entity_id  the id (or key) of the row changed.
 * @param before     JSON text of the row before, or NULL.
 * @param after      JSON text of the row after, or NULL.
 */
int erp__audit_append(erp__tx *tx, const erp_ctx *ctx, const char *action, const char *entity,
                      const char *entity_id, const char *before, const char *after);

/**
 * The same with the row before and after as JSON values (either may be
 * NULL), dumped compact with sorted keys.
 */
int erp__audit_append_json(erp__tx *tx, const erp_ctx *ctx, const char *action, const char *entity,
                           const char *entity_id, const json_t *before, const json_t *after);

/** The same, added to a batch that the caller flushes. */
int erp__audit_add(erp__db_batch *batch, const erp_ctx *ctx, const char *action, const char *entity,
                   const char *entity_id, const char *before, const char *after);

#endif
