/*
 * Login throttling: failed logins are counted in storage (the system of
 * record, shared by every process on the store) per email and per client
 * key over a sliding window (erp_store_options login_window_ms,
 * login_max_failures, login_max_client_failures).
 */
#ifndef ERP_LIB_LOGIN_THROTTLE_H
#define ERP_LIB_LOGIN_THROTTLE_H

#include "core/db.h"

/**
 * Refuses a login attempt when the email or the client key ("" for none)
 * has reached its limit of failures within the window.
 *
 * @return ERP_OK; ERP_ELIMIT (field "email" or "client_key", with
 *         retry_after_ms: when the oldest counted failure leaves the
 *         window); ERP_EBACKEND.
 */
int erp__login_throttle_check(erp_store *store, const char *email, const char *client_key);

/** Records one failed attempt for the email and the client key; prunes old ones. */
int erp__login_failure_record(erp_store *store, const char *email, const char *client_key);

/** Inside a transaction: forgets the email's failures (after a success). */
int erp__login_failures_clear(erp__tx *tx, const char *email);

#endif
