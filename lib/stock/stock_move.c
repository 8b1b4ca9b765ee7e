/*
 * Stock moves (erp/stock.h): one transaction checks every move, locks the
 * products it values and the quants it touches (always in the same order:
 * products by id, then quants by product and location, then the ledger),
 * applies the moves in order in memory, posts their valuation entries and
 * writes moves, quants, layers and daily totals together.
 */
#include "stock_internal.h"
#include "core/batch.h"

#include "util/decimal.h"
#include "util/array.h"
#include "util/error.h"
#include "util/json_out.h"
#include "ledger/ledger_port.h"
#include "stock_valuation.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_BATCH 10000
#define ENTITY "inventory.move"

/* A caller's move, with its decimal texts when it came as JSON. */
typedef struct {
	const erp_stock_move_params *m;
	const char *qty_text, *cost_text;
} move_request;

typedef struct {
	erp__stock_product info;
	erp__valuation val;
	int64_t last_layer, first_new_layer;
	bool valued; /* locked and loaded */
} product_slot;

typedef struct {
	char product[ERP__UUID_LEN + 1];
	char location[ERP__UUID_LEN + 1];
	bool allow_negative, source;
	int64_t qty, reserved;
} quant_slot;

typedef struct {
	size_t move;            /* index of the move */
	const char *kind;       /* "in", "out", "correction" */
	size_t product;         /* slot */
	int64_t seq, qty, value, remaining_qty, remaining_value;
} new_layer;

typedef struct {
	size_t move;
	char product[ERP__UUID_LEN + 1], location[ERP__UUID_LEN + 1];
	char date[11];
	int64_t delta;
} quant_delta;

typedef struct {
	char id[ERP__UUID_LEN + 1];
	char request_hash[65];
	bool replay;
	size_t product;          /* slot */
	erp__stock_location src, dst;
	const char *kind;        /* "in", "out", "internal", "external" */
	int64_t qty, unit_cost;
	bool has_cost;
	char date[11];
	int64_t value;
	int entry;               /* index into entries, or -1 */
	char reservation[ERP__UUID_LEN + 1];
	int64_t reservation_qty;
} move_state;

typedef struct {
	erp_ctx *ctx;
	move_request *reqs;
	size_t n;
	char (*ids)[ERP__UUID_LEN + 1];
	/* per attempt */
	move_state *moves;
	product_slot *products;
	size_t nproducts;
	quant_slot *quants;
	size_t nquants;
	new_layer *layers;
	size_t nlayers, layers_cap;
	quant_delta *deltas;
	size_t ndeltas, deltas_cap;
	erp_ledger_entry *entries;
	erp_ledger_line *lines; /* 4 per entry */
	char (*entry_ids)[ERP__UUID_LEN + 1];
	char (*entry_refs)[120];
	size_t nentries;
	erp__scales *sc;
} move_job;

/* ---- checks that need no store --------------------------------------------- */

static void field_name(char *out, size_t cap, const move_job *job, size_t i, const char *field)
{
	if (job->n > 1)
		snprintf(out, cap, "moves[%zu].%s", i, field);
	else
		snprintf(out, cap, "%s", field);
}

static int invalid(const move_job *job, size_t i, const char *field, const char *why)
{
	char f[64];
	field_name(f, sizeof f, job, i, field);
	return erp__error(ERP_EINVALID, ENTITY, f, "%s %s", f, why);
}

static int check_request(const move_job *job, size_t i)
{
	const erp_stock_move_params *m = job->reqs[i].m;
	char u[ERP__UUID_LEN + 1];
	if (!m)
		return invalid(job, i, "move", "is NULL");
	if (m->version != ERP_STOCK_MOVE_PARAMS_VERSION)
		return invalid(job, i, "version", "is not ERP_STOCK_MOVE_PARAMS_VERSION");
	if (!m->product_id || !erp__uuid_normalize(u, m->product_id))
		return invalid(job, i, "product_id", "must be a UUID");
	if (!job->reqs[i].qty_text && m->quantity <= 0)
		return invalid(job, i, "quantity", "must be positive");
	if (!m->location_id || !erp__uuid_normalize(u, m->location_id))
		return invalid(job, i, "location_id", "must be a UUID");
	if (!m->location_dest_id || !erp__uuid_normalize(u, m->location_dest_id))
		return invalid(job, i, "location_dest_id", "must be a UUID");
	if (strcasecmp(m->location_id, m->location_dest_id) == 0)
		return invalid(job, i, "location_dest_id", "must differ from location_id");
	if (m->date && !erp__date_valid(m->date))
		return invalid(job, i, "date", "must be a date YYYY-MM-DD");
	if (!job->reqs[i].cost_text && m->has_unit_cost && m->unit_cost < 0)
		return invalid(job, i, "unit_cost", "must not be negative");
	if (!erp__stock_text_ok(m->reference, 100))
		return invalid(job, i, "reference", "must be UTF-8 text of at most 100 characters");
	if (m->idempotency_key && !erp__stock_key_ok(m->idempotency_key))
		return invalid(job, i, "idempotency_key", "must be 1 to 200 printable ASCII characters");
	if (m->reservation_id && !erp__uuid_normalize(u, m->reservation_id))
		return invalid(job, i, "reservation_id", "must be a UUID");
	return ERP_OK;
}

/* The hash of a request as given, to recognise a repeated idempotency key. */
static void request_hash(char out[65], const move_request *r)
{
	const erp_stock_move_params *m = r->m;
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, 32);
	char num[64];
	const char *parts[9];
	char qty[32], cost[32];
	snprintf(qty, sizeof qty, "%lld", (long long)m->quantity);
	if (m->has_unit_cost)
		snprintf(cost, sizeof cost, "%lld", (long long)m->unit_cost);
	else
		cost[0] = '\0';
	parts[0] = m->product_id;
	parts[1] = r->qty_text ? r->qty_text : qty;
	parts[2] = m->location_id;
	parts[3] = m->location_dest_id;
	parts[4] = m->date;
	parts[5] = r->cost_text ? r->cost_text : cost;
	parts[6] = m->reference;
	parts[7] = m->idempotency_key;
	parts[8] = m->reservation_id;
	for (size_t k = 0; k < 9; k++) {
		const char *s = parts[k] ? parts[k] : "";
		snprintf(num, sizeof num, "%zu%c:", strlen(s), parts[k] ? 's' : 'n');
		crypto_generichash_update(&st, (const unsigned char *)num, strlen(num));
		crypto_generichash_update(&st, (const unsigned char *)s, strlen(s));
	}
	unsigned char h[32];
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* ---- per attempt state --------------------------------------------------------- */

