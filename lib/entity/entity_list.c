/*
 * Listing entities: filters, sort, keyset pagination with an opaque
 * cursor, and an optional total (erp/entity.h).
 *
 * Field names come only from the type's description and every value is a
 * bound parameter. Sorting is total: the requested keys, then id. NULL
 * sorts after every value (ascending) and before (descending), the same on
 * every backend, and the keyset condition follows that order.
 */
#include <erp/entity.h>

#include "util/decimal.h"
#include "entity_internal.h"
#include "util/array.h"
#include "util/error.h"
#include "util/cursor.h"
#include "util/json_out.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_DEFAULT_LIMIT 50
#define LIST_MAX_LIMIT 1000
#define MAX_FILTERS 32
#define MAX_SORT 4
#define MAX_IN 100

/* A column a query may name: a described field or one of the system columns. */
typedef struct {
	const char *name;
	const erp__field *field; /* NULL for system columns */
	erp__field_kind kind;
} column;

static const char *const SYSTEM_FILTERABLE[] = { "id", "created_at", "updated_at", "created_by", "updated_by", "version", NULL };

static bool column_find(column *out, const erp__entity_type *t, const char *name)
{
	const erp__field *f = name ? erp__entity_field(t, name) : NULL;
	if (f) {
		*out = (column){ f->name, f, f->kind };
		return true;
	}
	for (const char *const *s = SYSTEM_FILTERABLE; name && *s; s++)
		if (strcmp(*s, name) == 0) {
			erp__field_kind k = strcmp(name, "id") == 0 ? ERP__F_REFERENCE
			                    : strcmp(name, "version") == 0 ? ERP__F_INTEGER
			                    : (strcmp(name, "created_by") == 0 || strcmp(name, "updated_by") == 0) ? ERP__F_TEXT
			                    : ERP__F_DATETIME;
			*out = (column){ *s, NULL, k };
			return true;
		}
	return false;
}

/* Parameters of the statement being built; text values are owned by cells. */
typedef struct {
	erp_value *values;
	erp__cell *cells;   /* zeroed up to cells_cap */
	size_t count, values_cap, cells_cap;
} params;

static erp_value *param_push(params *p)
{
	size_t zeroed = p->cells_cap;
	if (!ERP__ARRAY_TRY_RESERVE(p->values, p->values_cap, p->count + 1) ||
	    !ERP__ARRAY_TRY_RESERVE(p->cells, p->cells_cap, p->count + 1))
		return NULL;
	memset(p->cells + zeroed, 0, (p->cells_cap - zeroed) * sizeof *p->cells);
	return &p->values[p->count++];
}

static void params_free(params *p)
{
	for (size_t i = 0; i < p->cells_cap && p->cells; i++)
		free(p->cells[i].text);
	free(p->cells);
	free(p->values);
}

typedef struct {
	erp_ctx *ctx;
	const erp__entity_type *type;
	json_t *query;
	/* parsed */
	json_t *filters;
	column sort[MAX_SORT + 1];
	bool desc[MAX_SORT + 1];
	size_t nsort;
	int64_t limit;
	bool count;
	bool include_archived;
	json_t *cursor;   /* decoded: the sort values of the row it follows */
	const char *cursor_text;
	char binding[ERP__CURSOR_BINDING_LEN + 1];
	erp__strbuf result;
} list_job;

static int query_invalid(const list_job *job, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int query_invalid(const list_job *job, const char *field, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return erp__error(ERP_EINVALID, job->type->name, field, "%s list query: %s", job->type->name, msg);
}

/* The sort keys as text, to bind a cursor to the query that made it. */
static void sort_signature(char *out, size_t cap, const list_job *job)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < job->nsort && used < cap; i++)
		used += (size_t)snprintf(out + used, cap - used, "%s%s:%s", i ? "," : "", job->sort[i].name, job->desc[i] ? "d" : "a");
}

/*
 * The binding of the list's cursors, made when first needed (a cursor to
 * read or a next page): the tenant, the type, the filters, the sort and
 * the archived switch.
 */
