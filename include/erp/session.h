/**
 * @file erp/session.h
 * @brief Sessions: log in with email and password, get a bearer token,
 *        turn the token back into a context.
 *
 * erp_session_login() checks the password against its argon2id hash and
 * returns a random 256-bit token (43 characters of base64url). Only a
 * BLAKE2b hash of the token is kept: in storage, which is the system of
 * record (sessions survive a restart and are seen by every store on the
 * same storage), and, when the store's cache is shared by every store
 * (Redis), there too, so that resuming a session costs no storage round
 * trip. A private cache (mem:) never holds sessions: it could not hear of
 * a revocation made by another process.
 *
 * A session ends when it is logged out or revoked, when its user's
 * membership is disabled or removed, when it has not been used for the
 * idle timeout (sliding: each use extends it) or when its absolute lifetime
 * is over (erp_store_options: session_idle_ms, session_lifetime_ms). The
 * idle clock is kept in storage with a granularity of a tenth of the idle
 * timeout (at most one minute), so an idle session may end up to that much
 * early, never late.
 *
 * Login failures are counted in storage per email and per client key
 * (e.g. an IP address) over a sliding window; past the limit further
 * attempts are refused with ERP_ELIMIT before any password is checked,
 * until the window has moved on (erp_error_last()->retry_after_ms says
 * when). An unknown email and a wrong password take the same time and
 * return the same ERP_EAUTH and message; so do a disabled membership and
 * no membership.
 *
 * Thread safety: every function may be called from any thread on a shared
 * store; a context is then used by one thread at a time.
 */
#ifndef ERP_SESSION_H
#define ERP_SESSION_H

#include "common.h"
#include "buf.h"
#include "context.h"
#include "store.h"

ERP_BEGIN_DECL

/** Length of a session token, in characters. */
#define ERP_SESSION_TOKEN_LEN 43

/**
 * Logs a user in to a tenant.
 *
 * @param out_token  receives the token (ERP_SESSION_TOKEN_LEN characters):
 *                   hand it to the client; it is never stored.
 * @param out_ctx    receives a context for the user with their role in the
 *                   tenant (may be NULL when only the token is wanted).
 * @param store      the store.
 * @param email      the user's email (case-insensitive).
 * @param password   the password.
 * @param tenant_id  the tenant to act in.
 * @param client_key who is calling, for throttling (e.g. the client's IP
 *                   address); NULL or "" when unknown. Up to 200 bytes.
 * @return ERP_OK; ERP_EAUTH ("email or password is wrong") for an unknown
 *         email, a wrong password, a disabled membership or none in that
 *         tenant (nothing tells them apart); ERP_ELIMIT when too many
 *         failures were seen for the email or the client key;
 *         ERP_EINVALID (field "tenant_id", "email", "password" or
 *         "client_key") for malformed input; ERP_EBACKEND, ERP_ERROR.
 */
ERP_EXTERN int erp_session_login(erp_buf *out_token, erp_ctx **out_ctx, erp_store *store,
                                 const char *email, const char *password, const char *tenant_id,
                                 const char *client_key);

/**
 * Turns a token back into a context, extending the session's idle timeout.
 *
 * @param out_ctx receives a context with the user's current role in the
 *                session's tenant; free it with erp_ctx_free().
 * @param store   the store.
 * @param token   the token from erp_session_login().
 * @return ERP_OK; ERP_EAUTH for a malformed, unknown, forged, expired,
 *         logged-out or revoked token, or a disabled or removed membership
 *         (nothing is written then); ERP_EBACKEND, ERP_ERROR.
 */
ERP_EXTERN int erp_session_resume(erp_ctx **out_ctx, erp_store *store, const char *token);

/**
 * Ends the session of `token`.
 *
 * @return ERP_OK; ERP_EAUTH when the token is not a live session;
 *         ERP_EBACKEND.
 */
ERP_EXTERN int erp_session_logout(erp_store *store, const char *token);

/**
 * Ends every live session of a user in the context's tenant (admin role,
 * or any role for the acting user's own sessions).
 *
 * @param out_count receives how many sessions ended; may be NULL.
 * @return ERP_OK; ERP_EPERM; ERP_EINVALID (field "user_id");
 *         ERP_ENOTFOUND (field "user_id") for a user who is not a member
 *         of the context's tenant (as every user call); ERP_EBACKEND.
 */
ERP_EXTERN int erp_session_revoke_user(int64_t *out_count, erp_ctx *ctx, const char *user_id);

/**
 * Lists the live sessions of a user in the context's tenant (admin role,
 * or any role for the acting user's own) as a JSON array, newest first:
 * `[{"id":"<first 16 hex digits of the token hash>","created_at":"...Z",
 *    "last_seen_at":"...Z","expires_at":"...Z","idle_expires_at":"...Z",
 *    "client_key":"...","current":true}]` ("current": the session
 * the context came from).
 *
 * @return ERP_OK; ERP_EPERM; ERP_EINVALID (field "user_id");
 *         ERP_ENOTFOUND (field "user_id") for a user who is not a member
 *         of the context's tenant; ERP_EBACKEND.
 */
ERP_EXTERN int erp_session_list(erp_buf *out, erp_ctx *ctx, const char *user_id);

ERP_END_DECL

#endif /* ERP_SESSION_H */
