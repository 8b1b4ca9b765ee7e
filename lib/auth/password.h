/*
 * Passwords: argon2id hashes through libsodium (crypto_pwhash_str), at the
 * cost the store's options set, and a verification that takes the same
 * time whether or not the user exists.
 */
#ifndef ERP_LIB_PASSWORD_H
#define ERP_LIB_PASSWORD_H

#include "core/store_internal.h"

#include <stdbool.h>

/** Room for a libsodium password hash string (crypto_pwhash_STRBYTES). */
#define ERP__PASSWORD_HASH_CAP 128

/**
 * Checks a password given as input: UTF-8 without NUL, ERP_PASSWORD_MIN to
 * ERP_PASSWORD_MAX bytes. Raises ERP_EINVALID naming `field`.
 */
int erp__password_check(const char *password, const char *field);

/**
 * Hashes a password at the store's cost into `out` (ERP__PASSWORD_HASH_CAP
 * bytes). Slow on purpose: call it outside transactions.
 *
 * @return ERP_OK; ERP_ERROR when libsodium cannot (out of memory).
 */
int erp__password_hash(char out[ERP__PASSWORD_HASH_CAP], erp_store *store, const char *password);

/**
 * Verifies `password` against `hash`. A NULL or empty `hash` (no such user,
 * no password set) is verified against a dummy hash of the same cost, so
 * that the answer takes as long as for a real user; it is then false.
 *
 * @return 1 when the password matches, 0 when it does not, ERP_ERROR (raised)
 *         when argon2id could not run for want of memory: that is no
 *         answer about the password, and must not count as a failed guess.
 */
int erp__password_verify(erp_store *store, const char *hash, const char *password);

/**
 * One argon2id verification of `password` against the dummy hash, whose
 * answer is dropped: what a failed login that verified a right password
 * once adds, so that it costs what a mismatch does (two runs).
 *
 * @return ERP_OK, or ERP_ERROR (raised) when argon2id could not run.
 */
int erp__password_spend(erp_store *store, const char *password);

/** True when `hash` was made at another cost than the store's current one. */
bool erp__password_needs_rehash(const erp_store *store, const char *hash);

#endif