static int list_binding(list_job *job)
{
	if (job->binding[0])
		return ERP_OK;
	char sig[256];
	sort_signature(sig, sizeof sig, job);
	char *filters = job->filters ? erp__json_dumps(job->filters, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (job->filters && !filters)
		return erp__oom();
	const char *parts[] = { job->type->name, filters, sig, job->include_archived ? "archived too" : "live only" };
	erp__cursor_binding(job->binding, "entity", job->ctx->tenant_id, parts, 4);
	free(filters);
	return ERP_OK;
}

static int parse_query(list_job *job)
{
	json_t *q = job->query;
	job->limit = LIST_DEFAULT_LIMIT;
	if (q && !json_is_object(q))
		return query_invalid(job, "query", "must be a JSON object");
	const char *key;
	json_t *v;
	json_object_foreach(q, key, v) {
		if (strcmp(key, "filter") == 0) {
			if (!json_is_array(v) || json_array_size(v) > MAX_FILTERS)
				return query_invalid(job, "filter", "must be an array of at most %d [field, op, value] triples", MAX_FILTERS);
			job->filters = v;
		} else if (strcmp(key, "sort") == 0) {
			if (!json_is_array(v) || json_array_size(v) > MAX_SORT)
				return query_invalid(job, "sort", "must be an array of at most %d [field, \"asc\"|\"desc\"] pairs", MAX_SORT);
			size_t i;
			json_t *s;
			json_array_foreach(v, i, s) {
				const char *name = json_string_value(json_array_get(s, 0));
				const char *dir = json_array_size(s) > 1 ? json_string_value(json_array_get(s, 1)) : "asc";
				column c;
				if (!json_is_array(s) || json_array_size(s) > 2 || !column_find(&c, job->type, name))
					return query_invalid(job, "sort", "sort[%zu] must name a field of %s", i, job->type->name);
				if (c.kind == ERP__F_JSON)
					return query_invalid(job, name, "a json field cannot be sorted on");
				if (!dir || (strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0))
					return query_invalid(job, "sort", "sort[%zu]: the direction is \"asc\" or \"desc\"", i);
				if (strcmp(c.name, "id") == 0)
					return query_invalid(job, "sort", "id always breaks ties; sort on other fields");
				job->sort[job->nsort] = c;
				job->desc[job->nsort++] = strcmp(dir, "desc") == 0;
			}
		} else if (strcmp(key, "limit") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > LIST_MAX_LIMIT)
				return query_invalid(job, "limit", "limit must be an integer from 1 to %d", LIST_MAX_LIMIT);
			job->limit = json_integer_value(v);
		} else if (strcmp(key, "count") == 0) {
			if (!json_is_boolean(v))
				return query_invalid(job, "count", "count must be true or false");
			job->count = json_is_true(v);
		} else if (strcmp(key, "include_archived") == 0) {
			if (!json_is_boolean(v))
				return query_invalid(job, "include_archived", "include_archived must be true or false");
			job->include_archived = json_is_true(v);
		} else if (strcmp(key, "cursor") == 0) {
			if (json_is_null(v))
				continue;
			if (!(job->cursor_text = json_string_value(v)))
				return query_invalid(job, "cursor", "cursor is not one this library returned");
		} else {
			return query_invalid(job, key, "unknown key '%.60s' (filter, sort, limit, cursor, count, include_archived)", key);
		}
	}
	column id;
	column_find(&id, job->type, "id");
	job->sort[job->nsort] = id;
	job->desc[job->nsort] = job->nsort ? job->desc[job->nsort - 1] : false;
	job->nsort++;
	int rc = ERP_OK;
	if (job->cursor_text && (rc = list_binding(job)) == ERP_OK)
		rc = erp__cursor_open(&job->cursor, job->cursor_text, job->binding, job->nsort, job->type->name);
	return rc;
}

