/* Reading entities: get, history, the type descriptions (erp/entity.h). */
#include <erp/entity.h>

#include "entity_internal.h"
#include "entity_sql.h"
#include "util/array.h"
#include "util/error.h"
#include "util/json_out.h"

#include <stdlib.h>
#include <string.h>

int erp__entity_args(const erp__entity_type **type, char id_out[ERP__UUID_LEN + 1], const erp_ctx *ctx,
                     int min_role, const char *type_name, const char *id, bool writing, const char *what)
{
	int rc = erp__ctx_require(ctx, min_role, what);
	if (rc != ERP_OK)
		return rc;
	*type = erp__entity_type_find(type_name);
	if (!*type)
		return erp__error(ERP_EINVALID, NULL, "type", "unknown entity type '%.100s' (erp_entity_types() lists them)",
		                  type_name ? type_name : "(null)");
	const erp__field *parent = erp__entity_parent_field(*type);
	if (writing && parent) {
		const erp__entity_type *doc = erp__entity_type_find(parent->references);
		return erp__error(ERP_EINVALID, (*type)->name, "type", "%s is written through its %s (its \"lines\")",
		                  (*type)->name, doc->name);
	}
	if (id_out && (!id || !erp__uuid_normalize(id_out, id)))
		return erp__error(ERP_EINVALID, (*type)->name, "id", "id must be a UUID");
	return ERP_OK;
}

void erp__doc_free(erp__doc *doc)
{
	erp__row_free(&doc->row);
	erp__rows_free(doc->lines, doc->line_count);
	doc->lines = NULL;
	doc->line_count = 0;
}

int erp__doc_load(erp__tx *tx, const char *tenant, const erp__entity_type *type, const char *id, bool lock, erp__doc *doc)
{
	memset(doc, 0, sizeof *doc);
	const erp__entity_sql *q = erp__entity_sql_for(type);
	int rc = q ? erp__row_init(&doc->row, type) : erp__oom();
	if (rc != ERP_OK)
		return rc;
	erp_value p[] = { erp__v_text(tenant), erp__v_text(id) };
	erp_storage_rows *rows;
	rc = erp__db_query(&rows, tx, lock ? q->select_by_id_lock : q->select_by_id, p, 2);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	if (rc == 1)
		rc = erp__row_load(tx, rows, &doc->row);
	else if (rc == 0)
		rc = erp__error(ERP_ENOTFOUND, type->name, "id", "no %s with id %s", type->name, id);
	erp__db_close(tx, rows);
	if (rc == ERP_OK && type->lines_type)
		rc = erp__doc_load_lines(tx, tenant, doc);
	return rc;
}

