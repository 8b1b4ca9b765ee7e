/*
 * Group commit of single postings: concurrent erp_journal_post calls of
 * one store, tenant and acting user share one transaction, so that many
 * posters pay for one commit (and, on PostgreSQL, for one turn of the
 * tenant's chain lock). See ledger_group.c.
 */
#ifndef ERP_LIB_LEDGER_GROUP_H
#define ERP_LIB_LEDGER_GROUP_H

typedef struct erp__post_group erp__post_group;

/** A store's group; NULL when out of memory. */
erp__post_group *erp__post_group_new(void);

/** Frees a group (no poster may be waiting). NULL is ignored. */
void erp__post_group_free(erp__post_group *g);

#endif