/* A filter or cursor value in storage form, bound as the next parameter. */
static int bind_value(erp__tx *tx, list_job *job, params *p, const column *c, json_t *v, size_t *index)
{
	erp_value *slot = param_push(p);
	if (!slot)
		return erp__oom();
	erp__cell *cell = &p->cells[p->count - 1];
	*index = p->count;
	int rc;
	if (c->field) {
		rc = erp__cell_from_json(cell, job->type, c->field, v);
	} else if (c->kind == ERP__F_INTEGER) {
		if (!json_is_integer(v))
			return query_invalid(job, c->name, "%s takes an integer", c->name);
		erp__cell_set_int(cell, json_integer_value(v));
		rc = ERP_OK;
	} else {
		erp__field f = { c->name, c->kind, 0, 200, 0, 0, 0, NULL, job->type->name, NULL, NULL };
		rc = erp__cell_from_json(cell, job->type, &f, v);
	}
	if (rc != ERP_OK)
		return rc;
	if ((c->kind == ERP__F_MONEY || c->kind == ERP__F_QUANTITY) && cell->v.type == ERP_VALUE_TEXT) {
		/* Money is read at the tenant's base currency, unless the query pins the currency. */
		int scale = -1;
		const char *unit = NULL;
		size_t i;
		json_t *f;
		json_array_foreach(job->filters, i, f) {
			const char *name = json_string_value(json_array_get(f, 0)), *op = json_string_value(json_array_get(f, 1));
			if (name && op && strcmp(name, c->field->scale_field) == 0 && strcmp(op, "eq") == 0)
				unit = json_string_value(json_array_get(f, 2));
		}
		erp__scales *sc = erp__scales_new();
		if (!sc)
			return erp__oom();
		if (c->kind == ERP__F_MONEY)
			rc = erp__scales_currency(tx, job->ctx->tenant_id, sc, unit ? unit : job->ctx->base_currency, &scale);
		else if (unit) {
			rc = erp__scales_uom(tx, job->ctx->tenant_id, sc, unit, &scale);
			if (rc == ERP_ENOTFOUND) /* a filter names no row: bad input, as an unknown currency */
				rc = query_invalid(job, c->field->scale_field, "no core.uom with id '%.40s'", unit);
		} else
			rc = query_invalid(job, c->name, "a quantity filter needs an eq filter on %s", c->field->scale_field);
		erp__scales_free(sc);
		if (rc != ERP_OK)
			return rc;
		if (scale < 0)
			return query_invalid(job, c->name, "unknown currency");
		int64_t minor;
		if (erp__decimal_parse(&minor, cell->v.s, scale) != ERP__DECIMAL_OK)
			return query_invalid(job, c->name, "'%.40s' does not fit the scale %d", cell->v.s, scale);
		erp__cell_set_int(cell, minor);
	}
	*slot = cell->v;
	return ERP_OK;
}

