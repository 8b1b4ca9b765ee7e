/* The tenant's lock date (erp/ledger.h): no posting on or before it. */
#include <erp/ledger.h>

#include "core/audit_internal.h"
#include "util/error.h"
#include "util/ident.h"

#include <stdio.h>
#include <string.h>

typedef struct {
	const erp_ctx *ctx;
	const char *date;   /* set: NULL removes */
	erp_buf *out;       /* get */
} lock_job;

static int lock_read(erp__tx *tx, const erp_ctx *ctx, char date[11], bool lock)
{
	erp_value p[] = { erp__v_text(ctx->tenant_id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, lock ? "SELECT lock_date FROM {financial.ledger_state} WHERE tenant_id = $1{for_update}"
	                                       : "SELECT lock_date FROM {financial.ledger_state} WHERE tenant_id = $1",
	                       p, 1);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	date[0] = '\0';
	if (rc == 1) {
		char s[24];
		const char *d = erp__db_text(tx, rows, 0, s);
		snprintf(date, 11, "%s", d ? d : "");
	}
	erp__db_close(tx, rows);
	return rc;
}

static int lock_set_body(erp__tx *tx, void *payload)
{
	lock_job *job = payload;
	char now[ERP__TIMESTAMP_LEN + 1], before[11];
	erp__now_timestamp(now);
	erp_value p[] = { erp__v_text(job->ctx->tenant_id), erp__v_text(now), erp__v_text(job->ctx->user_id),
	                  erp__v_text(job->date) };
	int rc = erp__db_exec(tx, "INSERT INTO {financial.ledger_state} (tenant_id, updated_at, updated_by) VALUES ($1, $2, $3) "
	                          "ON CONFLICT (tenant_id) DO NOTHING", p, 3, NULL);
	/* Waits for postings in flight: they hold this row until they commit. */
	if (rc == ERP_OK && (rc = lock_read(tx, job->ctx, before, true)) >= 0)
		rc = erp__db_exec(tx, "UPDATE {financial.ledger_state} SET lock_date = $4, updated_at = $2, updated_by = $3, "
		                      "version = version + 1 WHERE tenant_id = $1", p, 4, NULL);
	if (rc == ERP_OK) {
		char b[64], a[64];
		snprintf(b, sizeof b, before[0] ? "{\"lock_date\":\"%s\"}" : "{\"lock_date\":null}", before);
		snprintf(a, sizeof a, job->date ? "{\"lock_date\":\"%s\"}" : "{\"lock_date\":null}", job->date ? job->date : "");
		rc = erp__audit_append(tx, job->ctx, "set", "financial.lock_date", job->ctx->tenant_id, b, a);
	}
	return rc;
}

int erp_ledger_set_lock_date(erp_ctx *ctx, const char *date)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_ADMIN, "setting the lock date");
	if (rc != ERP_OK)
		return rc;
	if (date && !erp__date_valid(date))
		return erp__error(ERP_EINVALID, "financial.lock_date", "date", "date must be a date \"YYYY-MM-DD\" (or NULL)");
	lock_job job = { ctx, date, NULL };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	return erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, lock_set_body, &job);
}

static int lock_get_body(erp__tx *tx, void *payload)
{
	lock_job *job = payload;
	char date[11];
	int rc = lock_read(tx, job->ctx, date, false);
	if (rc < 0)
		return rc;
	if (!date[0])
		return erp__error(ERP_ENOTFOUND, "financial.lock_date", "date", "no lock date is set");
	return erp_buf_set(job->out, date, strlen(date));
}

int erp_ledger_lock_date(erp_buf *out, erp_ctx *ctx)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	int rc = erp__ctx_require(ctx, ERP_ROLE_READONLY, "reading the lock date");
	if (rc != ERP_OK)
		return rc;
	lock_job job = { ctx, NULL, out };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	return erp__tx_run(ctx->store, ERP_TX_READ, &scope, lock_get_body, &job);
}
