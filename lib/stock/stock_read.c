/*
 * Reading stock (erp/stock.h): moves and their history, reservations,
 * quantities now and as of a past day (from daily totals), the valuation
 * report and the open layers. Quantities and values are shown at the
 * product's unit precision and currency exponent.
 */
#include "stock_internal.h"

#include "core/db_where.h"
#include "util/array.h"
#include "util/cursor.h"

#include "util/decimal.h"
#include "util/error.h"
#include "util/json_out.h"
#include "stock_valuation.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared ------------------------------------------------------------------------ */

static json_t *decimal_json(int64_t v, int scale)
{
	char t[ERP__DECIMAL_TEXT];
	erp__decimal_format(t, v, scale);
	return json_string(t);
}

static json_t *text_json(erp__tx *tx, erp_storage_rows *rows, size_t col)
{
	char s[24];
	const char *v = erp__db_text(tx, rows, col, s);
	return v ? json_string(v) : json_null();
}

/* Products' scales, read once per transaction. */
typedef struct {
	erp__scales *sc;
	erp__stock_product *p;
	size_t n, cap;
} product_cache;

static int product_get(const erp__stock_product **out, erp__tx *tx, const char *tenant, product_cache *c, const char *id)
{
	for (size_t k = 0; k < c->n; k++)
		if (strcmp(c->p[k].id, id) == 0) {
			*out = &c->p[k];
			return ERP_OK;
		}
	int rc = ERP__ARRAY_RESERVE(c->p, c->cap, c->n + 1);
	if (rc != ERP_OK)
		return rc;
	if (!c->sc && !(c->sc = erp__scales_new()))
		return erp__oom();
	rc = erp__stock_product_load(tx, tenant, c->sc, id, "product_id", &c->p[c->n]);
	if (rc != ERP_OK)
		return rc;
	*out = &c->p[c->n++];
	return ERP_OK;
}

static void product_cache_free(product_cache *c)
{
	erp__scales_free(c->sc);
	free(c->p);
	memset(c, 0, sizeof *c);
}

static int check_id(char out[ERP__UUID_LEN + 1], const char *id, const char *field)
{
	if (!id || !erp__uuid_normalize(out, id))
		return erp__invalid(field, "%s must be a UUID", field);
	return ERP_OK;
}

/* A read job: a body that fills `result`, run in the context's scope. */
typedef struct read_job read_job;
struct read_job {
	erp_ctx *ctx;
	int (*body)(erp__tx *tx, read_job *job);
	json_t *result;
	product_cache products;
	/* arguments */
	char id[ERP__UUID_LEN + 1];
	char product[ERP__UUID_LEN + 1], location[ERP__UUID_LEN + 1];
	char as_of[11], from[11], to[11];
	char cursor_date[11], cursor_id[ERP__UUID_LEN + 1];
	char binding[ERP__CURSOR_BINDING_LEN + 1]; /* of the moves list's cursors */
	int64_t limit;
	erp_stock_level level;
};

static int read_body(erp__tx *tx, void *payload)
{
	read_job *job = payload;
	json_decref(job->result);
	job->result = NULL;
	product_cache_free(&job->products);
	return job->body(tx, job);
}

/* The checks every read makes (role, then `out`), and a job for `body`. */
static int read_prepare(read_job *job, erp_ctx *ctx, bool has_out, int (*body)(erp__tx *tx, read_job *job))
{
	memset(job, 0, sizeof *job);
	int rc = erp__ctx_require(ctx, ERP_ROLE_READONLY, "reading stock");
	if (rc != ERP_OK)
		return rc;
	if (!has_out)
		return erp__invalid("out", "out is NULL");
	job->ctx = ctx;
	job->body = body;
	job->limit = 100;
	return ERP_OK;
}

static int read_run(erp_buf *out, read_job *job)
{
	erp_storage_scope scope = erp__ctx_scope(job->ctx);
	int rc = erp__tx_run(job->ctx->store, ERP_TX_READ, &scope, read_body, job);
	if (rc == ERP_OK && out)
		rc = erp__json_to_buf(out, job->result);
	json_decref(job->result);
	product_cache_free(&job->products);
	return rc;
}