static int add_filters(erp__tx *tx, list_job *job, erp__strbuf *sql, params *p)
{
	size_t i;
	json_t *f;
	json_array_foreach(job->filters, i, f) {
		const char *name = json_string_value(json_array_get(f, 0));
		const char *op = json_string_value(json_array_get(f, 1));
		json_t *v = json_array_get(f, 2);
		column c;
		if (!json_is_array(f) || json_array_size(f) != 3 || !op)
			return query_invalid(job, "filter", "filter[%zu] must be [field, op, value]", i);
		if (!column_find(&c, job->type, name))
			return erp__error(ERP_EINVALID, job->type->name, name ? name : "filter", "%s has no field '%.60s' to filter on",
			                  job->type->name, name ? name : "(not a string)");
		static const struct { const char *op, *sql; } cmp[] = {
			{ "eq", "=" }, { "ne", "<>" }, { "lt", "<" }, { "le", "<=" }, { "gt", ">" }, { "ge", ">=" },
		};
		size_t index;
		int rc;
		const char *sql_op = NULL;
		for (size_t k = 0; k < sizeof cmp / sizeof cmp[0]; k++)
			if (strcmp(op, cmp[k].op) == 0)
				sql_op = cmp[k].sql;
		if (c.kind == ERP__F_JSON)
			return query_invalid(job, c.name, "a json field cannot be filtered on");
		if (sql_op) {
			if (json_is_null(v))
				return query_invalid(job, c.name, "compare with null through is_null");
			if ((rc = bind_value(tx, job, p, &c, v, &index)) != ERP_OK)
				return rc;
			erp__strbuf_printf(sql, " AND \"%s\" %s $%zu", c.name, sql_op, index);
		} else if (strcmp(op, "in") == 0) {
			if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > MAX_IN)
				return query_invalid(job, c.name, "in takes an array of 1 to %d values", MAX_IN);
			erp__strbuf_printf(sql, " AND \"%s\" IN (", c.name);
			size_t k;
			json_t *e;
			json_array_foreach(v, k, e) {
				if (json_is_null(e))
					return query_invalid(job, c.name, "in cannot match null; use is_null");
				if ((rc = bind_value(tx, job, p, &c, e, &index)) != ERP_OK)
					return rc;
				erp__strbuf_printf(sql, "%s$%zu", k ? ", " : "", index);
			}
			erp__strbuf_putc(sql, ')');
		} else if (strcmp(op, "like") == 0) {
			if (c.kind != ERP__F_TEXT && c.kind != ERP__F_ENUM && c.kind != ERP__F_CURRENCY)
				return query_invalid(job, c.name, "like applies to text fields");
			if (!json_is_string(v) || json_string_length(v) > 200)
				return query_invalid(job, c.name, "like takes a pattern string of at most 200 bytes");
			erp__field pattern = { c.name, ERP__F_TEXT, 0, 200, 0, 0, 0, NULL, NULL, NULL, NULL };
			column pc = { c.name, &pattern, ERP__F_TEXT };
			if ((rc = bind_value(tx, job, p, &pc, v, &index)) != ERP_OK)
				return rc;
			erp__strbuf_printf(sql, " AND lower(\"%s\") LIKE lower($%zu)", c.name, index);
		} else if (strcmp(op, "is_null") == 0) {
			if (!json_is_boolean(v))
				return query_invalid(job, c.name, "is_null takes true or false");
			erp__strbuf_printf(sql, " AND \"%s\" IS %sNULL", c.name, json_is_true(v) ? "" : "NOT ");
		} else {
			return query_invalid(job, "filter", "filter[%zu]: unknown operator '%.20s' (eq, ne, lt, le, gt, ge, in, like, is_null)", i, op);
		}
	}
	return ERP_OK;
}

/* Rows after the cursor, in the total order (keys..., id), NULL as the largest value. */
static int add_keyset(erp__tx *tx, list_job *job, erp__strbuf *sql, params *p)
{
	if (!job->cursor)
		return ERP_OK;
	erp__strbuf_puts(sql, " AND (");
	for (size_t k = 0; k < job->nsort; k++) {
		erp__strbuf_puts(sql, k ? " OR (" : "(");
		for (size_t e = 0; e <= k; e++) {
			const column *c = &job->sort[e];
			json_t *v = json_array_get(job->cursor, e);
			size_t index = 0;
			if (!json_is_null(v)) {
				/* Cursor values are stored in storage form: integers or text. */
				erp_value *slot = param_push(p);
				if (!slot)
					return erp__oom();
				erp__cell *cell = &p->cells[p->count - 1];
				/* A cursor value must have its column's storage form (it is bound as such). */
				erp__field_kind ck = c->kind;
				bool as_int = ck == ERP__F_INTEGER || ck == ERP__F_DECIMAL || ck == ERP__F_MONEY || ck == ERP__F_QUANTITY ||
				              ck == ERP__F_BOOLEAN;
				char norm[ERP__UUID_LEN + 1];
				if (as_int && json_is_integer(v))
					erp__cell_set_int(cell, json_integer_value(v));
				else if (!as_int && json_is_string(v) && (ck != ERP__F_REFERENCE || erp__uuid_normalize(norm, json_string_value(v))) &&
				         (ck != ERP__F_DATETIME || (json_string_length(v) == 27 && json_string_value(v)[10] == 'T')))
					erp__cell_set_text(cell, json_string_value(v), json_string_length(v));
				else
					return query_invalid(job, "cursor", "cursor is not one this library returned");
				*slot = cell->v;
				index = p->count;
			}
			if (e)
				erp__strbuf_puts(sql, " AND ");
			if (e < k) { /* equal on the earlier keys */
				if (index)
					erp__strbuf_printf(sql, "\"%s\" = $%zu", c->name, index);
				else
					erp__strbuf_printf(sql, "\"%s\" IS NULL", c->name);
			} else if (!job->desc[e]) { /* after, ascending: larger, or NULL */
				if (index)
					erp__strbuf_printf(sql, "(\"%s\" > $%zu OR \"%s\" IS NULL)", c->name, index, c->name);
				else
					erp__strbuf_puts(sql, "1 = 0");
			} else { /* after, descending: smaller (NULL came first) */
				if (index)
					erp__strbuf_printf(sql, "\"%s\" < $%zu", c->name, index);
				else
					erp__strbuf_printf(sql, "\"%s\" IS NOT NULL", c->name);
			}
		}
		erp__strbuf_putc(sql, ')');
	}
	erp__strbuf_putc(sql, ')');
	(void)tx;
	return ERP_OK;
}

