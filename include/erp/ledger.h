/**
 * @file erp/ledger.h
 * @brief Double-entry posting: balanced, immutable, idempotent, exact.
 *
 * A journal entry is a set of lines, each debiting or crediting one
 * account an exact amount in minor units of a currency. Posting checks, in
 * the same transaction as the write, that:
 *
 * - there are at least two lines, each with a positive debit or a positive
 *   credit (not both);
 * - debits equal credits in each currency (else ERP_EUNBALANCED);
 * - every account exists in the tenant (ERP_ENOTFOUND), allows posting and,
 *   when it has a currency, is posted in that currency (ERP_EINVALID);
 * - the journal exists (ERP_ENOTFOUND);
 * - the date is after the tenant's lock date (ERP_ELOCKED);
 *
 * and then writes the entry, its lines and the account balances together.
 * A refused entry writes nothing. Posted entries are never changed or
 * deleted (the database refuses it too); a mistake is corrected by
 * erp_ledger_reverse(), which posts the mirror entry.
 *
 * Idempotency: an entry may carry a key. Posting the same key with the
 * same request again returns the first entry's id and writes nothing;
 * the same key with another request is ERP_EEXISTS; a refused request
 * stores nothing, so its key stays free for a corrected one.
 *
 * Tamper evidence: each entry carries a BLAKE2b hash of its content chained
 * to the previous entry of its tenant; erp_store_verify() recomputes the
 * chains and every balance.
 *
 * JSON forms use decimal strings for amounts ("1234.50", exact at the
 * currency's exponent) and "YYYY-MM-DD" dates.
 *
 * Roles: readwrite posts and reverses; admin also sets the lock date; every
 * role reads.
 *
 * Thread safety: as erp_ctx. Many threads may post concurrently to
 * overlapping accounts through their own contexts; balances stay exact.
 */
#ifndef ERP_LEDGER_H
#define ERP_LEDGER_H

#include "common.h"
#include "buf.h"
#include "context.h"

ERP_BEGIN_DECL

/** One line of a journal entry. */
typedef struct erp_ledger_line {
	const char *account_id;          /**< A financial.account of the tenant. */
	int64_t debit;                   /**< Minor units, >= 0; exactly one of debit and credit is positive. */
	int64_t credit;                  /**< Minor units, >= 0. */
	const char *currency;            /**< ISO code; NULL: the account's currency, else the tenant's base currency. */
	const char *partner_id;          /**< Optional core.partner. */
	const char *analytic_account_id; /**< Optional analytics.account. */
	const char *memo;                /**< Optional text, at most 500 characters. */
} erp_ledger_line;

/** The current version of erp_ledger_entry. */
#define ERP_LEDGER_ENTRY_VERSION 1

/** A journal entry to post. Declare with ERP_LEDGER_ENTRY_INIT; fields are only appended. */
typedef struct erp_ledger_entry {
	unsigned int version;            /**< ERP_LEDGER_ENTRY_VERSION. */
	const char *journal_id;          /**< A financial.journal of the tenant. */
	const char *date;                /**< Accounting date, "YYYY-MM-DD". */
	const char *reference;           /**< Optional, at most 100 characters. */
	const char *memo;                /**< Optional, at most 1000 characters. */
	const char *idempotency_key;     /**< Optional, 1 to 200 printable ASCII characters. */
	const erp_ledger_line *lines;   /**< The lines, in order. */
	size_t line_count;               /**< How many lines (2 to 10000). */
} erp_ledger_entry;

/** Initialiser for erp_ledger_entry. */
#define ERP_LEDGER_ENTRY_INIT { ERP_LEDGER_ENTRY_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0 }

/**
 * Posts a journal entry.
 *
 * @param out_id receives the entry's id (the first entry's id for a
 *               repeated idempotency key). May be NULL.
 * @param ctx    a readwrite or admin context.
 * @param entry  the entry; not retained.
 * @return ERP_OK; ERP_EUNBALANCED; ERP_ELOCKED; ERP_EINVALID (field named,
 *         e.g. "lines[1].debit"); ERP_ENOTFOUND (journal, account, partner);
 *         ERP_EEXISTS (idempotency key reused for another request);
 *         ERP_EPERM; ERP_ERETRY; ERP_EBACKEND.
 */
ERP_EXTERN int erp_ledger_post(erp_buf *out_id, erp_ctx *ctx, const erp_ledger_entry *entry);

/**
 * Posts a journal entry given as JSON:
 * `{"journal_id","date","reference","memo","idempotency_key",
 *   "lines":[{"account_id","debit":"12.50"|"credit":"12.50","currency",
 *             "partner_id","analytic_account_id","memo"}]}`.
 *
 * @param out  receives the posted entry as erp_ledger_entry_get() returns it.
 *             May be NULL.
 * @return as erp_ledger_post(); ERP_EINVALID also for malformed JSON or
 *         amounts with more decimals than their currency allows.
 */
ERP_EXTERN int erp_ledger_post_json(erp_buf *out, erp_ctx *ctx, const char *json);

/**
 * Posts many entries in one transaction: all or none.
 *
 * @param out_ids receives a JSON array of the entries' ids, in order. May be NULL.
 * @param ctx     a readwrite or admin context.
 * @param entries the entries.
 * @param count   how many (1 to 100000).
 * @return as erp_ledger_post(); a failure names the entry in the field
 *         ("entries[7].lines[0].account_id") and posts nothing.
 */
