/*
 * Private to the server framework (http.c, main.c, router.c, reply.c):
 * what main.c hands to libmicrohttpd, and small shared helpers.
 */
#ifndef ERP_SERVER_HTTP_H
#define ERP_SERVER_HTTP_H

#include "server.h"

#include <stdarg.h>

/* ---- http.c: the libmicrohttpd callbacks (cls: the srv_state) ---- */
void *srv_http_begin(void *cls, const char *uri, struct MHD_Connection *conn);
enum MHD_Result srv_http_access(void *cls, struct MHD_Connection *conn, const char *url,
                                const char *method, const char *version, const char *upload_data,
                                size_t *upload_data_size, void **con_cls);
void srv_http_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                         enum MHD_ConnectionNotificationCode toe);
void srv_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                        enum MHD_RequestTerminationCode toe);
/** libmicrohttpd's own messages, logged at debug level. */
void srv_http_mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/** srv_log whatever LOG_LEVEL says (the "listening" line). */
void srv_log_force(int level, const char *msg, json_t *fields);
/** Sets the level srv_log writes up to (SRV_LOG_*). */
void srv_log_set_level(int level);
/** Milliseconds: wall clock since the epoch; monotonic clock. */
int64_t srv_now_ms(void);
double srv_mono_s(void);

/* ---- config.c ---- */
/** "DATABASE_URL", or "--database-url" when the last srv_config_load took it from that flag. */
const char *srv_config_name(const char *env);

/* ---- router.c ---- */
/**
 * Checks the route table: methods, patterns, unique (method, pattern) and
 * operationIds, at most SRV_MAX_PARAMS parameters, a success status.
 * 0, or -1 with the fault described in `err`.
 */
int srv_routes_check(char *err, size_t cap);

/* ---- metrics.c ---- */
/** srv_metrics_request with the method as a label (GET, POST, ..., or OTHER). */
void srv_metrics_request_method(srv_metrics *m, const char *method, const char *route, int status, double seconds);

/* ---- reply.c ---- */
/**
 * What the last srv_reply_erp on this thread hid from the client (the
 * liberp message of a 5xx answer), for the access log; "" when none.
 * srv_reply_detail_clear() resets it.
 */
const char *srv_reply_detail(void);
void srv_reply_detail_clear(void);

/* ---- params.c ---- */
/**
 * Refuses a request that holds a NUL byte in a path parameter (the
 * router's req->nul_param), its path, a query parameter or a header: 422
 * `invalid` naming it, and returns non-zero; 0 when there is none.
 */
int srv_params_refuse_nul(srv_response *res, const srv_request *req);

/** The same for the strings of a parsed JSON body (parsed with JSON_ALLOW_NUL): the field is its path, "lines[0].memo". */
int srv_params_refuse_nul_json(srv_response *res, const json_t *body);

/* ---- openapi.c ---- */
/** The OpenAPI document as compact JSON text, made once (for GET /openapi.json); NULL when out of memory. */
const char *srv_openapi_text(size_t *len);

/** The OpenAPI document as compact JSON text, made anew (malloc'd; free()); NULL when out of memory. */
char *srv_openapi_dump(void);

#endif
