/**
 * @file erp/context.h
 * @brief The tenant context: who acts, for which tenant, with which role.
 *
 * Every operation on business data takes an erp_ctx. It binds a tenant, the
 * acting user (recorded in created_by/updated_by and the audit log) and a
 * role that every call checks. A program that embeds liberp and has
 * authenticated its users itself makes contexts directly with
 * erp_ctx_new(); sessions (erp/session.h) make them from a login.
 *
 * Thread safety: a context is used by one thread at a time. Many contexts
 * may share one store across threads.
 */
#ifndef ERP_CONTEXT_H
#define ERP_CONTEXT_H

#include "common.h"
#include "store.h"

ERP_BEGIN_DECL

/** A tenant context. Opaque. */
typedef struct erp_ctx erp_ctx;

/** What an acting user may do within a tenant. */
typedef enum erp_role {
	ERP_ROLE_READONLY = 1,  /**< Reads business data. */
	ERP_ROLE_READWRITE = 2, /**< Reads and writes business data. */
	ERP_ROLE_ADMIN = 3      /**< Also manages users and settings. */
} erp_role;

/**
 * Makes a context for a tenant.
 *
 * @param out       receives the context; free it with erp_ctx_free() before
 *                  the store is closed.
 * @param store     the store; it must outlive the context.
 * @param tenant_id an existing tenant's id.
 * @param user_id   who acts: a user id or a name such as "system"; UTF-8,
 *                  1 to 200 bytes. Copied.
 * @param role      one of erp_role.
 * @return ERP_OK; ERP_EINVALID (field "tenant_id", "user_id" or "role");
 *         ERP_ENOTFOUND when the tenant does not exist; ERP_EBACKEND;
 *         ERP_ERROR.
 */
ERP_EXTERN int erp_ctx_new(erp_ctx **out, erp_store *store, const char *tenant_id,
                           const char *user_id, int role);

/** Frees a context. @param ctx the context; NULL is ignored. */
ERP_EXTERN void erp_ctx_free(erp_ctx *ctx);

/** The context's tenant id; borrowed, valid while the context lives. */
ERP_EXTERN const char *erp_ctx_tenant(const erp_ctx *ctx);

/** The context's acting user; borrowed, valid while the context lives. */
ERP_EXTERN const char *erp_ctx_user(const erp_ctx *ctx);

/** The context's role (an erp_role), or 0 for a NULL context. */
ERP_EXTERN int erp_ctx_role(const erp_ctx *ctx);

ERP_END_DECL

#endif /* ERP_CONTEXT_H */
