/*
 * bench_ledger_scale [sqlite|postgresql] [ENTRIES] [SLICE]
 *
 * How posting holds up as the store grows, and what a line costs on disk.
 * One tenant with 1,000 accounts gets ENTRIES two-line entries (default
 * 200,000), on dates that advance over three years, through the typed
 * erp_ledger_post_batch in batches of 1,000. Every SLICE entries (default
 * 50,000) it prints the slice's entries per second; at the end the last
 * slice's rate as a ratio to the first (1.00 = flat as the store grows),
 * the store's bytes per journal line, and the time of a trial balance and
 * of erp_store_verify. On SQLite each batch is followed by the same batch
 * written by raw SQL to a second store of the same schema (the baseline,
 * interleaved so that both see the same machine), and each slice reports
 * the ratio.
 *
 * Then the JSON path against the typed one on the same store, interleaved:
 * ROUNDS (5) pairs of one typed batch and one erp_ledger_post_batch_json
 * batch of the same 1,000 entries, each timed; the ratio is the median of
 * the pairs' JSON/typed rates (the goal: at least 0.70).
 *
 * SQLite: a file in /tmp, in the store's default durable mode (WAL,
 * synchronous=FULL); bytes per line are the pages in use (page_count less
 * freelist_count) over the lines, measured before the JSON rounds. PostgreSQL: the URL from ERP_BENCH_PG_URL or
 * ERP_TEST_PG_URL, a database of its own (erp_store_verify checks every
 * tenant of the store, and the other benchmarks' baselines write rows the
 * engine would not); bytes per line from pg_total_relation_size of the
 * ledger's tables. ERP_BENCH_KEEP=1 keeps the SQLite file (its path is
 * printed) for a look with sqlite3's dbstat.
 */
#include "bench_support.h"

#include <erp/erp.h>

#include "storage/sqlite/sqlite_conn.h"
#include "util/ident.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <unistd.h>
#ifdef ERP_HAVE_POSTGRES
#include <libpq-fe.h>
#endif

#define BATCH 1000
#define ACCOUNTS 1000
#define DAYS (3 * 365)
#define ROUNDS 5

/* A small deterministic generator, so every run posts the same journal. */
static uint32_t next_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*state >> 33);
}

