/**
 * @file erp/setting.h
 * @brief Per-tenant settings: small named values an admin sets.
 *
 * Thread safety: as erp_ctx (one thread at a time per context).
 */
#ifndef ERP_SETTING_H
#define ERP_SETTING_H

#include "common.h"
#include "buf.h"
#include "context.h"

ERP_BEGIN_DECL

/**
 * Reads a setting of the context's tenant.
 *
 * @param out   receives the value text.
 * @param ctx   the context (any role).
 * @param key   setting name: 1 to 100 bytes of [a-z0-9_.].
 * @return ERP_OK; ERP_ENOTFOUND when unset; ERP_EINVALID (field "key");
 *         ERP_EBACKEND.
 */
ERP_EXTERN int erp_setting_get(erp_buf *out, erp_ctx *ctx, const char *key);

/**
 * Lists the settings of the context's tenant, by key.
 *
 * @param out   receives a JSON array:
 *              [{"key":"...","value":"...","version":1,"updated_at":"..."}]
 *              ([] when none is set).
 * @param ctx   the context (any role).
 * @return ERP_OK; ERP_EINVALID (field "out"); ERP_EBACKEND.
 */
ERP_EXTERN int erp_setting_list(erp_buf *out, erp_ctx *ctx);

/**
 * Writes a setting of the context's tenant (admin role only), recording
 * the change in the audit log.
 *
 * @param ctx   an admin context.
 * @param key   setting name: 1 to 100 bytes of [a-z0-9_.].
 * @param value UTF-8 text, up to 65536 bytes; NULL deletes the setting.
 * @return ERP_OK; ERP_EPERM for a non-admin context; ERP_EINVALID (field
 *         "key" or "value"); ERP_EBACKEND, ERP_ERETRY.
 */
ERP_EXTERN int erp_setting_set(erp_ctx *ctx, const char *key, const char *value);

ERP_END_DECL

#endif /* ERP_SETTING_H */
