/**
 * @file erp/tenant.h
 * @brief Tenants: the isolated companies that share one store.
 *
 * Every row of business data belongs to exactly one tenant, and nothing
 * done through one tenant's context can read or write another's rows.
 * Managing the tenant registry itself is an operator task on the store.
 *
 * Thread safety: these functions may be called from any thread on a shared
 * store.
 */
#ifndef ERP_TENANT_H
#define ERP_TENANT_H

#include "common.h"
#include "buf.h"
#include "store.h"

ERP_BEGIN_DECL

/**
 * Creates a tenant.
 *
 * @param out_id        receives the new tenant's id (UUIDv7 text).
 * @param store         the store.
 * @param name          display name: UTF-8, 1 to 200 characters, unique
 *                      in the store.
 * @param base_currency ISO 4217 code of the tenant's base currency ("USD",
 *                      "EUR", "JPY"...; "BTC" is accepted too).
 * @return ERP_OK; ERP_EINVALID (field "name" or "base_currency") for bad
 *         input, in which case nothing is written; ERP_EEXISTS when a
 *         tenant of that name exists; ERP_EBACKEND, ERP_ERETRY, ERP_ERROR.
 */
ERP_EXTERN int erp_tenant_create(erp_buf *out_id, erp_store *store, const char *name,
                                 const char *base_currency);

/**
 * Reads one tenant as JSON:
 * `{"id":"...","name":"...","base_currency":"USD","created_at":"...Z","version":1}`.
 *
 * @param out   receives the JSON text.
 * @param store the store.
 * @param id    the tenant id.
 * @return ERP_OK; ERP_ENOTFOUND; ERP_EINVALID (field "id") for a malformed
 *         id; ERP_EBACKEND.
 */
ERP_EXTERN int erp_tenant_get(erp_buf *out, erp_store *store, const char *id);

/**
 * Lists every tenant, oldest first, as a JSON array of the objects that
 * erp_tenant_get() returns.
 *
 * @param out   receives the JSON text.
 * @param store the store.
 * @return ERP_OK; ERP_EINVALID for NULL arguments; ERP_EBACKEND.
 */
ERP_EXTERN int erp_tenant_list(erp_buf *out, erp_store *store);

/**
 * Creates a tenant and a new user who is its first admin, in one
 * transaction: both are made or neither (self-service sign-up).
 *
 * @param out_tenant_id receives the new tenant's id.
 * @param out_user_id   receives the new user's id; may be NULL.
 * @param store         the store.
 * @param name          the tenant's name, as for erp_tenant_create().
 * @param base_currency the tenant's base currency, as for erp_tenant_create().
 * @param email         the admin's email: an email address (local@domain, up
 *                      to 254 bytes, no spaces); stored lower-cased.
 * @param display_name  the admin's display name (UTF-8, 0 to 200
 *                      characters); NULL means "".
 * @param password      the admin's password (UTF-8, ERP_PASSWORD_MIN to
 *                      ERP_PASSWORD_MAX bytes, erp/user.h).
 * @return ERP_OK; ERP_EINVALID (field "name", "base_currency", "email",
 *         "display_name" or "password"); ERP_EEXISTS (field "name" when a
 *         tenant has that name, "email" when a user has that email);
 *         ERP_EBACKEND, ERP_ERETRY, ERP_ERROR. Nothing is written on
 *         failure. The audit log records the membership as made by
 *         "system".
 */
ERP_EXTERN int erp_tenant_create_with_admin(erp_buf *out_tenant_id, erp_buf *out_user_id, erp_store *store,
                                            const char *name, const char *base_currency, const char *email,
                                            const char *display_name, const char *password);

ERP_END_DECL

#endif /* ERP_TENANT_H */
