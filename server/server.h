/*
 * erp-server: the reference HTTP/JSON server over liberp. A thin layer:
 * each route parses the request, calls the C API and renders the answer;
 * no business logic lives here.
 *
 * The pieces, one idea per file:
 *   config.c    configuration from the environment and flags (srv_config)
 *   http.c      libmicrohttpd glue: bodies, limits, headers, dispatch,
 *               CORS, request ids, rate limits, access log, metrics hooks
 *   router.c    matching a method and path against the route table
 *   params.c    the one check of parameters: no NUL byte anywhere (422)
 *   reply.c     JSON answers and the error mapping (erp code -> status)
 *   metrics.c   Prometheus counters and the latency histogram
 *   openapi.c   the OpenAPI 3.1 document, made from the route table
 *   routes.c    the route table (srv_routes)
 *   h_*.c       the handlers, one file per area (auth, users, entities,
 *               journal, reports, stock, system)
 *   demo.c      --demo: a tenant, an admin and sample data
 *   main.c      start, signals, graceful shutdown
 *
 * JSON becomes text only through liberp's own checked helpers (lib's
 * json_out.h: erp__json_dumps, erp__json_set, erp__json_append; the server
 * links the static library), so that an allocation failure gives an
 * out-of-memory answer and never JSON with a key or element missing.
 */
#ifndef ERP_SERVER_H
#define ERP_SERVER_H

#include <erp/erp.h>
#include <jansson.h>
#include "util/json_out.h" /* lib/: the checked JSON helpers */
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- configuration (config.c) ------------------------------------------------ */

enum { SRV_LOG_ERROR = 0, SRV_LOG_WARN = 1, SRV_LOG_INFO = 2, SRV_LOG_DEBUG = 3 };

typedef struct srv_config {
	char *database_url;      /* DATABASE_URL, --database-url; default "sqlite:erp.db" */
	char *redis_url;         /* REDIS_URL, --redis-url; NULL: in-process cache "mem:" */
	char *bind;              /* BIND_ADDRESS, --bind; default "127.0.0.1" */
	int port;                /* PORT, --port; default 3000 (0: any free port, printed) */
	int log_level;           /* LOG_LEVEL, --log-level: error|warn|info|debug; default info */
	char **origins;          /* ALLOWED_ORIGINS, --allowed-origins: comma list, or "*" */
	size_t norigins;
	int64_t rate_limit_ttl_s; /* RATE_LIMIT_TTL, --rate-limit-ttl: window in seconds; default 60 */
	int64_t rate_limit_max;  /* RATE_LIMIT_MAX, --rate-limit-max: requests per window; default 1000; 0: off */
	size_t body_limit;       /* BODY_LIMIT, --body-limit: bytes; default 1 MiB */
	int threads;             /* THREADS, --threads: libmicrohttpd thread pool; default 16 x CPUs, at most 64 */
	int pool_size;           /* POOL_SIZE, --pool-size: storage connections; default threads, at most 16 */
	int64_t session_idle_s;  /* SESSION_IDLE_TIMEOUT, --session-idle: seconds; 0: the library's default (30 min) */
	bool relaxed_durability; /* DURABILITY=relaxed, --durability relaxed: erp_store_options.relaxed_durability */
	bool demo;               /* --demo: create a demo tenant, admin and sample data first */
	bool allow_signup;       /* ALLOW_SIGNUP=1, --allow-signup: POST /api/v1/tenants open to anyone */
	char *ready_file;        /* --ready-file PATH: write the bound port there once serving (tests) */
	bool verify;             /* --verify: run erp_store_verify on the store, print its report, exit 0/1 */
} srv_config;

/**
 * Reads the environment, then the flags (which win). On a bad value prints
 * "erp-server: <VARIABLE or --flag>: <why>" to stderr and returns 2; for
 * --help prints usage and returns 1; else 0.
 */
int srv_config_load(srv_config *out, int argc, char **argv);
void srv_config_free(srv_config *cfg);

/* ---- logging (http.c) --------------------------------------------------------- */

/**
 * Writes one JSON line to stderr, {"ts":"2026-11-28T10:00:00.123Z",
 * "level":"info","msg":msg,...fields}, when `level` (SRV_LOG_*) is within
 * LOG_LEVEL. `fields`: an object whose keys are added (stolen; NULL for
 * none). Thread-safe: each line is one write.
 */
void srv_log(int level, const char *msg, json_t *fields);

/* ---- the running server ------------------------------------------------------ */

typedef struct srv_metrics srv_metrics;

typedef struct srv_state {
	srv_config cfg;
	erp_store *store;
	srv_metrics *metrics;
	struct MHD_Daemon *daemon;
	atomic_int in_flight;    /* requests being handled (graceful shutdown waits for 0) */
	atomic_bool stopping;    /* set on SIGTERM/SIGINT: new requests get 503 */
	int64_t started_ms;
} srv_state;

/* ---- a request and its answer -------------------------------------------------- */

#define SRV_MAX_PARAMS 4

