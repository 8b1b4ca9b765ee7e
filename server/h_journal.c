/*
 * Journal entries (erp/ledger.h): post (JSON), list, read, reverse, and
 * post a batch all or none.
 *
 * The batch route takes the JSON form of erp_ledger_post_json for each
 * entry ({"entries":[...]}) and posts them with erp_ledger_post_batch_json,
 * all or none; liberp names a refused entry's field
 * ("entries[i].lines[k].debit").
 */
#include "handlers.h"

#include <stdint.h>

/* POST /api/v1/journal-entries (Idempotency-Key header honoured) */
int h_journal_post(srv_response *res, srv_request *req)
{
	char *owned;
	const char *text = hx_body_with_key(res, req, &owned);
	if (!text)
		return 0;
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_ledger_post_json(&out, req->ctx, text);
	free(owned);
	if (rc == ERP_OK)
		srv_metrics_event(req->srv->metrics, "postings", 1);
	return hx_answer(res, rc, 201, &out);
}

/* GET /api/v1/journal-entries?from=&to=&journal_id=&limit=&cursor= */
int h_journal_list(srv_response *res, srv_request *req)
{
	static const hx_arg args[] = {
		{ "from", HX_TEXT },
		{ "to", HX_TEXT },
		{ "journal_id", HX_TEXT },
		{ "limit", HX_INT },
		{ "cursor", HX_TEXT },
		{ NULL, 0 },
	};
	char *text = hx_query_text(res, req, json_object(), args);
	if (!text)
		return 0;
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_ledger_entry_list(&out, req->ctx, text);
	free(text);
	return hx_answer(res, rc, 200, &out);
}

/* GET /api/v1/journal-entries/{id} */
int h_journal_get(srv_response *res, srv_request *req)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_ledger_entry_get(&out, req->ctx, req->params[0]);
	return hx_answer(res, rc, 200, &out);
}

/* POST /api/v1/journal-entries/{id}/reverse {date}: 201 with the reversal */
int h_journal_reverse(srv_response *res, srv_request *req)
{
	static const char *const keys[] = { "date", NULL };
	json_t *body = hx_body(res, req);
	const char *date;
	if (!body || hx_keys(res, body, keys) || hx_string(res, body, "date", 1, &date))
		return 0;
	erp_buf id = ERP_BUF_INIT, out = ERP_BUF_INIT;
	int rc = erp_ledger_reverse(&id, req->ctx, req->params[0], date);
	if (rc == ERP_OK) {
		srv_metrics_event(req->srv->metrics, "postings", 1);
		rc = erp_ledger_entry_get(&out, req->ctx, id.ptr);
	}
	erp_buf_dispose(&id);
	return hx_answer(res, rc, 201, &out);
}

/* ---- the batch --------------------------------------------------------------------- */

/* POST /api/v1/journal-entries/batch {"entries":[...]}: all or none
 * (erp_ledger_post_batch_json). With an Idempotency-Key header, each
 * entry without its own key gets "<header>/<index>", so that the same
 * batch sent again returns the same ids. */
int h_journal_batch(srv_response *res, srv_request *req)
{
	return hx_batch(res, req, "entries", erp_ledger_post_batch_json, "postings");
}