int erp__doc_load_lines(erp__tx *tx, const char *tenant, erp__doc *doc)
{
	const erp__entity_type *lt = erp__entity_type_find(doc->row.type->lines_type);
	const erp__entity_sql *q = erp__entity_sql_for(lt);
	if (!q)
		return erp__oom();
	erp_value p[] = { erp__v_text(tenant), erp__v_text(doc->row.id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, q->select_lines, p, 2);
	if (rc != ERP_OK)
		return rc;
	size_t cap = 0;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		if ((rc = ERP__ARRAY_RESERVE(doc->lines, cap, doc->line_count + 1)) != ERP_OK)
			break;
		erp__row *line = &doc->lines[doc->line_count];
		if ((rc = erp__row_init(line, lt)) != ERP_OK)
			break;
		doc->line_count++;
		if ((rc = erp__row_load(tx, rows, line)) != ERP_OK)
			break;
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

int erp__doc_write_json(erp__strbuf *sb, erp__tx *tx, const char *tenant, const erp__doc *doc, erp__scales *sc)
{
	int rc = erp__row_write_json(sb, tx, tenant, &doc->row, NULL, sc);
	if (rc != ERP_OK || !doc->row.type->lines_type)
		return rc;
	/* Reopen the object to append the lines. */
	sb->len--;
	erp__strbuf_puts(sb, ",\"lines\":[");
	for (size_t i = 0; rc == ERP_OK && i < doc->line_count; i++) {
		if (i)
			erp__strbuf_putc(sb, ',');
		rc = erp__row_write_json(sb, tx, tenant, &doc->lines[i], &doc->row, sc);
	}
	erp__strbuf_puts(sb, "]}");
	return rc == ERP_OK && !erp__strbuf_ok(sb) ? erp__oom() : rc;
}

char *erp__doc_to_text(erp__tx *tx, const char *tenant, const erp__doc *doc, erp__scales *sc)
{
	erp__strbuf sb = ERP__STRBUF_INIT;
	if (erp__doc_write_json(&sb, tx, tenant, doc, sc) != ERP_OK) {
		erp__strbuf_free(&sb);
		return NULL;
	}
	return sb.ptr;
}

/* ---- get ------------------------------------------------------------------------ */

typedef struct {
	const erp_ctx *ctx;
	const erp__entity_type *type;
	const char *id;
	erp__strbuf result;
} get_job;

static int get_body(erp__tx *tx, void *payload)
{
	get_job *job = payload;
	erp__strbuf_clear(&job->result);
	erp__doc doc;
	erp__scales *sc = erp__scales_new();
	int rc = sc ? erp__doc_load(tx, job->ctx->tenant_id, job->type, job->id, false, &doc) : erp__oom();
	if (rc == ERP_OK)
		rc = erp__doc_write_json(&job->result, tx, job->ctx->tenant_id, &doc, sc);
	if (sc)
		erp__doc_free(&doc);
	erp__scales_free(sc);
	return rc;
}

int erp_entity_get(erp_buf *out, erp_ctx *ctx, const char *type, const char *id)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	const erp__entity_type *t;
	char norm[ERP__UUID_LEN + 1];
	int rc = erp__entity_args(&t, norm, ctx, ERP_ROLE_READONLY, type, id, false, "reading entities");
	if (rc != ERP_OK)
		return rc;
	get_job job = { ctx, t, norm, ERP__STRBUF_INIT };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	/* One row (scales are immutable): no snapshot needed. A document and its lines are read together. */
	rc = erp__tx_run(ctx->store, t->lines_type ? ERP_TX_READ : ERP_TX_READ_LOOSE, &scope, get_body, &job);
	if (rc == ERP_OK)
		return erp__strbuf_detach(out, &job.result);
	erp__strbuf_free(&job.result);
	return rc;
}

/* ---- history ----------------------------------------------------------------------- */

typedef struct {
	const erp_ctx *ctx;
	const erp__entity_type *type;
	const char *id;
} history_job;

static json_t *history_row_json(erp__tx *tx, erp_storage_rows *rows, void *unused)
{
	(void)unused;
	char s[6][24];
	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:o, s:o}", "id", erp__db_text(tx, rows, 0, s[0]), "at",
	                 erp__db_text(tx, rows, 1, s[1]), "actor", erp__db_text(tx, rows, 2, s[2]), "action",
	                 erp__db_text(tx, rows, 3, s[3]), "before", erp__json_stored(erp__db_text(tx, rows, 4, s[4])),
	                 "after", erp__json_stored(erp__db_text(tx, rows, 5, s[5])));
}

static int history_body(json_t **result, erp__tx *tx, void *payload)
{
	history_job *job = payload;
	if (!(*result = json_array()))
		return erp__oom();
	erp_value p[] = { erp__v_text(job->ctx->tenant_id), erp__v_text(job->type->name), erp__v_text(job->id) };
	int rc = erp__db_rows_json(*result, tx,
	                           "SELECT id, at, actor, action, before, after FROM {system.audit_log} "
	                           "WHERE tenant_id = $1 AND entity = $2 AND entity_id = $3 ORDER BY id",
	                           p, 3, history_row_json, NULL);
	/* Nothing recorded in this tenant: no such entity here (ids of other tenants included). */
	if (rc == ERP_OK && json_array_size(*result) == 0)
		return erp__error(ERP_ENOTFOUND, job->type->name, "id", "no history of %s %s", job->type->name, job->id);
	return rc;
}

