/*
 * Reports (erp/ledger.h, erp/stock.h): an account's balance, the trial
 * balance, the general ledger, the stock valuation; the lock date.
 */
#include "handlers.h"

/* GET /api/v1/accounts/{id}/balance?as_of= */
int h_account_balance(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_ledger_account_balance(&out, req->ctx, req->params[0], srv_query(req, "as_of"));
	return hx_answer(res, rc, 200, &out);
}

/* GET /api/v1/reports/trial-balance?as_of= */
int h_trial_balance(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_ledger_trial_balance(&out, req->ctx, srv_query(req, "as_of"));
	return hx_answer(res, rc, 200, &out);
}

/* GET /api/v1/reports/general-ledger?account_id=&from=&to=&cursor=&limit= (limit 1 to 1000, default 100) */
int h_general_ledger(srv_response *res, srv_request *req)
{
	const char *account = srv_query(req, "account_id");
	const char *limit_text = srv_query(req, "limit");
	long long limit = 100;
	if (!account || !*account)
		return hx_invalid(res, "account_id", "account_id is required"), 0;
	if (limit_text && (hx_parse_int(limit_text, &limit) != 0 || limit < 1 || limit > 1000))
		return hx_invalid(res, "limit", "limit must be a whole number from 1 to 1000"), 0;
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_ledger_general_ledger(&out, req->ctx, account, srv_query(req, "from"), srv_query(req, "to"),
	                            srv_query(req, "cursor"), (int)limit);
	return hx_answer(res, rc, 200, &out);
}

/* GET /api/v1/reports/stock-valuation?as_of= */
int h_stock_valuation(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_stock_valuation(&out, req->ctx, srv_query(req, "as_of"));
	return hx_answer(res, rc, 200, &out);
}

/* GET /api/v1/ledger/lock-date: {"lock_date":"YYYY-MM-DD"|null} */
int h_lock_date_get(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_ledger_lock_date(&out, req->ctx);
	json_t *date;
	if (rc == ERP_OK)
		date = json_string(out.ptr);
	else if (rc == ERP_ENOTFOUND)
		date = json_null();
	else
		return erp_buf_dispose(&out), srv_reply_erp(res, rc);
	erp_buf_dispose(&out);
	return srv_reply_json(res, 200, json_pack("{s:o}", "lock_date", date));
}

/* PUT /api/v1/ledger/lock-date {"date":"YYYY-MM-DD"|null} (admin): {"lock_date":...} */
int h_lock_date_set(srv_response *res, srv_request *req)
{
	static const char *const keys[] = { "date", NULL };
	json_t *body = hx_body(res, req);
	const char *date;
	if (!body || hx_keys(res, body, keys))
		return 0;
	if (!json_object_get(body, "date"))
		return hx_invalid(res, "date", "date is required: \"YYYY-MM-DD\", or null to remove the lock"), 0;
	if (hx_string(res, body, "date", 0, &date))
		return 0;
	int rc = erp_ledger_set_lock_date(req->ctx, date);
	if (rc != ERP_OK)
		return srv_reply_erp(res, rc);
	return h_lock_date_get(res, req);
}
