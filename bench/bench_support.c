/* Benchmark helpers (bench_support.h). */
#include "bench_support.h"

#include <erp/erp.h>

#include <stdio.h>
#include <stdlib.h>
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
