/*
 * Writing entities: create, update, delete/archive (erp/entity.h). Every
 * check runs inside the write transaction, before the first write; a
 * refused call rolls back and leaves nothing behind.
 */
#include <erp/entity.h>

#include "core/audit_internal.h"
#include "entity_compute.h"
#include "entity_hooks.h"
#include "entity_internal.h"
#include "entity_sql.h"
#include "util/error.h"
#include "util/json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYSTEM_INSERT_COLUMNS 8

/* ---- statements ---------------------------------------------------------------- */

/* Runs a write now (batch NULL) or adds it to a batch. */
static int write_now_or_later(erp__tx *tx, erp__db_batch *batch, const char *sql, const erp_value *p, size_t n,
                              int64_t *changes)
{
	return batch ? erp__db_batch_add(batch, sql, p, n) : erp__db_exec(tx, sql, p, n, changes);
}

static int row_insert(erp__tx *tx, erp__db_batch *batch, const char *tenant, const erp__row *row)
{
	const erp__entity_type *t = row->type;
	const erp__entity_sql *q = erp__entity_sql_for(t);
	size_t n = SYSTEM_INSERT_COLUMNS + t->field_count;
	erp_value *p = calloc(n, sizeof *p);
	if (!p || !q) {
		free(p);
		return erp__oom();
	}
	p[0] = erp__v_text(tenant);
	p[1] = erp__v_text(row->id);
	p[2] = erp__v_int(row->version);
	p[3] = erp__v_int(row->archived);
	p[4] = erp__v_text(row->created_at);
	p[5] = erp__v_text(row->created_by);
	p[6] = erp__v_text(row->updated_at);
	p[7] = erp__v_text(row->updated_by);
	for (size_t i = 0; i < t->field_count; i++)
		p[SYSTEM_INSERT_COLUMNS + i] = row->cells[i].v;
	int rc = write_now_or_later(tx, batch, q->insert, p, n, NULL);
	free(p);
	return rc;
}

/* Writes every field, bumps the version; `expected` guards against a concurrent change. */
static int row_update(erp__tx *tx, const char *tenant, const erp__row *row, int64_t expected)
{
	const erp__entity_type *t = row->type;
	const erp__entity_sql *q = erp__entity_sql_for(t);
	size_t n = 6 + t->field_count;
	erp_value *p = calloc(n, sizeof *p);
	if (!p || !q) {
		free(p);
		return erp__oom();
	}
	p[0] = erp__v_text(tenant);
	p[1] = erp__v_text(row->id);
	p[2] = erp__v_int(expected);
	p[3] = erp__v_int(row->archived);
	p[4] = erp__v_text(row->updated_at);
	p[5] = erp__v_text(row->updated_by);
	for (size_t i = 0; i < t->field_count; i++)
		p[6 + i] = row->cells[i].v;
	int64_t changes = 0;
	int rc = erp__db_exec(tx, q->update, p, n, &changes);
	free(p);
	if (rc == ERP_OK && changes != 1)
		rc = erp__error(ERP_ECONFLICT, t->name, "version", "%s %s changed while it was being written", t->name, row->id);
	return rc;
}

static int row_delete(erp__tx *tx, erp__db_batch *batch, const char *tenant, const erp__entity_type *t, const char *id)
{
	char sql[160];
	snprintf(sql, sizeof sql, "DELETE FROM %s WHERE tenant_id = $1 AND id = $2", t->table);
	erp_value p[] = { erp__v_text(tenant), erp__v_text(id) };
	return write_now_or_later(tx, batch, sql, p, 2, NULL);
}

/* ERP_EEXISTS when another row of the tenant holds a unique value this row sets. */
static int unique_check(erp__tx *tx, const char *tenant, const erp__row *row)
{
	const erp__entity_type *t = row->type;
	for (size_t i = 0; i < t->field_count; i++) {
		const erp__field *f = &t->fields[i];
		const erp__cell *c = &row->cells[i];
		if (!(f->flags & ERP__UNIQUE) || c->v.type == ERP_VALUE_NULL || !c->given)
			continue;
		char sql[200];
		snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE tenant_id = $1 AND \"%s\" = $2 AND id <> $3", t->table, f->name);
		erp_value p[] = { erp__v_text(tenant), c->v, erp__v_text(row->id) };
		char other[ERP__UUID_LEN + 1];
		int rc = erp__db_first_text(tx, sql, p, 3, other, sizeof other);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			char shown[64];
			if (c->v.type == ERP_VALUE_TEXT)
				snprintf(shown, sizeof shown, "'%.40s'", c->v.s);
			else
				snprintf(shown, sizeof shown, "%lld", (long long)c->v.i);
			return erp__error(ERP_EEXISTS, t->name, f->name, "%s.%s %s is taken by %s", t->name, f->name, shown, other);
		}
	}
	return ERP_OK;
}

