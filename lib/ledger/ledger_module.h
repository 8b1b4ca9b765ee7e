/*
 * ledger/ as a module of the store (core/module.h): the group commit of
 * single postings as its per-store state, and the ledger's check in
 * erp_store_verify (ledger_verify.c).
 */
#ifndef ERP_LIB_LEDGER_MODULE_H
#define ERP_LIB_LEDGER_MODULE_H

#include "core/module.h"
#include "ledger_group.h"

typedef struct {
	erp__post_group *posts; /* group commit of single postings (ledger_group.c) */
} erp__ledger_state;

extern const erp__module erp__ledger_module;

/** The store's ledger state (always there once the store is open). */
erp__ledger_state *erp__ledger_state_of(const erp_store *store);

#endif
