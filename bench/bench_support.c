/* Benchmark helpers (bench_support.h). */
#include "bench_support.h"

#include <erp/erp.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef ERP_HAVE_POSTGRES
#include <libpq-fe.h>
#endif

/* $1 tenant, $2 account; the %s are the table of the numbering, the cast of an id (PostgreSQL), the table, the cast, the table. */
#define NUMBER_SQL                                                                                            \
	"INSERT INTO %s (tenant_id, account_no, account_id) SELECT $1%s, "                                      \
	"(SELECT coalesce(max(account_no), 0) + 1 FROM %s WHERE tenant_id = $1), $2%s "                          \
	"WHERE NOT EXISTS (SELECT 1 FROM %s WHERE tenant_id = $1 AND account_id = $2)"
#define NUMBER_OF_SQL "SELECT account_no FROM %s WHERE tenant_id = $1 AND account_id = $2"

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

long long bench_sqlite_account_no(struct sqlite3 *db, const char *tenant, const char *account)
{
	static const char table[] = "financial_ledger_accounts";
	char sql[2][400];
	snprintf(sql[0], sizeof sql[0], NUMBER_SQL, table, "", table, "", table);
	snprintf(sql[1], sizeof sql[1], NUMBER_OF_SQL, table);
	long long no = 0;
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(db, sql[i], -1, &st, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(st, 1, tenant, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
			rc = sqlite3_step(st);
			if (rc == SQLITE_ROW)
				no = sqlite3_column_int64(st, 0);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
			fprintf(stderr, "baseline: numbering account %s: %s\n", account, sqlite3_errmsg(db));
			exit(1);
		}
	}
	return no;
}

#ifdef ERP_HAVE_POSTGRES
long long bench_pg_account_no(struct pg_conn *c, const char *tenant, const char *account)
{
	static const char table[] = "financial.ledger_accounts";
	char sql[2][400];
	snprintf(sql[0], sizeof sql[0], NUMBER_SQL, table, "::uuid", table, "::uuid", table);
	snprintf(sql[1], sizeof sql[1], NUMBER_OF_SQL, table);
	const char *p[] = { tenant, account };
	/* Concurrent numbering (the engine, other baseline threads) may take the same number: then again. */
	for (int attempt = 0; attempt < 10; attempt++) {
		PGresult *r = PQexecParams(c, sql[0], 2, NULL, p, NULL, NULL, 0);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!ok)
			continue;
		r = PQexecParams(c, sql[1], 2, NULL, p, NULL, NULL, 0);
		long long no = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : 0;
		PQclear(r);
		if (no > 0)
			return no;
	}
	fprintf(stderr, "baseline: numbering account %s: %s", account, PQerrorMessage(c));
	exit(1);
}
#endif