/* How many ancestors a row may have through a reference to its own type (the walk up stops there). */
#define ANCESTORS_MAX 100

/*
 * ERP_EINVALID when a reference of the row to its own type (a parent_id:
 * every such field of the type, found from its description) would make
 * the row its own ancestor, or put more than ANCESTORS_MAX rows above it.
 * Walks up from the new parent in storage. On update `lock` locks every
 * ancestor it reads: two concurrent re-parentings that would close a
 * cycle together (A under B, B under A) then wait on each other's row (or
 * deadlock, and the store retries one), so the later one reads the
 * earlier one's change. SQLite runs one writer at a time anyway.
 */
static int ancestors_check(erp__tx *tx, const char *tenant, const erp__row *row, bool lock)
{
	const erp__entity_type *t = row->type;
	for (size_t i = 0; i < t->field_count; i++) {
		const erp__field *f = &t->fields[i];
		const erp__cell *c = &row->cells[i];
		if (f->kind != ERP__F_REFERENCE || (f->flags & ERP__PARENT) || strcmp(f->references, t->name) != 0 ||
		    !c->given || c->v.type != ERP_VALUE_TEXT)
			continue;
		char sql[220], up[ERP__UUID_LEN + 1], at[ERP__UUID_LEN + 1];
		snprintf(sql, sizeof sql, "SELECT \"%s\" FROM %s WHERE tenant_id = $1 AND id = $2%s", f->name, t->table,
		         lock ? "{for_update}" : "");
		snprintf(at, sizeof at, "%s", c->v.s);
		for (int depth = 1; at[0]; depth++) {
			if (strcmp(at, row->id) == 0)
				return depth == 1 ? erp__field_invalid(t, f->name, "would make a cycle: a %s cannot be its own parent", t->name)
				                  : erp__field_invalid(t, f->name, "would make a cycle: %s is below this %s", c->v.s, t->name);
			if (depth > ANCESTORS_MAX)
				return erp__field_invalid(t, f->name, "would put more than %d levels of %s above this one", ANCESTORS_MAX,
				                          t->name);
			erp_value p[] = { erp__v_text(tenant), erp__v_text(at) };
			int rc = erp__db_first_text(tx, sql, p, 2, up, sizeof up);
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
			memcpy(at, up, sizeof at); /* "" at the top */
		}
	}
	return ERP_OK;
}

/* Tables outside the described entity types that refer to entities. */
static const struct {
	const char *type, *table, *column, *by;
} external_references[] = {
	{ "financial.account", "{financial.ledger_accounts}", "account_id", "financial.entry" },
	{ "financial.journal", "{financial.entries}", "journal_id", "financial.entry" },
	{ "core.partner", "{financial.entry_lines}", "partner_id", "financial.entry" },
	{ "analytics.account", "{financial.entry_lines}", "analytic_account_id", "financial.entry" },
	{ "core.product", "{inventory.quants}", "product_id", "inventory.quant" },
	{ "core.product", "{inventory.moves}", "product_id", "inventory.move" },
	{ "inventory.location", "{inventory.quants}", "location_id", "inventory.quant" },
	{ "inventory.location", "{inventory.moves}", "location_id", "inventory.move" },
	{ "inventory.location", "{inventory.moves}", "location_dest_id", "inventory.move" },
};

/* Whether any row of `table` in the tenant has `value` in `column` (other than the row `self`, when given). */
static int any_row_with(erp__tx *tx, const char *tenant, const char *table, const char *column, const char *value,
                        const char *self)
{
	char sql[260];
	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE tenant_id = $1 AND %s = $2%s LIMIT 1", table, column,
	         self ? " AND id <> $3" : "");
	erp_value p[] = { erp__v_text(tenant), erp__v_text(value), erp__v_text(self) };
	return erp__db_exists(tx, sql, p, self ? 3 : 2);
}