static void job_reset(move_job *job)
{
	for (size_t i = 0; i < job->nproducts; i++)
		erp__valuation_free(&job->products[i].val);
	free(job->moves);
	free(job->products);
	free(job->quants);
	free(job->layers);
	free(job->deltas);
	free(job->entries);
	free(job->lines);
	free(job->entry_ids);
	free(job->entry_refs);
	erp__scales_free(job->sc);
	job->moves = NULL;
	job->products = NULL;
	job->quants = NULL;
	job->layers = NULL;
	job->deltas = NULL;
	job->entries = NULL;
	job->lines = NULL;
	job->entry_ids = NULL;
	job->entry_refs = NULL;
	job->sc = NULL;
	job->nproducts = job->nquants = job->nlayers = job->layers_cap = job->ndeltas = job->deltas_cap = job->nentries = 0;
}

static int job_alloc(move_job *job)
{
	size_t n = job->n;
	job->moves = calloc(n, sizeof *job->moves);
	job->products = calloc(n, sizeof *job->products);
	job->quants = calloc(2 * n, sizeof *job->quants);
	job->entries = calloc(n, sizeof *job->entries);
	job->lines = calloc(4 * n, sizeof *job->lines);
	job->entry_ids = calloc(n, sizeof *job->entry_ids);
	job->entry_refs = calloc(n, sizeof *job->entry_refs);
	job->sc = erp__scales_new();
	if (!job->moves || !job->products || !job->quants || !job->entries || !job->lines || !job->entry_ids ||
	    !job->entry_refs || !job->sc)
		return erp__oom();
	return ERP_OK;
}

static int layer_add(move_job *job, size_t move, const char *kind, size_t product, int64_t seq, int64_t qty,
                     int64_t value, int64_t rq, int64_t rv)
{
	int rc = ERP__ARRAY_RESERVE(job->layers, job->layers_cap, job->nlayers + 1);
	if (rc != ERP_OK)
		return rc;
	job->layers[job->nlayers++] = (new_layer){ move, kind, product, seq, qty, value, rq, rv };
	return ERP_OK;
}

static int delta_add(move_job *job, size_t move, const char *product, const char *location, const char *date,
                     int64_t delta)
{
	int rc = ERP__ARRAY_RESERVE(job->deltas, job->deltas_cap, job->ndeltas + 1);
	if (rc != ERP_OK)
		return rc;
	quant_delta *d = &job->deltas[job->ndeltas++];
	d->move = move;
	snprintf(d->product, sizeof d->product, "%s", product);
	snprintf(d->location, sizeof d->location, "%s", location);
	snprintf(d->date, sizeof d->date, "%s", date);
	d->delta = delta;
	return ERP_OK;
}

/* ---- resolving ------------------------------------------------------------------ */

static int product_slot_of(size_t *out, erp__tx *tx, move_job *job, const char *id, const char *field)
{
	for (size_t k = 0; k < job->nproducts; k++)
		if (strcmp(job->products[k].info.id, id) == 0) {
			*out = k;
			return ERP_OK;
		}
	product_slot *s = &job->products[job->nproducts];
	memset(s, 0, sizeof *s);
	int rc = erp__stock_product_load(tx, job->ctx->tenant_id, job->sc, id, field, &s->info);
	if (rc != ERP_OK)
		return rc;
	*out = job->nproducts++;
	return ERP_OK;
}

static int idempotency_lookup(erp__tx *tx, move_job *job, size_t i, size_t earlier, char first_id[ERP__UUID_LEN + 1],
                              char first_hash[65])
{
	const char *key = job->reqs[i].m->idempotency_key;
	for (size_t j = 0; j < earlier; j++)
		if (job->reqs[j].m->idempotency_key && strcmp(job->reqs[j].m->idempotency_key, key) == 0) {
			memcpy(first_id, job->ids[j], ERP__UUID_LEN + 1);
			memcpy(first_hash, job->moves[j].request_hash, 65);
			return 1;
		}
	erp_value p[2] = { erp__v_text(job->ctx->tenant_id), erp__v_text(key) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, "SELECT id, request_hash FROM {inventory.moves} WHERE tenant_id = $1 AND idempotency_key = $2",
	                       p, 2);
	if (rc != ERP_OK)
		return rc;
	if ((rc = erp__db_next(tx, rows)) == 1) {
		char s[24];
		const char *id = erp__db_text(tx, rows, 0, s);
		snprintf(first_id, ERP__UUID_LEN + 1, "%s", id ? id : "");
		const char *h = erp__db_text(tx, rows, 1, s);
		snprintf(first_hash, 65, "%s", h ? h : "");
	}
	erp__db_close(tx, rows);
	return rc;
}

static const char *move_kind(const erp__stock_location *src, const erp__stock_location *dst)
{
	bool in_src = src->usage == ERP__LOC_INTERNAL, in_dst = dst->usage == ERP__LOC_INTERNAL;
	return in_src && in_dst ? "internal" : in_dst ? "in" : in_src ? "out" : "external";
}

