/*
 * The ledger's numbering of accounts (migration 9): journal lines and
 * daily balances name an account by its number in the tenant's ledger,
 * kept in {financial.ledger_accounts} (one row per account ever posted
 * to, numbered 1, 2, ... within the tenant, never changed). The public
 * API speaks of accounts by id only; the numbers stay inside the store.
 */
#ifndef ERP_LIB_LEDGER_ACCOUNTS_H
#define ERP_LIB_LEDGER_ACCOUNTS_H

#include "core/db.h"

#include <stddef.h>
#include <stdint.h>

/**
 * The SQL that joins the numbering (as `la`, whose account_id is the
 * account's id) to the rows of alias `t` (journal lines or balances).
 */
#define ERP__LEDGER_ACCOUNT_JOIN(t) \
	" JOIN {financial.ledger_accounts} la ON la.tenant_id = " t ".tenant_id AND la.account_no = " t ".account_no"

/** The ledger's number of `account_id` in the tenant into `*no`: 0 when nothing was ever posted to it. */
int erp__ledger_account_no(erp__tx *tx, const char *tenant, const char *account_id, int64_t *no);

/**
 * Gives the next numbers of the tenant's ledger to the `n` accounts
 * `ids[i]` whose `*nos[i]` is 0, writing them to `*nos[i]`. Call it with
 * the tenant's ledger state locked (the posting engine's chain lock): the
 * numbers are the tenant's highest plus one, two...
 */
int erp__ledger_accounts_number(erp__tx *tx, const char *tenant, const char *const *ids, int64_t *const *nos, size_t n);

#endif