/* The first entity type (or ledger table) that refers to (tenant, id) of `t`, or NULL. */
static int referenced_by(erp__tx *tx, const char *tenant, const erp__entity_type *t, const char *id, const char **by)
{
	size_t n;
	const erp__entity_type *types = erp__entity_types(&n);
	int rc = 0;
	*by = NULL;
	for (size_t k = 0; k < sizeof external_references / sizeof external_references[0] && rc == 0; k++)
		if (strcmp(external_references[k].type, t->name) == 0 &&
		    (rc = any_row_with(tx, tenant, external_references[k].table, external_references[k].column, id, NULL)) == 1)
			*by = external_references[k].by;
	/* Currency fields refer to a currency by its code, every other reference by id. */
	char code[8] = "";
	if (rc == 0 && strcmp(t->name, "core.currency") == 0) {
		erp_value p[] = { erp__v_text(tenant), erp__v_text(id) };
		rc = erp__db_first_text(tx, "SELECT \"code\" FROM {core.currencies} WHERE tenant_id = $1 AND id = $2", p, 2, code,
		                        sizeof code);
		rc = rc < 0 ? rc : 0;
	}
	for (size_t k = 0; k < n && rc == 0; k++) {
		for (size_t i = 0; i < types[k].field_count && rc == 0; i++) {
			const erp__field *f = &types[k].fields[i];
			char column[64];
			snprintf(column, sizeof column, "\"%s\"", f->name);
			if (code[0] && f->kind == ERP__F_CURRENCY)
				rc = any_row_with(tx, tenant, types[k].table, column, code, NULL);
			else if (f->kind == ERP__F_REFERENCE && !(f->flags & ERP__PARENT) && strcmp(f->references, t->name) == 0)
				rc = any_row_with(tx, tenant, types[k].table, column, id, id);
			if (rc == 1)
				*by = types[k].name;
		}
	}
	return rc < 0 ? rc : ERP_OK;
}

/* ERP_OK, or erp__oom() when the acting user's name could not be copied. */
static int stamp(erp__row *row, const erp_ctx *ctx, bool creating)
{
	erp__now_timestamp(row->updated_at);
	free(row->updated_by);
	row->updated_by = strdup(ctx->user_id);
	if (creating) {
		memcpy(row->created_at, row->updated_at, sizeof row->created_at);
		free(row->created_by);
		row->created_by = strdup(ctx->user_id);
		row->version = 1;
		row->archived = false;
	}
	return row->updated_by && (!creating || row->created_by) ? ERP_OK : erp__oom();
}

static void set_parent(erp__row *line, const char *doc_id)
{
	const erp__field *pf = erp__entity_parent_field(line->type);
	erp__cell_set_text(&line->cells[pf - line->type->fields], doc_id, strlen(doc_id));
}

