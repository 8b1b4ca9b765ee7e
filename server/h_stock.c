/*
 * Stock (erp/stock.h): moves, quants, two-phase reservations, FIFO
 * layers. Quantities and amounts cross as decimal strings, as liberp's
 * JSON calls take them.
 */
#include "handlers.h"

/* POST /api/v1/stock/moves (Idempotency-Key header honoured) */
int h_move_create(srv_response *res, srv_request *req)
{
	char *owned;
	const char *text = hx_body_with_key(res, req, &owned);
	if (!text)
		return 0;
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_stock_move_json(&out, req->ctx, text);
	free(owned);
	if (rc == ERP_OK)
		srv_metrics_event(req->srv->metrics, "moves", 1);
	return hx_answer(res, rc, 201, &out);
}

/* POST /api/v1/stock/moves/batch {"moves":[...]}: all or none (Idempotency-Key K gives move i the key K/i) */
int h_move_batch(srv_response *res, srv_request *req)
{
	return hx_batch(res, req, "moves", erp_stock_move_batch_json, "moves");
}

/* GET /api/v1/stock/moves?product_id=&location_id=&from=&to=&limit=&cursor= */
int h_move_list(srv_response *res, srv_request *req)
{
	static const hx_arg args[] = {
		{ "product_id", HX_TEXT },
		{ "location_id", HX_TEXT },
		{ "from", HX_TEXT },
		{ "to", HX_TEXT },
		{ "limit", HX_INT },
		{ "cursor", HX_TEXT },
		{ NULL, 0 },
	};
	char *text = hx_query_text(res, req, json_object(), args);
	if (!text)
		return 0;
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_stock_move_list(&out, req->ctx, text);
	free(text);
	return hx_answer(res, rc, 200, &out);
}

/* GET /api/v1/stock/moves/{id} */
int h_move_get(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_stock_move_get(&out, req->ctx, req->params[0]);
	return hx_answer(res, rc, 200, &out);
}

/* GET /api/v1/stock/quants?product_id=&location_id=&as_of= */
int h_quants(srv_response *res, srv_request *req)
{
	static const hx_arg args[] = {
		{ "product_id", HX_TEXT },
		{ "location_id", HX_TEXT },
		{ "as_of", HX_TEXT },
		{ NULL, 0 },
	};
	char *text = hx_query_text(res, req, json_object(), args);
	if (!text)
		return 0;
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_stock_quant_list(&out, req->ctx, text);
	free(text);
	return hx_answer(res, rc, 200, &out);
}

/* POST /api/v1/stock/reservations (Idempotency-Key header honoured) */
int h_reservation_create(srv_response *res, srv_request *req)
{
	char *owned;
	const char *text = hx_body_with_key(res, req, &owned);
	if (!text)
		return 0;
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_stock_reserve_json(&out, req->ctx, text);
	free(owned);
	return hx_answer(res, rc, 201, &out);
}

/* GET /api/v1/stock/reservations/{id} */
int h_reservation_get(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_stock_reservation_get(&out, req->ctx, req->params[0]);
	return hx_answer(res, rc, 200, &out);
}

/*
 * POST /api/v1/stock/reservations/{id}/consume {quantity, location_dest_id,
 * date?, reference?, unit_cost?, idempotency_key?}: a move of the
 * reservation's product from its location, against it -> 201 the move.
 */
int h_reservation_consume(srv_response *res, srv_request *req)
{
	static const char *const keys[] = { "quantity", "location_dest_id", "date", "reference", "unit_cost",
	                                     "idempotency_key", NULL };
	json_t *body = hx_body(res, req);
	if (!body || hx_keys(res, body, keys))
		return 0;
	erp_buf resv = ERP_BUF_INIT, out = ERP_BUF_INIT;
	int rc = erp_stock_reservation_get(&resv, req->ctx, req->params[0]);
	if (rc != ERP_OK) {
		erp_buf_dispose(&resv);
		return srv_reply_erp(res, rc);
	}
	json_t *r = erp__json_loads(resv.ptr, 0, NULL);
	erp_buf_dispose(&resv);
	json_t *move = json_copy(body);
	const char *product = r ? json_string_value(json_object_get(r, "product_id")) : NULL;
	const char *location = r ? json_string_value(json_object_get(r, "location_id")) : NULL;
	char *text = NULL;
	if (!move || !product || !location) {
		srv_reply_problem(res, 500, "error", "could not read the reservation", NULL);
		goto out;
	}
	bool ok = true;
	erp__json_set(move, "product_id", json_string(product), &ok);
	erp__json_set(move, "location_id", json_string(location), &ok);
	erp__json_set(move, "reservation_id", json_string(req->params[0]), &ok);
	if (!ok) {
		srv_reply_problem(res, 500, "error", "out of memory", NULL);
		goto out;
	}
	if (hx_idempotency(res, req, move) != 0 || !(text = hx_dump(res, move)))
		goto out;
	rc = erp_stock_move_json(&out, req->ctx, text);
	if (rc == ERP_OK)
		srv_metrics_event(req->srv->metrics, "moves", 1);
	hx_answer(res, rc, 201, &out);
out:
	free(text);
	json_decref(move);
	json_decref(r);
	return 0;
}

/* POST /api/v1/stock/reservations/{id}/release -> 200 the reservation */
int h_reservation_release(srv_response *res, srv_request *req)
{
	int rc = erp_stock_release(req->ctx, req->params[0]);
	if (rc != ERP_OK)
		return srv_reply_erp(res, rc);
	erp_buf out = ERP_BUF_INIT;
	rc = erp_stock_reservation_get(&out, req->ctx, req->params[0]);
	return hx_answer(res, rc, 200, &out);
}

/* GET /api/v1/stock/layers/{product_id} */
int h_layers(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_stock_layer_list(&out, req->ctx, req->params[0]);
	return hx_answer(res, rc, 200, &out);
}
