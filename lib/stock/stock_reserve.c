/*
 * Reservations (erp/stock.h): phase one of a two-phase transfer. A
 * reservation locks its quant, so that concurrent reservations and moves of
 * one product and location are serialised and never hold more than is
 * there; it is consumed by a move (stock_move.c) or released here. Expiry
 * needs no job: a pending reservation past its expiry time simply stops
 * counting.
 */
#include "stock_internal.h"

#include "util/decimal.h"
#include "util/error.h"
#include "util/json_out.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENTITY "inventory.reservation"
#define MAX_EXPIRY_MS ((int64_t)366 * 24 * 3600 * 1000)

typedef struct {
	erp_ctx *ctx;
	const erp_stock_reserve_params *r;
	const char *qty_text;
	char id[ERP__UUID_LEN + 1];
	char request_hash[65];
} reserve_job;

static void request_hash(char out[65], const erp_stock_reserve_params *r, const char *qty_text)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s|%s|%s|%lld|%lld|%s|%s", r->product_id, r->location_id, qty_text ? qty_text : "",
	         qty_text ? 0LL : (long long)r->quantity, (long long)r->expires_in_ms, r->reference ? r->reference : "\x01",
	         r->idempotency_key);
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)buf, strlen(buf), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static int check(const erp_stock_reserve_params *r, const char *qty_text)
{
	char u[ERP__UUID_LEN + 1];
	if (!r)
		return erp__invalid("reservation", "reservation is NULL");
	if (r->version != ERP_STOCK_RESERVE_PARAMS_VERSION)
		return erp__invalid("version", "version is not ERP_STOCK_RESERVE_PARAMS_VERSION");
	if (!r->product_id || !erp__uuid_normalize(u, r->product_id))
		return erp__error(ERP_EINVALID, ENTITY, "product_id", "product_id must be a UUID");
	if (!r->location_id || !erp__uuid_normalize(u, r->location_id))
		return erp__error(ERP_EINVALID, ENTITY, "location_id", "location_id must be a UUID");
	if (!qty_text && r->quantity <= 0)
		return erp__error(ERP_EINVALID, ENTITY, "quantity", "quantity must be positive");
	if (r->expires_in_ms < 0 || r->expires_in_ms > MAX_EXPIRY_MS)
		return erp__error(ERP_EINVALID, ENTITY, "expires_in_ms", "expires_in_ms must be 0 (never) or up to 366 days");
	if (!erp__stock_text_ok(r->reference, 100))
		return erp__error(ERP_EINVALID, ENTITY, "reference", "reference must be UTF-8 text of at most 100 characters");
	if (r->idempotency_key && !erp__stock_key_ok(r->idempotency_key))
		return erp__error(ERP_EINVALID, ENTITY, "idempotency_key", "idempotency_key must be 1 to 200 printable ASCII characters");
	return ERP_OK;
}