static int line_order(const void *x, const void *y)
{
	const erp__row *a = x, *b = y;
	const erp__field *f = erp__entity_field(a->type, "sequence");
	int64_t sa = a->cells[f - a->type->fields].v.i, sb = b->cells[f - b->type->fields].v.i;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Renders the entity into `result`, adds the audit row and runs the batch. `before_text` may be NULL. */
static int finish(erp__tx *tx, erp__db_batch *batch, const erp_ctx *ctx, const erp__doc *doc, const char *action,
                  const char *before_text, erp__scales *sc, erp__strbuf *result)
{
	erp__strbuf_clear(result);
	if (doc->line_count > 1) /* in the order erp_entity_get() reads them */
		qsort(doc->lines, doc->line_count, sizeof *doc->lines, line_order);
	int rc = erp__doc_write_json(result, tx, ctx->tenant_id, doc, sc);
	if (rc == ERP_OK)
		rc = erp__audit_add(batch, ctx, action, doc->row.type->name, doc->row.id, before_text, erp__strbuf_cstr(result));
	if (rc == ERP_OK)
		rc = erp__db_batch_flush(batch);
	return rc;
}

/* ---- create ------------------------------------------------------------------------ */

typedef struct {
	erp_ctx *ctx;
	erp__doc doc;
	erp__strbuf result;
} create_job;

static int create_body(erp__tx *tx, void *payload)
{
	create_job *job = payload;
	const char *tenant = job->ctx->tenant_id;
	erp__doc *doc = &job->doc;
	erp__scales *sc = erp__scales_new();
	if (!sc)
		return erp__oom();
	int rc = erp__row_resolve(tx, tenant, &doc->row, NULL, sc);
	if (rc == ERP_OK)
		rc = erp__entity_rules(&doc->row);
	if (rc == ERP_OK)
		rc = unique_check(tx, tenant, &doc->row);
	if (rc == ERP_OK)
		rc = ancestors_check(tx, tenant, &doc->row, false); /* a new row is below nothing yet: only the depth */
	for (size_t i = 0; rc == ERP_OK && i < doc->line_count; i++) {
		set_parent(&doc->lines[i], doc->row.id);
		rc = erp__row_resolve(tx, tenant, &doc->lines[i], &doc->row, sc);
	}
	if (rc == ERP_OK && doc->row.type->lines_type)
		rc = erp__doc_compute(tx, tenant, doc, sc);
	/* The row, its lines and the audit row go to the store together. */
	erp__db_batch batch;
	erp__db_batch_init(&batch, tx);
	if (rc == ERP_OK)
		rc = row_insert(tx, &batch, tenant, &doc->row);
	for (size_t i = 0; rc == ERP_OK && i < doc->line_count; i++)
		rc = row_insert(tx, &batch, tenant, &doc->lines[i]);
	if (rc == ERP_OK)
		rc = finish(tx, &batch, job->ctx, doc, "create", NULL, sc, &job->result);
	erp__db_batch_free(&batch);
	erp__scales_free(sc);
	return rc;
}

/* Turns a JSON "lines" array into line rows (create: no ids allowed). */
static int lines_from_json(erp__doc *doc, json_t *lines, const erp_ctx *ctx)
{
	const erp__entity_type *t = doc->row.type;
	if (!lines)
		return ERP_OK;
	if (!json_is_array(lines))
		return erp__field_invalid(t, "lines", "must be an array of line objects");
	if (json_array_size(lines) > 10000)
		return erp__field_invalid(t, "lines", "has more than 10000 lines");
	const erp__entity_type *lt = erp__entity_type_find(t->lines_type);
	doc->lines = calloc(json_array_size(lines) + 1, sizeof *doc->lines);
	if (!doc->lines)
		return erp__oom();
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l) {
		erp__row *line = &doc->lines[i];
		int rc = erp__row_init(line, lt);
		if (rc != ERP_OK)
			return rc;
		doc->line_count++;
		if (json_is_object(l) && json_object_get(l, "id"))
			return erp__error(ERP_EINVALID, lt->name, "id", "lines[%zu]: a new line has no id", i);
		if ((rc = erp__row_apply_json(line, l, true, NULL, ctx->base_currency)) != ERP_OK)
			return erp__error(rc, erp_error_last()->entity, erp_error_last()->field, "lines[%zu]: %s", i,
			                  erp_error_last()->message);
		erp__uuid_v7(line->id);
		if ((rc = stamp(line, ctx, true)) != ERP_OK)
			return rc;
	}
	return ERP_OK;
}

int erp_entity_create(erp_buf *out, erp_ctx *ctx, const char *type, const char *json)
{
	const erp__entity_type *t;
	int rc = erp__entity_args(&t, NULL, ctx, ERP_ROLE_READWRITE, type, NULL, true, "creating entities");
	if (rc != ERP_OK)
		return rc;
	json_error_t jerr;
	json_t *input = json ? erp__json_loads(json, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (!input && json && erp__json_load_oom(&jerr))
		return erp__oom();
	if (!input)
		return erp__error(ERP_EINVALID, t->name, "json", "%s", json ? jerr.text : "json is NULL");
	create_job job = { ctx, { { 0 }, NULL, 0 }, ERP__STRBUF_INIT };
	rc = erp__row_init(&job.doc.row, t);
	if (rc == ERP_OK)
		rc = erp__row_apply_json(&job.doc.row, input, true, t->lines_type ? "lines" : NULL, ctx->base_currency);
	if (rc == ERP_OK) {
		erp__uuid_v7(job.doc.row.id);
		rc = stamp(&job.doc.row, ctx, true);
		if (rc == ERP_OK && t->lines_type)
			rc = lines_from_json(&job.doc, json_object_get(input, "lines"), ctx);
	}
	if (rc == ERP_OK) {
		erp_storage_scope scope = erp__ctx_scope(ctx);
		rc = erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, create_body, &job);
	}
	if (rc == ERP_OK && out)
		rc = erp__strbuf_detach(out, &job.result);
	erp__strbuf_free(&job.result);
	erp__doc_free(&job.doc);
	json_decref(input);
	return rc;
}