static int check_date(char out[11], const char *date, const char *field)
{
	out[0] = '\0';
	if (!date)
		return ERP_OK;
	if (!erp__date_valid(date))
		return erp__invalid(field, "%s must be a date YYYY-MM-DD", field);
	snprintf(out, 11, "%.10s", date);
	return ERP_OK;
}

/* The first millisecond after the end of `day` (UTC). */
static int64_t day_end_ms(const char *day)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	int y = 0, m = 0, d = 0;
	sscanf(day, "%d-%d-%d", &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + 1;
	return (int64_t)timegm(&tm) * 1000;
}

/* ---- moves -------------------------------------------------------------------------- */

#define MOVE_COLUMNS                                                                                               \
	"id, product_id, quantity, location_id, location_dest_id, date, kind, unit_cost, value, currency, reference, " \
	"reservation_id, entry_id, created_at, created_by"

/* A move's row as read, before the product's scales format it. */
typedef struct {
	char text[15][ERP__TIMESTAMP_LEN + 110]; /* every column as text ("" and null[i] for NULL) */
	bool null[15];
	int64_t quantity, unit_cost, value;
} move_row;

static void move_row_read(move_row *m, erp__tx *tx, erp_storage_rows *rows, size_t ncols)
{
	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < ncols; i++) {
		char s[24];
		const char *v = erp__db_text(tx, rows, i, s);
		m->null[i] = v == NULL;
		snprintf(m->text[i], sizeof m->text[i], "%s", v ? v : "");
	}
	if (ncols == 15) {
		m->quantity = erp__db_int(tx, rows, 2);
		m->unit_cost = erp__db_int(tx, rows, 7);
		m->value = erp__db_int(tx, rows, 8);
	}
}

static json_t *move_text(const move_row *m, size_t i)
{
	return m->null[i] ? json_null() : json_string(m->text[i]);
}

/* The move as JSON (the product's scales are read after the row is closed: one result at a time). */
static int move_json(json_t **out, erp__tx *tx, read_job *job, const move_row *m)
{
	const erp__stock_product *p;
	int rc = product_get(&p, tx, job->ctx->tenant_id, &job->products, m->text[1]);
	if (rc != ERP_OK)
		return rc;
	char date[11];
	snprintf(date, sizeof date, "%.10s", m->text[5]);
	*out = json_pack("{s:o, s:s, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", move_text(m, 0),
	                 "product_id", m->text[1], "quantity", decimal_json(m->quantity, p->precision), "location_id",
	                 move_text(m, 3), "location_dest_id", move_text(m, 4), "date", date, "kind", move_text(m, 6),
	                 "unit_cost", m->null[7] ? json_null() : decimal_json(m->unit_cost, p->exponent), "value",
	                 decimal_json(m->value, p->exponent), "currency", move_text(m, 9), "reference", move_text(m, 10),
	                 "reservation_id", move_text(m, 11), "entry_id", move_text(m, 12), "created_at", move_text(m, 13),
	                 "created_by", move_text(m, 14));
	return *out ? ERP_OK : erp__oom();
}

