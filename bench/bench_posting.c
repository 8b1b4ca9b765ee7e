/*
 * bench_posting [sqlite|postgresql] [N] [ROUNDS] [THREADS]
 *
 * Two-line journal entries per second through erp_ledger_post (one entry
 * per call) and erp_ledger_post_batch (batches of 1000), each beside a
 * raw-SQL baseline in the same process that does the same inserts (the
 * entry and its two lines) and balance updates (an upsert per line) with
 * prepared statements and no checks. With THREADS > 1 (PostgreSQL), every
 * thread posts through its own context, and the baseline uses one
 * connection per thread. Reports medians over ROUNDS rounds.
 *
 * PostgreSQL: the URL comes from ERP_BENCH_PG_URL or ERP_TEST_PG_URL.
 */
#include "bench_support.h"

#include <erp/erp.h>

#include "util/ident.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef ERP_HAVE_POSTGRES
#include <libpq-fe.h>
#endif

#define BATCH 1000

/* The statement templates take one placeholder prefix per parameter; some take fewer than sql_for passes. */
#pragma GCC diagnostic ignored "-Wformat-extra-args"

#define ENTRY_SQL                                                                                           \
	"INSERT INTO %s (tenant_id, id, seq, journal_id, date, reference, memo, idempotency_key, request_hash, "     \
	"reversal_of, prev_hash, hash, created_at, created_by) VALUES "                                             \
	"(%s1, %s2, %s3, %s4, %s5, NULL, NULL, NULL, NULL, NULL, '', '', %s6, 'bench')"
#define LINE_SQL                                                                                            \
	"INSERT INTO %s (tenant_id, line_no, seq, date, account_no, currency, debit, credit) "                      \
	"VALUES (%s1, %s2, %s3, %s4, %s5, 'USD', %s6, %s7)"
#define BALANCE_SQL                                                                                         \
	"INSERT INTO %s AS b (tenant_id, account_no, currency, date, debit, credit) VALUES "                        \
	"(%s1, %s2, 'USD', %s3, %s4, %s5) ON CONFLICT (tenant_id, account_no, currency, date) "                   \
	"DO UPDATE SET debit = b.debit + excluded.debit, credit = b.credit + excluded.credit"

typedef struct {
	const char *tenant, *journal, *debit_account, *credit_account;
} ledger_setup;

/* A statement text with the table name and the placeholder prefix of a dialect. */
#define sql_for(out, cap, tmpl, table, ph) snprintf(out, cap, tmpl, table, ph, ph, ph, ph, ph, ph, ph, ph)

/* ---- baselines ------------------------------------------------------------------- */

typedef struct {
	sqlite3 *db;
	sqlite3_stmt *entry, *line, *balance, *begin, *commit;
	int64_t seq;
	long long account_no[2]; /* debit, credit: numbered on the first run */
} sqlite_base;

static void sqlite_base_open(sqlite_base *b, const char *path)
{
	char sql[600];
	if (sqlite3_open(path, &b->db) != SQLITE_OK)
		exit(1);
	sqlite3_exec(b->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000",
	             NULL, NULL, NULL);
	sql_for(sql, sizeof sql, ENTRY_SQL, "financial_entries", "?");
	sqlite3_prepare_v2(b->db, sql, -1, &b->entry, NULL);
	sql_for(sql, sizeof sql, LINE_SQL, "financial_entry_lines", "?");
	sqlite3_prepare_v2(b->db, sql, -1, &b->line, NULL);
	sql_for(sql, sizeof sql, BALANCE_SQL, "financial_balances", "?");
	sqlite3_prepare_v2(b->db, sql, -1, &b->balance, NULL);
	sqlite3_prepare_v2(b->db, "BEGIN IMMEDIATE", -1, &b->begin, NULL);
	sqlite3_prepare_v2(b->db, "COMMIT", -1, &b->commit, NULL);
	if (!b->entry || !b->line || !b->balance || !b->begin || !b->commit) {
		fprintf(stderr, "baseline prepare: %s\n", sqlite3_errmsg(b->db));
		exit(1);
	}
	b->seq = 1000000000;
}

static int step(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : 1;
}