/* ---- update ------------------------------------------------------------------------ */

/* Loads and locks an entity to change it, checks the caller's version, and renders its "before". */
static int load_for_write(erp__tx *tx, const char *tenant, const erp__entity_type *t, const char *id, int64_t version,
                          erp__doc *doc, erp__scales *sc, char **before)
{
	int rc = erp__doc_load(tx, tenant, t, id, true, doc);
	if (rc == ERP_OK && doc->row.version != version)
		rc = erp__error(ERP_ECONFLICT, t->name, "version", "%s %s is at version %lld, not %lld: read it again", t->name,
		                id, (long long)doc->row.version, (long long)version);
	if (rc == ERP_OK && !(*before = erp__doc_to_text(tx, tenant, doc, sc)))
		rc = erp_error_last()->code ? erp_error_last()->code : erp__oom();
	return rc;
}

typedef struct {
	erp_ctx *ctx;
	const erp__entity_type *type;
	const char *id;
	int64_t version;
	json_t *patch;
	erp__strbuf result;
} update_job;

/* Applies a "lines" array to a loaded document: update by id, add, remove the rest. */
static int lines_merge(erp__tx *tx, const erp_ctx *ctx, erp__doc *doc, json_t *lines, erp__scales *sc,
                       bool **keep_out, size_t *old_count)
{
	const erp__entity_type *t = doc->row.type, *lt = erp__entity_type_find(t->lines_type);
	if (!json_is_array(lines))
		return erp__field_invalid(t, "lines", "must be an array of line objects");
	if (json_array_size(lines) > 10000)
		return erp__field_invalid(t, "lines", "has more than 10000 lines");
	*old_count = doc->line_count;
	bool *keep = calloc(doc->line_count + 1, sizeof *keep);
	erp__row *all = realloc(doc->lines, (doc->line_count + json_array_size(lines) + 1) * sizeof *all);
	if (!keep || !all) {
		free(keep);
		return erp__oom();
	}
	doc->lines = all;
	*keep_out = keep;
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l) {
		if (!json_is_object(l))
			return erp__error(ERP_EINVALID, lt->name, "lines", "lines[%zu] must be an object", i);
		json_t *jid = json_object_get(l, "id");
		erp__row *line = NULL;
		bool creating = jid == NULL;
		int rc;
		if (jid) {
			char id[ERP__UUID_LEN + 1];
			if (!json_is_string(jid) || !erp__uuid_normalize(id, json_string_value(jid)))
				return erp__error(ERP_EINVALID, lt->name, "id", "lines[%zu].id must be a UUID", i);
			for (size_t k = 0; k < *old_count && !line; k++)
				if (strcmp(doc->lines[k].id, id) == 0)
					line = &doc->lines[k];
			if (!line)
				return erp__error(ERP_ENOTFOUND, lt->name, "id", "lines[%zu]: no line %s in this %s", i, id, t->name);
			if (keep[line - doc->lines])
				return erp__error(ERP_EINVALID, lt->name, "id", "lines[%zu]: line %s is given twice", i, id);
			keep[line - doc->lines] = true;
			json_t *fields = json_deep_copy(l);
			if (!fields)
				return erp__oom();
			json_object_del(fields, "id");
			rc = erp__row_apply_json(line, fields, false, NULL, ctx->base_currency);
			json_decref(fields);
		} else {
			line = &doc->lines[doc->line_count];
			if ((rc = erp__row_init(line, lt)) != ERP_OK)
				return rc;
			doc->line_count++;
			erp__uuid_v7(line->id);
			rc = erp__row_apply_json(line, l, true, NULL, ctx->base_currency);
			set_parent(line, doc->row.id);
		}
		if (rc != ERP_OK)
			return erp__error(rc, erp_error_last()->entity, erp_error_last()->field, "lines[%zu]: %s", i,
			                  erp_error_last()->message);
		if ((rc = stamp(line, ctx, creating)) != ERP_OK)
			return rc;
		if ((rc = erp__row_resolve(tx, ctx->tenant_id, line, &doc->row, sc)) != ERP_OK)
			return erp__error(rc, erp_error_last()->entity, erp_error_last()->field, "lines[%zu]: %s", i,
			                  erp_error_last()->message);
	}
	return ERP_OK;
}