static int move_get_body(erp__tx *tx, read_job *job)
{
	erp_value p[2] = { erp__v_text(job->ctx->tenant_id), erp__v_text(job->id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, "SELECT " MOVE_COLUMNS " FROM {inventory.moves} WHERE tenant_id = $1 AND id = $2", p, 2);
	if (rc != ERP_OK)
		return rc;
	move_row *m = malloc(sizeof *m);
	bool found = (rc = erp__db_next(tx, rows)) == 1;
	if (found && m)
		move_row_read(m, tx, rows, 15);
	erp__db_close(tx, rows);
	if (rc >= 0 && !m)
		rc = erp__oom();
	if (rc >= 0 && !found)
		rc = erp__error(ERP_ENOTFOUND, "inventory.move", "id", "no move with id %s", job->id);
	else if (rc >= 0)
		rc = move_json(&job->result, tx, job, m);
	free(m);
	return rc < 0 ? rc : ERP_OK;
}

int erp_stock_move_get(erp_buf *out, erp_ctx *ctx, const char *id)
{
	read_job job;
	int rc = read_prepare(&job, ctx, out != NULL, move_get_body);
	if (rc != ERP_OK)
		return rc;
	if ((rc = check_id(job.id, id, "id")) != ERP_OK)
		return rc;
	return read_run(out, &job);
}

static int moves_body(erp__tx *tx, read_job *job)
{
	erp__where w = ERP__WHERE_INIT;
	erp__strbuf_puts(&w.sql, "SELECT " MOVE_COLUMNS " FROM {inventory.moves}");
	erp__where_and(&w, "tenant_id = ?", erp__v_text(job->ctx->tenant_id));
	if (job->product[0])
		erp__where_and(&w, "product_id = ?", erp__v_text(job->product));
	if (job->location[0])
		erp__where_and(&w, "(location_id = ? OR location_dest_id = ?)", erp__v_text(job->location));
	if (job->from[0])
		erp__where_and(&w, "date >= ?", erp__v_text(job->from));
	if (job->to[0])
		erp__where_and(&w, "date <= ?", erp__v_text(job->to));
	if (job->cursor_date[0]) {
		static const char *const position[] = { "date", "id" };
		const erp_value at[] = { erp__v_text(job->cursor_date), erp__v_text(job->cursor_id) };
		erp__where_after(&w, position, at, 2);
	}
	erp__where_append(&w, " ORDER BY date, id LIMIT ?", erp__v_int(job->limit + 1));
	json_t *items = erp__where_ok(&w) ? json_array() : NULL;
	if (!items) {
		erp__where_free(&w);
		return erp__oom();
	}
	erp_storage_rows *rows;
	int rc = erp__where_query(&rows, tx, &w);
	erp__where_free(&w);
	if (rc != ERP_OK) {
		json_decref(items);
		return rc;
	}
	int64_t count = 0;
	char last_date[11] = "", last_id[ERP__UUID_LEN + 1] = "";
	bool more = false;
	move_row *list = NULL;
	size_t cap = 0;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		if (count == job->limit) {
			more = true;
			break;
		}
		if ((rc = ERP__ARRAY_RESERVE(list, cap, (size_t)count + 1)) != ERP_OK)
			break;
		move_row_read(&list[count++], tx, rows, 15);
	}
	erp__db_close(tx, rows);
	for (int64_t k = 0; rc >= 0 && k < count; k++) {
		json_t *m = NULL;
		if ((rc = move_json(&m, tx, job, &list[k])) != ERP_OK)
			break;
		snprintf(last_date, sizeof last_date, "%.10s", list[k].text[5]);
		snprintf(last_id, sizeof last_id, "%.*s", ERP__UUID_LEN, list[k].text[0]);
		if (json_array_append_new(items, m) != 0) {
			rc = erp__oom();
			break;
		}
	}
	free(list);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	json_t *cursor = json_null();
	if (more) {
		json_t *pos = json_pack("[s, s]", last_date, last_id);
		char *text = pos ? erp__cursor_make(pos, job->binding) : NULL;
		json_decref(pos);
		cursor = text ? json_string(text) : NULL;
		free(text);
		if (!cursor) {
			json_decref(items);
			return erp__oom();
		}
	}
	job->result = json_pack("{s:o, s:o}", "items", items, "next_cursor", cursor);
	return job->result ? ERP_OK : erp__oom();
}

static int query_text(char *out, size_t cap, json_t *q, const char *key, bool uuid)
{
	out[0] = '\0';
	json_t *v = json_object_get(q, key);
	if (!v || json_is_null(v))
		return ERP_OK;
	if (!json_is_string(v))
		return erp__invalid(key, "%s must be a string", key);
	const char *s = json_string_value(v);
	if (uuid)
		return check_id(out, s, key);
	if (strlen(s) >= cap)
		return erp__invalid(key, "%s is too long", key);
	snprintf(out, cap, "%s", s);
	return ERP_OK;
}

