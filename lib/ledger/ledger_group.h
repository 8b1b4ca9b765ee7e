/*
 * Group commit of single postings: concurrent erp_ledger_post calls of
 * one store, tenant and acting user share one transaction, so that many
 * posters pay for one commit (and, on PostgreSQL, for one turn of the
 * tenant's chain lock). See ledger_group.c.
 */
#ifndef ERP_LIB_LEDGER_GROUP_H
#define ERP_LIB_LEDGER_GROUP_H

#include "ledger_internal.h"

typedef struct erp__post_group erp__post_group;

/** A store's group; NULL when out of memory. */
erp__post_group *erp__post_group_new(void);

/** Frees a group (no poster may be waiting). NULL is ignored. */
void erp__post_group_free(erp__post_group *g);

/**
 * Posts one request through the store's group `g` (erp__ledger_state_of),
 * grouped with the concurrent requests of the same store, tenant and
 * acting user into one transaction (group commit; see ledger_group.c). The answer — the id, or the error of this request —
 * is the same as erp__post_run() of it alone would give, and it comes once
 * the transaction holding the entry has committed.
 */
int erp__post_grouped(erp__post_group *g, erp_ctx *ctx, erp__post_request *req, char id[ERP__UUID_LEN + 1]);

#endif
