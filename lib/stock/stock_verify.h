/*
 * Checking the stock invariants for erp_store_verify(): on hand = the sum
 * of the moves = the sum of the daily totals; a product's stock = the sum
 * of its quants; its value = the sum of its layers (and of their daily
 * totals, and for FIFO of what remains open); zero value at zero quantity;
 * a move's value = the sum of its layers.
 */
#ifndef ERP_LIB_STOCK_VERIFY_H
#define ERP_LIB_STOCK_VERIFY_H

#include "core/store_internal.h"
#include "util/strbuf.h"

/**
 * Checks every tenant. ERP_OK when all hold; otherwise ERP_ERROR with the
 * first discrepancy in `detail` (and raised); ERP_EBACKEND and friends when
 * a check could not run.
 */
int erp__stock_verify(erp_store *store, erp__strbuf *detail);

#endif
