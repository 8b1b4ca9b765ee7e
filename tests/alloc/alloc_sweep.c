/*
 * The sweep of the allocation-failure test (see alloc_sweep.h): for every
 * N, one run of a scenario's call with its Nth allocation failing, then
 * the checks, all without failures armed.
 */
#include "alloc_sweep.h"

#include "failing_alloc.h"
#include "test_backend.h"

#include <inttypes.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STATE_COUNT 14
#define MAX_SHOWN 8

typedef struct {
	int64_t v[STATE_COUNT];
} sweep_state;

static const char *const state_names[STATE_COUNT] = {
	"financial.entries", "financial.entry_lines", "inventory.moves", "inventory.layers",
	"inventory.reservations", "inventory.quants", "auth.sessions", "auth.memberships",
	"system.audit_log", "core.partners", "auth.tenants", "auth.users", "auth.login_failures", "the scenario's effect",
};

static erp_store *sweep_store;
static char sweep_tenant[37];
static char tenant_sql[1400];

/* What a crash report names: the scenario and N being run. */
static const char *volatile current_name = "(none)";
static volatile unsigned long current_n;

static void on_crash(int sig)
{
	char msg[200];
	int len = snprintf(msg, sizeof msg, "\ncrash (signal %d) in scenario %s with allocation %lu failing\n", sig,
	                   current_name, current_n);
	if (len > 0 && write(2, msg, (size_t)len) < 0)
		_exit(3);
	signal(sig, SIG_DFL);
	raise(sig);
}

void sweep_init(erp_store *store, const char *tenant)
{
	static const char *const tenant_tables[] = {
		"{financial.entries}", "{financial.entry_lines}", "{inventory.moves}", "{inventory.layers}",
		"{inventory.reservations}", "{inventory.quants}", "{auth.sessions}", "{auth.memberships}",
		"{system.audit_log}", "{core.partners}",
	};
	size_t used = (size_t)snprintf(tenant_sql, sizeof tenant_sql, "SELECT ");
	for (size_t i = 0; i < sizeof tenant_tables / sizeof tenant_tables[0]; i++)
		used += (size_t)snprintf(tenant_sql + used, sizeof tenant_sql - used,
		                         "%s(SELECT count(*) FROM %s WHERE tenant_id = '%s')", i ? ", " : "",
		                         tenant_tables[i], tenant);
	sweep_store = store;
	memcpy(sweep_tenant, tenant, 37);
	signal(SIGSEGV, on_crash);
	signal(SIGABRT, on_crash);
	signal(SIGBUS, on_crash);
}

static sweep_state state_now(const sweep_scenario *sc, unsigned long n)
{
	sweep_state s;
	s.v[13] = sc->effect ? sc->effect(n) : 0;
	erp_test_scalars(s.v, 10, sweep_store, sweep_tenant, tenant_sql);
	erp_test_scalars(s.v + 10, 3, sweep_store, NULL,
	                 "SELECT (SELECT count(*) FROM {auth.tenants}), (SELECT count(*) FROM {auth.users}),"
	                 " (SELECT count(*) FROM {auth.login_failures})");
	return s;
}

static sweep_state state_delta(const sweep_state *before, const sweep_state *after)
{
	sweep_state d;
	for (int i = 0; i < STATE_COUNT; i++)
		d.v[i] = after->v[i] - before->v[i];
	return d;
}

static int state_equal(const sweep_state *a, const sweep_state *b)
{
	return memcmp(a->v, b->v, sizeof a->v) == 0;
}

static int state_zero(const sweep_state *a)
{
	sweep_state zero;
	memset(&zero, 0, sizeof zero);
	return state_equal(a, &zero);
}

static void state_text(char *out, size_t cap, const sweep_state *d)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < STATE_COUNT && used < cap; i++)
		if (d->v[i])
			used += (size_t)snprintf(out + used, cap - used, "%s%s%+" PRId64, used ? " " : "", state_names[i],
			                         d->v[i]);
	if (!used)
		snprintf(out, cap, "nothing");
}