typedef struct srv_request {
	srv_state *srv;
	struct MHD_Connection *conn;  /* for query arguments and headers */
	const char *method;           /* "GET", "POST", "PATCH", "PUT", "DELETE" */
	const char *path;             /* the path without the query string */
	const char *params[SRV_MAX_PARAMS]; /* path parameters ({type}, {id}), in order; decoded */
	size_t nparams;
	const char *body;             /* the body, NUL-terminated ("" when none); valid UTF-8 JSON checked by http.c for POST/PATCH/PUT */
	size_t body_len;
	json_t *json;                 /* the body parsed (NULL when empty); borrowed */
	const char *request_id;       /* X-Request-Id as received, or generated */
	const char *idempotency_key;  /* Idempotency-Key header, or NULL */
	const char *client;           /* the client's address, text */
	const char *token;            /* the bearer token, or NULL */
	erp_ctx *ctx;                 /* the session's context (routes that need a session); borrowed */
	char nul_param[64];           /* the router: the first path parameter that held a NUL byte ("" when none) */
} srv_request;

typedef struct srv_response {
	int status;                   /* HTTP status */
	char *body;                   /* malloc'd; JSON unless content_type says otherwise */
	size_t body_len;
	const char *content_type;     /* NULL: "application/json" */
	int64_t retry_after_s;        /* > 0: a Retry-After header */
	const char *allow;            /* 405: the Allow header */
} srv_response;

/** A query-string argument, or NULL. */
const char *srv_query(const srv_request *req, const char *name);

/* ---- replies (reply.c) ---------------------------------------------------------- */

/** Answers `status` with `body` (stolen; NULL: no body). Returns 0. */
int srv_reply_json(srv_response *res, int status, json_t *body);

/** Answers `status` with JSON text that liberp returned (copied; the buf is disposed). Returns 0. */
int srv_reply_text(srv_response *res, int status, erp_buf *json_text);

/**
 * Answers a failed liberp call from erp_error_last():
 * `{"error":{"code":"invalid","message":"...","field":"..."}}` with the
 * status that fits the code (ENOTFOUND 404, EEXISTS/ECONFLICT/ELOCKED/
 * ENOSTOCK 409, EINVALID/EUNBALANCED 422, EPERM 403, EAUTH 401, ELIMIT 429
 * with Retry-After, ERETRY/EBACKEND 503, else 500). Returns 0.
 */
int srv_reply_erp(srv_response *res, int rc);

/**
 * srv_reply_erp(), naming the field `field_name` (the request's own name
 * for what the liberp call named otherwise) when the error names one.
 */
int srv_reply_erp_field(srv_response *res, int rc, const char *field_name);

/** Answers a problem found by the server itself (code such as "malformed_json"). Returns 0. */
int srv_reply_problem(srv_response *res, int status, const char *code, const char *message, const char *field);

/** The HTTP status for an erp code. */
int srv_status_of(int rc);

/* ---- routes (routes.c, router.c) --------------------------------------------------- */

typedef int (*srv_handler)(srv_response *res, srv_request *req);

enum {
	SRV_PUBLIC = 0,   /* no session needed */
	SRV_SESSION = 1   /* a bearer token that resumes (401 otherwise); the role is checked by liberp */
};

typedef struct srv_route {
	const char *method;           /* "GET", "POST", "PATCH", "DELETE" */
	const char *pattern;          /* "/api/v1/entities/{type}/{id}" */
	srv_handler handler;
	int auth;                     /* SRV_PUBLIC or SRV_SESSION */
	/* for the OpenAPI document */
	const char *operation_id;     /* unique, e.g. "getEntity" */
	const char *tag;              /* "auth", "entities", "journal", "reports", "stock", "users", "system" */
	const char *summary;
	const char *query;            /* query parameters, comma-separated ("as_of,limit,cursor"), or NULL */
	const char *body_example;     /* JSON example of the request body, or NULL for none */
	const char *success;          /* the success status, e.g. "200", "201", "204" */
} srv_route;

extern const srv_route srv_routes[];
extern const size_t srv_route_count;

/**
 * Finds the route for (method, path): the route, with the path parameters
 * filled in `req`; NULL with *path_known true when the path exists for
 * other methods (405, with their list in `allow`), false when it does not
 * exist (404).
 */
const srv_route *srv_route_find(srv_request *req, bool *path_known, char *allow, size_t allow_cap);

/* ---- metrics (metrics.c) ------------------------------------------------------------- */

int srv_metrics_new(srv_metrics **out);
void srv_metrics_free(srv_metrics *m);
/** Counts one request: its route pattern (or "unmatched"), status and duration. */
void srv_metrics_request(srv_metrics *m, const char *route, int status, double seconds);
/** Counts a business event: "postings" or "moves". */
void srv_metrics_event(srv_metrics *m, const char *what, int64_t n);
/** The Prometheus text exposition (malloc'd). */
char *srv_metrics_render(srv_metrics *m, const srv_state *srv);

/* ---- the OpenAPI document (openapi.c) --------------------------------------------------- */

/** The OpenAPI 3.1 document of srv_routes, as JSON (new reference). */
json_t *srv_openapi(void);

/* ---- demo data (demo.c) ---------------------------------------------------------------- */

/** Creates the demo tenant, its admin (printing the credentials once) and sample data. 0 on success. */
int srv_demo(erp_store *store);

#endif