/* Reads and checks one move's product, locations, quantities and kind. */
static int resolve_move(erp__tx *tx, move_job *job, size_t i)
{
	const move_request *r = &job->reqs[i];
	const erp_stock_move_params *m = r->m;
	move_state *s = &job->moves[i];
	const char *tenant = job->ctx->tenant_id;
	char f[64], id[ERP__UUID_LEN + 1];
	int rc;

	erp__uuid_normalize(id, m->product_id);
	field_name(f, sizeof f, job, i, "product_id");
	if ((rc = product_slot_of(&s->product, tx, job, id, f)) != ERP_OK)
		return rc;
	const erp__stock_product *p = &job->products[s->product].info;
	if (!p->stockable)
		return erp__error(ERP_EINVALID, ENTITY, f, "product %s is a service: it has no stock", p->id);

	erp__uuid_normalize(id, m->location_id);
	field_name(f, sizeof f, job, i, "location_id");
	if ((rc = erp__stock_location_load(tx, tenant, id, f, &s->src)) != ERP_OK)
		return rc;
	if (s->src.usage == ERP__LOC_VIEW)
		return erp__error(ERP_EINVALID, ENTITY, f, "location %s is a view: it holds no stock", id);
	erp__uuid_normalize(id, m->location_dest_id);
	field_name(f, sizeof f, job, i, "location_dest_id");
	if ((rc = erp__stock_location_load(tx, tenant, id, f, &s->dst)) != ERP_OK)
		return rc;
	if (s->dst.usage == ERP__LOC_VIEW)
		return erp__error(ERP_EINVALID, ENTITY, f, "location %s is a view: it holds no stock", id);
	s->kind = move_kind(&s->src, &s->dst);

	s->qty = m->quantity;
	if (r->qty_text) {
		field_name(f, sizeof f, job, i, "quantity");
		erp__decimal_status st = erp__decimal_parse(&s->qty, r->qty_text, p->precision);
		if (st != ERP__DECIMAL_OK || s->qty <= 0)
			return erp__error(ERP_EINVALID, ENTITY, f, "%s must be a positive decimal with at most %d decimals (the unit's precision)",
			                  f, p->precision);
	}
	s->has_cost = m->has_unit_cost || r->cost_text;
	s->unit_cost = m->unit_cost;
	if (r->cost_text) {
		field_name(f, sizeof f, job, i, "unit_cost");
		erp__decimal_status st = erp__decimal_parse(&s->unit_cost, r->cost_text, p->exponent);
		if (st != ERP__DECIMAL_OK || s->unit_cost < 0)
			return erp__error(ERP_EINVALID, ENTITY, f, "%s must be a decimal >= 0 with at most %d decimals (%s)", f,
			                  p->exponent, p->currency);
	}
	if (strcmp(s->kind, "in") == 0 && (s->src.usage == ERP__LOC_SUPPLIER || s->src.usage == ERP__LOC_INVENTORY) &&
	    !s->has_cost)
		return invalid(job, i, "unit_cost", "is required for goods that come in from a supplier or inventory location");
	if (m->date)
		snprintf(s->date, sizeof s->date, "%s", m->date);
	else
		erp__stock_today(s->date);
	if (m->reservation_id) {
		erp__uuid_normalize(s->reservation, m->reservation_id);
		if (s->src.usage != ERP__LOC_INTERNAL)
			return invalid(job, i, "reservation_id", "can only be consumed from the internal location it holds stock at");
	}
	s->entry = -1;
	return ERP_OK;
}

/* ---- locking ---------------------------------------------------------------------- */

static int cmp_product_slot(const void *a, const void *b)
{
	return strcmp((*(product_slot *const *)a)->info.id, (*(product_slot *const *)b)->info.id);
}

static int cmp_quant(const void *a, const void *b)
{
	const quant_slot *x = a, *y = b;
	int c = strcmp(x->product, y->product);
	return c ? c : strcmp(x->location, y->location);
}

