/*
 * The tenant context (erp/context.h) as the core sees it, and the role
 * check every API call makes.
 */
#ifndef ERP_LIB_CONTEXT_INTERNAL_H
#define ERP_LIB_CONTEXT_INTERNAL_H

#include <erp/context.h>
#include <erp/sys/storage.h>

#include "util/ident.h"

struct erp_ctx {
	erp_store *store;
	char tenant_id[ERP__UUID_LEN + 1];
	char *user_id;
	int role;
	char base_currency[4]; /* the tenant's, read when the context is made */
	char session[65];      /* hash of the session token it came from, or "" */
};

/**
 * Makes a context from values the caller has checked (sessions).
 * `session` may be NULL. Raises ERP_ERROR when out of memory.
 */
int erp__ctx_make(erp_ctx **out, erp_store *store, const char *tenant_id, const char *user_id, int role,
                  const char *base_currency, const char *session);

/** "readonly" → ERP_ROLE_READONLY...; 0 for anything else. */
int erp__role_parse(const char *name);

/** The storage scope of a context (borrowing its strings). */
erp_storage_scope erp__ctx_scope(const erp_ctx *ctx);

/**
 * Checks that `ctx` is non-NULL and its role is at least `min_role`;
 * otherwise raises ERP_EINVALID (NULL) or ERP_EPERM naming `what`.
 */
int erp__ctx_require(const erp_ctx *ctx, int min_role, const char *what);

/** "readonly", "readwrite", "admin" (or NULL for another value). */
const char *erp__role_name(int role);

#endif
