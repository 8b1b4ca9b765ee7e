/*
 * erp-server's JSON answers under allocation failure (issue 16): every way
 * the server turns JSON into text (an answer, an error answer, the OpenAPI
 * document, a log line) and every way it reads JSON (a request's body)
 * is run with its 1st, 2nd, ... Nth allocation
 * failing (failing_alloc.h: every malloc of the process, jansson's and
 * libc's included) until a run no longer reaches N. Each run must give
 * either exactly the text of a run without failures, or an out-of-memory
 * answer (500 with a whole JSON error, or no body) / no document / no log
 * line: never JSON with a key or an element missing. At the end no block
 * born in a failing run may still be alive.
 *
 *   build/tests/alloc/test_server_json_oom [scenario-substring]
 *
 * It needs no store: the calls under test make text from JSON only.
 */
#include "failing_alloc.h"
#include "http.h"
#include "server.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What one run made: an HTTP status (0: none) and text (NULL: none). */
typedef struct made {
	int status;
	char *text;
} made;

typedef struct scenario {
	const char *name;
	/* Makes the output; armed around the part under test only. */
	made (*run)(unsigned long fail_at);
	/* Whether a run that failed may give `m` (it is not the reference). */
	int (*acceptable_failure)(const made *m);
} scenario;

static json_t *sample_body(void)
{
	/* Many keys and elements, nested: each is a write that can fail. */
	return json_pack("{s:s, s:I, s:[{s:s, s:s, s:I}, {s:s, s:s, s:I}], s:{s:s, s:n, s:b}, s:s}", "id",
	                 "7d8e2c1a-0000-4000-8000-000000000001", "version", (json_int_t)3, "lines", "account",
	                 "1000 Cash", "side", "debit", "amount", (json_int_t)12345, "account", "4000 Revenue", "side",
	                 "credit", "amount", (json_int_t)12345, "meta", "memo", "caf\xc3\xa9 \"quoted\" \\ tab\t",
	                 "ref", "posted", 1, "status", "posted");
}

static made take_response(srv_response *res)
{
	made m = { res->status, NULL };
	if (res->body) {
		m.text = malloc(res->body_len + 1);
		if (!m.text) {
			fprintf(stderr, "out of memory in the test itself\n");
			exit(2);
		}
		memcpy(m.text, res->body, res->body_len);
		m.text[res->body_len] = 0;
	}
	free(res->body);
	return m;
}

static made run_reply_json(unsigned long fail_at)
{
	json_t *body = sample_body(); /* made unarmed: the answer's text is under test */
	if (!body)
		exit(2);
	srv_response res = { 0 };
	failing_alloc_arm(fail_at, "reply_json", fail_at);
	srv_reply_json(&res, 201, body);
	failing_alloc_disarm();
	return take_response(&res);
}

static made run_reply_problem(unsigned long fail_at)
{
	srv_response res = { 0 };
	failing_alloc_arm(fail_at, "reply_problem", fail_at);
	srv_reply_problem(&res, 422, "invalid", "amount: must be an integer (minor units)", "amount");
	failing_alloc_disarm();
	return take_response(&res);
}

/* A 500 whose body, when there is one, is a whole error about memory. */
static int is_oom_answer(const made *m)
{
	if (m->status != 500)
		return 0;
	if (!m->text)
		return 1;
	json_t *j = json_loads(m->text, 0, NULL);
	json_t *err = json_object_get(j, "error");
	const char *code = json_string_value(json_object_get(err, "code"));
	const char *message = json_string_value(json_object_get(err, "message"));
	int ok = json_object_size(j) == 1 && json_object_size(err) == 3 && code && strcmp(code, "error") == 0 &&
	         message && strstr(message, "out of memory") && json_is_null(json_object_get(err, "field"));
	json_decref(j);
	return ok;
}

static made run_openapi(unsigned long fail_at)
{
	failing_alloc_arm(fail_at, "openapi", fail_at);
	made m = { 0, srv_openapi_dump() };
	failing_alloc_disarm();
	return m;
}

static int is_nothing(const made *m)
{
	return m->status == 0 && m->text == NULL;
}