static int update_body(erp__tx *tx, void *payload)
{
	update_job *job = payload;
	const char *tenant = job->ctx->tenant_id;
	const erp__entity_type *t = job->type;
	erp__doc doc;
	erp__scales *sc = erp__scales_new();
	char *before = NULL;
	bool *keep = NULL;
	size_t old_count = 0;
	if (!sc)
		return erp__oom();
	int rc = load_for_write(tx, tenant, t, job->id, job->version, &doc, sc, &before);
	if (rc == ERP_OK)
		rc = erp__row_apply_json(&doc.row, job->patch, false, t->lines_type ? "lines" : NULL, job->ctx->base_currency);
	if (rc == ERP_OK)
		rc = erp__row_resolve(tx, tenant, &doc.row, NULL, sc);
	if (rc == ERP_OK)
		rc = unique_check(tx, tenant, &doc.row);
	if (rc == ERP_OK)
		rc = ancestors_check(tx, tenant, &doc.row, true);
	if (rc == ERP_OK)
		rc = erp__entity_hooks_before_update(tx, t->name, tenant, job->id, job->patch);
	json_t *lines = t->lines_type ? json_object_get(job->patch, "lines") : NULL;
	if (rc == ERP_OK && lines)
		rc = lines_merge(tx, job->ctx, &doc, lines, sc, &keep, &old_count);
	if (rc == ERP_OK && t->lines_type) {
		/* Totals over the lines that stay. */
		erp__doc view = doc;
		erp__row *kept = NULL;
		if (lines && !(kept = malloc((doc.line_count + 1) * sizeof *kept)))
			rc = erp__oom();
		if (kept) {
			size_t w = 0;
			for (size_t i = 0; i < doc.line_count; i++)
				if (!(i < old_count && !keep[i]))
					kept[w++] = doc.lines[i];
			view.lines = kept;
			view.line_count = w;
		}
		if (rc == ERP_OK)
			rc = erp__doc_compute(tx, tenant, &view, sc);
		free(kept);
	}
	if (rc == ERP_OK && (rc = stamp(&doc.row, job->ctx, false)) == ERP_OK) {
		rc = row_update(tx, tenant, &doc.row, job->version);
		doc.row.version = job->version + 1;
	}
	/* Lines: remove those left out, rewrite the others, add the new ones. */
	erp__db_batch batch;
	erp__db_batch_init(&batch, tx);
	for (size_t i = 0; rc == ERP_OK && lines && i < doc.line_count; i++) {
		erp__row *line = &doc.lines[i];
		if (i < old_count && !keep[i])
			rc = row_delete(tx, &batch, tenant, line->type, line->id);
		else if (i >= old_count)
			rc = row_insert(tx, &batch, tenant, line);
		else if ((rc = row_update(tx, tenant, line, line->version)) == ERP_OK)
			line->version++;
	}
	if (rc == ERP_OK && lines) {
		/* Drop removed lines from the document before rendering it. */
		size_t w = 0;
		for (size_t i = 0; i < doc.line_count; i++) {
			if (i < old_count && !keep[i]) {
				erp__row_free(&doc.lines[i]);
				continue;
			}
			doc.lines[w++] = doc.lines[i];
		}
		doc.line_count = w;
	}
	if (rc == ERP_OK)
		rc = finish(tx, &batch, job->ctx, &doc, "update", before, sc, &job->result);
	erp__db_batch_free(&batch);
	free(keep);
	free(before);
	erp__doc_free(&doc);
	erp__scales_free(sc);
	return rc;
}