/* Locks a product's stock row (creating it) and loads its valuation state. */
static int product_lock(erp__tx *tx, move_job *job, product_slot *s)
{
	const char *tenant = job->ctx->tenant_id;
	erp_value p[2] = { erp__v_text(tenant), erp__v_text(s->info.id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "INSERT INTO {inventory.product_stock} AS s (tenant_id, product_id) VALUES ($1, $2) "
	                       "ON CONFLICT (tenant_id, product_id) DO UPDATE SET quantity = s.quantity "
	                       "RETURNING quantity, value, last_layer, unit_cost",
	                       p, 2);
	if (rc != ERP_OK)
		return rc;
	erp__valuation *v = &s->val;
	memset(v, 0, sizeof *v);
	if ((rc = erp__db_next(tx, rows)) == 1) {
		v->qty = erp__db_int(tx, rows, 0);
		v->value = erp__db_int(tx, rows, 1);
		s->last_layer = erp__db_int(tx, rows, 2);
		v->unit_cost = erp__db_int(tx, rows, 3);
	}
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	s->first_new_layer = s->last_layer + 1;
	v->method = s->info.method;
	v->scale = erp__pow10(s->info.precision);
	v->standard_price = s->info.standard_price;
	s->valued = true;
	if (v->method != ERP__COST_FIFO)
		return ERP_OK;
	rc = erp__db_query(&rows, tx,
	                   "SELECT seq, remaining_qty, remaining_value, quantity, value FROM {inventory.layers} "
	                   "WHERE tenant_id = $1 AND product_id = $2 AND remaining_qty <> 0 ORDER BY seq",
	                   p, 2);
	if (rc != ERP_OK)
		return rc;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		if ((rc = ERP__ARRAY_RESERVE(v->open, v->cap, v->nopen + 1)) != ERP_OK)
			break;
		erp__open_layer *l = &v->open[v->nopen++];
		l->seq = erp__db_int(tx, rows, 0);
		l->qty = erp__db_int(tx, rows, 1);
		l->value = erp__db_int(tx, rows, 2);
		l->own_qty = erp__db_int(tx, rows, 3);
		l->own_value = erp__db_int(tx, rows, 4);
		l->changed = false;
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

static quant_slot *quant_find(move_job *job, const char *product, const char *location)
{
	for (size_t k = 0; k < job->nquants; k++)
		if (strcmp(job->quants[k].product, product) == 0 && strcmp(job->quants[k].location, location) == 0)
			return &job->quants[k];
	return NULL;
}

static void quant_note(move_job *job, const char *product, const erp__stock_location *loc, bool source)
{
	if (loc->usage != ERP__LOC_INTERNAL)
		return;
	quant_slot *q = quant_find(job, product, loc->id);
	if (!q) {
		q = &job->quants[job->nquants++];
		memset(q, 0, sizeof *q);
		snprintf(q->product, sizeof q->product, "%s", product);
		snprintf(q->location, sizeof q->location, "%s", loc->id);
		q->allow_negative = loc->allow_negative;
	}
	q->source |= source;
}

static int lock_all(erp__tx *tx, move_job *job, int64_t now_ms)
{
	product_slot **order = calloc(job->nproducts + 1, sizeof *order);
	if (!order)
		return erp__oom();
	size_t n = 0;
	for (size_t k = 0; k < job->nproducts; k++) {
		bool valued = false;
		for (size_t i = 0; i < job->n && !valued; i++)
			valued = !job->moves[i].replay && job->moves[i].product == k &&
			         (strcmp(job->moves[i].kind, "in") == 0 || strcmp(job->moves[i].kind, "out") == 0);
		if (valued)
			order[n++] = &job->products[k];
	}
	qsort(order, n, sizeof *order, cmp_product_slot);
	int rc = ERP_OK;
	for (size_t k = 0; rc == ERP_OK && k < n; k++)
		rc = product_lock(tx, job, order[k]);
	free(order);
	if (rc != ERP_OK)
		return rc;

	for (size_t i = 0; i < job->n; i++) {
		move_state *s = &job->moves[i];
		if (s->replay)
			continue;
		const char *product = job->products[s->product].info.id;
		quant_note(job, product, &s->src, true);
		quant_note(job, product, &s->dst, false);
	}
	qsort(job->quants, job->nquants, sizeof *job->quants, cmp_quant);
	for (size_t k = 0; rc == ERP_OK && k < job->nquants; k++) {
		quant_slot *q = &job->quants[k];
		rc = erp__stock_quant_lock(&q->qty, tx, job->ctx->tenant_id, q->product, q->location);
		if (rc == ERP_OK && q->source)
			rc = erp__stock_reserved(&q->reserved, tx, job->ctx->tenant_id, q->product, q->location, now_ms);
	}
	return rc;
}

/* ---- applying ----------------------------------------------------------------------- */

/* Checks the reservation a move consumes (locked) and frees its quantity for the move. */
static int reservation_take(erp__tx *tx, move_job *job, size_t i, quant_slot *src, int64_t now_ms)
{
	move_state *s = &job->moves[i];
	char f[64];
	field_name(f, sizeof f, job, i, "reservation_id");
	erp_value p[2] = { erp__v_text(job->ctx->tenant_id), erp__v_text(s->reservation) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "SELECT product_id, location_id, quantity, state, expires_ms FROM {inventory.reservations} "
	                       "WHERE tenant_id = $1 AND id = $2 {for_update}",
	                       p, 2);
	if (rc != ERP_OK)
		return rc;
	char product[ERP__UUID_LEN + 1] = "", location[ERP__UUID_LEN + 1] = "", state[16] = "";
	int64_t qty = 0, expires = 0;
	bool expiring = false;
	if ((rc = erp__db_next(tx, rows)) == 1) {
		char sc[24];
		const char *v = erp__db_text(tx, rows, 0, sc);
		snprintf(product, sizeof product, "%s", v ? v : "");
		v = erp__db_text(tx, rows, 1, sc);
		snprintf(location, sizeof location, "%s", v ? v : "");
		qty = erp__db_int(tx, rows, 2);
		v = erp__db_text(tx, rows, 3, sc);
		snprintf(state, sizeof state, "%s", v ? v : "");
		expiring = !erp__db_is_null(tx, rows, 4);
		expires = erp__db_int(tx, rows, 4);
	}
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return erp__error(ERP_ENOTFOUND, "inventory.reservation", f, "no reservation with id %s", s->reservation);
	if (strcmp(product, job->products[s->product].info.id) != 0 || strcmp(location, s->src.id) != 0)
		return erp__error(ERP_EINVALID, ENTITY, f, "reservation %s holds another product or location", s->reservation);
	if (strcmp(state, "pending") != 0)
		return erp__error(ERP_ECONFLICT, "inventory.reservation", f, "reservation %s is %s, not pending", s->reservation, state);
	if (expiring && expires <= now_ms)
		return erp__error(ERP_ECONFLICT, "inventory.reservation", f, "reservation %s has expired", s->reservation);
	for (size_t j = 0; j < i; j++)
		if (strcmp(job->moves[j].reservation, s->reservation) == 0)
			return erp__error(ERP_ECONFLICT, "inventory.reservation", f, "reservation %s is consumed by an earlier move of the batch",
			                  s->reservation);
	if (s->qty > qty)
		return erp__error(ERP_ECONFLICT, "inventory.reservation", f, "the move takes more than reservation %s holds", s->reservation);
	s->reservation_qty = qty;
	src->reserved -= qty;
	return ERP_OK;
}

/* The journal entry of a valued move: main value and correction. */
static void entry_build(move_job *job, size_t i, int64_t main_value, int64_t correction)
{
	move_state *s = &job->moves[i];
	const erp__stock_product *p = &job->products[s->product].info;
	if (!p->valuation_account[0] || (main_value == 0 && correction == 0))
		return;
	size_t e = job->nentries++;
	erp_ledger_line *l = &job->lines[4 * e];
	size_t nl = 0;
	/* the counterpart of the main value: input for suppliers' goods, output otherwise */
	int partner_usage = strcmp(s->kind, "in") == 0 ? s->src.usage : s->dst.usage;
	const char *counter = partner_usage == ERP__LOC_SUPPLIER || (strcmp(s->kind, "in") == 0 && partner_usage != ERP__LOC_CUSTOMER)
	                              ? p->input_account
	                              : p->output_account;
	if (main_value != 0) {
		int64_t a = main_value > 0 ? main_value : -main_value;
		l[nl++] = (erp_ledger_line){ main_value > 0 ? p->valuation_account : counter, a, 0, p->currency, NULL, NULL, NULL };
		l[nl++] = (erp_ledger_line){ main_value > 0 ? counter : p->valuation_account, 0, a, p->currency, NULL, NULL, NULL };
	}
	if (correction != 0) {
		int64_t a = correction > 0 ? correction : -correction;
		l[nl++] = (erp_ledger_line){ correction > 0 ? p->valuation_account : p->output_account, a, 0, p->currency, NULL, NULL,
			                      "stock valuation correction" };
		l[nl++] = (erp_ledger_line){ correction > 0 ? p->output_account : p->valuation_account, 0, a, p->currency, NULL, NULL,
			                      "stock valuation correction" };
	}
	erp_ledger_entry *entry = &job->entries[e];
	entry->version = ERP_LEDGER_ENTRY_VERSION;
	entry->journal_id = p->journal;
	entry->date = s->date;
	snprintf(job->entry_refs[e], sizeof job->entry_refs[e], "%s", job->reqs[i].m->reference ? job->reqs[i].m->reference : s->id);
	entry->reference = job->entry_refs[e];
	entry->memo = "stock valuation";
	entry->idempotency_key = NULL;
	entry->lines = l;
	entry->line_count = nl;
	s->entry = (int)e;
}

/*
 * A refused valuation entry is reported against its move: the posting
 * engine names "entries[k].date" (or "date" for one entry); the caller
 * made moves, so the field becomes "moves[i].date" (or "date").
 */
static void entry_error_to_move(const move_job *job, int rc)
{
	const erp_error *e = erp_error_last();
	char msg[900], entity[64], field[96] = "", rest[64] = "";
	size_t k = 0;
	snprintf(msg, sizeof msg, "the move's valuation entry was refused: %s", e->message);
	snprintf(entity, sizeof entity, "%s", e->entity ? e->entity : "financial.entry");
	if (e->field) {
		bool prefixed = job->nentries > 1 && sscanf(e->field, "entries[%zu].%63s", &k, rest) == 2 && k < job->nentries;
		if (!prefixed) {
			k = 0;
			snprintf(rest, sizeof rest, "%s", e->field);
		}
	}
	size_t move = 0;
	for (size_t i = 0; i < job->n; i++)
		if (job->moves[i].entry == (int)k)
			move = i;
	if (rest[0])
		field_name(field, sizeof field, job, move, rest);
	erp_error_set(rc, entity, field[0] ? field : NULL, msg);
}

static int apply_move(erp__tx *tx, move_job *job, size_t i, int64_t now_ms)
{
	move_state *s = &job->moves[i];
	product_slot *ps = &job->products[s->product];
	const char *product = ps->info.id;
	char f[64];
	int rc;
	quant_slot *src = s->src.usage == ERP__LOC_INTERNAL ? quant_find(job, product, s->src.id) : NULL;
	quant_slot *dst = s->dst.usage == ERP__LOC_INTERNAL ? quant_find(job, product, s->dst.id) : NULL;
	if (s->reservation[0] && (rc = reservation_take(tx, job, i, src, now_ms)) != ERP_OK)
		return rc;
	if (src) {
		int64_t available = src->qty - src->reserved;
		if (!src->allow_negative && s->qty > available) {
			field_name(f, sizeof f, job, i, "quantity");
			char want[ERP__DECIMAL_TEXT], have[ERP__DECIMAL_TEXT];
			erp__decimal_format(want, s->qty, ps->info.precision);
			erp__decimal_format(have, available > 0 ? available : 0, ps->info.precision);
			return erp__error(ERP_ENOSTOCK, ENTITY, f, "not enough stock of product %s at location %s: %s wanted, %s available",
			                  product, s->src.id, want, have);
		}
		src->qty -= s->qty;
		if ((rc = delta_add(job, i, product, src->location, s->date, -s->qty)) != ERP_OK)
			return rc;
	}
	if (dst) {
		if (__builtin_add_overflow(dst->qty, s->qty, &dst->qty)) {
			field_name(f, sizeof f, job, i, "quantity");
			return erp__error(ERP_EINVALID, ENTITY, f, "the quantity at the destination would overflow");
		}
		if ((rc = delta_add(job, i, product, dst->location, s->date, s->qty)) != ERP_OK)
			return rc;
	}
	bool in = strcmp(s->kind, "in") == 0, out = strcmp(s->kind, "out") == 0;
	if (!in && !out)
		return ERP_OK;
	erp__valuation_step step;
	int64_t seq = ++ps->last_layer;
	int vr = in ? erp__valuation_in(&ps->val, s->qty, s->has_cost, s->unit_cost, seq, &step)
	            : erp__valuation_out(&ps->val, s->qty, seq, &step);
	if (vr == -2)
		return erp__oom();
	if (vr != 0) {
		field_name(f, sizeof f, job, i, "quantity");
		return erp__error(ERP_EINVALID, ENTITY, f, "the stock value of product %s would overflow", product);
	}
	rc = layer_add(job, i, in ? "in" : "out", s->product, seq, in ? s->qty : -s->qty, step.value, step.remaining_qty,
	               step.remaining_value);
	if (rc == ERP_OK && step.correction != 0)
		rc = layer_add(job, i, "correction", s->product, ++ps->last_layer, 0, step.correction, 0, 0);
	if (rc != ERP_OK)
		return rc;
	if (__builtin_add_overflow(step.value, step.correction, &s->value))
		return erp__error(ERP_EINVALID, ENTITY, "quantity", "the move's value overflows");
	entry_build(job, i, step.value, step.correction);
	return ERP_OK;
}

/* ---- writing ---------------------------------------------------------------------------- */

static int cmp_delta(const void *a, const void *b)
{
	const quant_delta *x = a, *y = b;
	int c = strcmp(x->product, y->product);
	if (!c)
		c = strcmp(x->location, y->location);
	return c ? c : strcmp(x->date, y->date);
}

static int write_all(erp__db_batch *b, move_job *job, int64_t now_ms)
{
	const char *tenant = job->ctx->tenant_id;
	char now[ERP__TIMESTAMP_LEN + 1];
	erp__now_timestamp(now);
	int rc = ERP_OK;
	for (size_t i = 0; rc == ERP_OK && i < job->n; i++) {
		move_state *s = &job->moves[i];
		if (s->replay)
			continue;
		const erp_stock_move_params *m = job->reqs[i].m;
		erp_value p[18] = {
			erp__v_text(tenant), erp__v_text(s->id), erp__v_text(job->products[s->product].info.id), erp__v_int(s->qty),
			erp__v_text(s->src.id), erp__v_text(s->dst.id), erp__v_text(s->date), erp__v_text(s->kind),
			s->has_cost ? erp__v_int(s->unit_cost) : erp__v_null(), erp__v_int(s->value),
			erp__v_text(job->products[s->product].info.currency), erp__v_text(m->reference),
			erp__v_text(m->idempotency_key), erp__v_text(m->idempotency_key ? s->request_hash : NULL),
			erp__v_text(s->reservation[0] ? s->reservation : NULL),
			erp__v_text(s->entry >= 0 ? job->entry_ids[s->entry] : NULL), erp__v_text(now), erp__v_text(job->ctx->user_id),
		};
		rc = erp__db_batch_add(b,
		                       "INSERT INTO {inventory.moves} (tenant_id, id, product_id, quantity, location_id, location_dest_id, "
		                       "date, kind, unit_cost, value, currency, reference, idempotency_key, request_hash, reservation_id, "
		                       "entry_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
		                       "$14, $15, $16, $17, $18)",
		                       p, 18);
		if (rc == ERP_OK && s->reservation[0]) {
			erp_value r[7] = { erp__v_text(tenant), erp__v_text(s->reservation), erp__v_int(s->qty), erp__v_int(now_ms),
				           erp__v_text(s->id), erp__v_text(now), erp__v_text(job->ctx->user_id) };
			rc = erp__db_batch_add(b,
			                       "UPDATE {inventory.reservations} SET state = 'consumed', consumed = $3, ended_ms = $4, "
			                       "move_id = $5, updated_at = $6, updated_by = $7, version = version + 1 "
			                       "WHERE tenant_id = $1 AND id = $2",
			                       r, 7);
		}
	}
	/* A FIFO layer made in this batch and consumed by a later move of it is
	 * written with what remains of it at the end. */
	for (size_t k = 0; k < job->nproducts; k++) {
		const product_slot *ps = &job->products[k];
		for (size_t o = 0; ps->valued && o < ps->val.nopen; o++) {
			const erp__open_layer *l = &ps->val.open[o];
			for (size_t j = 0; l->seq >= ps->first_new_layer && j < job->nlayers; j++)
				if (job->layers[j].product == k && job->layers[j].seq == l->seq) {
					job->layers[j].remaining_qty = l->qty;
					job->layers[j].remaining_value = l->value;
				}
		}
	}
	/* layers, then what changed in the open FIFO layers, then each product's totals and days */
	for (size_t k = 0; rc == ERP_OK && k < job->nlayers; k++) {
		const new_layer *l = &job->layers[k];
		erp_value p[10] = { erp__v_text(tenant), erp__v_text(job->products[l->product].info.id), erp__v_int(l->seq),
			            erp__v_text(job->moves[l->move].id), erp__v_text(l->kind), erp__v_text(job->moves[l->move].date),
			            erp__v_int(l->qty), erp__v_int(l->value), erp__v_int(l->remaining_qty), erp__v_int(l->remaining_value) };
		rc = erp__db_batch_add(b,
		                       "INSERT INTO {inventory.layers} (tenant_id, product_id, seq, move_id, kind, date, quantity, value, "
		                       "remaining_qty, remaining_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
		                       p, 10);
	}
	for (size_t k = 0; rc == ERP_OK && k < job->nproducts; k++) {
		product_slot *ps = &job->products[k];
		if (!ps->valued)
			continue;
		for (size_t o = 0; rc == ERP_OK && o < ps->val.nopen; o++) {
			erp__open_layer *l = &ps->val.open[o];
			if (!l->changed || l->seq >= ps->first_new_layer)
				continue;
			erp_value p[5] = { erp__v_text(tenant), erp__v_text(ps->info.id), erp__v_int(l->seq), erp__v_int(l->qty),
				           erp__v_int(l->value) };
			rc = erp__db_batch_add(b,
			                       "UPDATE {inventory.layers} SET remaining_qty = $4, remaining_value = $5 "
			                       "WHERE tenant_id = $1 AND product_id = $2 AND seq = $3",
			                       p, 5);
		}
		if (rc != ERP_OK) /* a layer's update could not be queued: never overwrite that failure */
			break;
		erp_value p[6] = { erp__v_text(tenant), erp__v_text(ps->info.id), erp__v_int(ps->val.qty), erp__v_int(ps->val.value),
			           erp__v_int(ps->last_layer), erp__v_int(ps->val.unit_cost) };
		rc = erp__db_batch_add(b,
		                       "UPDATE {inventory.product_stock} SET quantity = $3, value = $4, last_layer = $5, unit_cost = $6 "
		                       "WHERE tenant_id = $1 AND product_id = $2",
		                       p, 6);
	}
	/* daily value totals, one row per product and day */
	for (size_t k = 0; rc == ERP_OK && k < job->nlayers;) {
		const new_layer *l = &job->layers[k];
		int64_t q = 0, v = 0;
		size_t j = k;
		for (; j < job->nlayers && job->layers[j].product == l->product &&
		       strcmp(job->moves[job->layers[j].move].date, job->moves[l->move].date) == 0;
		     j++) {
			q += job->layers[j].qty;
			v += job->layers[j].value;
		}
		erp_value p[5] = { erp__v_text(tenant), erp__v_text(job->products[l->product].info.id),
			           erp__v_text(job->moves[l->move].date), erp__v_int(q), erp__v_int(v) };
		rc = erp__db_batch_add(b,
		                       "INSERT INTO {inventory.layer_days} AS d (tenant_id, product_id, day, quantity, value) "
		                       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, product_id, day) "
		                       "DO UPDATE SET quantity = d.quantity + excluded.quantity, value = d.value + excluded.value",
		                       p, 5);
		k = j;
	}
	/* quants (locked, in order) and their days */
	for (size_t k = 0; rc == ERP_OK && k < job->nquants; k++) {
		const quant_slot *q = &job->quants[k];
		erp_value p[4] = { erp__v_text(tenant), erp__v_text(q->product), erp__v_text(q->location), erp__v_int(q->qty) };
		rc = erp__db_batch_add(b,
		                       "UPDATE {inventory.quants} SET quantity = $4 WHERE tenant_id = $1 AND product_id = $2 AND location_id = $3",
		                       p, 4);
	}
	if (job->ndeltas)
		qsort(job->deltas, job->ndeltas, sizeof *job->deltas, cmp_delta);
	for (size_t k = 0; rc == ERP_OK && k < job->ndeltas;) {
		size_t j = k;
		int64_t sum = 0;
		for (; j < job->ndeltas && cmp_delta(&job->deltas[k], &job->deltas[j]) == 0; j++)
			sum += job->deltas[j].delta;
		const quant_delta *d = &job->deltas[k];
		erp_value p[5] = { erp__v_text(tenant), erp__v_text(d->product), erp__v_text(d->location), erp__v_text(d->date),
			           erp__v_int(sum) };
		rc = erp__db_batch_add(b,
		                       "INSERT INTO {inventory.quant_days} AS d (tenant_id, product_id, location_id, day, quantity) "
		                       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, product_id, location_id, day) "
		                       "DO UPDATE SET quantity = d.quantity + excluded.quantity",
		                       p, 5);
		k = j;
	}
	return rc;
}