static int parse_query(read_job *job, const char *query, const char *const *allowed)
{
	if (!query)
		return ERP_OK;
	json_error_t jerr;
	json_t *q = erp__json_loads(query, JSON_REJECT_DUPLICATES, &jerr);
	if (!q && erp__json_load_oom(&jerr))
		return erp__oom();
	if (!q || !json_is_object(q)) {
		json_decref(q);
		return erp__invalid("query", "query must be a JSON object");
	}
	const char *key;
	json_t *v;
	int rc = ERP_OK;
	json_object_foreach(q, key, v)
	{
		bool ok = false;
		for (size_t k = 0; allowed[k] && !ok; k++)
			ok = strcmp(allowed[k], key) == 0;
		if (!ok) {
			rc = erp__invalid(key, "unknown query member '%.60s'", key);
			break;
		}
	}
	char date[16], cursor[512];
	if (rc == ERP_OK)
		rc = query_text(job->product, sizeof job->product, q, "product_id", true);
	if (rc == ERP_OK)
		rc = query_text(job->location, sizeof job->location, q, "location_id", true);
	if (rc == ERP_OK && (rc = query_text(date, sizeof date, q, "as_of", false)) == ERP_OK)
		rc = check_date(job->as_of, date[0] ? date : NULL, "as_of");
	if (rc == ERP_OK && (rc = query_text(date, sizeof date, q, "from", false)) == ERP_OK)
		rc = check_date(job->from, date[0] ? date : NULL, "from");
	if (rc == ERP_OK && (rc = query_text(date, sizeof date, q, "to", false)) == ERP_OK)
		rc = check_date(job->to, date[0] ? date : NULL, "to");
	if (rc == ERP_OK && (v = json_object_get(q, "limit")) && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000)
			rc = erp__invalid("limit", "limit must be an integer from 1 to 1000");
		else
			job->limit = json_integer_value(v);
	}
	const char *parts[] = { job->product, job->location, job->as_of, job->from, job->to };
	erp__cursor_binding(job->binding, "stock.moves", job->ctx->tenant_id, parts, 5);
	if (rc == ERP_OK && (rc = query_text(cursor, sizeof cursor, q, "cursor", false)) == ERP_OK && cursor[0]) {
		json_t *pos = NULL;
		if ((rc = erp__cursor_open(&pos, cursor, job->binding, 2, NULL)) == ERP_OK) {
			const char *d = json_string_value(json_array_get(pos, 0));
			const char *id = json_string_value(json_array_get(pos, 1));
			if (!erp__date_valid(d) || !id || !erp__uuid_normalize(job->cursor_id, id))
				rc = erp__invalid("cursor", "cursor is not one this call returned for this query");
			else
				snprintf(job->cursor_date, sizeof job->cursor_date, "%.10s", d);
			json_decref(pos);
		}
	}
	json_decref(q);
	return rc;
}

int erp_stock_move_list(erp_buf *out, erp_ctx *ctx, const char *query)
{
	read_job job;
	int rc = read_prepare(&job, ctx, out != NULL, moves_body);
	if (rc != ERP_OK)
		return rc;
	static const char *const allowed[] = { "product_id", "location_id", "from", "to", "limit", "cursor", NULL };
	if ((rc = parse_query(&job, query, allowed)) != ERP_OK)
		return rc;
	return read_run(out, &job);
}

/* ---- reservations ---------------------------------------------------------------------- */