int erp_entity_history(erp_buf *out, erp_ctx *ctx, const char *type, const char *id)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	const erp__entity_type *t;
	char norm[ERP__UUID_LEN + 1];
	int rc = erp__entity_args(&t, norm, ctx, ERP_ROLE_READONLY, type, id, false, "reading entity history");
	if (rc != ERP_OK)
		return rc;
	history_job job = { ctx, t, norm };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	return erp__tx_read_json(out, ctx->store, &scope, history_body, &job);
}

/* ---- descriptions ---------------------------------------------------------------------- */

static json_t *field_json(const erp__field *f)
{
	json_t *o = json_pack("{s:s, s:s, s:b, s:b, s:b, s:b}", "name", f->name, "kind", erp__field_kind_name(f->kind),
	                      "required", (f->flags & ERP__REQUIRED) != 0, "unique", (f->flags & ERP__UNIQUE) != 0,
	                      "read_only", (f->flags & (ERP__READONLY | ERP__PARENT)) != 0,
	                      "immutable", (f->flags & ERP__IMMUTABLE) != 0);
	if (!o)
		return NULL;
	bool ok = true;
	if (f->kind == ERP__F_TEXT)
		erp__json_set(o, "max_length", json_integer(f->max_length ? f->max_length : 1000), &ok);
	if (f->kind == ERP__F_DECIMAL)
		erp__json_set(o, "scale", json_integer(f->scale), &ok);
	if (f->kind == ERP__F_INTEGER && f->min < f->max) {
		erp__json_set(o, "min", json_integer(f->min), &ok);
		erp__json_set(o, "max", json_integer(f->max), &ok);
	}
	if (f->kind == ERP__F_ENUM) {
		json_t *vals = json_array();
		for (const char *const *v = f->values; vals && *v; v++)
			erp__json_append(vals, json_string(*v), &ok);
		erp__json_set(o, "values", vals, &ok);
	}
	if (f->references)
		erp__json_set(o, "references", json_string(f->references), &ok);
	if (f->kind == ERP__F_MONEY)
		erp__json_set(o, "currency_field", json_string(f->scale_field), &ok);
	if (f->kind == ERP__F_QUANTITY)
		erp__json_set(o, "unit_field", json_string(f->scale_field), &ok);
	if (f->default_value) {
		/* Every described default is JSON: NULL here is out of memory. */
		json_t *d = strcmp(f->default_value, "\"$base_currency\"") == 0
		                    ? json_string("$base_currency")
		                    : erp__json_loads(f->default_value, JSON_DECODE_ANY, NULL);
		erp__json_set(o, "default", d, &ok);
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int erp_entity_types(erp_buf *out)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	size_t n;
	const erp__entity_type *types = erp__entity_types(&n);
	json_t *arr = json_array();
	bool ok = arr != NULL;
	for (size_t i = 0; ok && i < n; i++) {
		json_t *fields = json_array();
		for (size_t k = 0; fields && ok && k < types[i].field_count; k++)
			erp__json_append(fields, field_json(&types[i].fields[k]), &ok);
		json_t *t = ok && fields ? json_pack("{s:s, s:s, s:O}", "type", types[i].name, "table", types[i].table, "fields", fields)
		                         : NULL;
		json_decref(fields);
		if (t && types[i].lines_type)
			erp__json_set(t, "lines", json_string(types[i].lines_type), &ok);
		erp__json_append(arr, t, &ok);
	}
	int rc = ok ? erp__json_to_buf(out, arr) : erp__oom();
	json_decref(arr);
	return rc;
}