/* The layers of one product and day must be adjacent for the daily totals. */
static int cmp_layer(const void *a, const void *b)
{
	const new_layer *x = a, *y = b;
	if (x->product != y->product)
		return x->product < y->product ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- the transaction ------------------------------------------------------------------------ */

/*
 * Looks the move's idempotency key up (also among the batch's earlier
 * moves when `in_batch`): 1 when it was used for the same request (the
 * move becomes a replay of the first), 0 when free, or an error
 * (ERP_EEXISTS when it was used for another request).
 */
static int key_check(erp__tx *tx, move_job *job, size_t i, bool in_batch)
{
	move_state *s = &job->moves[i];
	const erp_stock_move_params *m = job->reqs[i].m;
	char first_id[ERP__UUID_LEN + 1] = "", first_hash[65] = "", f[64];
	int found = idempotency_lookup(tx, job, i, in_batch ? i : 0, first_id, first_hash);
	if (found != 1)
		return found;
	if (strcmp(first_hash, s->request_hash) != 0) {
		field_name(f, sizeof f, job, i, "idempotency_key");
		return erp__error(ERP_EEXISTS, ENTITY, f, "idempotency key '%.60s' was used for another move (%s)",
		                  m->idempotency_key, first_id);
	}
	s->replay = true;
	memcpy(job->ids[i], first_id, sizeof first_id);
	memcpy(s->id, first_id, sizeof first_id);
	return 1;
}

static int key_recheck(erp__tx *tx, move_job *job, size_t i)
{
	int found = key_check(tx, job, i, false);
	return found < 0 ? found : ERP_OK;
}

static int move_body(erp__tx *tx, void *payload)
{
	move_job *job = payload;
	job_reset(job);
	int rc = job_alloc(job);
	int64_t now_ms = erp__now_ms();

	for (size_t i = 0; rc == ERP_OK && i < job->n; i++) {
		move_state *s = &job->moves[i];
		const erp_stock_move_params *m = job->reqs[i].m;
		s->entry = -1;
		if (m->idempotency_key) {
			request_hash(s->request_hash, &job->reqs[i]);
			int found = key_check(tx, job, i, true);
			if (found < 0) {
				rc = found;
				break;
			}
			if (found == 1)
				continue;
		}
		erp__uuid_v7(s->id);
		memcpy(job->ids[i], s->id, sizeof s->id);
		rc = resolve_move(tx, job, i);
	}
	if (rc == ERP_OK)
		rc = lock_all(tx, job, now_ms);
	/* A concurrent move with the same key may have committed while we
	 * waited for the locks: look again, now that nothing can slip in. */
	for (size_t i = 0; rc == ERP_OK && i < job->n; i++)
		if (!job->moves[i].replay && job->reqs[i].m->idempotency_key)
			rc = key_recheck(tx, job, i);
	for (size_t i = 0; rc == ERP_OK && i < job->n; i++)
		if (!job->moves[i].replay)
			rc = apply_move(tx, job, i, now_ms);
	if (rc == ERP_OK && job->nentries > 0) {
		rc = erp__journal_post_in_tx(tx, job->ctx, job->entries, job->nentries, job->entry_ids);
		if (rc != ERP_OK && rc != ERP_ERETRY)
			entry_error_to_move(job, rc);
	}
	if (rc == ERP_OK && job->nlayers)
		qsort(job->layers, job->nlayers, sizeof *job->layers, cmp_layer);
	erp__db_batch batch;
	erp__db_batch_init(&batch, tx);
	if (rc == ERP_OK)
		rc = write_all(&batch, job, now_ms);
	if (rc == ERP_OK && (rc = erp__db_batch_flush(&batch)) == ERP_EEXISTS) {
		/* Another mover took a key between our check and the insert: run
		 * again, and the check will find it. */
		bool keyed = false;
		for (size_t i = 0; i < job->n; i++)
			keyed |= job->reqs[i].m->idempotency_key != NULL;
		if (keyed)
			rc = erp__error(ERP_ERETRY, ENTITY, "idempotency_key", "idempotency key raced; retrying");
	}
	erp__db_batch_free(&batch);
	return rc;
}

static int move_run(erp_ctx *ctx, move_request *reqs, size_t n, char (*ids)[ERP__UUID_LEN + 1])
{
	move_job job;
	memset(&job, 0, sizeof job);
	job.ctx = ctx;
	job.reqs = reqs;
	job.n = n;
	job.ids = ids;
	for (size_t i = 0; i < n; i++) {
		int rc = check_request(&job, i);
		if (rc != ERP_OK)
			return rc;
	}
	erp_storage_scope scope = erp__ctx_scope(ctx);
	int rc = erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, move_body, &job);
	job_reset(&job);
	return rc;
}

