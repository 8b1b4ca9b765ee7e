/*
 * The posting engine's inner types: an entry resolved and checked, ready
 * to be hashed and written (erp/ledger.h).
 */
#ifndef ERP_LIB_LEDGER_INTERNAL_H
#define ERP_LIB_LEDGER_INTERNAL_H

#include <erp/ledger.h>

#include "core/context_internal.h"
#include "core/db.h"
#include "ledger_port.h"
#include "util/ident.h"

#include <sodium.h>

/** Hex of a BLAKE2b-256 hash, with its NUL. */
#define ERP__HASH_HEX (crypto_generichash_BYTES * 2 + 1)

/** A line as stored. Text is borrowed from the request (or owned by `owned` of the entry). */
typedef struct {
	int line_no;
	char account_id[ERP__UUID_LEN + 1];
	int64_t account_no;                           /* its number in the tenant's ledger (ledger_accounts.h) */
	char currency[4];
	int64_t debit, credit;
	char partner_id[ERP__UUID_LEN + 1];           /* "" when none */
	char analytic_account_id[ERP__UUID_LEN + 1];  /* "" when none */
	const char *memo;                             /* NULL when none */
} erp__ledger_line;

/** An entry as stored. */
typedef struct {
	char id[ERP__UUID_LEN + 1];
	int64_t seq;
	char journal_id[ERP__UUID_LEN + 1];
	char date[11];
	const char *reference, *memo, *idempotency_key;
	char reversal_of[ERP__UUID_LEN + 1];          /* "" when none */
	char request_hash[ERP__HASH_HEX];             /* "" without an idempotency key */
	char prev_hash[ERP__HASH_HEX];
	char hash[ERP__HASH_HEX];
	char created_at[ERP__TIMESTAMP_LEN + 1];
	const char *created_by;
	erp__ledger_line *lines;
	size_t line_count;
} erp__ledger_entry;

/**
 * The hash of an entry's content chained to `prev_hash`: BLAKE2b-256 over
 * a length-prefixed encoding of the tenant, the previous hash and every
 * stored field of the entry and its lines, in order.
 */
void erp__ledger_hash(char out[ERP__HASH_HEX], const char *tenant, const erp__ledger_entry *e);

/**
 * The hash of a posting request, to recognise a repeated idempotency key:
 * the same fields as given by the caller (before defaults are applied).
 * `debit_text`/`credit_text` (per line, or NULL) are the amounts of a JSON
 * request, hashed instead of the typed amounts.
 */
void erp__ledger_request_hash(char out[ERP__HASH_HEX], const erp_ledger_entry *entry, const char *const *debit_text,
                              const char *const *credit_text);

/** One posting request: the caller's entry, plus amount texts when it came as JSON. */
typedef struct {
	const erp_ledger_entry *entry;
	const char *const *debit_text;   /* per line, or NULL (typed amounts) */
	const char *const *credit_text;
	const char *reversal_of;         /* "" or the entry being reversed */
} erp__post_request;

/**
 * Checks and posts `n` requests in one transaction, all or none, writing
 * one id per request. In a batch (n > 1) error fields are prefixed with
 * "entries[i]." naming the request at fault.
 */
int erp__post_run(erp_ctx *ctx, erp__post_request *reqs, size_t n, char (*ids)[ERP__UUID_LEN + 1]);


#endif
