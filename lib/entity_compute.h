/*
 * Fields the engine computes for documents: a line's amount is its
 * quantity times its unit price, at the document currency's exponent and
 * rounded half away from zero (decimal.h); a document's total is the sum
 * of its lines' amounts.
 */
#ifndef ERP_LIB_ENTITY_COMPUTE_H
#define ERP_LIB_ENTITY_COMPUTE_H

#include "entity_internal.h"

/** Recomputes every line amount and the document total, in place. */
int erp__doc_compute(erp__tx *tx, const char *tenant, erp__doc *doc, erp__scales *sc);

#endif
