/*
 * Batches over HTTP, all or none (handlers.h, hx_batch): journal entries
 * and stock moves take the same envelope, the same per-item idempotency
 * keys and the same answer.
 */
#include "handlers.h"

#include <stdint.h>

int hx_batch(srv_response *res, srv_request *req, const char *member, hx_batch_call call, const char *metric)
{
	const char *const keys[] = { member, NULL };
	json_t *body = hx_body(res, req);
	if (!body || hx_keys(res, body, keys))
		return 0;
	json_t *items = json_deep_copy(json_object_get(body, member));
	if (!json_is_array(items)) {
		json_decref(items);
		char msg[96];
		snprintf(msg, sizeof msg, "%s must be an array of 1 or more items", member);
		return hx_invalid(res, member, msg), 0;
	}
	size_t i;
	json_t *item;
	bool ok = true;
	json_array_foreach(items, i, item)
	{
		if (req->idempotency_key && json_is_object(item) && !json_object_get(item, "idempotency_key")) {
			char key[256];
			snprintf(key, sizeof key, "%.200s/%zu", req->idempotency_key, i);
			erp__json_set(item, "idempotency_key", json_string(key), &ok);
		}
	}
	if (!ok) { /* never make an item without the key it was sent with */
		json_decref(items);
		return srv_reply_problem(res, 500, "error", "out of memory", NULL);
	}
	char *text = hx_dump(res, items);
	json_decref(items);
	if (!text)
		return 0;
	erp_buf ids = ERP_BUF_INIT;
	int rc = call(&ids, req->ctx, text);
	free(text);
	if (rc != ERP_OK) {
		erp_buf_dispose(&ids);
		return srv_reply_erp(res, rc);
	}
	json_t *arr = erp__json_loads(ids.ptr, 0, NULL);
	erp_buf_dispose(&ids);
	if (!arr)
		return srv_reply_problem(res, 500, "error", "out of memory", NULL);
	srv_metrics_event(req->srv->metrics, metric, (int64_t)json_array_size(arr));
	return srv_reply_json(res, 201, json_pack("{s:o}", "ids", arr));
}
