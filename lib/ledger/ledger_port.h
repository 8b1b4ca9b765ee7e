/*
 * The posting port: how another domain (stock valuation today, invoices
 * and payments next) posts journal entries as part of its own write.
 *
 * The entries go through the same checks, hash chain and writes as
 * erp_ledger_post_batch(), inside the caller's transaction: all or none
 * with the caller's other writes, so a stock move and its valuation entry,
 * or an invoice and its receivable, commit together or not at all. This is
 * the only header of ledger/ that other domains include (lib/DEPS);
 * ledger_internal.h is the engine's own.
 */
#ifndef ERP_LIB_LEDGER_PORT_H
#define ERP_LIB_LEDGER_PORT_H

#include <erp/ledger.h>

#include "core/db.h"
#include "util/ident.h"

/**
 * Posts `n` entries inside `tx` as `ctx`'s user; the caller has checked
 * the role its own write needs. `ids` receives one id per entry. On error
 * the caller's body returns the code, so its transaction rolls back with
 * nothing of the entries written; errors name fields as
 * erp_ledger_post_batch() does.
 */
int erp__journal_post_in_tx(erp__tx *tx, erp_ctx *ctx, const erp_ledger_entry *entries, size_t n,
                            char (*ids)[ERP__UUID_LEN + 1]);

#endif
