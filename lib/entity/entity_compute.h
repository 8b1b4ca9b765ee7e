/*
 * Fields the engine computes for documents: a line's amount is its
 * quantity times its unit price, at the document currency's exponent and
 * rounded half away from zero (decimal.h); a document's total is the sum
 * of its lines' amounts. Also the few per-type rules.
 */
#ifndef ERP_LIB_ENTITY_COMPUTE_H
#define ERP_LIB_ENTITY_COMPUTE_H

#include "entity_internal.h"

/**
 * Rules of single types that the field descriptions cannot say: an ISO
 * 4217 core.currency keeps its ISO exponent.
 */
int erp__entity_rules(const erp__row *row);

/** Recomputes every line amount and the document total, in place. */
int erp__doc_compute(erp__tx *tx, const char *tenant, erp__doc *doc, erp__scales *sc);

#endif