int erp_stock_move(erp_buf *out_id, erp_ctx *ctx, const erp_stock_move_params *move)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_READWRITE, "moving stock");
	if (rc != ERP_OK)
		return rc;
	move_request req = { move, NULL, NULL };
	char id[1][ERP__UUID_LEN + 1];
	rc = move_run(ctx, &req, 1, id);
	return rc == ERP_OK && out_id ? erp_buf_set(out_id, id[0], ERP__UUID_LEN) : rc;
}

static void batch_fill(void *request, const void *items, size_t i)
{
	((move_request *)request)->m = &((const erp_stock_move_params *)items)[i];
}

static int batch_move(erp_ctx *ctx, void *requests, size_t n, char (*ids)[ERP__UUID_LEN + 1])
{
	return move_run(ctx, requests, n, ids);
}

static const erp__batch move_batch = { NULL, "count", "moves", MAX_BATCH, sizeof(move_request), batch_fill, batch_move };

int erp_stock_move_batch(erp_buf *out_ids, erp_ctx *ctx, const erp_stock_move_params *moves, size_t count)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_READWRITE, "moving stock");
	return rc == ERP_OK ? erp__batch_run(out_ids, ctx, &move_batch, moves, count) : rc;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

/*
 * One move given as a JSON object into `m` and `req` (texts borrowed from
 * `obj`); fields are named `prefix` + key ("moves[3].quantity" in a batch).
 */