/* "YYYY-MM-DD" of day `day` after 2024-01-01 (a proleptic Gregorian count). */
static void date_of(char out[11], int day)
{
	static const int month_days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = 2024, m = 0;
	for (;;) {
		int len = (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365;
		if (day < len)
			break;
		day -= len;
		y++;
	}
	for (;;) {
		int len = month_days[m] + (m == 1 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
		if (day < len)
			break;
		day -= len;
		m++;
	}
	snprintf(out, 11, "%04d-%02d-%02d", y % 10000, (m + 1) % 100, (day + 1) % 100);
}

typedef struct {
	char *journal;
	char *accounts[ACCOUNTS];
	char dates[DAYS][11];
	uint64_t random;
} journal_setup;

/* One batch of entries [first, first + BATCH) of a journal of `total`, as structs and as JSON. */
typedef struct {
	erp_ledger_line lines[BATCH][2];
	erp_ledger_entry entries[BATCH];
	char *json;
} batch;

static void batch_make(batch *b, journal_setup *s, long first, long total, int with_json)
{
	json_t *array = with_json ? json_array() : NULL;
	for (int k = 0; k < BATCH; k++) {
		long i = first + k;
		int day = (int)(i * DAYS / (total > 0 ? total : 1));
		if (day >= DAYS)
			day = DAYS - 1;
		uint32_t a = next_random(&s->random) % ACCOUNTS, c = next_random(&s->random) % (ACCOUNTS - 1);
		if (c >= a)
			c++;
		int64_t amount = 1 + next_random(&s->random) % 1000000;
		erp_ledger_line debit = { s->accounts[a], amount, 0, NULL, NULL, NULL, NULL };
		erp_ledger_line credit = { s->accounts[c], 0, amount, NULL, NULL, NULL, NULL };
		b->lines[k][0] = debit;
		b->lines[k][1] = credit;
		erp_ledger_entry e = ERP_LEDGER_ENTRY_INIT;
		e.journal_id = s->journal;
		e.date = s->dates[day];
		e.lines = b->lines[k];
		e.line_count = 2;
		b->entries[k] = e;
		if (array) {
			char units[32];
			snprintf(units, sizeof units, "%lld.%02lld", (long long)(amount / 100), (long long)(amount % 100));
			json_array_append_new(
			        array, json_pack("{s:s,s:s,s:[{s:s,s:s},{s:s,s:s}]}", "journal_id", s->journal, "date",
			                         s->dates[day], "lines", "account_id", s->accounts[a], "debit", units, "account_id",
			                         s->accounts[c], "credit", units));
		}
	}
	b->json = array ? json_dumps(array, JSON_COMPACT) : NULL;
	json_decref(array);
}

static void setup(journal_setup *s, erp_ctx *admin)
{
	s->journal = bench_create(admin, "financial.journal", "{\"code\":\"GEN\",\"name\":\"General\"}");
	for (int a = 0; a < ACCOUNTS; a++) {
		char json[128];
		snprintf(json, sizeof json, "{\"code\":\"%d\",\"name\":\"Account %d\",\"type\":\"%s\"}", 10000 + a, a,
		         a % 2 ? "income" : "asset");
		s->accounts[a] = bench_create(admin, "financial.account", json);
	}
	for (int d = 0; d < DAYS; d++)
		date_of(s->dates[d], d);
	s->random = 42;
}

static void post_typed(erp_ctx *ctx, batch *b)
{
	int rc = erp_ledger_post_batch(NULL, ctx, b->entries, BATCH);
	if (rc != ERP_OK)
		fprintf(stderr, "post_batch: %s\n", erp_error_last()->message);
	bench_check(rc, "erp_ledger_post_batch");
}

static void post_json(erp_ctx *ctx, batch *b)
{
	int rc = erp_ledger_post_batch_json(NULL, ctx, b->json);
	if (rc != ERP_OK)
		fprintf(stderr, "post_batch_json: %s\n", erp_error_last()->message);
	bench_check(rc, "erp_ledger_post_batch_json");
}

/* Bytes the store's pages take (SQLite: the pages in use, as a reader sees them, the WAL's committed pages included). */
static double store_bytes(const char *url, const char *sqlite_path)
{
	if (sqlite_path) {
		sqlite3 *db;
		double bytes = 0;
		if (sqlite3_open_v2(sqlite_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
			sqlite3_stmt *st;
			if (sqlite3_prepare_v2(db, "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count, "
			                           "pragma_freelist_count, pragma_page_size",
			                       -1, &st, NULL) == SQLITE_OK &&
			    sqlite3_step(st) == SQLITE_ROW)
				bytes = (double)sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
		sqlite3_close(db);
		return bytes;
	}
#ifdef ERP_HAVE_POSTGRES
	PGconn *c = PQconnectdb(url);
	PGresult *r = PQexec(c, "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON "
	                        "n.oid = c.relnamespace WHERE n.nspname = 'financial' AND c.relkind = 'r'");
	double bytes = PQresultStatus(r) == PGRES_TUPLES_OK ? atof(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	PQfinish(c);
	return bytes;
#else
	(void)url;
	return 0;
#endif
}

/*
 * The raw-SQL baseline (SQLite): the same entries written to a second
 * store of the same schema, in the same batches, by prepared statements
 * without any check: per entry its row (hashes of the same length) and
 * its two lines, and an upsert of the day's balance per line; the same
 * connection settings as the store's writer.
 */
typedef struct {
	sqlite3 *db;
	sqlite3_stmt *entry, *line, *balance;
	const char *tenant;
	int64_t seq;
	struct numbered {
		const char *id;
		long long no;
	} accounts[ACCOUNTS]; /* in the order of their ids, found by bisection as the engine finds a batch's accounts */
} baseline;

static int compare_numbered(const void *a, const void *b)
{
	return strcmp(((const struct numbered *)a)->id, ((const struct numbered *)b)->id);
}

/* Numbers the journal's accounts in the baseline's ledger, as the engine does on their first posting. */
static void baseline_number(baseline *r, const journal_setup *s)
{
	for (int a = 0; a < ACCOUNTS; a++) {
		r->accounts[a].id = s->accounts[a];
		r->accounts[a].no = bench_sqlite_account_no(r->db, r->tenant, s->accounts[a]);
	}
	qsort(r->accounts, ACCOUNTS, sizeof r->accounts[0], compare_numbered);
}

static long long baseline_account(const baseline *r, const char *id)
{
	struct numbered key = { id, 0 };
	const struct numbered *n = bsearch(&key, r->accounts, ACCOUNTS, sizeof key, compare_numbered);
	if (!n) {
		fprintf(stderr, "baseline: account %s not numbered\n", id);
		exit(1);
	}
	return n->no;
}

static void baseline_open(baseline *r, const char *path, const char *tenant)
{
	char pragmas[300];
	if (sqlite3_open(path, &r->db) != SQLITE_OK)
		exit(1);
	snprintf(pragmas, sizeof pragmas,
	         "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; "
	         "PRAGMA cache_size=-%d; PRAGMA wal_autocheckpoint=%d",
	         ERP__SQLITE_WRITER_CACHE_KIB, ERP__SQLITE_CHECKPOINT_PAGES);
	sqlite3_exec(r->db, pragmas, NULL, NULL, NULL);
	sqlite3_prepare_v2(r->db,
	                   "INSERT INTO financial_entries (tenant_id, id, seq, journal_id, date, prev_hash, hash, created_at, "
	                   "created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8)",
	                   -1, &r->entry, NULL);
	sqlite3_prepare_v2(r->db,
	                   "INSERT INTO financial_entry_lines (tenant_id, seq, line_no, date, account_no, currency, debit, "
	                   "credit) VALUES (?1, ?2, ?3, ?4, ?5, 'USD', ?6, ?7)",
	                   -1, &r->line, NULL);
	sqlite3_prepare_v2(r->db,
	                   "INSERT INTO financial_balances AS b (tenant_id, account_no, currency, date, debit, credit) "
	                   "VALUES (?1, ?2, 'USD', ?3, ?4, ?5) ON CONFLICT (tenant_id, account_no, currency, date) "
	                   "DO UPDATE SET debit = b.debit + excluded.debit, credit = b.credit + excluded.credit",
	                   -1, &r->balance, NULL);
	if (!r->entry || !r->line || !r->balance) {
		fprintf(stderr, "baseline prepare: %s\n", sqlite3_errmsg(r->db));
		exit(1);
	}
	r->tenant = tenant;
}

static int baseline_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : 1;
}

static void baseline_post(baseline *r, const batch *b)
{
	static const char hash[] = "0000000000000000000000000000000000000000000000000000000000000000";
	int rc = sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (int k = 0; k < BATCH; k++) {
		const erp_ledger_entry *e = &b->entries[k];
		char id[ERP__UUID_LEN + 1], now[ERP__TIMESTAMP_LEN + 1];
		erp__uuid_v7(id);
		erp__now_timestamp(now);
		int64_t seq = ++r->seq;
		sqlite3_bind_text(r->entry, 1, r->tenant, -1, SQLITE_STATIC);
		sqlite3_bind_text(r->entry, 2, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(r->entry, 3, seq);
		sqlite3_bind_text(r->entry, 4, e->journal_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(r->entry, 5, e->date, -1, SQLITE_STATIC);
		sqlite3_bind_text(r->entry, 6, hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(r->entry, 7, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(r->entry, 8, r->tenant, -1, SQLITE_STATIC); /* a 36-character creator, as a user id */
		rc |= baseline_step(r->entry);
		for (size_t n = 0; n < e->line_count; n++) {
			const erp_ledger_line *l = &e->lines[n];
			long long account = baseline_account(r, l->account_id);
			sqlite3_bind_text(r->line, 1, r->tenant, -1, SQLITE_STATIC);
			sqlite3_bind_int64(r->line, 2, seq);
			sqlite3_bind_int64(r->line, 3, (sqlite3_int64)n + 1);
			sqlite3_bind_text(r->line, 4, e->date, -1, SQLITE_STATIC);
			sqlite3_bind_int64(r->line, 5, account);
			sqlite3_bind_int64(r->line, 6, l->debit);
			sqlite3_bind_int64(r->line, 7, l->credit);
			rc |= baseline_step(r->line);
			sqlite3_bind_text(r->balance, 1, r->tenant, -1, SQLITE_STATIC);
			sqlite3_bind_int64(r->balance, 2, account);
			sqlite3_bind_text(r->balance, 3, e->date, -1, SQLITE_STATIC);
			sqlite3_bind_int64(r->balance, 4, l->debit);
			sqlite3_bind_int64(r->balance, 5, l->credit);
			rc |= baseline_step(r->balance);
		}
	}
	rc |= sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
	if (rc) {
		fprintf(stderr, "baseline: %s\n", sqlite3_errmsg(r->db));
		exit(1);
	}
}

static void baseline_close(baseline *r)
{
	sqlite3_finalize(r->entry);
	sqlite3_finalize(r->line);
	sqlite3_finalize(r->balance);
	sqlite3_close(r->db);
}

int main(int argc, char **argv)
{
	const char *backend = argc > 1 ? argv[1] : "sqlite";
	long total = argc > 2 ? atol(argv[2]) : 200000;
	long slice = argc > 3 ? atol(argv[3]) : 50000;
	total = total < BATCH ? BATCH : total / BATCH * BATCH;
	slice = slice < BATCH ? BATCH : slice / BATCH * BATCH;
	bool sqlite = strcmp(backend, "sqlite") == 0;
	char url[1024], dir[] = "/tmp/erp-bench-XXXXXX", path[1100] = "";
	if (sqlite) {
		if (!mkdtemp(dir))
			return 1;
		snprintf(path, sizeof path, "%s/scale.db", dir);
		snprintf(url, sizeof url, "sqlite:%s", path);
	} else {
		const char *u = bench_pg_url();
		if (!u)
			return 77;
		snprintf(url, sizeof url, "%s", u);
	}
	erp_store *store;
	bench_check(erp_store_open(&store, url, NULL), "erp_store_open");
	erp_buf tenant = ERP_BUF_INIT;
	char tname[64];
	snprintf(tname, sizeof tname, "Bench scale %d", (int)getpid());
	bench_check(erp_tenant_create(&tenant, store, tname, "USD"), "erp_tenant_create");
	erp_ctx *admin;
	bench_check(erp_ctx_new(&admin, store, tenant.ptr, "bench", ERP_ROLE_ADMIN), "erp_ctx_new");
	journal_setup *s = calloc(1, sizeof *s);
	batch *b = calloc(1, sizeof *b);
	setup(s, admin);
	double bytes_before = store_bytes(url, sqlite ? path : NULL); /* the ledger's growth only */

	/* SQLite: the baseline's store, of the same schema and master data, written by raw SQL. */
	baseline raw = { 0 };
	journal_setup *rs = NULL;
	batch *rb = NULL;
	erp_store *raw_store = NULL;
	erp_buf raw_tenant = ERP_BUF_INIT;
	char raw_path[1100];
	if (sqlite) {
		char raw_url[1200];
		snprintf(raw_path, sizeof raw_path, "%s/raw.db", dir);
		snprintf(raw_url, sizeof raw_url, "sqlite:%s", raw_path);
		bench_check(erp_store_open(&raw_store, raw_url, NULL), "erp_store_open (baseline)");
		bench_check(erp_tenant_create(&raw_tenant, raw_store, tname, "USD"), "erp_tenant_create (baseline)");
		erp_ctx *raw_admin;
		bench_check(erp_ctx_new(&raw_admin, raw_store, raw_tenant.ptr, "bench", ERP_ROLE_ADMIN), "erp_ctx_new");
		rs = calloc(1, sizeof *rs);
		rb = calloc(1, sizeof *rb);
		setup(rs, raw_admin);
		erp_ctx_free(raw_admin);
		erp_store_close(raw_store);
		baseline_open(&raw, raw_path, raw_tenant.ptr);
		baseline_number(&raw, rs);
	}

	printf("# bench_ledger_scale %s: %ld two-line entries, %d accounts, %d days, typed batches of %d%s\n", backend,
	       total, ACCOUNTS, DAYS, BATCH, sqlite ? ", each beside the same batch by raw SQL" : "");
	if (sqlite)
		printf("%-10s %14s %14s %8s %12s\n", "entries", "entries/s", "raw SQL/s", "ratio", "store MB");
	else
		printf("%-10s %14s %12s\n", "entries", "entries/s", "store MB");
	double first_rate = 0, last_rate = 0, slice_time = 0, all_time = 0, raw_slice = 0, raw_all = 0;
	for (long i = 0; i < total; i += BATCH) {
		batch_make(b, s, i, total, 0);
		double t0 = bench_now();
		post_typed(admin, b);
		double dt = bench_now() - t0;
		slice_time += dt;
		all_time += dt;
		if (sqlite) {
			batch_make(rb, rs, i, total, 0);
			double r0 = bench_now();
			baseline_post(&raw, rb);
			double rdt = bench_now() - r0;
			raw_slice += rdt;
			raw_all += rdt;
		}
		if ((i + BATCH) % slice == 0 || i + BATCH == total) {
			long done = i + BATCH, in_slice = done % slice ? done % slice : slice;
			double rate = (double)in_slice / slice_time, raw_rate = sqlite ? (double)in_slice / raw_slice : 0;
			if (first_rate == 0)
				first_rate = rate;
			last_rate = rate;
			if (sqlite)
				printf("%-10ld %14.0f %14.0f %8.2f %12.1f\n", done, rate, raw_rate, rate / raw_rate,
				       store_bytes(url, path) / 1e6);
			else
				printf("%-10ld %14.0f %12.1f\n", done, rate, store_bytes(url, NULL) / 1e6);
			fflush(stdout);
			slice_time = raw_slice = 0;
		}
	}
	double lines = 2.0 * (double)total;
	double bytes = store_bytes(url, sqlite ? path : NULL) - bytes_before;
	printf("%s typed post_batch: %.0f entries/s overall", backend, (double)total / all_time);
	if (sqlite)
		printf(", raw SQL %.0f entries/s, ratio %.2f", (double)total / raw_all, raw_all / all_time);
	printf("; last slice / first slice %.2f\n", last_rate / first_rate);
	printf("%s bytes per journal line: %.0f (%.0f lines, %.1f MB)\n", backend, bytes / lines, lines, bytes / 1e6);
	if (sqlite) {
		baseline_close(&raw);
		for (int a = 0; a < ACCOUNTS; a++)
			free(rs->accounts[a]);
		free(rs->journal);
		free(rs);
		free(rb);
		erp_buf_dispose(&raw_tenant);
	}

	erp_buf out = ERP_BUF_INIT;
	double t0 = bench_now();
	bench_check(erp_ledger_trial_balance(&out, admin, NULL), "erp_ledger_trial_balance");
	double t1 = bench_now();
	erp_buf_dispose(&out);
	bench_check(erp_store_verify(NULL, store), "erp_store_verify");
	double t2 = bench_now();
	printf("%s trial balance %.3f s, erp_store_verify %.3f s (passed)\n", backend, t1 - t0, t2 - t1);

	/* The JSON path beside the typed one, interleaved on the same store. */
	double typed[ROUNDS], js[ROUNDS], ratio[ROUNDS];
	for (int r = 0; r < ROUNDS; r++) {
		batch_make(b, s, total - BATCH, total, 1);
		double a0 = bench_now();
		post_typed(admin, b);
		double a1 = bench_now();
		post_json(admin, b);
		double a2 = bench_now();
		free(b->json);
		typed[r] = BATCH / (a1 - a0);
		js[r] = BATCH / (a2 - a1);
		ratio[r] = js[r] / typed[r];
	}
	printf("%s post_batch_json %.0f entries/s, typed %.0f entries/s: json/typed %.2f (median of %d pairs)\n", backend,
	       bench_median(js, ROUNDS), bench_median(typed, ROUNDS), bench_median(ratio, ROUNDS), ROUNDS);

	for (int a = 0; a < ACCOUNTS; a++)
		free(s->accounts[a]);
	free(s->journal);
	free(s);
	free(b);
	erp_ctx_free(admin);
	erp_buf_dispose(&tenant);
	erp_store_close(store);
	if (sqlite && getenv("ERP_BENCH_KEEP"))
		printf("kept %s\n", path);
	else if (sqlite) {
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return 0;
}
