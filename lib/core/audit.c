/* The audit log (erp/audit.h, audit_internal.h). */
#include <erp/audit.h>

#include "audit_internal.h"
#include "util/error.h"
#include "util/json_out.h"

#include <stdlib.h>
#include <string.h>

#define AUDIT_INSERT                                                                                  \
	"INSERT INTO {system.audit_log} (tenant_id, id, at, actor, action, entity, entity_id, before, after) " \
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"

/* Runs or batches the audit insert: exactly one of tx and batch is given. */
static int audit_write(erp__tx *tx, erp__db_batch *batch, const erp_ctx *ctx, const char *action, const char *entity,
                       const char *entity_id, const char *before, const char *after)
{
	char id[ERP__UUID_LEN + 1], now[ERP__TIMESTAMP_LEN + 1];
	erp__uuid_v7(id);
	erp__now_timestamp(now);
	erp_value p[] = {
		erp__v_text(ctx->tenant_id), erp__v_text(id), erp__v_text(now), erp__v_text(ctx->user_id),
		erp__v_text(action), erp__v_text(entity), erp__v_text(entity_id), erp__v_text(before), erp__v_text(after),
	};
	return tx ? erp__db_exec(tx, AUDIT_INSERT, p, 9, NULL) : erp__db_batch_add(batch, AUDIT_INSERT, p, 9);
}

int erp__audit_append(erp__tx *tx, const erp_ctx *ctx, const char *action, const char *entity,
                      const char *entity_id, const char *before, const char *after)
{
	return audit_write(tx, NULL, ctx, action, entity, entity_id, before, after);
}

int erp__audit_append_json(erp__tx *tx, const erp_ctx *ctx, const char *action, const char *entity,
                           const char *entity_id, const json_t *before, const json_t *after)
{
	char *b = before ? erp__json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *a = after ? erp__json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = ((before && !b) || (after && !a)) ? erp__oom()
	                                          : audit_write(tx, NULL, ctx, action, entity, entity_id, b, a);
	free(b);
	free(a);
	return rc;
}

int erp__audit_add(erp__db_batch *batch, const erp_ctx *ctx, const char *action, const char *entity,
                   const char *entity_id, const char *before, const char *after)
{
	return audit_write(NULL, batch, ctx, action, entity, entity_id, before, after);
}

typedef struct {
	const erp_ctx *ctx;
	int limit;
} audit_list_job;

static json_t *audit_row_json(erp__tx *tx, erp_storage_rows *rows, void *unused)
{
	(void)unused;
	char s[8][24];
	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o}", "id", erp__db_text(tx, rows, 0, s[0]), "at",
	                 erp__db_text(tx, rows, 1, s[1]), "actor", erp__db_text(tx, rows, 2, s[2]), "action",
	                 erp__db_text(tx, rows, 3, s[3]), "entity", erp__db_text(tx, rows, 4, s[4]), "entity_id",
	                 erp__db_text(tx, rows, 5, s[5]), "before", erp__json_stored(erp__db_text(tx, rows, 6, s[6])),
	                 "after", erp__json_stored(erp__db_text(tx, rows, 7, s[7])));
}

static int audit_list_body(json_t **result, erp__tx *tx, void *payload)
{
	audit_list_job *job = payload;
	if (!(*result = json_array()))
		return erp__oom();
	erp_value p[] = { erp__v_text(job->ctx->tenant_id), erp__v_int(job->limit) };
	return erp__db_rows_json(*result, tx,
	                         "SELECT id, at, actor, action, entity, entity_id, before, after FROM {system.audit_log} "
	                         "WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2",
	                         p, 2, audit_row_json, NULL);
}

int erp_audit_list(erp_buf *out, erp_ctx *ctx, int limit)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	int rc = erp__ctx_require(ctx, ERP_ROLE_ADMIN, "reading the audit log");
	if (rc != ERP_OK)
		return rc;
	if (limit < 1 || limit > 1000)
		return erp__invalid("limit", "limit must be 1 to 1000, not %d", limit);
	audit_list_job job = { ctx, limit };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	return erp__tx_read_json(out, ctx->store, &scope, audit_list_body, &job);
}
