/*
 * The tenant's settings (erp/setting.h): every member reads them, an
 * admin writes them (the C API enforces both).
 */
#include "handlers.h"

/* GET /api/v1/settings: [{key, value, version, updated_at}] by key */
int h_setting_list(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_setting_list(&out, req->ctx);
	return hx_answer(res, rc, 200, &out);
}

/* GET /api/v1/settings/{key}: {key, value} */
int h_setting_get(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_setting_get(&out, req->ctx, req->params[0]);
	if (rc != ERP_OK)
		return hx_answer(res, rc, 200, &out);
	json_t *body = json_pack("{s:s, s:s%}", "key", req->params[0], "value", out.ptr, out.size);
	erp_buf_dispose(&out);
	if (!body)
		return srv_reply_problem(res, 500, "error", "out of memory", NULL);
	return srv_reply_json(res, 200, body);
}

/* PUT /api/v1/settings/{key} {"value":"text"} (admin): {key, value} */
int h_setting_put(srv_response *res, srv_request *req)
{
	static const char *const keys[] = { "value", NULL };
	json_t *body = hx_body(res, req);
	const char *value;
	if (!body || hx_keys(res, body, keys) || hx_string(res, body, "value", 1, &value))
		return 0;
	int rc = erp_setting_set(req->ctx, req->params[0], value);
	if (rc != ERP_OK)
		return srv_reply_erp(res, rc);
	return h_setting_get(res, req);
}

/* DELETE /api/v1/settings/{key} (admin): 204, also when it was not set */
int h_setting_delete(srv_response *res, srv_request *req)
{
	int rc = erp_setting_set(req->ctx, req->params[0], NULL);
	if (rc != ERP_OK)
		return srv_reply_erp(res, rc);
	return srv_reply_json(res, 204, NULL);
}