static int reservation_body(erp__tx *tx, read_job *job)
{
	erp_value p[2] = { erp__v_text(job->ctx->tenant_id), erp__v_text(job->id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "SELECT id, product_id, location_id, quantity, consumed, state, expires_ms, move_id, reference, "
	                       "created_at, created_by FROM {inventory.reservations} WHERE tenant_id = $1 AND id = $2",
	                       p, 2);
	if (rc != ERP_OK)
		return rc;
	move_row *r = malloc(sizeof *r); /* the same shape: columns as text */
	bool found = (rc = erp__db_next(tx, rows)) == 1, expiring = false;
	int64_t qty = 0, consumed = 0, expires = 0;
	if (found && r) {
		move_row_read(r, tx, rows, 11);
		qty = erp__db_int(tx, rows, 3);
		consumed = erp__db_int(tx, rows, 4);
		expiring = !erp__db_is_null(tx, rows, 6);
		expires = erp__db_int(tx, rows, 6);
	}
	erp__db_close(tx, rows);
	if (rc >= 0 && !r)
		rc = erp__oom();
	if (rc >= 0 && !found)
		rc = erp__error(ERP_ENOTFOUND, "inventory.reservation", "id", "no reservation with id %s", job->id);
	const erp__stock_product *prod;
	if (rc >= 0 && (rc = product_get(&prod, tx, job->ctx->tenant_id, &job->products, r->text[1])) == ERP_OK) {
		char state[16];
		snprintf(state, sizeof state, "%.15s", r->text[5]);
		if (strcmp(state, "pending") == 0 && expiring && expires <= erp__now_ms())
			snprintf(state, sizeof state, "expired");
		json_t *exp = json_null();
		if (expiring) {
			char ts[ERP__TIMESTAMP_LEN + 1];
			erp__timestamp_from_ms(ts, expires);
			exp = json_string(ts);
		}
		job->result = json_pack("{s:o, s:s, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "id", move_text(r, 0), "product_id",
		                        r->text[1], "location_id", move_text(r, 2), "quantity", decimal_json(qty, prod->precision),
		                        "consumed", decimal_json(consumed, prod->precision), "state", state, "expires_at", exp,
		                        "move_id", move_text(r, 7), "reference", move_text(r, 8), "created_at", move_text(r, 9),
		                        "created_by", move_text(r, 10));
		if (!job->result)
			rc = erp__oom();
	}
	free(r);
	return rc < 0 ? rc : ERP_OK;
}

int erp_stock_reservation_get(erp_buf *out, erp_ctx *ctx, const char *id)
{
	read_job job;
	int rc = read_prepare(&job, ctx, out != NULL, reservation_body);
	if (rc != ERP_OK)
		return rc;
	if ((rc = check_id(job.id, id, "id")) != ERP_OK)
		return rc;
	return read_run(out, &job);
}

/* ---- quantities --------------------------------------------------------------------------- */

/* On hand and reserved of (product, location or every internal location), now or as of a day. */
static int level_of(erp_stock_level *out, erp__tx *tx, const char *tenant, const char *product, const char *location,
                    const char *as_of)
{
	memset(out, 0, sizeof *out);
	/* parameters: tenant, product, then the location and the day when given */
	erp__where w = ERP__WHERE_INIT;
	erp__strbuf_puts(&w.sql, as_of[0] ? "SELECT coalesce(sum(quantity), 0) FROM {inventory.quant_days}"
	                                   : "SELECT coalesce(sum(quantity), 0) FROM {inventory.quants}");
	erp__where_and(&w, "tenant_id = ?", erp__v_text(tenant));
	erp__where_and(&w, "product_id = ?", erp__v_text(product));
	if (location[0])
		erp__where_and(&w, "location_id = ?", erp__v_text(location));
	if (as_of[0])
		erp__where_and(&w, "day <= ?", erp__v_text(as_of));
	char total[32];
	int rc = erp__where_ok(&w) ? erp__db_first_text(tx, erp__strbuf_cstr(&w.sql), w.params, w.nparams, total, sizeof total)
	                           : erp__oom();
	erp__where_free(&w);
	if (rc < 0)
		return rc;
	long long v = 0;
	sscanf(total, "%lld", &v);
	out->on_hand = v;
	/* reservations active at the time: made before it, not ended or expired by it */
	int64_t t = as_of[0] ? day_end_ms(as_of) : erp__now_ms() + 1;
	erp_value r[4] = { erp__v_text(tenant), erp__v_text(product), erp__v_text(location[0] ? location : NULL), erp__v_int(t) };
	rc = erp__db_first_text(tx,
	                        "SELECT coalesce(sum(quantity), 0) FROM {inventory.reservations} WHERE tenant_id = $1 "
	                        "AND product_id = $2 AND location_id = coalesce($3, location_id) AND created_ms < $4 "
	                        "AND (ended_ms IS NULL OR ended_ms >= $4) AND (expires_ms IS NULL OR expires_ms >= $4)",
	                        r, 4, total, sizeof total);
	if (rc < 0)
		return rc;
	v = 0;
	sscanf(total, "%lld", &v);
	out->reserved = v;
	out->available = out->on_hand - out->reserved;
	return ERP_OK;
}

static int quantity_body(erp__tx *tx, read_job *job)
{
	const erp__stock_product *p;
	int rc = product_get(&p, tx, job->ctx->tenant_id, &job->products, job->product);
	if (rc == ERP_OK && job->location[0]) {
		erp__stock_location loc;
		rc = erp__stock_location_load(tx, job->ctx->tenant_id, job->location, "location_id", &loc);
	}
	if (rc == ERP_OK)
		rc = level_of(&job->level, tx, job->ctx->tenant_id, job->product, job->location, job->as_of);
	if (rc == ERP_OK && !(job->result = json_object()))
		rc = erp__oom();
	return rc;
}

int erp_stock_quantity(erp_stock_level *out, erp_ctx *ctx, const char *product_id, const char *location_id,
                       const char *as_of)
{
	if (out)
		memset(out, 0, sizeof *out);
	read_job job;
	int rc = read_prepare(&job, ctx, out != NULL, quantity_body);
	if (rc != ERP_OK)
		return rc;
	if ((rc = check_id(job.product, product_id, "product_id")) != ERP_OK ||
	    (location_id && (rc = check_id(job.location, location_id, "location_id")) != ERP_OK) ||
	    (rc = check_date(job.as_of, as_of, "as_of")) != ERP_OK)
		return rc;
	rc = read_run(NULL, &job);
	if (rc == ERP_OK)
		*out = job.level;
	return rc;
}

static int quants_body(erp__tx *tx, read_job *job)
{
	const char *tenant = job->ctx->tenant_id;
	erp_value p[3] = { erp__v_text(tenant), erp__v_text(job->product[0] ? job->product : NULL),
		           erp__v_text(job->location[0] ? job->location : NULL) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "SELECT product_id, location_id FROM {inventory.quants} WHERE tenant_id = $1 "
	                       "AND product_id = coalesce($2, product_id) AND location_id = coalesce($3, location_id) "
	                       "ORDER BY product_id, location_id",
	                       p, 3);
	if (rc != ERP_OK)
		return rc;
	size_t n = 0, cap = 0;
	char (*keys)[2][ERP__UUID_LEN + 1] = NULL;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		if ((rc = ERP__ARRAY_RESERVE(keys, cap, n + 1)) != ERP_OK)
			break;
		char s[24];
		const char *a = erp__db_text(tx, rows, 0, s);
		snprintf(keys[n][0], ERP__UUID_LEN + 1, "%s", a ? a : "");
		a = erp__db_text(tx, rows, 1, s);
		snprintf(keys[n][1], ERP__UUID_LEN + 1, "%s", a ? a : "");
		n++;
	}
	erp__db_close(tx, rows);
	if (rc >= 0 && !(job->result = json_array()))
		rc = erp__oom();
	for (size_t k = 0; rc >= 0 && k < n; k++) {
		const erp__stock_product *prod;
		erp_stock_level l;
		if ((rc = product_get(&prod, tx, tenant, &job->products, keys[k][0])) != ERP_OK ||
		    (rc = level_of(&l, tx, tenant, keys[k][0], keys[k][1], job->as_of)) != ERP_OK)
			break;
		json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:o}", "product_id", keys[k][0], "location_id", keys[k][1], "on_hand",
		                      decimal_json(l.on_hand, prod->precision), "reserved", decimal_json(l.reserved, prod->precision),
		                      "available", decimal_json(l.available, prod->precision));
		if (!o || json_array_append_new(job->result, o) != 0)
			rc = erp__oom();
	}
	free(keys);
	return rc < 0 ? rc : ERP_OK;
}

