/*
 * The plumbing every typed batch call shares (erp_ledger_post_batch,
 * erp_stock_move_batch, and the batches of the flows to come): check the
 * count, make one request per item, run them all in one transaction, and
 * answer their ids as a JSON array. The domain gives how an item becomes a
 * request and how the requests run; nothing else differs.
 */
#ifndef ERP_LIB_BATCH_H
#define ERP_LIB_BATCH_H

#include <erp/buf.h>
#include <erp/context.h>

#include "util/ident.h"

#include <stddef.h>

typedef struct {
	const char *entity; /* the error's entity ("financial.entry") */
	const char *field;  /* the error's field for a bad count ("entries") */
	const char *noun;   /* "entries", "moves": "a batch has 1 to N <noun>" */
	size_t max;         /* most items in one batch */
	size_t request_size;
	/* Makes request `i` (zeroed, request_size bytes) of item i of `items`. */
	void (*fill)(void *request, const void *items, size_t i);
	/* Runs the n requests, all or none, writing one id per request. */
	int (*run)(erp_ctx *ctx, void *requests, size_t n, char (*ids)[ERP__UUID_LEN + 1]);
} erp__batch;

/**
 * Runs `count` items of `items` through `b`: ERP_EINVALID naming b->field
 * when items is NULL or count is not 1 to b->max, ERP_ENOMEM, or what
 * b->run answers. The ids go to out_ids as a JSON array (when not NULL).
 */
int erp__batch_run(erp_buf *out_ids, erp_ctx *ctx, const erp__batch *b, const void *items, size_t count);

#endif