static int move_read_json(const json_t *obj, const char *prefix, erp_stock_move_params *m, move_request *req)
{
	char f[64];
	if (!json_is_object(obj)) {
		snprintf(f, sizeof f, "%.*s", prefix[0] ? (int)strlen(prefix) - 1 : 4, prefix[0] ? prefix : "json");
		return erp__error(ERP_EINVALID, ENTITY, f, "the move must be a JSON object");
	}
	static const char *const known[] = { "product_id", "quantity", "location_id", "location_dest_id", "date", "unit_cost",
		                             "reference", "idempotency_key", "reservation_id", NULL };
	const char *key = erp__json_unknown_key(obj, known);
	if (key) {
		snprintf(f, sizeof f, "%s%.40s", prefix, key);
		return erp__error(ERP_EINVALID, ENTITY, f, "unknown field '%.60s'", key);
	}
	*m = (erp_stock_move_params)ERP_STOCK_MOVE_PARAMS_INIT;
	*req = (move_request){ m, NULL, NULL };
	struct {
		const char *key, **out;
	} fields[] = {
		{ "product_id", &m->product_id },       { "quantity", &req->qty_text },
		{ "location_id", &m->location_id },     { "location_dest_id", &m->location_dest_id },
		{ "date", &m->date },                   { "unit_cost", &req->cost_text },
		{ "reference", &m->reference },         { "idempotency_key", &m->idempotency_key },
		{ "reservation_id", &m->reservation_id },
	};
	for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
		snprintf(f, sizeof f, "%s%s", prefix, fields[k].key);
		int rc = erp__json_opt_text(fields[k].out, obj, fields[k].key, ENTITY, f);
		if (rc != ERP_OK)
			return rc;
	}
	if (!req->qty_text) {
		snprintf(f, sizeof f, "%squantity", prefix);
		return erp__error(ERP_EINVALID, ENTITY, f, "%s is required (a decimal string)", f);
	}
	return ERP_OK;
}