ERP_EXTERN int erp_ledger_post_batch(erp_buf *out_ids, erp_ctx *ctx, const erp_ledger_entry *entries, size_t count);

/**
 * Posts a batch given as a JSON array of entries in the form of
 * erp_ledger_post_json(), all or none.
 *
 * @param out_ids receives a JSON array of the entries' ids; may be NULL.
 * @param json    `[{"journal_id":...,"lines":[...]}, ...]`, 1 to 100000 entries.
 * @return as erp_ledger_post_batch(); fields are named "entries[3].lines[1].debit"
 *         (a batch of one names them as a lone entry).
 */
ERP_EXTERN int erp_ledger_post_batch_json(erp_buf *out_ids, erp_ctx *ctx, const char *json);

/**
 * Reverses a posted entry: posts its mirror (debits and credits swapped),
 * linked to it. An entry is reversed at most once.
 *
 * @param out_id   receives the reversal's id. May be NULL.
 * @param ctx      a readwrite or admin context.
 * @param entry_id the entry to reverse.
 * @param date     the reversal's date, "YYYY-MM-DD" (after the lock date).
 * @return ERP_OK; ERP_ENOTFOUND; ERP_EEXISTS when already reversed;
 *         ERP_ELOCKED; ERP_EINVALID; ERP_EPERM; ERP_ERETRY; ERP_EBACKEND.
 */
ERP_EXTERN int erp_ledger_reverse(erp_buf *out_id, erp_ctx *ctx, const char *entry_id, const char *date);

/**
 * Reads a posted entry with its lines as JSON:
 * `{"id","seq","journal_id","date","reference","memo","idempotency_key",
 *   "reversal_of","reversed_by","hash","created_at","created_by",
 *   "lines":[{"line","account_id","currency","debit","credit","partner_id",
 *             "analytic_account_id","memo"}]}`.
 *
 * @return ERP_OK; ERP_ENOTFOUND; ERP_EINVALID (field "id").
 */
ERP_EXTERN int erp_ledger_entry_get(erp_buf *out, erp_ctx *ctx, const char *entry_id);

/**
 * Lists posted entries, newest first, as `{"items":[...],"next_cursor"}`
 * (items without lines).
 *
 * @param query JSON or NULL: `{"from":"YYYY-MM-DD","to":"YYYY-MM-DD",
 *              "journal_id":"...","limit":50,"cursor":"..."}`.
 * @return ERP_OK; ERP_EINVALID (field named).
 */
ERP_EXTERN int erp_ledger_entry_list(erp_buf *out, erp_ctx *ctx, const char *query);

/**
 * The balance of one account as of the end of a date, per currency:
 * `{"account_id","as_of","balances":[{"currency","debit","credit","balance"}]}`
 * where balance = debit - credit.
 *
 * Kept per account, currency and day in the posting transaction, so an
 * as-of query reads at most one row per day with activity, never the lines.
 *
 * @param as_of "YYYY-MM-DD", or NULL for everything posted.
 * @return ERP_OK; ERP_ENOTFOUND; ERP_EINVALID.
 */
ERP_EXTERN int erp_ledger_account_balance(erp_buf *out, erp_ctx *ctx, const char *account_id, const char *as_of);

/**
 * The trial balance as of the end of a date: every account with postings,
 * and the totals per currency (debits always equal credits):
 * `{"as_of","accounts":[{"account_id","code","name","currency","debit","credit","balance"}],
 *   "totals":[{"currency","debit","credit"}]}`.
 *
 * @param as_of "YYYY-MM-DD", or NULL for everything posted.
 */
ERP_EXTERN int erp_ledger_trial_balance(erp_buf *out, erp_ctx *ctx, const char *as_of);

/**
 * The general ledger of one account between two dates: its lines in
 * posting order with the running balance per currency, one page at a time:
 * `{"account_id","from","to","opening":[{"currency","balance"}],
 *   "lines":[{"entry_id","seq","date","line","currency","debit","credit","balance","memo","reference"}],
 *   "next_cursor"}`.
 *
 * @param from   first date (inclusive), or NULL for the beginning.
 * @param to     last date (inclusive), or NULL for the end.
 * @param cursor next_cursor of the previous page, or NULL.
 * @param limit  lines per page, 1 to 1000.
 */
ERP_EXTERN int erp_ledger_general_ledger(erp_buf *out, erp_ctx *ctx, const char *account_id, const char *from,
                                  const char *to, const char *cursor, int limit);

/**
 * Sets the tenant's lock date (admin): entries dated on or before it can
 * no longer be posted or reversed. NULL removes the lock.
 *
 * @return ERP_OK; ERP_EPERM; ERP_EINVALID (field "date").
 */
ERP_EXTERN int erp_ledger_set_lock_date(erp_ctx *ctx, const char *date);

/**
 * The tenant's lock date, "YYYY-MM-DD"; ERP_ENOTFOUND when none is set.
 */
ERP_EXTERN int erp_ledger_lock_date(erp_buf *out, erp_ctx *ctx);

ERP_END_DECL

#endif /* ERP_LEDGER_H */
