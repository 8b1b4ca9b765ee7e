/*
 * Timing and reporting shared by the benchmarks: each measurement runs
 * several rounds and reports the median, as a rate and as a ratio to the
 * raw-SQL baseline measured in the same process.
 */
#ifndef ERP_BENCH_SUPPORT_H
#define ERP_BENCH_SUPPORT_H

#include <stddef.h>

/** Seconds on a monotonic clock. */
double bench_now(void);

/** Median of n values (sorts them). */
double bench_median(double *values, size_t n);

/** Prints one result row: backend, operation, engine and baseline rates (per second, medians), ratio. */
void bench_report(const char *backend, const char *operation, double engine_rate, double baseline_rate);

/** Prints the table header. */
void bench_header(void);

/** Exits with a message when rc is not 0. */
void bench_check(int rc, const char *what);

struct erp_ctx;

/** Creates an entity of `type` from `json` (exits on failure); returns its id (malloc'd). */
char *bench_create(struct erp_ctx *ctx, const char *type, const char *json);

/**
 * The PostgreSQL URL to benchmark: ERP_BENCH_PG_URL, else ERP_TEST_PG_URL.
 * Prints how to set it and returns NULL when neither is set (the caller
 * exits 77, "skipped").
 */
const char *bench_pg_url(void);

struct sqlite3;
struct pg_conn;

/**
 * The number of `account` in the tenant's ledger, as the posting engine
 * gives it when the account is first posted to (the next of the tenant's
 * numbers), for the raw baselines, which write lines and balances by
 * account number as the engine does. Numbers the account when it has no
 * number yet; exits on failure. The PostgreSQL form runs on a connection
 * whose role and tenant are set.
 */
long long bench_sqlite_account_no(struct sqlite3 *db, const char *tenant, const char *account);
long long bench_pg_account_no(struct pg_conn *c, const char *tenant, const char *account);

#endif