static void add_order(list_job *job, erp__strbuf *sql)
{
	erp__strbuf_puts(sql, " ORDER BY ");
	for (size_t k = 0; k < job->nsort; k++) {
		const char *name = job->sort[k].name;
		if (strcmp(name, "id") == 0)
			erp__strbuf_printf(sql, "%sid%s", k ? ", " : "", job->desc[k] ? " DESC" : "");
		else if (job->desc[k])
			erp__strbuf_printf(sql, "%s(\"%s\" IS NULL) DESC, \"%s\" DESC", k ? ", " : "", name, name);
		else
			erp__strbuf_printf(sql, "%s(\"%s\" IS NULL), \"%s\"", k ? ", " : "", name, name);
	}
}

/* The storage value of a sort key in a loaded row. */
static erp_value row_key(const erp__row *row, const column *c)
{
	if (c->field)
		return row->cells[c->field - row->type->fields].v;
	if (strcmp(c->name, "id") == 0)
		return erp__v_text(row->id);
	if (strcmp(c->name, "version") == 0)
		return erp__v_int(row->version);
	if (strcmp(c->name, "created_at") == 0)
		return erp__v_text(row->created_at);
	if (strcmp(c->name, "updated_at") == 0)
		return erp__v_text(row->updated_at);
	if (strcmp(c->name, "created_by") == 0)
		return erp__v_text(row->created_by);
	return erp__v_text(row->updated_by);
}

