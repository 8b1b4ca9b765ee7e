/*
 * System routes: health, liveness, readiness, metrics, the OpenAPI
 * document, and a ping that touches nothing (the HTTP layer's ceiling).
 */
#include "handlers.h"
#include "http.h"

#include <stdlib.h>
#include <string.h>

int h_health(srv_response *res, srv_request *req)
{
	erp_buf report = ERP_BUF_INIT;
	int rc = erp_store_health(&report, req->srv->store);
	if (!report.ptr) {
		erp_buf_dispose(&report);
		return srv_reply_erp(res, rc == ERP_OK ? ERP_ERROR : rc);
	}
	return srv_reply_text(res, rc == ERP_OK ? 200 : 503, &report);
}

int h_health_live(srv_response *res, srv_request *req)
{
	return srv_reply_json(res, 200, json_pack("{s:s}", "status", "live"));
}

int h_health_ready(srv_response *res, srv_request *req)
{
	if (atomic_load(&req->srv->stopping))
		return srv_reply_json(res, 503, json_pack("{s:s}", "status", "stopping"));
	erp_buf report = ERP_BUF_INIT;
	int rc = erp_store_health(&report, req->srv->store);
	json_t *health = report.ptr ? erp__json_loads(report.ptr, 0, NULL) : NULL;
	erp_buf_dispose(&report);
	json_t *body = json_pack("{s:s}", "status", rc == ERP_OK ? "ready" : "not_ready");
	bool ok = body != NULL;
	if (ok && health) {
		json_t *v;
		if ((v = json_object_get(health, "storage")))
			erp__json_set(body, "storage", json_incref(v), &ok);
		if ((v = json_object_get(health, "cache")))
			erp__json_set(body, "cache", json_incref(v), &ok);
	}
	json_decref(health);
	if (!ok) {
		json_decref(body);
		return srv_reply_problem(res, 500, "error", "out of memory", NULL);
	}
	return srv_reply_json(res, rc == ERP_OK ? 200 : 503, body);
}

int h_metrics(srv_response *res, srv_request *req)
{
	char *text = srv_metrics_render(req->srv->metrics, req->srv);
	if (!text)
		return srv_reply_problem(res, 500, "error", "out of memory", NULL);
	free(res->body);
	res->status = 200;
	res->body = text;
	res->body_len = strlen(text);
	res->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}

int h_openapi(srv_response *res, srv_request *req)
{
	size_t len;
	const char *doc = srv_openapi_text(&len);
	char *copy = doc ? malloc(len + 1) : NULL;
	if (!copy)
		return srv_reply_problem(res, 500, "error", "out of memory", NULL);
	memcpy(copy, doc, len + 1);
	free(res->body);
	res->status = 200;
	res->body = copy;
	res->body_len = len;
	res->content_type = NULL;
	return 0;
}

int h_ping(srv_response *res, srv_request *req)
{
	static const char pong[] = "{\"pong\":true}";
	char *copy = malloc(sizeof pong);
	if (!copy)
		return srv_reply_problem(res, 500, "error", "out of memory", NULL);
	memcpy(copy, pong, sizeof pong);
	free(res->body);
	res->status = 200;
	res->body = copy;
	res->body_len = sizeof pong - 1;
	res->content_type = NULL;
	return 0;
}