int erp_stock_quant_list(erp_buf *out, erp_ctx *ctx, const char *query)
{
	read_job job;
	int rc = read_prepare(&job, ctx, out != NULL, quants_body);
	if (rc != ERP_OK)
		return rc;
	static const char *const allowed[] = { "product_id", "location_id", "as_of", NULL };
	if ((rc = parse_query(&job, query, allowed)) != ERP_OK)
		return rc;
	return read_run(out, &job);
}

/* ---- valuation --------------------------------------------------------------------------- */

static int valuation_body(erp__tx *tx, read_job *job)
{
	const char *tenant = job->ctx->tenant_id;
	erp_value p[2] = { erp__v_text(tenant), erp__v_text(job->as_of) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       job->as_of[0] ? "SELECT product_id, sum(quantity), sum(value) FROM {inventory.layer_days} "
	                                       "WHERE tenant_id = $1 AND day <= $2 GROUP BY product_id ORDER BY product_id"
	                                     : "SELECT product_id, quantity, value FROM {inventory.product_stock} "
	                                       "WHERE tenant_id = $1 ORDER BY product_id",
	                       p, job->as_of[0] ? 2 : 1);
	if (rc != ERP_OK)
		return rc;
	typedef struct {
		char id[ERP__UUID_LEN + 1];
		int64_t qty, value;
	} row;
	row *list = NULL;
	size_t n = 0, cap = 0;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		if ((rc = ERP__ARRAY_RESERVE(list, cap, n + 1)) != ERP_OK)
			break;
		char s[24];
		const char *id = erp__db_text(tx, rows, 0, s);
		snprintf(list[n].id, sizeof list[n].id, "%s", id ? id : "");
		list[n].qty = erp__db_int(tx, rows, 1);
		list[n].value = erp__db_int(tx, rows, 2);
		n++;
	}
	erp__db_close(tx, rows);
	json_t *products = rc >= 0 ? json_array() : NULL, *totals = rc >= 0 ? json_object() : NULL;
	if (rc >= 0 && (!products || !totals))
		rc = erp__oom();
	/* totals per currency, in 128 bits */
	typedef struct {
		char currency[4];
		int exponent;
		__int128 total;
	} total;
	total tot[16];
	size_t ntot = 0;
	for (size_t k = 0; rc >= 0 && k < n; k++) {
		const erp__stock_product *prod;
		if ((rc = product_get(&prod, tx, tenant, &job->products, list[k].id)) != ERP_OK)
			break;
		char name[256] = "";
		erp_value q[2] = { erp__v_text(tenant), erp__v_text(list[k].id) };
		if ((rc = erp__db_first_text(tx, "SELECT \"name\" FROM {core.products} WHERE tenant_id = $1 AND id = $2", q, 2, name,
		                             sizeof name)) < 0)
			break;
		int64_t unit = 0;
		bool has_unit = list[k].qty != 0 && erp__share(&unit, list[k].value, erp__pow10(prod->precision), list[k].qty);
		static const char *const methods[] = { "", "standard", "average", "fifo" };
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "product_id", list[k].id, "name", name, "cost_method",
		                      methods[prod->method], "currency", prod->currency, "quantity",
		                      decimal_json(list[k].qty, prod->precision), "value", decimal_json(list[k].value, prod->exponent),
		                      "unit_cost", has_unit ? decimal_json(unit, prod->exponent) : json_null());
		if (!o || json_array_append_new(products, o) != 0) {
			rc = erp__oom();
			break;
		}
		size_t t = 0;
		while (t < ntot && strcmp(tot[t].currency, prod->currency) != 0)
			t++;
		if (t == ntot && ntot < sizeof tot / sizeof tot[0]) {
			snprintf(tot[t].currency, sizeof tot[t].currency, "%s", prod->currency);
			tot[t].exponent = prod->exponent;
			tot[t].total = 0;
			ntot++;
		}
		if (t < ntot)
			tot[t].total += list[k].value;
	}
	free(list);
	for (size_t t = 0; rc >= 0 && t < ntot; t++) {
		char text[ERP__DECIMAL_TEXT128];
		erp__decimal_format128(text, tot[t].total, tot[t].exponent);
		if (json_object_set_new(totals, tot[t].currency, json_string(text)) != 0)
			rc = erp__oom();
	}
	if (rc < 0) {
		json_decref(products);
		json_decref(totals);
		return rc;
	}
	job->result = json_pack("{s:o, s:o, s:o}", "as_of", job->as_of[0] ? json_string(job->as_of) : json_null(), "products",
	                        products, "totals", totals);
	return job->result ? ERP_OK : erp__oom();
}