/* Counts a problem and prints the first few. */
static int problem(int *problems, const sweep_scenario *s, unsigned long n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int problem(int *problems, const sweep_scenario *s, unsigned long n, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (*problems < MAX_SHOWN) {
		fprintf(stderr, "PROBLEM %s, allocation %lu failing: %s\n", s->name, n, msg);
		if (*problems < 2 && getenv("ERP_TEST_ALLOC_STACKS")) {
			fprintf(stderr, "the allocation that failed:\n");
			failing_alloc_print_failure();
		}
	}
	return ++*problems;
}

static unsigned long env_number(const char *name, unsigned long fallback)
{
	const char *v = getenv(name);
	return v && *v ? strtoul(v, NULL, 10) : fallback;
}

/* The codes an allocation failure may produce. */
static int out_of_memory_code(int rc)
{
	return rc == ERP_ERROR || rc == ERP_EBACKEND || rc == ERP_ERETRY;
}

int sweep_run(const sweep_scenario *s)
{
	int problems = 0;
	unsigned long stride = env_number("ERP_TEST_ALLOC_STRIDE", 1), from = env_number("ERP_TEST_ALLOC_FROM", 1);
	unsigned long verify_every = env_number("ERP_TEST_ALLOC_VERIFY_EVERY", 16);
	unsigned long runs = 0, absorbed = 0, committed_failures = 0, codes[3] = { 0, 0, 0 };
	erp_buf out = ERP_BUF_INIT, again = ERP_BUF_INIT;
	sweep_state before, after, success;
	char text[400];
	if (stride < s->stride)
		stride = s->stride;
	if (stride == 0)
		stride = 1;
	if (verify_every == 0)
		verify_every = 1;

	/* Warm-up twice: the first run fills caches and makes first-time rows, the second measures a success. */
	current_name = s->name;
	for (unsigned long w = 0; w < 2; w++) {
		if (s->prepare)
			s->prepare(w + 1000000);
		before = state_now(s, w + 1000000);
		int rc = s->call(&out, w + 1000000);
		if (rc != ERP_OK)
			fail_msg("%s: warm-up run: %s: %s", s->name, erp_error_name(rc), erp_error_last()->message);
		after = state_now(s, w + 1000000);
		erp_buf_dispose(&out);
	}
	success = state_delta(&before, &after);
	if (s->writes && state_zero(&success))
		fail_msg("%s: a successful run wrote nothing that is counted", s->name);

	/* A read's rows are counted once, around the whole sweep. */
	sweep_state read_before = state_now(s, 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	unsigned long k = 0;
	for (unsigned long n = from; n < 2000000; n += stride) {
		current_n = n;
		if (s->prepare)
			s->prepare(n);
		if (s->writes)
			before = state_now(s, n);
		erp_error_clear();
		failing_alloc_arm(n, s->name, n);
		int rc = s->call(&out, n);
		unsigned long seen = failing_alloc_disarm();
		int failed = failing_alloc_failed();
		runs++;
		if (s->writes)
			after = state_now(s, n);
		else
			after = before;
		sweep_state delta = state_delta(&before, &after);
		const erp_error *e = erp_error_last();

		/* The code. */
		if (rc == ERP_OK) {
			if (failed)
				absorbed++;
		} else if (!failed) {
			problem(&problems, s, n, "failed with %s (%s) although no allocation failed", erp_error_name(rc),
			        e->message);
		} else if (!out_of_memory_code(rc)) {
			problem(&problems, s, n, "returned %s (%s), not an out-of-memory code", erp_error_name(rc), e->message);
		} else {
			codes[rc == ERP_ERROR ? 0 : rc == ERP_EBACKEND ? 1 : 2]++;
			if (e->code != rc || !e->message || !e->message[0])
				problem(&problems, s, n, "returned %s but erp_error_last() is %s \"%s\"", erp_error_name(rc),
				        erp_error_name(e->code), e->message ? e->message : "(null)");
		}

		/* The store, every verify_every runs of a write (a damaged store stays damaged) and at the end. */
		if (s->writes && runs % verify_every == 0 && erp_store_verify(NULL, sweep_store) != ERP_OK) {
			problem(&problems, s, n, "the store no longer verifies after one of the last %lu runs: %s "
			        "(ERP_TEST_ALLOC_VERIFY_EVERY=1 names the run)", verify_every, erp_error_last()->message);
			break; /* every later run would say the same */
		}

		/* All or nothing. */
		int committed = !state_zero(&delta);
		if (committed && !state_equal(&delta, &success)) {
			char want[400];
			state_text(text, sizeof text, &delta);
			state_text(want, sizeof want, &success);
			problem(&problems, s, n, "after %s it wrote %s; a whole call writes %s", erp_error_name(rc), text, want);
		} else if (!committed && rc == ERP_OK && !state_zero(&success)) {
			problem(&problems, s, n, "returned ERP_OK and wrote nothing");
		} else if (committed && rc != ERP_OK) {
			committed_failures++;
		}

		/* The same call works again, and gives the same answer. */
		if (!committed || s->idempotent || !s->writes) {
			int rc2 = s->call(&again, n);
			if (rc2 != ERP_OK) {
				problem(&problems, s, n, "the call repeated without failures after %s gave %s: %s",
				        erp_error_name(rc), erp_error_name(rc2), erp_error_last()->message);
			} else {
				sweep_state now = s->writes ? state_now(s, n) : before;
				sweep_state total = state_delta(&before, &now);
				if (s->writes && !state_equal(&total, &success)) {
					char want[400];
					state_text(text, sizeof text, &total);
					state_text(want, sizeof want, &success);
					problem(&problems, s, n, "the failed call (%s) and its repetition wrote %s; one call writes %s",
					        erp_error_name(rc), text, want);
				}
				if (rc == ERP_OK && s->same_output && strcmp(out.ptr ? out.ptr : "", again.ptr ? again.ptr : "") != 0)
					problem(&problems, s, n, "answered ERP_OK with\n  %.300s\nbut the same call answers\n  %.300s",
					        out.ptr ? out.ptr : "(null)", again.ptr ? again.ptr : "(null)");
			}
		}
		erp_buf_dispose(&out);
		erp_buf_dispose(&again);
		if (seen < n) { /* this run did not reach its Nth allocation: every N is done */
			k = seen;
			break;
		}
	}
	if (erp_store_verify(NULL, sweep_store) != ERP_OK)
		problem(&problems, s, k, "the store no longer verifies at the end: %s", erp_error_last()->message);
	sweep_state read_after = state_now(s, 0);
	if (!s->writes && !s->prepare && !state_equal(&read_before, &read_after)) { /* a prepare may write */
		sweep_state d = state_delta(&read_before, &read_after);
		state_text(text, sizeof text, &d);
		problem(&problems, s, k, "the read wrote rows: %s", text);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr,
	        "%-26s %5lu allocations, %5lu runs, %5.1f s: %lu ERP_ERROR, %lu ERP_EBACKEND, %lu ERP_ERETRY, %lu absorbed"
	        " (ERP_OK), %lu committed before failing, %d problems\n",
	        s->name, k, runs, seconds, codes[0], codes[1], codes[2], absorbed, committed_failures, problems);
	current_name = "(between scenarios)";
	return problems;
}
