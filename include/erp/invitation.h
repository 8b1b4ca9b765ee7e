/**
 * @file erp/invitation.h
 * @brief Invitations: how a person becomes a member of a tenant, by consent.
 *
 * Emails are unique in the store, but a tenant must not learn whether an
 * address has an account somewhere, nor make anyone a member without their
 * consent. So a tenant's admin does not create or add users: they invite an
 * email with a role. Inviting answers the same way (same code, same shape,
 * same work) whether or not the address has an account; the tenant sees
 * only the invitation (email, role, status, expiry, who invited), never the
 * account, until the invited person accepts it:
 *
 * - with an account: after logging in (to any tenant), with
 *   erp_invitation_accept(); or with their password, with
 *   erp_invitation_accept_password();
 * - without one: with erp_invitation_accept_password(), which creates the
 *   user with the invitation's email, the password and display name given.
 *
 * Either makes the membership with the invited role; from then on the
 * member is listed by erp_user_list() like any other.
 *
 * The token is a random 256-bit secret (ERP_INVITATION_TOKEN_LEN characters
 * of base64url); the store keeps only its BLAKE2b-256 hash. It is handed to
 * the inviting admin once, by erp_invitation_create(), and cannot be read
 * again: the admin delivers it to the address out of band (a mail with a
 * link, typically). liberp sends no mail. Whoever holds the token can
 * accept it, so deliver it only to the invited address. An invitation is
 * single-use and expires; an admin may revoke it while it is pending.
 * A token that is unknown, used, revoked or expired is refused with
 * ERP_EAUTH (field "token"), whichever it is, and nothing is written.
 *
 * Invitations are shown as JSON:
 * `{"id":"...","email":"a@b.example","role":"readwrite","status":"pending",
 *   "expires_at":"...Z","invited_by":"<user id>","created_at":"...Z",
 *   "updated_at":"...Z","version":1}`
 * with status "pending", "accepted", "revoked" or "expired".
 *
 * Every change is recorded in the inviting tenant's audit log (entity
 * "auth.invitation"; an acceptance also records the membership, entity
 * "auth.user", as made by the invited user).
 *
 * Thread safety: as erp_ctx (one thread at a time per context).
 */
#ifndef ERP_INVITATION_H
#define ERP_INVITATION_H

#include "common.h"
#include "buf.h"
#include "context.h"
#include "store.h"

#include <stdint.h>

ERP_BEGIN_DECL

/** Length of an invitation token: 32 random bytes as unpadded base64url. */
#define ERP_INVITATION_TOKEN_LEN 43
/** How long an invitation lasts when erp_invitation_create() is given 0: 7 days. */
#define ERP_INVITATION_TTL_DEFAULT (7 * 24 * 3600)
/** The longest an invitation may last: 30 days. */
#define ERP_INVITATION_TTL_MAX (30 * 24 * 3600)

/**
 * Invites an email to the context's tenant with a role.
 *
 * The answer does not depend on whether the address has an account in the
 * store. The token is returned here only: deliver it to the address.
 *
 * @param out_token   receives the token (ERP_INVITATION_TOKEN_LEN characters).
 * @param out_id      receives the invitation's id (UUIDv7 text); may be NULL.
 * @param ctx         an admin context.
 * @param email       an email address (as for a user's; stored lower-cased).
 * @param role        the erp_role the member will have.
 * @param ttl_seconds how long the invitation lasts: 1 to
 *                    ERP_INVITATION_TTL_MAX, or 0 for ERP_INVITATION_TTL_DEFAULT.
 * @return ERP_OK; ERP_EPERM for a non-admin context; ERP_EINVALID (field
 *         "out_token", "email", "role" or "ttl_seconds"); ERP_EEXISTS
 *         (field "email") when the address is a member of this tenant
 *         already, or has a pending invitation to it (revoke that one
 *         first); ERP_EBACKEND, ERP_ERETRY. Nothing is written on failure.
 */
