/*
 * What sessions share with the user admin API: tokens and their hashes,
 * ending sessions inside a transaction, and telling the cache afterwards.
 */
#ifndef ERP_LIB_SESSION_INTERNAL_H
#define ERP_LIB_SESSION_INTERNAL_H

#include "core/db.h"

#include <erp/session.h>
#include <stdbool.h>

/** Hex of a BLAKE2b-256 token hash, NUL included. */
#define ERP__SESSION_HASH_LEN 64

/** Makes a new random token (32 bytes, base64url) and its hash. */
void erp__session_token_new(char token[ERP_SESSION_TOKEN_LEN + 1], char hash[ERP__SESSION_HASH_LEN + 1]);

/**
 * Hashes a token given by a caller: false (nothing written) unless it is
 * exactly ERP_SESSION_TOKEN_LEN characters of base64url that decode to 32
 * bytes.
 */
bool erp__session_token_hash(char hash[ERP__SESSION_HASH_LEN + 1], const char *token);

/** Token hashes of sessions that a transaction ended. */
typedef struct {
	char (*hash)[ERP__SESSION_HASH_LEN + 1];
	size_t count, cap;
} erp__session_list;

/**
 * Inside a transaction: collects the hashes of the sessions of `user_id`
 * (in `tenant_id`, or everywhere when NULL; except `except`) into `found`
 * (cleared first), without ending them: for changes that their cached
 * copies must not outlive (a new role).
 */
int erp__sessions_collect(erp__tx *tx, erp__session_list *found, const char *tenant_id, const char *user_id,
                          const char *except);

/**
 * Inside a transaction: deletes the sessions of `user_id` — in `tenant_id`
 * only, or everywhere when it is NULL — except the one whose hash is
 * `except` (NULL: none), adding their hashes to `ended` (cleared first, so
 * that a retried transaction starts afresh).
 */
int erp__sessions_end(erp__tx *tx, erp__session_list *ended, const char *tenant_id, const char *user_id,
                      const char *except);

/**
 * After the commit: makes every cache entry of the ended (or changed)
 * sessions unusable, so that their next use reads storage; frees the list.
 */
void erp__sessions_forget(erp_store *store, erp__session_list *ended);

#endif