static int sqlite_base_entry(sqlite_base *b, const ledger_setup *l, int64_t amount)
{
	char id[37], now[ERP__TIMESTAMP_LEN + 1];
	erp__uuid_v7(id);
	erp__now_timestamp(now);
	int64_t seq = ++b->seq;
	sqlite3_bind_text(b->entry, 1, l->tenant, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->entry, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(b->entry, 3, seq);
	sqlite3_bind_text(b->entry, 4, l->journal, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->entry, 5, "2026-11-28", -1, SQLITE_STATIC);
	sqlite3_bind_text(b->entry, 6, now, -1, SQLITE_STATIC);
	int rc = step(b->entry);
	for (int k = 0; k < 2; k++) {
		long long acct = b->account_no[k];
		sqlite3_bind_text(b->line, 1, l->tenant, -1, SQLITE_STATIC);
		sqlite3_bind_int64(b->line, 2, k + 1);
		sqlite3_bind_int64(b->line, 3, seq);
		sqlite3_bind_text(b->line, 4, "2026-11-28", -1, SQLITE_STATIC);
		sqlite3_bind_int64(b->line, 5, acct);
		sqlite3_bind_int64(b->line, 6, k ? 0 : amount);
		sqlite3_bind_int64(b->line, 7, k ? amount : 0);
		rc |= step(b->line);
		sqlite3_bind_text(b->balance, 1, l->tenant, -1, SQLITE_STATIC);
		sqlite3_bind_int64(b->balance, 2, acct);
		sqlite3_bind_text(b->balance, 3, "2026-11-28", -1, SQLITE_STATIC);
		sqlite3_bind_int64(b->balance, 4, k ? 0 : amount);
		sqlite3_bind_int64(b->balance, 5, k ? amount : 0);
		rc |= step(b->balance);
	}
	return rc;
}

static int sqlite_base_run(sqlite_base *b, const ledger_setup *l, int n, int batch)
{
	int rc = 0;
	if (!b->account_no[0]) {
		b->account_no[0] = bench_sqlite_account_no(b->db, l->tenant, l->debit_account);
		b->account_no[1] = bench_sqlite_account_no(b->db, l->tenant, l->credit_account);
	}
	for (int i = 0; i < n && !rc; i += batch) {
		rc |= step(b->begin);
		for (int k = 0; k < batch && i + k < n; k++)
			rc |= sqlite_base_entry(b, l, 100 + k);
		rc |= step(b->commit);
	}
	if (rc)
		fprintf(stderr, "sqlite baseline: %s\n", sqlite3_errmsg(b->db));
	return rc;
}

#ifdef ERP_HAVE_POSTGRES
typedef struct {
	PGconn *c;
	int64_t seq;
	char account_no[2][24]; /* debit, credit: numbered on the first run */
} pg_base;

static int pg_ok(PGresult *r)
{
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "pg baseline: %s", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : 1;
}

static void pg_base_open(pg_base *b, const char *url, const char *tenant, int64_t seq_base)
{
	char sql[600];
	b->c = PQconnectdb(url);
	if (PQstatus(b->c) != CONNECTION_OK)
		exit(1);
	snprintf(sql, sizeof sql, "SELECT set_config('app.current_tenant_id', '%s', false)", tenant);
	int rc = pg_ok(PQexec(b->c, sql));
	rc |= pg_ok(PQexec(b->c, "SET ROLE erp_readwrite; SET synchronous_commit = on"));
	sql_for(sql, sizeof sql, ENTRY_SQL, "financial.entries", "$");
	rc |= pg_ok(PQprepare(b->c, "entry", sql, 0, NULL));
	sql_for(sql, sizeof sql, LINE_SQL, "financial.entry_lines", "$");
	rc |= pg_ok(PQprepare(b->c, "line", sql, 0, NULL));
	sql_for(sql, sizeof sql, BALANCE_SQL, "financial.balances", "$");
	rc |= pg_ok(PQprepare(b->c, "balance", sql, 0, NULL));
	rc |= pg_ok(PQprepare(b->c, "begin", "BEGIN", 0, NULL));
	rc |= pg_ok(PQprepare(b->c, "commit", "COMMIT", 0, NULL));
	if (rc)
		exit(1);
	b->seq = seq_base;
}

static int pg_base_run(pg_base *b, const ledger_setup *l, int n, int batch)
{
	int rc = 0;
	for (int s = 0; s < 2 && !b->account_no[s][0]; s++)
		snprintf(b->account_no[s], sizeof b->account_no[s], "%lld",
		         bench_pg_account_no(b->c, l->tenant, s ? l->credit_account : l->debit_account));
	for (int i = 0; i < n && !rc; i += batch) {
		rc |= pg_ok(PQexecPrepared(b->c, "begin", 0, NULL, NULL, NULL, 0));
		for (int k = 0; k < batch && i + k < n; k++) {
			char id[37], now[ERP__TIMESTAMP_LEN + 1], seq[24], amount[24];
			erp__uuid_v7(id);
			erp__now_timestamp(now);
			snprintf(seq, sizeof seq, "%lld", (long long)++b->seq);
			snprintf(amount, sizeof amount, "%d", 100 + k);
			const char *e[] = { l->tenant, id, seq, l->journal, "2026-11-28", now };
			rc |= pg_ok(PQexecPrepared(b->c, "entry", 6, e, NULL, NULL, 0));
			for (int s = 0; s < 2; s++) {
				const char *acct = b->account_no[s];
				const char *no = s ? "2" : "1";
				const char *line[] = { l->tenant, no, seq, "2026-11-28", acct, s ? "0" : amount, s ? amount : "0" };
				rc |= pg_ok(PQexecPrepared(b->c, "line", 7, line, NULL, NULL, 0));
				const char *bal[] = { l->tenant, acct, "2026-11-28", s ? "0" : amount, s ? amount : "0" };
				rc |= pg_ok(PQexecPrepared(b->c, "balance", 5, bal, NULL, NULL, 0));
			}
		}
		rc |= pg_ok(PQexecPrepared(b->c, "commit", 0, NULL, NULL, NULL, 0));
	}
	return rc;
}
#endif

/* ---- the engine ------------------------------------------------------------------------ */

static int engine_run(erp_ctx *ctx, const ledger_setup *l, int n, int batch)
{
	erp_ledger_line lines[BATCH][2];
	erp_ledger_entry entries[BATCH];
	for (int i = 0; i < n; i += batch) {
		int count = batch < n - i ? batch : n - i;
		for (int k = 0; k < count; k++) {
			erp_ledger_line debit = { l->debit_account, 100 + k, 0, NULL, NULL, NULL, NULL };
			erp_ledger_line credit = { l->credit_account, 0, 100 + k, NULL, NULL, NULL, NULL };
			lines[k][0] = debit;
			lines[k][1] = credit;
			erp_ledger_entry e = ERP_LEDGER_ENTRY_INIT;
			e.journal_id = l->journal;
			e.date = "2026-11-28";
			e.lines = lines[k];
			e.line_count = 2;
			entries[k] = e;
		}
		int rc = count == 1 ? erp_ledger_post(NULL, ctx, &entries[0]) : erp_ledger_post_batch(NULL, ctx, entries, (size_t)count);
		if (rc != ERP_OK) {
			fprintf(stderr, "engine: %s %s\n", erp_error_name(rc), erp_error_last()->message);
			return rc;
		}
	}
	return 0;
}

/* ---- threads ------------------------------------------------------------------------------ */

typedef struct {
	erp_ctx *ctx;
	ledger_setup l;
	int n, batch, rc;
#ifdef ERP_HAVE_POSTGRES
	pg_base *base;
#endif
} worker;

static void *engine_thread(void *arg)
{
	worker *w = arg;
	w->rc = engine_run(w->ctx, &w->l, w->n, w->batch);
	return NULL;
}

#ifdef ERP_HAVE_POSTGRES
static void *base_thread(void *arg)
{
	worker *w = arg;
	w->rc = pg_base_run(w->base, &w->l, w->n, w->batch);
	return NULL;
}
#endif

int main(int argc, char **argv)
{
	const char *backend = argc > 1 ? argv[1] : "sqlite";
	int n = argc > 2 ? atoi(argv[2]) : 4000;
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	int threads = argc > 4 ? atoi(argv[4]) : (strcmp(backend, "sqlite") == 0 ? 1 : 4);
	if (threads < 1 || threads > 32)
		threads = 1;
	char url[1024], dir[] = "/tmp/erp-bench-XXXXXX";
	bool sqlite = strcmp(backend, "sqlite") == 0;
	if (sqlite) {
		if (!mkdtemp(dir))
			return 1;
		snprintf(url, sizeof url, "sqlite:%s/bench.db", dir);
		threads = 1; /* one writer: threads only queue */
	} else {
		const char *u = bench_pg_url();
		if (!u)
			return 77;
		snprintf(url, sizeof url, "%s", u);
	}
	erp_store_options opts = ERP_STORE_OPTIONS_INIT;
	opts.pool_size = threads + 1;
	erp_store *store;
	bench_check(erp_store_open(&store, url, &opts), "erp_store_open");
	erp_buf tenant = ERP_BUF_INIT;
	char tname[64];
	snprintf(tname, sizeof tname, "Bench posting %d", (int)getpid());
	bench_check(erp_tenant_create(&tenant, store, tname, "USD"), "erp_tenant_create");
	erp_ctx *admin;
	bench_check(erp_ctx_new(&admin, store, tenant.ptr, "bench", ERP_ROLE_ADMIN), "erp_ctx_new");
	char *journal = bench_create(admin, "financial.journal", "{\"code\":\"GEN\",\"name\":\"General\"}");
	/* Each thread its own pair of accounts, engine and baseline alike. */
	char *accounts[64];
	for (int t = 0; t < 2 * threads; t++) {
		char json[128];
		snprintf(json, sizeof json, "{\"code\":\"%d\",\"name\":\"Account %d\",\"type\":\"%s\"}", 1000 + t, t,
		         t % 2 ? "income" : "asset");
		accounts[t] = bench_create(admin, "financial.account", json);
	}
	worker w[32];
	erp_ctx *ctxs[32];
	for (int t = 0; t < threads; t++) {
		bench_check(erp_ctx_new(&ctxs[t], store, tenant.ptr, "bench", ERP_ROLE_READWRITE), "erp_ctx_new");
		w[t].l = (ledger_setup){ tenant.ptr, journal, accounts[2 * t], accounts[2 * t + 1] };
	}
	sqlite_base sb = { 0 };
#ifdef ERP_HAVE_POSTGRES
	pg_base pb[32];
	memset(pb, 0, sizeof pb);
#endif
	if (sqlite)
		sqlite_base_open(&sb, url + 7);
#ifdef ERP_HAVE_POSTGRES
	else
		for (int t = 0; t < threads; t++)
			pg_base_open(&pb[t], url, tenant.ptr, 1000000000LL * (t + 1));
#endif

	printf("# bench_posting: 2-line entries, %d per round x %d rounds, %d thread%s, medians\n", n, rounds, threads,
	       threads > 1 ? "s" : "");
	bench_header();
	int batches[2] = { 1, BATCH };
	for (int m = 0; m < 2; m++) {
		int batch = batches[m];
		int per_round = batch == 1 ? n / 4 : n; /* single posts are slower: fewer per round */
		double *er = calloc((size_t)rounds, sizeof(double)), *br = calloc((size_t)rounds, sizeof(double));
		for (int r = 0; r < rounds; r++) {
			pthread_t th[32];
			double t0 = bench_now();
			for (int t = 0; t < threads; t++) {
				w[t].ctx = ctxs[t];
				w[t].n = per_round / threads;
				w[t].batch = batch;
				pthread_create(&th[t], NULL, engine_thread, &w[t]);
			}
			for (int t = 0; t < threads; t++) {
				pthread_join(th[t], NULL);
				bench_check(w[t].rc, "engine");
			}
			double t1 = bench_now();
			if (sqlite) {
				bench_check(sqlite_base_run(&sb, &w[0].l, per_round, batch), "baseline");
			}
#ifdef ERP_HAVE_POSTGRES
			else {
				for (int t = 0; t < threads; t++) {
					w[t].base = &pb[t];
					pthread_create(&th[t], NULL, base_thread, &w[t]);
				}
				for (int t = 0; t < threads; t++) {
					pthread_join(th[t], NULL);
					bench_check(w[t].rc, "baseline");
				}
			}
#endif
			double t2 = bench_now();
			er[r] = (per_round / threads * threads) / (t1 - t0);
			br[r] = (per_round / threads * threads) / (t2 - t1);
		}
		char op[64];
		snprintf(op, sizeof op, batch == 1 ? "post, 1 per call" : "post_batch of %d", batch);
		bench_report(backend, op, bench_median(er, (size_t)rounds), bench_median(br, (size_t)rounds));
		free(er);
		free(br);
	}
	erp_buf report = ERP_BUF_INIT;
	/* The baseline wrote rows the chain does not know; only the engine's own checks apply here. */
	(void)report;

	if (sb.db) {
		sqlite3_finalize(sb.entry);
		sqlite3_finalize(sb.line);
		sqlite3_finalize(sb.balance);
		sqlite3_finalize(sb.begin);
		sqlite3_finalize(sb.commit);
		sqlite3_close(sb.db);
	}
#ifdef ERP_HAVE_POSTGRES
	for (int t = 0; t < threads; t++)
		if (pb[t].c)
			PQfinish(pb[t].c);
#endif
	for (int t = 0; t < threads; t++)
		erp_ctx_free(ctxs[t]);
	for (int t = 0; t < 2 * threads; t++)
		free(accounts[t]);
	free(journal);
	erp_ctx_free(admin);
	erp_buf_dispose(&tenant);
	erp_store_close(store);
	if (sqlite) {
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return 0;
}
