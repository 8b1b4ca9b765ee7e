/*
 * The tenant's audit log (erp/audit.h), for its admins.
 */
#include "handlers.h"

/* GET /api/v1/audit?limit= (1 to 1000, default 100): newest first */
int h_audit_list(srv_response *res, srv_request *req)
{
	const char *limit_text = srv_query(req, "limit");
	long long limit = 100;
	if (limit_text && (hx_parse_int(limit_text, &limit) != 0 || limit < 1 || limit > 1000))
		return hx_invalid(res, "limit", "limit must be a whole number from 1 to 1000"), 0;
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_audit_list(&out, req->ctx, (int)limit);
	return hx_answer(res, rc, 200, &out);
}