/* A log line, read back from stderr (sent to a file for the call). */
static made run_log(unsigned long fail_at)
{
	FILE *f = tmpfile();
	if (!f)
		exit(2);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(fileno(f), STDERR_FILENO);
	json_t *fields = json_pack("{s:s, s:s, s:I, s:s}", "request_id", "r-1", "route", "/api/v1/journal", "status",
	                           (json_int_t)201, "detail", "posted");
	if (!fields)
		exit(2);
	failing_alloc_arm(fail_at, "log", fail_at);
	srv_log(SRV_LOG_ERROR, "request", fields);
	failing_alloc_disarm();
	dup2(saved, STDERR_FILENO);
	close(saved);

	made m = { 0, NULL };
	long size = (fseek(f, 0, SEEK_END), ftell(f));
	if (size > 0) {
		json_t *line;
		rewind(f);
		char *raw = calloc(1, (size_t)size + 1);
		if (!raw || fread(raw, 1, (size_t)size, f) != (size_t)size)
			exit(2);
		/* The time stamp differs from run to run: compare the rest. */
		line = json_loads(raw, 0, NULL);
		json_object_del(line, "ts");
		m.text = line ? json_dumps(line, JSON_COMPACT | JSON_SORT_KEYS) : strdup(raw);
		json_decref(line);
		free(raw);
	}
	fclose(f);
	return m;
}

/* A request body parsed (http.c): the value of the text, or nothing; never an amount with a digit missing. */
static made run_parse_body(unsigned long fail_at)
{
	static const char body[] =
	    "{\"journal_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000001\",\"date\":\"2026-01-31\",\"lines\":"
	    "[{\"account_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000002\",\"debit\":\"1234567.89\",\"n\":12345},"
	    "{\"account_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000003\",\"credit\":\"1234567.89\",\"n\":67890}],"
	    "\"memo\":\"caf\\u00e9 \\\"quoted\\\"\",\"rate\":1.25e3}";
	json_error_t err;
	failing_alloc_arm(fail_at, "parse_body", fail_at);
	json_t *v = erp__json_loadb(body, sizeof body - 1, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	int oom = !v && erp__json_load_oom(&err);
	failing_alloc_disarm();
	made m = { 0, NULL };
	if (v)
		m.text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	else if (!oom)
		m.text = strdup("(refused as bad JSON)");
	json_decref(v);
	return m;
}

static const scenario scenarios[] = {
	{ "parse_body", run_parse_body, is_nothing },
	{ "reply_json", run_reply_json, is_oom_answer },
	{ "reply_problem", run_reply_problem, is_oom_answer },
	{ "openapi", run_openapi, is_nothing },
	{ "log", run_log, is_nothing },
};

static int same(const made *a, const made *b)
{
	return a->status == b->status && a->text && b->text && strcmp(a->text, b->text) == 0;
}

static int sweep(const scenario *s)
{
	made ref = s->run(0);
	if (!ref.text) {
		fprintf(stderr, "%s: no output without failures\n", s->name);
		return 1;
	}
	int problems = 0;
	unsigned long n;
	for (n = 1;; n++) {
		made m = s->run(n);
		int failed = failing_alloc_failed();
		if (!failed ? !same(&m, &ref) : !same(&m, &ref) && !s->acceptable_failure(&m)) {
			fprintf(stderr, "%s: allocation %lu failing gave %d %s\n  (without failures: %d %s)\n", s->name, n,
			        m.status, m.text ? m.text : "(none)", ref.status, ref.text);
			if (failed)
				failing_alloc_print_failure();
			problems++;
		}
		free(m.text);
		if (!failed)
			break;
	}
	printf("%s: %lu allocations swept, %d problem(s)\n", s->name, n - 1, problems);
	free(ref.text);
	return problems;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	srv_log_set_level(SRV_LOG_ERROR);
	/* libc's time zone, read at the first gmtime_r() and kept: not a leak of a run */
	time_t t0 = 0;
	struct tm tm;
	gmtime_r(&t0, &tm);
	int problems = 0;
	for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
		if (!filter || strstr(scenarios[i].name, filter))
			problems += sweep(&scenarios[i]);
	size_t leaks = failing_alloc_report_live(20);
	if (leaks)
		fprintf(stderr, "%zu block(s) born in a failing run still alive\n", leaks);
	return problems || leaks ? 1 : 0;
}
