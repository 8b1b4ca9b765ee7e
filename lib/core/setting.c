/* Per-tenant settings (erp/setting.h). */
#include <erp/setting.h>

#include "audit_internal.h"
#include "util/error.h"
#include "util/json_out.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 100
#define VALUE_MAX 65536
#define ENTITY "system.setting"

static int check_key(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	if (n == 0 || n > KEY_MAX)
		return erp__error(ERP_EINVALID, ENTITY, "key", "key must have 1 to %d characters", KEY_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'))
			return erp__error(ERP_EINVALID, ENTITY, "key", "key may contain only a-z, 0-9, '_' and '.'");
	}
	return ERP_OK;
}

typedef struct {
	const erp_ctx *ctx;
	const char *key;
	const char *value;  /* set: NULL deletes */
	erp_buf *out;       /* get */
} setting_job;

/* Reads the current value into `*value` (malloc'd) or NULL when unset. */
static int setting_read(erp__tx *tx, const setting_job *job, char **value, int64_t *version)
{
	erp_value p[] = { erp__v_text(job->ctx->tenant_id), erp__v_text(job->key) };
	erp_storage_rows *rows;
	*value = NULL;
	*version = 0;
	int rc = erp__db_query(&rows, tx, "SELECT value, version FROM {system.settings} WHERE tenant_id = $1 AND key = $2", p, 2);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	if (rc == 1) {
		char s[24];
		const char *v = erp__db_text(tx, rows, 0, s);
		*version = erp__db_int(tx, rows, 1);
		if (!(*value = strdup(v ? v : "")))
			rc = erp__oom();
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

static int setting_get_body(erp__tx *tx, void *payload)
{
	setting_job *job = payload;
	char *value;
	int64_t version;
	int rc = setting_read(tx, job, &value, &version);
	if (rc != ERP_OK)
		return rc;
	if (!value)
		return erp__error(ERP_ENOTFOUND, ENTITY, "key", "setting '%s' is not set", job->key);
	rc = erp_buf_set(job->out, value, strlen(value));
	free(value);
	return rc;
}

static int setting_list_body(erp__tx *tx, void *payload)
{
	setting_job *job = payload;
	erp_value p[] = { erp__v_text(job->ctx->tenant_id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "SELECT key, value, version, updated_at FROM {system.settings} WHERE tenant_id = $1 ORDER BY key",
	                       p, 1);
	if (rc != ERP_OK)
		return rc;
	erp__strbuf sb = ERP__STRBUF_INIT;
	erp__strbuf_putc(&sb, '[');
	for (int n = 0; (rc = erp__db_next(tx, rows)) == 1; n++) {
		char s0[24], s1[24], s3[40];
		const char *key = erp__db_text(tx, rows, 0, s0), *value = erp__db_text(tx, rows, 1, s1);
		const char *updated = erp__db_text(tx, rows, 3, s3);
		erp__strbuf_puts(&sb, n ? ",{" : "{");
		erp__json_put_key(&sb, "key", true);
		erp__json_put_string(&sb, key ? key : "", key ? strlen(key) : 0);
		erp__json_put_key(&sb, "value", false);
		erp__json_put_string(&sb, value ? value : "", value ? strlen(value) : 0);
		erp__json_put_key(&sb, "version", false);
		erp__strbuf_printf(&sb, "%lld", (long long)erp__db_int(tx, rows, 2));
		erp__json_put_key(&sb, "updated_at", false);
		erp__json_put_string(&sb, updated ? updated : "", updated ? strlen(updated) : 0);
		erp__strbuf_putc(&sb, '}');
	}
	erp__db_close(tx, rows);
	erp__strbuf_putc(&sb, ']');
	if (rc < 0) {
		erp__strbuf_free(&sb);
		return rc;
	}
	return erp__strbuf_detach(job->out, &sb);
}

/* {"key":..., "value":...} as JSON text for the audit log (malloc'd). */
static char *audit_json(const char *key, const char *value)
{
	json_t *o = json_pack("{s:s, s:s}", "key", key, "value", value);
	char *text = o ? erp__json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return text;
}

static int setting_set_body(erp__tx *tx, void *payload)
{
	setting_job *job = payload;
	char *old;
	int64_t version;
	int rc = setting_read(tx, job, &old, &version);
	if (rc != ERP_OK)
		return rc;
	char now[ERP__TIMESTAMP_LEN + 1];
	erp__now_timestamp(now);
	erp_value p[] = { erp__v_text(job->ctx->tenant_id), erp__v_text(job->key), erp__v_text(job->value),
	                  erp__v_text(now), erp__v_text(job->ctx->user_id) };
	if (job->value && old)
		rc = erp__db_exec(tx, "UPDATE {system.settings} SET value = $3, updated_at = $4, updated_by = $5, version = version + 1 "
		                      "WHERE tenant_id = $1 AND key = $2", p, 5, NULL);
	else if (job->value)
		rc = erp__db_exec(tx, "INSERT INTO {system.settings} (tenant_id, key, value, created_at, created_by, updated_at, updated_by, version) "
		                      "VALUES ($1, $2, $3, $4, $5, $4, $5, 1)", p, 5, NULL);
	else if (old)
		rc = erp__db_exec(tx, "DELETE FROM {system.settings} WHERE tenant_id = $1 AND key = $2", p, 2, NULL);
	else {
		free(old);
		return ERP_OK; /* deleting what is not there changes nothing */
	}
	if (rc == ERP_OK) {
		char *before = old ? audit_json(job->key, old) : NULL;
		char *after = job->value ? audit_json(job->key, job->value) : NULL;
		if ((old && !before) || (job->value && !after))
			rc = erp__oom();
		else
			rc = erp__audit_append(tx, job->ctx, job->value ? "set" : "delete", ENTITY, job->key, before, after);
		free(before);
		free(after);
	}
	free(old);
	return rc;
}

int erp_setting_get(erp_buf *out, erp_ctx *ctx, const char *key)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	int rc = erp__ctx_require(ctx, ERP_ROLE_READONLY, "reading settings");
	if (rc != ERP_OK || (rc = check_key(key)) != ERP_OK)
		return rc;
	setting_job job = { ctx, key, NULL, out };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	return erp__tx_run(ctx->store, ERP_TX_READ, &scope, setting_get_body, &job);
}

int erp_setting_list(erp_buf *out, erp_ctx *ctx)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	int rc = erp__ctx_require(ctx, ERP_ROLE_READONLY, "reading settings");
	if (rc != ERP_OK)
		return rc;
	setting_job job = { ctx, NULL, NULL, out };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	return erp__tx_run(ctx->store, ERP_TX_READ, &scope, setting_list_body, &job);
}

int erp_setting_set(erp_ctx *ctx, const char *key, const char *value)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_ADMIN, "changing settings");
	if (rc != ERP_OK || (rc = check_key(key)) != ERP_OK)
		return rc;
	if (value) {
		size_t n = strlen(value), chars;
		if (n > VALUE_MAX)
			return erp__error(ERP_EINVALID, ENTITY, "value", "value must have at most %d bytes, not %zu", VALUE_MAX, n);
		if (!erp__utf8_check(value, n, true, &chars))
			return erp__error(ERP_EINVALID, ENTITY, "value", "value must be valid UTF-8 without control characters");
	}
	setting_job job = { ctx, key, value, NULL };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	return erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, setting_set_body, &job);
}
