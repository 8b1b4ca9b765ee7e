/*
 * Helpers shared by the ledger conformance tests (test_ledger_*.c): a
 * tenant's books (contexts, a journal, accounts), posting shorthands,
 * exact amounts, and the snapshot that proves a refused call wrote nothing.
 */
#ifndef ERP_LEDGER_SUPPORT_H
#define ERP_LEDGER_SUPPORT_H

#include "conformance.h"

#include <stdbool.h>

/** One tenant with a readonly, a readwrite and an admin context and a general journal. */
typedef struct {
	erp_store *store;
	char tenant[37];
	erp_ctx *ro, *rw, *admin;
	char journal[37];
} lt_books;

/** A new tenant (base currency USD) in `store`, its three contexts and a journal "GEN". */
void lt_books_open(lt_books *b, erp_store *store);
void lt_books_close(lt_books *b);

/** Creates a financial.account: `currency` NULL takes any currency. Asserts success. */
void lt_account(char out[37], lt_books *b, const char *code, const char *currency, bool allow_posting);
/** Creates a financial.journal. */
void lt_journal(char out[37], lt_books *b, const char *code);
/** Creates a core.partner. */
void lt_partner(char out[37], lt_books *b, const char *name);
/** Creates an analytics.account. */
void lt_analytic(char out[37], lt_books *b, const char *name);

/** A debit or credit line (currency NULL: the default). */
erp_ledger_line lt_dr(const char *account, int64_t amount);
erp_ledger_line lt_cr(const char *account, int64_t amount);
erp_ledger_line lt_dr_in(const char *account, int64_t amount, const char *currency);
erp_ledger_line lt_cr_in(const char *account, int64_t amount, const char *currency);

/** An entry of the books' journal. */
erp_ledger_entry lt_entry(const lt_books *b, const char *date, const erp_ledger_line *lines, size_t n);

/** Posts with the readwrite context and asserts success; `out` (may be NULL) receives the id. */
#define lt_post(b, out, e) lt_post_at((b), (out), (e), __FILE__, __LINE__)
void lt_post_at(lt_books *b, char out[37], const erp_ledger_entry *e, const char *file, int line);

/** Posts two lines: debit `dr`, credit `cr`, `amount` minor units (default currencies). */
#define lt_post2(b, out, date, dr, cr, amount) lt_post2_at((b), (out), (date), (dr), (cr), (amount), __FILE__, __LINE__)
void lt_post2_at(lt_books *b, char out[37], const char *date, const char *dr, const char *cr, int64_t amount,
                 const char *file, int line);

/** Parses JSON text (fails the test when it does not parse). New reference. */
json_t *lt_json(const char *text);

/** Fails, showing both, unless two JSON values are equal. */
#define assert_lt_json_equal(a, b) lt_assert_json_equal_at((a), (b), __FILE__, __LINE__)
void lt_assert_json_equal_at(const json_t *a, const json_t *b, const char *file, int line);

/** erp_ledger_entry_get() parsed; asserts success. */
json_t *lt_get(erp_ctx *ctx, const char *entry_id);

/** The string member `key` of an object ("" when absent or not a string). */
const char *lt_str(const json_t *o, const char *key);

/** A decimal text ("-12.50", "0") in minor units at `exponent`; fails the test on anything inexact. */
int64_t lt_minor(const char *text, int exponent);

/** Minor units as a decimal text at `exponent` ("-0.05"). */
void lt_format(char out[32], int64_t v, int exponent);

/**
 * The debit, credit and balance of `account` in `currency` from
 * erp_ledger_account_balance() (all 0 when it has no row for the currency).
 */
typedef struct {
	int64_t debit, credit, balance;
} lt_amounts;
lt_amounts lt_balance(lt_books *b, const char *account, const char *currency, const char *as_of, int exponent);

/** What a refused call must leave alone: ledger rows, accounts numbered, balance sums, chain head and the trial balance. */
typedef struct {
	int64_t entries, lines, balances, numbered, balance_debit, balance_credit, last_seq;
	char *trial;
} lt_state;

lt_state lt_state_of(lt_books *b);
/** Fails unless the books are as `before` was taken; frees `before`. */
#define assert_lt_unchanged(b, before) lt_assert_unchanged_at((b), (before), __FILE__, __LINE__)
void lt_assert_unchanged_at(lt_books *b, lt_state *before, const char *file, int line);
void lt_state_free(lt_state *s);

/** erp_ledger_post() refused with `code` and `field`, writing nothing. */
#define assert_post_refused(b, ctx, e, code, field) lt_post_refused_at((b), (ctx), (e), (code), (field), __FILE__, __LINE__)
void lt_post_refused_at(lt_books *b, erp_ctx *ctx, const erp_ledger_entry *e, int code, const char *field,
                        const char *file, int line);

/** erp_ledger_post_json() refused with `code` and `field`, writing nothing. */
#define assert_post_json_refused(b, ctx, json, code, field) \
	lt_post_json_refused_at((b), (ctx), (json), (code), (field), __FILE__, __LINE__)
void lt_post_json_refused_at(lt_books *b, erp_ctx *ctx, const char *json, int code, const char *field, const char *file,
                             int line);

/** erp_ledger_post_batch() refused with `code` and `field`, writing nothing. */
#define assert_batch_refused(b, entries, n, code, field) \
	lt_batch_refused_at((b), (entries), (n), (code), (field), __FILE__, __LINE__)
void lt_batch_refused_at(lt_books *b, const erp_ledger_entry *entries, size_t n, int code, const char *field,
                         const char *file, int line);

/** erp_store_verify() passes and its report says "ok":true. */
#define assert_store_verifies(store) lt_assert_verifies_at((store), __FILE__, __LINE__)
void lt_assert_verifies_at(erp_store *store, const char *file, int line);

/**
 * Runs `sql` as the owner of the tables, in `tenant`'s rows: on SQLite
 * through erp_test_exec(); on PostgreSQL over its own libpq connection to
 * `url` as the login role that ran the migrations (so that privileges do
 * not hide what the database itself refuses), with the tenant set for
 * row-level security. `sql` may hold several statements on PostgreSQL
 * (one transaction). ERP_OK, or ERP_ERROR with the server's message in
 * `why` (may be NULL).
 */
int lt_owner_exec(erp_store *store, const char *url, const char *tenant, const char *sql, char *why, size_t why_cap);

/** A 64-bit PRNG (splitmix64). */
uint64_t lt_rand(uint64_t *state);
/** Uniform in [lo, hi]. */
int64_t lt_rand_range(uint64_t *state, int64_t lo, int64_t hi);
/** The seed: ERP_TEST_SEED when set, else from the clock; printed either way. */
uint64_t lt_seed(const char *what);

/** "2024-MM-DD" for day 0..365 of 2024. */
void lt_day(char out[11], int day_of_year);

#endif