static int json_root(json_t **root, erp_ctx *ctx, const char *json)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_READWRITE, "moving stock");
	return rc == ERP_OK ? erp__json_parse_arg(root, json, ENTITY) : rc;
}

int erp_stock_move_json(erp_buf *out, erp_ctx *ctx, const char *json)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	json_t *root;
	int rc = json_root(&root, ctx, json);
	if (rc != ERP_OK)
		return rc;
	erp_stock_move_params m;
	move_request req;
	char id[1][ERP__UUID_LEN + 1];
	if ((rc = move_read_json(root, "", &m, &req)) == ERP_OK)
		rc = move_run(ctx, &req, 1, id);
	json_decref(root);
	return rc == ERP_OK ? erp_stock_move_get(out, ctx, id[0]) : rc;
}

int erp_stock_move_batch_json(erp_buf *out_ids, erp_ctx *ctx, const char *json)
{
	json_t *root;
	int rc = json_root(&root, ctx, json);
	if (rc != ERP_OK)
		return rc;
	size_t n = json_array_size(root);
	if (!json_is_array(root) || n < 1 || n > MAX_BATCH) {
		json_decref(root);
		return erp__error(ERP_EINVALID, ENTITY, "moves", "a batch is a JSON array of 1 to %d moves", MAX_BATCH);
	}
	erp_stock_move_params *params = calloc(n, sizeof *params);
	move_request *reqs = calloc(n, sizeof *reqs);
	char (*ids)[ERP__UUID_LEN + 1] = calloc(n, sizeof *ids);
	rc = params && reqs && ids ? ERP_OK : erp__oom();
	for (size_t i = 0; rc == ERP_OK && i < n; i++) {
		char prefix[32] = "";
		/* a batch of one names its fields as a lone move does, like erp_stock_move_batch */
		if (n > 1)
			snprintf(prefix, sizeof prefix, "moves[%zu].", i);
		rc = move_read_json(json_array_get(root, i), prefix, &params[i], &reqs[i]);
	}
	if (rc == ERP_OK)
		rc = move_run(ctx, reqs, n, ids);
	if (rc == ERP_OK && out_ids)
		rc = erp__ids_json(out_ids, (const char (*)[37])ids, n);
	free(params);
	free(reqs);
	free(ids);
	json_decref(root);
	return rc;
}
