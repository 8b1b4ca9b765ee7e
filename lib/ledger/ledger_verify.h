/*
 * Checking the ledger's invariants for erp_store_verify(): every tenant's
 * hash chain, that every entry balances per currency, and that the daily
 * balances equal the sums of the lines.
 */
#ifndef ERP_LIB_LEDGER_VERIFY_H
#define ERP_LIB_LEDGER_VERIFY_H

#include "core/store_internal.h"
#include "util/strbuf.h"

/**
 * Checks every tenant. ERP_OK when all hold; otherwise ERP_ERROR with the
 * first discrepancy in `detail` (and raised). ERP_EBACKEND and friends
 * when a check could not run.
 */
int erp__ledger_verify(erp_store *store, erp__strbuf *detail);

#endif
