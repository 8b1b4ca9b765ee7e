/**
 * @file erp/audit.h
 * @brief The audit log: who changed what, when, before and after.
 *
 * Every write liberp makes to business data appends a row in the same
 * transaction. Thread safety: as erp_ctx.
 */
#ifndef ERP_AUDIT_H
#define ERP_AUDIT_H

#include "common.h"
#include "buf.h"
#include "context.h"

ERP_BEGIN_DECL

/**
 * The audit log of the context's tenant, newest first, as a JSON array of
 * `{"id","at","actor","action","entity","entity_id","before","after"}`.
 *
 * @param out    receives the JSON text.
 * @param ctx    the context (admin role).
 * @param limit  at most this many rows (1 to 1000).
 * @return ERP_OK; ERP_EPERM; ERP_EINVALID (field "limit"); ERP_EBACKEND.
 */
ERP_EXTERN int erp_audit_list(erp_buf *out, erp_ctx *ctx, int limit);

ERP_END_DECL

#endif /* ERP_AUDIT_H */
