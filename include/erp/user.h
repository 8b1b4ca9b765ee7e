/**
 * @file erp/user.h
 * @brief Users and their membership of tenants: the admin API.
 *
 * A user is a person who logs in: an email address (unique in the store,
 * compared case-insensitively) and a password kept only as an argon2id hash
 * (libsodium `crypto_pwhash_str`, cost set by erp_store_options). A user
 * acts in a tenant through a membership that carries a role (erp_role); the
 * same user may belong to several tenants with different roles.
 *
 * Every function here acts within the context's tenant. Managing members
 * needs the admin role; reading them needs any role. A membership can be
 * disabled (the user can no longer log in to that tenant and every session
 * of theirs there stops working at once) without being removed. The
 * tenant's last active admin cannot be demoted, disabled or removed
 * (ERP_EPERM), so that a tenant is never left without one; the very first
 * admin is made together with the tenant by erp_tenant_create_with_admin()
 * (erp/tenant.h).
 *
 * Members join by consent only: an admin invites an email
 * (erp/invitation.h) and the person accepts, creating their account then
 * if they have none. Nothing here finds or adds a user by email, so a
 * tenant never learns whether an address has an account elsewhere in the
 * store. A user outside the context's tenant is ERP_ENOTFOUND to every
 * call here that takes a user id (and to erp_session_revoke_user() and
 * erp_session_list()), whether or not they exist.
 *
 * Users are shown as JSON:
 * `{"id":"...","email":"a@b.example","display_name":"Ann","role":"admin",
 *   "disabled":false,"created_at":"...Z","updated_at":"...Z","version":3}`
 * (role, disabled and version are the membership's; password hashes are
 * never shown).
 *
 * Every change is recorded in the tenant's audit log (entity "auth.user").
 *
 * Thread safety: as erp_ctx (one thread at a time per context).
 */
#ifndef ERP_USER_H
#define ERP_USER_H

#include "common.h"
#include "buf.h"
#include "context.h"

ERP_BEGIN_DECL

/** Shortest accepted password, in bytes. */
#define ERP_PASSWORD_MIN 8
/** Longest accepted password, in bytes. */
#define ERP_PASSWORD_MAX 1024

/**
 * Changes a member's role. Their sessions in this tenant act with the new
 * role from their next call.
 *
 * @param ctx     an admin context.
 * @param user_id a member of the context's tenant.
 * @param role    an erp_role.
 * @return ERP_OK; ERP_EPERM (not admin, or the last active admin would be
 *         demoted); ERP_EINVALID (field "user_id" or "role");
 *         ERP_ENOTFOUND when the user is not a member; ERP_EBACKEND.
 */
ERP_EXTERN int erp_user_set_role(erp_ctx *ctx, const char *user_id, int role);

/**
 * Disables (non-zero) or re-enables (0) a member in the context's tenant.
 * Disabling refuses their logins to this tenant and stops every session of
 * theirs here at once.
 *
 * @return ERP_OK; ERP_EPERM (not admin, or the last active admin);
 *         ERP_EINVALID (field "user_id"); ERP_ENOTFOUND; ERP_EBACKEND.
 */
ERP_EXTERN int erp_user_set_disabled(erp_ctx *ctx, const char *user_id, int disabled);

/**
 * Removes a member from the context's tenant and ends their sessions here.
 * The user stays (they may belong to other tenants).
 *
 * @return ERP_OK; ERP_EPERM (not admin, or the last active admin);
 *         ERP_EINVALID (field "user_id"); ERP_ENOTFOUND; ERP_EBACKEND.
 */
ERP_EXTERN int erp_user_remove(erp_ctx *ctx, const char *user_id);

/**
 * Sets a member's password (an admin reset) and ends every session of
 * that user.
 *
 * A user who also belongs to another tenant is that tenant's user too, so
 * an admin may reset only the password of a user who belongs to no other
 * tenant (or their own): otherwise ERP_EPERM, and the user changes it
 * with erp_user_change_password().
 *
 * @return ERP_OK; ERP_EPERM; ERP_EINVALID (field "user_id" or
 *         "password"); ERP_ENOTFOUND; ERP_EBACKEND, ERP_ERROR.
 */
ERP_EXTERN int erp_user_set_password(erp_ctx *ctx, const char *user_id, const char *password);

/**
 * Changes the acting user's own password, given the current one. Every
 * other session of the user ends; the session the context came from (if
 * any) stays.
 *
 * @param ctx          a context of any role whose user is a real user
 *                     (from erp_session_login() or with a user id).
 * @param old_password the current password.
 * @param new_password the new one (ERP_PASSWORD_MIN to ERP_PASSWORD_MAX bytes).
 * @return ERP_OK; ERP_EAUTH when old_password is wrong; ERP_EINVALID
 *         (field "new_password"); ERP_ENOTFOUND when the context's user is
 *         not a user of the store; ERP_EBACKEND, ERP_ERROR.
 */
ERP_EXTERN int erp_user_change_password(erp_ctx *ctx, const char *old_password, const char *new_password);

/**
 * Reads one member of the context's tenant (any role) as JSON (see above).
 *
 * @return ERP_OK; ERP_EINVALID (field "user_id"); ERP_ENOTFOUND when the
 *         user is not a member of this tenant; ERP_EBACKEND.
 */
ERP_EXTERN int erp_user_get(erp_buf *out, erp_ctx *ctx, const char *user_id);

/**
 * Lists the members of the context's tenant (any role), by email, as a
 * JSON array of the objects erp_user_get() returns.
 *
 * @return ERP_OK; ERP_EINVALID for NULL arguments; ERP_EBACKEND.
 */
ERP_EXTERN int erp_user_list(erp_buf *out, erp_ctx *ctx);

ERP_END_DECL

#endif /* ERP_USER_H */
