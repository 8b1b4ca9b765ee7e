/* Benchmark helpers (bench_support.h). */
#include "bench_support.h"

#include <erp/erp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double bench_median(double *values, size_t n)
{
	qsort(values, n, sizeof *values, compare_double);
	return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void bench_header(void)
{
	printf("%-12s %-28s %14s %14s %7s\n", "backend", "operation", "engine/s", "baseline/s", "ratio");
}

void bench_report(const char *backend, const char *operation, double engine_rate, double baseline_rate)
{
	printf("%-12s %-28s %14.0f %14.0f %7.2f\n", backend, operation, engine_rate, baseline_rate,
	       baseline_rate > 0 ? engine_rate / baseline_rate : 0.0);
	fflush(stdout);
}

void bench_check(int rc, const char *what)
{
	if (rc != 0) {
		fprintf(stderr, "%s failed: %s (%s)\n", what, erp_error_name(rc), erp_error_last()->message);
		exit(1);
	}
}

char *bench_create(erp_ctx *ctx, const char *type, const char *json)
{
	erp_buf out = ERP_BUF_INIT;
	bench_check(erp_entity_create(&out, ctx, type, json), type);
	const char *at = strstr(out.ptr, "\"id\":\"");
	char *id = malloc(37);
	if (!at || !id) {
		fprintf(stderr, "%s: no id in %s\n", type, out.ptr);
		exit(1);
	}
	memcpy(id, at + 6, 36);
	id[36] = '\0';
	erp_buf_dispose(&out);
	return id;
}

const char *bench_pg_url(void)
{
	const char *u = getenv("ERP_BENCH_PG_URL") ? getenv("ERP_BENCH_PG_URL") : getenv("ERP_TEST_PG_URL");
	if (!u)
		fprintf(stderr, "set ERP_BENCH_PG_URL (or ERP_TEST_PG_URL) to benchmark PostgreSQL\n");
	return u;
}