int erp_entity_update(erp_buf *out, erp_ctx *ctx, const char *type, const char *id, int64_t version, const char *json)
{
	const erp__entity_type *t;
	char norm[ERP__UUID_LEN + 1];
	int rc = erp__entity_args(&t, norm, ctx, ERP_ROLE_READWRITE, type, id, true, "updating entities");
	if (rc != ERP_OK)
		return rc;
	if (version < 1)
		return erp__error(ERP_EINVALID, t->name, "version", "version must be the version you read (1 or more)");
	json_error_t jerr;
	json_t *patch = json ? erp__json_loads(json, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (!patch && json && erp__json_load_oom(&jerr))
		return erp__oom();
	if (!patch)
		return erp__error(ERP_EINVALID, t->name, "json", "%s", json ? jerr.text : "json is NULL");
	if (!json_is_object(patch)) {
		json_decref(patch);
		return erp__error(ERP_EINVALID, t->name, "json", "the changes to a %s must be a JSON object", t->name);
	}
	update_job job = { ctx, t, norm, version, patch, ERP__STRBUF_INIT };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	rc = erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, update_body, &job);
	if (rc == ERP_OK && out)
		rc = erp__strbuf_detach(out, &job.result);
	erp__strbuf_free(&job.result);
	json_decref(patch);
	return rc;
}

/* ---- delete ------------------------------------------------------------------------ */

typedef struct {
	erp_ctx *ctx;
	const erp__entity_type *type;
	const char *id;
	int64_t version;
	json_t *result;
	erp__strbuf after;
} delete_job;

static int delete_body(erp__tx *tx, void *payload)
{
	delete_job *job = payload;
	const char *tenant = job->ctx->tenant_id;
	const erp__entity_type *t = job->type;
	erp__doc doc;
	erp__scales *sc = erp__scales_new();
	char *before = NULL;
	const char *by = NULL;
	if (!sc)
		return erp__oom();
	int rc = load_for_write(tx, tenant, t, job->id, job->version, &doc, sc, &before);
	if (rc == ERP_OK)
		rc = referenced_by(tx, tenant, t, job->id, &by);
	erp__db_batch batch;
	erp__db_batch_init(&batch, tx);
	if (rc == ERP_OK && by) {
		doc.row.archived = true;
		if ((rc = stamp(&doc.row, job->ctx, false)) == ERP_OK)
			rc = row_update(tx, tenant, &doc.row, job->version);
		doc.row.version++;
		if (rc == ERP_OK)
			rc = finish(tx, &batch, job->ctx, &doc, "archive", before, sc, &job->after);
	} else if (rc == ERP_OK) {
		rc = row_delete(tx, &batch, tenant, t, job->id);
		if (rc == ERP_OK)
			rc = erp__audit_add(&batch, job->ctx, "delete", t->name, job->id, before, NULL);
		if (rc == ERP_OK)
			rc = erp__db_batch_flush(&batch);
	}
	erp__db_batch_free(&batch);
	if (rc == ERP_OK) {
		json_decref(job->result);
		job->result = json_pack("{s:s, s:s, s:s?}", "id", job->id, "result", by ? "archived" : "deleted", "referenced_by", by);
		if (!job->result)
			rc = erp__oom();
	}
	free(before);
	erp__doc_free(&doc);
	erp__scales_free(sc);
	return rc;
}

int erp_entity_delete(erp_buf *out, erp_ctx *ctx, const char *type, const char *id, int64_t version)
{
	const erp__entity_type *t;
	char norm[ERP__UUID_LEN + 1];
	int rc = erp__entity_args(&t, norm, ctx, ERP_ROLE_READWRITE, type, id, true, "deleting entities");
	if (rc != ERP_OK)
		return rc;
	if (version < 1)
		return erp__error(ERP_EINVALID, t->name, "version", "version must be the version you read (1 or more)");
	delete_job job = { ctx, t, norm, version, NULL, ERP__STRBUF_INIT };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	rc = erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, delete_body, &job);
	if (rc == ERP_OK && out)
		rc = erp__json_to_buf(out, job.result);
	json_decref(job.result);
	erp__strbuf_free(&job.after);
	return rc;
}