static int reserve_body(erp__tx *tx, void *payload)
{
	reserve_job *job = payload;
	const erp_stock_reserve_params *r = job->r;
	const char *tenant = job->ctx->tenant_id;
	char product_id[ERP__UUID_LEN + 1], location_id[ERP__UUID_LEN + 1];
	erp__uuid_normalize(product_id, r->product_id);
	erp__uuid_normalize(location_id, r->location_id);
	int rc;

	erp__scales *sc = erp__scales_new();
	if (!sc)
		return erp__oom();
	erp__stock_product p;
	erp__stock_location loc;
	rc = erp__stock_product_load(tx, tenant, sc, product_id, "product_id", &p);
	erp__scales_free(sc);
	if (rc != ERP_OK)
		return rc;
	if (!p.stockable)
		return erp__error(ERP_EINVALID, ENTITY, "product_id", "product %s is a service: it has no stock", product_id);
	if ((rc = erp__stock_location_load(tx, tenant, location_id, "location_id", &loc)) != ERP_OK)
		return rc;
	if (loc.usage != ERP__LOC_INTERNAL)
		return erp__error(ERP_EINVALID, ENTITY, "location_id", "stock is reserved at an internal location; %s is not one",
		                  location_id);
	int64_t qty = r->quantity;
	if (job->qty_text) {
		erp__decimal_status st = erp__decimal_parse(&qty, job->qty_text, p.precision);
		if (st != ERP__DECIMAL_OK || qty <= 0)
			return erp__error(ERP_EINVALID, ENTITY, "quantity",
			                  "quantity must be a positive decimal with at most %d decimals (the unit's precision)", p.precision);
	}

	/* Under the quant's lock: what is there, less what others hold. */
	int64_t now_ms = erp__now_ms(), on_hand = 0, reserved = 0;
	if ((rc = erp__stock_quant_lock(&on_hand, tx, tenant, product_id, location_id)) != ERP_OK ||
	    (rc = erp__stock_reserved(&reserved, tx, tenant, product_id, location_id, now_ms)) != ERP_OK)
		return rc;
	/* The key is looked up under the quant's lock, so that a concurrent
	 * reservation with the same key is seen once it committed. */
	if (r->idempotency_key) {
		request_hash(job->request_hash, r, job->qty_text);
		erp_value k[2] = { erp__v_text(tenant), erp__v_text(r->idempotency_key) };
		erp_storage_rows *rows;
		if ((rc = erp__db_query(&rows, tx,
		                        "SELECT id, request_hash FROM {inventory.reservations} WHERE tenant_id = $1 AND idempotency_key = $2",
		                        k, 2)) != ERP_OK)
			return rc;
		char first[ERP__UUID_LEN + 1] = "", hash[65] = "";
		if ((rc = erp__db_next(tx, rows)) == 1) {
			char s[24];
			const char *v = erp__db_text(tx, rows, 0, s);
			snprintf(first, sizeof first, "%s", v ? v : "");
			v = erp__db_text(tx, rows, 1, s);
			snprintf(hash, sizeof hash, "%s", v ? v : "");
		}
		erp__db_close(tx, rows);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			if (strcmp(hash, job->request_hash) != 0)
				return erp__error(ERP_EEXISTS, ENTITY, "idempotency_key",
				                  "idempotency key '%.60s' was used for another reservation (%s)", r->idempotency_key, first);
			memcpy(job->id, first, sizeof first);
			return ERP_OK;
		}
	}

	if (!loc.allow_negative && qty > on_hand - reserved) {
		char want[ERP__DECIMAL_TEXT], have[ERP__DECIMAL_TEXT];
		erp__decimal_format(want, qty, p.precision);
		erp__decimal_format(have, on_hand - reserved > 0 ? on_hand - reserved : 0, p.precision);
		return erp__error(ERP_ENOSTOCK, ENTITY, "quantity",
		                  "not enough stock of product %s at location %s to reserve %s: %s available", product_id,
		                  location_id, want, have);
	}
	char now[ERP__TIMESTAMP_LEN + 1];
	erp__now_timestamp(now);
	erp__uuid_v7(job->id);
	erp_value v[12] = {
		erp__v_text(tenant), erp__v_text(job->id), erp__v_text(product_id), erp__v_text(location_id), erp__v_int(qty),
		erp__v_int(now_ms), r->expires_in_ms > 0 ? erp__v_int(now_ms + r->expires_in_ms) : erp__v_null(),
		erp__v_text(r->reference), erp__v_text(r->idempotency_key),
		erp__v_text(r->idempotency_key ? job->request_hash : NULL), erp__v_text(now), erp__v_text(job->ctx->user_id),
	};
	rc = erp__db_exec(tx,
	                  "INSERT INTO {inventory.reservations} (tenant_id, id, product_id, location_id, quantity, state, created_ms, "
	                  "expires_ms, reference, idempotency_key, request_hash, created_at, created_by, updated_at, updated_by) "
	                  "VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, $10, $11, $12, $11, $12)",
	                  v, 12, NULL);
	if (rc == ERP_EEXISTS && r->idempotency_key)
		rc = erp__error(ERP_ERETRY, ENTITY, "idempotency_key", "idempotency key raced; retrying");
	return rc;
}

static int reserve_run(erp_buf *out_id, erp_ctx *ctx, const erp_stock_reserve_params *r, const char *qty_text)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_READWRITE, "reserving stock");
	if (rc != ERP_OK || (rc = check(r, qty_text)) != ERP_OK)
		return rc;
	reserve_job job;
	memset(&job, 0, sizeof job);
	job.ctx = ctx;
	job.r = r;
	job.qty_text = qty_text;
	erp_storage_scope scope = erp__ctx_scope(ctx);
	rc = erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, reserve_body, &job);
	if (rc == ERP_OK && out_id)
		rc = erp_buf_set(out_id, job.id, ERP__UUID_LEN);
	return rc;
}

int erp_stock_reserve(erp_buf *out_id, erp_ctx *ctx, const erp_stock_reserve_params *reservation)
{
	return reserve_run(out_id, ctx, reservation, NULL);
}