/* The cursor after `row`: its sort values in storage form. */
static char *make_cursor(list_job *job, const erp__row *row)
{
	if (list_binding(job) != ERP_OK)
		return NULL;
	json_t *arr = json_array();
	for (size_t k = 0; arr && k < job->nsort; k++) {
		erp_value v = row_key(row, &job->sort[k]);
		json_t *j = v.type == ERP_VALUE_NULL ? json_null() : v.type == ERP_VALUE_INT ? json_integer(v.i) : json_stringn(v.s, v.len);
		if (!j || json_array_append_new(arr, j) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	char *text = arr ? erp__cursor_make(arr, job->binding) : NULL;
	json_decref(arr);
	return text;
}

static int list_body(erp__tx *tx, void *payload)
{
	list_job *job = payload;
	const erp__entity_type *t = job->type;
	const char *tenant = job->ctx->tenant_id;
	erp__strbuf_clear(&job->result);
	erp__strbuf where = ERP__STRBUF_INIT, sql = ERP__STRBUF_INIT;
	params p = { 0 };
	erp_value *first = param_push(&p);
	int rc = first ? ERP_OK : erp__oom();
	if (rc == ERP_OK) {
		*first = erp__v_text(tenant);
		erp__strbuf_printf(&where, " FROM %s WHERE tenant_id = $1", t->table);
		if (!job->include_archived)
			erp__strbuf_puts(&where, " AND archived = false");
		rc = add_filters(tx, job, &where, &p);
	}
	erp__strbuf *items = &job->result;
	erp__strbuf_puts(items, "{\"items\":[");
	int64_t total = -1;
	if (rc == ERP_OK && job->count) {
		erp__strbuf_printf(&sql, "SELECT count(*)%s", erp__strbuf_cstr(&where));
		erp_storage_rows *rows;
		/* A failed strbuf keeps what it had: `where` may have lost a filter. */
		rc = erp__strbuf_ok(&sql) && erp__strbuf_ok(&where)
		         ? erp__db_query(&rows, tx, erp__strbuf_cstr(&sql), p.values, p.count)
		         : erp__oom();
		if (rc == ERP_OK) {
			if ((rc = erp__db_next(tx, rows)) == 1) {
				total = erp__db_int(tx, rows, 0);
				rc = ERP_OK;
			}
			erp__db_close(tx, rows);
		}
	}
	if (rc == ERP_OK)
		rc = add_keyset(tx, job, &where, &p);
	char *next = NULL;
	if (rc == ERP_OK) {
		erp__strbuf_clear(&sql);
		erp__strbuf_puts(&sql, "SELECT ");
		erp__row_select_list(&sql, t, NULL);
		erp__strbuf_puts(&sql, erp__strbuf_cstr(&where));
		add_order(job, &sql);
		erp__strbuf_printf(&sql, " LIMIT %lld", (long long)job->limit + 1);
		erp_storage_rows *rows = NULL;
		erp__scales *sc = erp__scales_new();
		erp__row *loaded = calloc((size_t)job->limit + 1, sizeof *loaded);
		size_t n = 0;
		bool more = false;
		rc = erp__strbuf_ok(&sql) && erp__strbuf_ok(&where) && sc && loaded
		         ? erp__db_query(&rows, tx, erp__strbuf_cstr(&sql), p.values, p.count)
		         : erp__oom();
		while (rc == ERP_OK) {
			int step = erp__db_next(tx, rows);
			if (step <= 0) {
				rc = step;
				break;
			}
			if ((int64_t)n == job->limit) {
				more = true;
				break;
			}
			if ((rc = erp__row_init(&loaded[n], t)) == ERP_OK && (rc = erp__row_load(tx, rows, &loaded[n])) == ERP_OK)
				n++;
		}
		if (rows)
			erp__db_close(tx, rows);
		/* Render after reading: scales may need their own queries. */
		for (size_t i = 0; rc == ERP_OK && i < n; i++) {
			if (i)
				erp__strbuf_putc(items, ',');
			rc = erp__row_write_json(items, tx, tenant, &loaded[i], NULL, sc);
		}
		if (rc == ERP_OK && more && !(next = make_cursor(job, &loaded[n - 1])))
			rc = erp__oom();
		erp__rows_free(loaded, loaded ? (size_t)job->limit + 1 : 0);
		erp__scales_free(sc);
	}
	if (rc == ERP_OK) {
		erp__strbuf_puts(items, "],\"next_cursor\":");
		if (next)
			erp__json_put_string(items, next, strlen(next));
		else
			erp__strbuf_puts(items, "null");
		if (total >= 0)
			erp__strbuf_printf(items, ",\"total\":%lld", (long long)total);
		erp__strbuf_putc(items, '}');
		if (!erp__strbuf_ok(items))
			rc = erp__oom();
	}
	free(next);
	erp__strbuf_free(&where);
	erp__strbuf_free(&sql);
	params_free(&p);
	return rc;
}

int erp_entity_list(erp_buf *out, erp_ctx *ctx, const char *type, const char *query)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	const erp__entity_type *t;
	int rc = erp__entity_args(&t, NULL, ctx, ERP_ROLE_READONLY, type, NULL, false, "listing entities");
	if (rc != ERP_OK)
		return rc;
	list_job job = { 0 };
	job.ctx = ctx;
	job.type = t;
	if (query) {
		json_error_t jerr;
		if (!(job.query = erp__json_loads(query, JSON_REJECT_DUPLICATES, &jerr)))
			return erp__json_load_oom(&jerr) ? erp__oom() : erp__error(ERP_EINVALID, t->name, "query", "query is not JSON: %s", jerr.text);
	}
	rc = parse_query(&job);
	if (rc == ERP_OK) {
		erp_storage_scope scope = erp__ctx_scope(ctx);
		rc = erp__tx_run(ctx->store, ERP_TX_READ, &scope, list_body, &job);
	}
	if (rc == ERP_OK)
		rc = erp__strbuf_detach(out, &job.result);
	erp__strbuf_free(&job.result);
	json_decref(job.cursor);
	json_decref(job.query);
	return rc;
}