int erp_stock_valuation(erp_buf *out, erp_ctx *ctx, const char *as_of)
{
	read_job job;
	int rc = read_prepare(&job, ctx, out != NULL, valuation_body);
	if (rc != ERP_OK)
		return rc;
	if ((rc = check_date(job.as_of, as_of, "as_of")) != ERP_OK)
		return rc;
	return read_run(out, &job);
}

static int layers_body(erp__tx *tx, read_job *job)
{
	const char *tenant = job->ctx->tenant_id;
	const erp__stock_product *prod;
	int rc = product_get(&prod, tx, tenant, &job->products, job->product);
	if (rc != ERP_OK)
		return rc;
	if (!(job->result = json_array()))
		return erp__oom();
	erp_value p[2] = { erp__v_text(tenant), erp__v_text(job->product) };
	erp_storage_rows *rows;
	int64_t scale = erp__pow10(prod->precision);
	if (prod->method != ERP__COST_FIFO) {
		/* one pool at the average (or standard) cost */
		rc = erp__db_query(&rows, tx, "SELECT quantity, value FROM {inventory.product_stock} WHERE tenant_id = $1 AND product_id = $2",
		                   p, 2);
		if (rc != ERP_OK)
			return rc;
		if ((rc = erp__db_next(tx, rows)) == 1 && erp__db_int(tx, rows, 0) != 0) {
			int64_t q = erp__db_int(tx, rows, 0), v = erp__db_int(tx, rows, 1), unit = 0;
			erp__share(&unit, v, scale, q);
			if (json_array_append_new(job->result, json_pack("{s:n, s:o, s:o, s:o}", "move_id", "quantity",
			                                                 decimal_json(q, prod->precision), "value",
			                                                 decimal_json(v, prod->exponent), "unit_cost",
			                                                 decimal_json(unit, prod->exponent))) != 0)
				rc = erp__oom();
		}
		erp__db_close(tx, rows);
		return rc < 0 ? rc : ERP_OK;
	}
	rc = erp__db_query(&rows, tx,
	                   "SELECT move_id, remaining_qty, remaining_value FROM {inventory.layers} "
	                   "WHERE tenant_id = $1 AND product_id = $2 AND remaining_qty <> 0 ORDER BY seq",
	                   p, 2);
	if (rc != ERP_OK)
		return rc;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		/* the rate of what remains (owed units keep the rate they were taken at) */
		int64_t q = erp__db_int(tx, rows, 1), v = erp__db_int(tx, rows, 2), unit = 0;
		erp__share(&unit, v, scale, q);
		json_t *o = json_pack("{s:o, s:o, s:o, s:o}", "move_id", text_json(tx, rows, 0), "quantity",
		                      decimal_json(q, prod->precision), "value", decimal_json(v, prod->exponent), "unit_cost",
		                      decimal_json(unit, prod->exponent));
		if (!o || json_array_append_new(job->result, o) != 0) {
			rc = erp__oom();
			break;
		}
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

int erp_stock_layer_list(erp_buf *out, erp_ctx *ctx, const char *product_id)
{
	read_job job;
	int rc = read_prepare(&job, ctx, out != NULL, layers_body);
	if (rc != ERP_OK)
		return rc;
	if ((rc = check_id(job.product, product_id, "product_id")) != ERP_OK)
		return rc;
	return read_run(out, &job);
}