ERP_EXTERN int erp_invitation_create(erp_buf *out_token, erp_buf *out_id, erp_ctx *ctx, const char *email, int role,
                                     int64_t ttl_seconds);

/**
 * Reads one invitation of the context's tenant (admin) as JSON (see above).
 *
 * @return ERP_OK; ERP_EPERM; ERP_EINVALID (field "invitation_id");
 *         ERP_ENOTFOUND when this tenant has no such invitation; ERP_EBACKEND.
 */
ERP_EXTERN int erp_invitation_get(erp_buf *out, erp_ctx *ctx, const char *invitation_id);

/**
 * Lists the invitations of the context's tenant (admin), newest first, as
 * a JSON array of the objects erp_invitation_get() returns.
 *
 * @return ERP_OK; ERP_EPERM; ERP_EINVALID for NULL arguments; ERP_EBACKEND.
 */
ERP_EXTERN int erp_invitation_list(erp_buf *out, erp_ctx *ctx);

/**
 * Revokes a pending invitation of the context's tenant (admin): its token
 * no longer works.
 *
 * @return ERP_OK; ERP_EPERM; ERP_EINVALID (field "invitation_id");
 *         ERP_ENOTFOUND when this tenant has no such invitation;
 *         ERP_ECONFLICT when it is no longer pending (accepted, revoked or
 *         expired); ERP_EBACKEND. Nothing is written on failure.
 */
ERP_EXTERN int erp_invitation_revoke(erp_ctx *ctx, const char *invitation_id);

/**
 * Accepts an invitation as the context's user: a logged-in person (a
 * context of any tenant and any role, from erp_session_login() or with a
 * user id) whose email is the invited one. Makes them a member of the
 * inviting tenant with the invited role.
 *
 * @param out_tenant_id receives the inviting tenant's id (to log in to it);
 *                      may be NULL.
 * @param ctx           the invited user's context.
 * @param token         the invitation's token.
 * @return ERP_OK; ERP_EAUTH (field "token") when the token is unknown,
 *         used, revoked, expired or for another email than the context's
 *         user's; ERP_EEXISTS when the user is a member of that tenant
 *         already; ERP_EINVALID for NULL arguments; ERP_EBACKEND,
 *         ERP_ERETRY. Nothing is written on failure.
 */
ERP_EXTERN int erp_invitation_accept(erp_buf *out_tenant_id, erp_ctx *ctx, const char *token);

/**
 * Accepts an invitation with a password, without a session.
 *
 * When the invited email has no account, creates the user with that email,
 * `display_name` and `password`; when it has one, `password` must be that
 * account's (`display_name` is then ignored). Either way the user becomes
 * a member of the inviting tenant with the invited role. Wrong passwords
 * are throttled like logins.
 *
 * @param out_tenant_id receives the inviting tenant's id; may be NULL.
 * @param out_user_id   receives the user's id; may be NULL.
 * @param store         the store.
 * @param token         the invitation's token.
 * @param display_name  a new user's display name (UTF-8, up to 200
 *                      characters); NULL means "".
 * @param password      a new user's password (ERP_PASSWORD_MIN to
 *                      ERP_PASSWORD_MAX bytes), or the existing one's.
 * @return ERP_OK; ERP_EAUTH (field "token" for a token that is unknown,
 *         used, revoked or expired; field "password" for a wrong password
 *         of an existing account); ERP_ELIMIT after too many wrong
 *         passwords; ERP_EINVALID (field "display_name" or "password");
 *         ERP_EEXISTS when the user is a member of that tenant already;
 *         ERP_EBACKEND, ERP_ERETRY, ERP_ERROR. Nothing is written on
 *         failure.
 */
ERP_EXTERN int erp_invitation_accept_password(erp_buf *out_tenant_id, erp_buf *out_user_id, erp_store *store,
                                              const char *token, const char *display_name, const char *password);

ERP_END_DECL

#endif /* ERP_INVITATION_H */
