#include "batch.h"

#include "util/error.h"
#include "util/json_out.h"

#include <stdlib.h>

int erp__batch_run(erp_buf *out_ids, erp_ctx *ctx, const erp__batch *b, const void *items, size_t count)
{
	if (!items || count < 1 || count > b->max)
		return erp__error(ERP_EINVALID, b->entity, b->field, "a batch has 1 to %zu %s", b->max, b->noun);
	unsigned char *reqs = calloc(count, b->request_size);
	char (*ids)[ERP__UUID_LEN + 1] = calloc(count, sizeof *ids);
	int rc = reqs && ids ? ERP_OK : erp__oom();
	for (size_t i = 0; rc == ERP_OK && i < count; i++)
		b->fill(reqs + i * b->request_size, items, i);
	if (rc == ERP_OK)
		rc = b->run(ctx, reqs, count, ids);
	if (rc == ERP_OK && out_ids)
		rc = erp__ids_json(out_ids, (const char (*)[ERP__UUID_LEN + 1])ids, count);
	free(reqs);
	free(ids);
	return rc;
}