int erp_stock_reserve_json(erp_buf *out, erp_ctx *ctx, const char *json)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_READWRITE, "reserving stock");
	if (rc != ERP_OK)
		return rc;
	if (!out)
		return erp__invalid("out", "out is NULL");
	json_error_t jerr;
	json_t *root = json ? erp__json_loads(json, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (!root && json && erp__json_load_oom(&jerr))
		return erp__oom();
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return erp__error(ERP_EINVALID, ENTITY, "json", "the reservation must be a JSON object");
	}
	erp_stock_reserve_params r = ERP_STOCK_RESERVE_PARAMS_INIT;
	const char *qty = NULL;
	const char *key;
	json_t *v;
	rc = ERP_OK;
	json_object_foreach(root, key, v)
	{
		if (rc != ERP_OK)
			break;
		const char **text = strcmp(key, "product_id") == 0        ? &r.product_id
		                    : strcmp(key, "location_id") == 0     ? &r.location_id
		                    : strcmp(key, "quantity") == 0        ? &qty
		                    : strcmp(key, "reference") == 0       ? &r.reference
		                    : strcmp(key, "idempotency_key") == 0 ? &r.idempotency_key
		                                                          : NULL;
		if (text) {
			if (json_is_null(v))
				continue;
			if (!json_is_string(v))
				rc = erp__error(ERP_EINVALID, ENTITY, key, "%s must be a string", key);
			else
				*text = json_string_value(v);
		} else if (strcmp(key, "expires_in_ms") == 0) {
			if (!json_is_integer(v) && !json_is_null(v))
				rc = erp__error(ERP_EINVALID, ENTITY, key, "expires_in_ms must be an integer");
			else
				r.expires_in_ms = json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
		} else {
			rc = erp__error(ERP_EINVALID, ENTITY, key, "unknown field '%.60s'", key);
		}
	}
	if (rc == ERP_OK && !qty)
		rc = erp__error(ERP_EINVALID, ENTITY, "quantity", "quantity is required (a decimal string)");
	erp_buf id = ERP_BUF_INIT;
	if (rc == ERP_OK)
		rc = reserve_run(&id, ctx, &r, qty);
	json_decref(root);
	if (rc == ERP_OK)
		rc = erp_stock_reservation_get(out, ctx, id.ptr);
	erp_buf_dispose(&id);
	return rc;
}

typedef struct {
	erp_ctx *ctx;
	const char *id;
} release_job;

static int release_body(erp__tx *tx, void *payload)
{
	release_job *job = payload;
	erp_value p[2] = { erp__v_text(job->ctx->tenant_id), erp__v_text(job->id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "SELECT state, expires_ms FROM {inventory.reservations} WHERE tenant_id = $1 AND id = $2 {for_update}",
	                       p, 2);
	if (rc != ERP_OK)
		return rc;
	char state[16] = "";
	bool expiring = false;
	int64_t expires = 0, now_ms = erp__now_ms();
	if ((rc = erp__db_next(tx, rows)) == 1) {
		char s[24];
		const char *v = erp__db_text(tx, rows, 0, s);
		snprintf(state, sizeof state, "%s", v ? v : "");
		expiring = !erp__db_is_null(tx, rows, 1);
		expires = erp__db_int(tx, rows, 1);
	}
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return erp__error(ERP_ENOTFOUND, ENTITY, "reservation_id", "no reservation with id %s", job->id);
	if (strcmp(state, "pending") != 0)
		return erp__error(ERP_ECONFLICT, ENTITY, "reservation_id", "reservation %s is %s, not pending", job->id, state);
	if (expiring && expires <= now_ms)
		return erp__error(ERP_ECONFLICT, ENTITY, "reservation_id", "reservation %s has expired", job->id);
	char now[ERP__TIMESTAMP_LEN + 1];
	erp__now_timestamp(now);
	erp_value u[5] = { erp__v_text(job->ctx->tenant_id), erp__v_text(job->id), erp__v_int(now_ms), erp__v_text(now),
		           erp__v_text(job->ctx->user_id) };
	return erp__db_exec(tx,
	                    "UPDATE {inventory.reservations} SET state = 'released', ended_ms = $3, updated_at = $4, updated_by = $5, "
	                    "version = version + 1 WHERE tenant_id = $1 AND id = $2",
	                    u, 5, NULL);
}

int erp_stock_release(erp_ctx *ctx, const char *reservation_id)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_READWRITE, "releasing reservations");
	if (rc != ERP_OK)
		return rc;
	char id[ERP__UUID_LEN + 1];
	if (!reservation_id || !erp__uuid_normalize(id, reservation_id))
		return erp__error(ERP_EINVALID, ENTITY, "reservation_id", "reservation_id must be a UUID");
	release_job job = { ctx, id };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	return erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, release_body, &job);
}
