/*
 * bench_stock [sqlite|postgresql|URL] [N] [ROUNDS] [THREADS]
 *
 * Stock moves per second through erp_stock_move (one move per call) and
 * erp_stock_move_batch (batches of 100 and of 1000), each beside a raw-SQL
 * baseline in the same process that makes the same writes with prepared
 * statements and no checks, one transaction per move (per batch for the
 * batched rows):
 *
 * - the move row;
 * - an upsert of the quant of the internal location (the destination of a
 *   receipt, the source of a delivery: the engine keeps quants for
 *   internal locations only) and of its daily row;
 * - the valuation layer, an upsert of the product's stock row (quantity,
 *   value, average unit cost, last layer number: its RETURNING gives the
 *   layer's number) and of its daily value row;
 * - the journal entry the move posts (the entry, its two lines, an upsert
 *   of the daily balance of each line's account).
 *
 * The product is AVCO ("average") in a category that names the valuation,
 * input and output accounts and the stock journal, so every move is valued
 * and posts an entry. Two kinds of move: receipts (supplier -> internal,
 * 10 units at a unit cost that varies), then deliveries (internal ->
 * customer, 1 unit, out of the stock the receipts made). A delivery's value
 * is the current average, so its baseline also reads the product's stock
 * row first (FOR UPDATE on PostgreSQL) and rounds value * q / quantity half
 * away from zero.
 *
 * The baseline writes its daily rows per move, where the engine adds up a
 * batch's daily rows (quants, values, balances) before writing them, so
 * batches can run faster than their baseline.
 *
 * The engine and the baseline each use their own product (in the same
 * category, so the same accounts), so neither sees the other's stock. With
 * THREADS > 1 (PostgreSQL), every thread moves its own product through its
 * own context, in its own category with its own accounts, and the baseline
 * uses one connection per thread; a batch is at most N / THREADS moves
 * (the row says the size used). Single moves run N / 4 per round.
 * Reports medians over ROUNDS rounds and the ratio engine/baseline. As in
 * bench_posting, the baseline's entries carry no hash chain.
 *
 * At the end, erp_stock_quantity must give the engine's product what the
 * moves left, and the engine's and the baseline's products must hold the
 * same quantity and value (the same moves at the same costs); exit 1 if
 * not.
 *
 * PostgreSQL: the URL is the first argument when it contains "://", else
 * it comes from ERP_BENCH_PG_URL or ERP_TEST_PG_URL.
 */
#include "bench_support.h"

#include <erp/erp.h>

#include "util/ident.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef ERP_HAVE_POSTGRES
#include <libpq-fe.h>
#endif

#define MAX_BATCH 1000
#define MAX_THREADS 32
#define RECEIPT_QTY 10
#define DELIVERY_QTY 1

/*
 * Statement templates: %s is the table (once), $N the N-th parameter
 * (PostgreSQL); for SQLite every '$' becomes '?' (numbered parameters).
 */
#define ENTRY_SQL                                                                                       \
	"INSERT INTO %s (tenant_id, id, seq, journal_id, date, reference, memo, idempotency_key, request_hash, " \
	"reversal_of, prev_hash, hash, created_at, created_by) VALUES "                                         \
	"($1, $2, $3, $4, $5, NULL, NULL, NULL, NULL, NULL, '', '', $6, 'bench')"
#define LINE_SQL                                                                                        \
	"INSERT INTO %s (tenant_id, line_no, seq, date, account_no, currency, debit, credit) "                  \
	"VALUES ($1, $2, $3, $4, $5, 'USD', $6, $7)"
#define BALANCE_SQL                                                                                     \
	"INSERT INTO %s AS b (tenant_id, account_no, currency, date, debit, credit) VALUES "                    \
	"($1, $2, 'USD', $3, $4, $5) ON CONFLICT (tenant_id, account_no, currency, date) "                    \
	"DO UPDATE SET debit = b.debit + excluded.debit, credit = b.credit + excluded.credit"
#define MOVE_SQL                                                                                        \
	"INSERT INTO %s (tenant_id, id, product_id, quantity, location_id, location_dest_id, date, kind, "      \
	"unit_cost, value, currency, reference, idempotency_key, request_hash, reservation_id, entry_id, "      \
	"created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'USD', NULL, NULL, NULL, "    \
	"NULL, $11, $12, 'bench')"
#define QUANT_SQL                                                                                       \
	"INSERT INTO %s AS q (tenant_id, product_id, location_id, quantity) VALUES ($1, $2, $3, $4) "           \
	"ON CONFLICT (tenant_id, product_id, location_id) DO UPDATE SET quantity = q.quantity + excluded.quantity"
#define QUANT_DAY_SQL                                                                                   \
	"INSERT INTO %s AS d (tenant_id, product_id, location_id, day, quantity) VALUES ($1, $2, $3, $4, $5) "  \
	"ON CONFLICT (tenant_id, product_id, location_id, day) DO UPDATE SET quantity = d.quantity + excluded.quantity"
#define STOCK_READ_SQL "SELECT quantity, value FROM %s WHERE tenant_id = $1 AND product_id = $2"
#define STOCK_SQL                                                                                       \
	"INSERT INTO %s AS s (tenant_id, product_id, quantity, value, last_layer) VALUES ($1, $2, $3, $4, 1) "  \
	"ON CONFLICT (tenant_id, product_id) DO UPDATE SET quantity = s.quantity + excluded.quantity, "         \
	"value = s.value + excluded.value, last_layer = s.last_layer + 1, unit_cost = CASE WHEN "                 \
	"s.quantity + excluded.quantity > 0 THEN (s.value + excluded.value) / (s.quantity + excluded.quantity) "   \
	"ELSE s.unit_cost END RETURNING last_layer"
#define LAYER_SQL                                                                                       \
	"INSERT INTO %s (tenant_id, product_id, seq, move_id, kind, date, quantity, value, remaining_qty, "     \
	"remaining_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
#define LAYER_DAY_SQL                                                                                   \
	"INSERT INTO %s AS d (tenant_id, product_id, day, quantity, value) VALUES ($1, $2, $3, $4, $5) "        \
	"ON CONFLICT (tenant_id, product_id, day) DO UPDATE SET quantity = d.quantity + excluded.quantity, "   \
	"value = d.value + excluded.value"

/* Builds a statement from a template: the table name, and '?' for '$' on SQLite. */
static void sql_for(char *out, size_t cap, const char *tmpl, const char *table, bool sqlite)
{
	size_t len = 0;
	for (const char *p = tmpl; *p && len + 1 < cap; p++) {
		if (p[0] == '%' && p[1] == 's') {
			for (const char *t = table; *t && len + 1 < cap; t++)
				out[len++] = *t;
			p++;
		} else
			out[len++] = sqlite && *p == '$' ? '?' : *p;
	}
	out[len] = '\0';
}

/* What one thread moves: its product (engine or baseline), the locations, the category's accounts. */
typedef struct {
	const char *tenant, *journal, *product;
	const char *supplier, *stock, *customer;
	const char *valuation, *input, *output;
	const char *date;
} stock_setup;

/* The unit cost of the k-th receipt: varies, so that averages round. */
static int64_t unit_cost_of(int k)
{
	return 500 + (k % 7) * 13;
}

/* value * part / whole rounded half away from zero (whole > 0), as the engine's AVCO share. */
static int64_t share(int64_t value, int64_t part, int64_t whole)
{
	__extension__ typedef __int128 i128;
	i128 num = (i128)value * part;
	i128 q = num / whole, r = num % whole;
	if (2 * (r < 0 ? -r : r) >= whole)
		q += num < 0 ? -1 : 1;
	return (int64_t)q;
}

/*
 * One move as the baseline writes it: quantity and value signed as the
 * stock sees them (a receipt +q/+v, a delivery -q/-v).
 */
typedef struct {
	bool in;
	int64_t qty, value, unit_cost;
	const char *src, *dest, *debit_account, *credit_account;
} base_move;

/* The ledger numbers of the (at most three) accounts a baseline posts to, found once each. */
typedef struct {
	const char *id[3];
	long long no[3];
	char text[3][24];
} account_numbers;

static int account_slot(account_numbers *a, const char *id)
{
	int k = 0;
	while (k < 3 && a->id[k] && a->id[k] != id)
		k++;
	if (k == 3) {
		fprintf(stderr, "baseline: more than three accounts\n");
		exit(1);
	}
	return k;
}

/* ---- SQLite baseline ------------------------------------------------------------- */

enum { S_ENTRY, S_LINE, S_BALANCE, S_MOVE, S_QUANT, S_QUANT_DAY, S_STOCK_READ, S_STOCK, S_LAYER, S_LAYER_DAY, S_BEGIN,
       S_COMMIT, S_COUNT };

typedef struct {
	sqlite3 *db;
	sqlite3_stmt *s[S_COUNT];
	int64_t seq;
	account_numbers accounts;
} sqlite_base;

static long long sqlite_base_account(sqlite_base *b, const char *tenant, const char *id)
{
	int k = account_slot(&b->accounts, id);
	if (!b->accounts.id[k]) {
		b->accounts.no[k] = bench_sqlite_account_no(b->db, tenant, id);
		b->accounts.id[k] = id;
	}
	return b->accounts.no[k];
}

static void sqlite_base_open(sqlite_base *b, const char *path)
{
	static const struct {
		const char *tmpl, *table;
	} defs[S_COUNT] = {
		[S_ENTRY] = { ENTRY_SQL, "financial_entries" },
		[S_LINE] = { LINE_SQL, "financial_entry_lines" },
		[S_BALANCE] = { BALANCE_SQL, "financial_balances" },
		[S_MOVE] = { MOVE_SQL, "inventory_moves" },
		[S_QUANT] = { QUANT_SQL, "inventory_quants" },
		[S_QUANT_DAY] = { QUANT_DAY_SQL, "inventory_quant_days" },
		[S_STOCK_READ] = { STOCK_READ_SQL, "inventory_product_stock" },
		[S_STOCK] = { STOCK_SQL, "inventory_product_stock" },
		[S_LAYER] = { LAYER_SQL, "inventory_layers" },
		[S_LAYER_DAY] = { LAYER_DAY_SQL, "inventory_layer_days" },
		[S_BEGIN] = { "BEGIN IMMEDIATE", "" },
		[S_COMMIT] = { "COMMIT", "" },
	};
	char sql[1000];
	if (sqlite3_open(path, &b->db) != SQLITE_OK)
		exit(1);
	sqlite3_exec(b->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000",
	             NULL, NULL, NULL);
	for (int i = 0; i < S_COUNT; i++) {
		sql_for(sql, sizeof sql, defs[i].tmpl, defs[i].table, true);
		if (sqlite3_prepare_v2(b->db, sql, -1, &b->s[i], NULL) != SQLITE_OK) {
			fprintf(stderr, "baseline prepare: %s\n%s\n", sqlite3_errmsg(b->db), sql);
			exit(1);
		}
	}
	b->seq = 1000000000;
}

static void sqlite_base_close(sqlite_base *b)
{
	if (!b->db)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(b->s[i]);
	sqlite3_close(b->db);
}

static int step(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : 1;
}

#define BT(st, i, v) sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC)
#define BI(st, i, v) sqlite3_bind_int64(st, i, v)

static int sqlite_base_move(sqlite_base *b, const stock_setup *l, const base_move *m)
{
	sqlite3_stmt **s = b->s;
	char entry_id[37], move_id[37], now[ERP__TIMESTAMP_LEN + 1];
	erp__uuid_v7(entry_id);
	erp__uuid_v7(move_id);
	erp__now_timestamp(now);
	int64_t amount = m->value < 0 ? -m->value : m->value, seq = ++b->seq;
	int rc = 0;

	/* The journal entry, its lines and the daily balances. */
	BT(s[S_ENTRY], 1, l->tenant);
	BT(s[S_ENTRY], 2, entry_id);
	BI(s[S_ENTRY], 3, seq);
	BT(s[S_ENTRY], 4, l->journal);
	BT(s[S_ENTRY], 5, l->date);
	BT(s[S_ENTRY], 6, now);
	rc |= step(s[S_ENTRY]);
	for (int k = 0; k < 2; k++) {
		long long acct = sqlite_base_account(b, l->tenant, k ? m->credit_account : m->debit_account);
		BT(s[S_LINE], 1, l->tenant);
		BI(s[S_LINE], 2, k + 1);
		BI(s[S_LINE], 3, seq);
		BT(s[S_LINE], 4, l->date);
		BI(s[S_LINE], 5, acct);
		BI(s[S_LINE], 6, k ? 0 : amount);
		BI(s[S_LINE], 7, k ? amount : 0);
		rc |= step(s[S_LINE]);
		BT(s[S_BALANCE], 1, l->tenant);
		BI(s[S_BALANCE], 2, acct);
		BT(s[S_BALANCE], 3, l->date);
		BI(s[S_BALANCE], 4, k ? 0 : amount);
		BI(s[S_BALANCE], 5, k ? amount : 0);
		rc |= step(s[S_BALANCE]);
	}

	/* The move. */
	int64_t q = m->qty < 0 ? -m->qty : m->qty;
	BT(s[S_MOVE], 1, l->tenant);
	BT(s[S_MOVE], 2, move_id);
	BT(s[S_MOVE], 3, l->product);
	BI(s[S_MOVE], 4, q);
	BT(s[S_MOVE], 5, m->src);
	BT(s[S_MOVE], 6, m->dest);
	BT(s[S_MOVE], 7, l->date);
	BT(s[S_MOVE], 8, m->in ? "in" : "out");
	if (m->in)
		BI(s[S_MOVE], 9, m->unit_cost);
	else
		sqlite3_bind_null(s[S_MOVE], 9);
	BI(s[S_MOVE], 10, m->value);
	BT(s[S_MOVE], 11, entry_id);
	BT(s[S_MOVE], 12, now);
	rc |= step(s[S_MOVE]);

	/* The internal location's quant and its daily row (m->qty is signed as the stock sees it). */
	const char *loc = m->in ? m->dest : m->src;
	BT(s[S_QUANT], 1, l->tenant);
	BT(s[S_QUANT], 2, l->product);
	BT(s[S_QUANT], 3, loc);
	BI(s[S_QUANT], 4, m->qty);
	rc |= step(s[S_QUANT]);
	BT(s[S_QUANT_DAY], 1, l->tenant);
	BT(s[S_QUANT_DAY], 2, l->product);
	BT(s[S_QUANT_DAY], 3, loc);
	BT(s[S_QUANT_DAY], 4, l->date);
	BI(s[S_QUANT_DAY], 5, m->qty);
	rc |= step(s[S_QUANT_DAY]);

	/* The product's stock row (its RETURNING numbers the layer), the layer, the daily value. */
	sqlite3_stmt *st = s[S_STOCK];
	BT(st, 1, l->tenant);
	BT(st, 2, l->product);
	BI(st, 3, m->qty);
	BI(st, 4, m->value);
	int64_t layer = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		layer = sqlite3_column_int64(st, 0);
	else
		rc |= 1;
	sqlite3_reset(st);
	BT(s[S_LAYER], 1, l->tenant);
	BT(s[S_LAYER], 2, l->product);
	BI(s[S_LAYER], 3, layer);
	BT(s[S_LAYER], 4, move_id);
	BT(s[S_LAYER], 5, m->in ? "in" : "out");
	BT(s[S_LAYER], 6, l->date);
	BI(s[S_LAYER], 7, m->qty);
	BI(s[S_LAYER], 8, m->value);
	BI(s[S_LAYER], 9, 0);
	BI(s[S_LAYER], 10, 0);
	rc |= step(s[S_LAYER]);
	BT(s[S_LAYER_DAY], 1, l->tenant);
	BT(s[S_LAYER_DAY], 2, l->product);
	BT(s[S_LAYER_DAY], 3, l->date);
	BI(s[S_LAYER_DAY], 4, m->qty);
	BI(s[S_LAYER_DAY], 5, m->value);
	rc |= step(s[S_LAYER_DAY]);
	return rc;
}

/* The baseline's k-th move of a kind: a receipt, or a delivery valued at the current average. */
static int sqlite_base_one(sqlite_base *b, const stock_setup *l, bool in, int k)
{
	base_move m = { .in = in };
	if (in) {
		m.qty = RECEIPT_QTY;
		m.unit_cost = unit_cost_of(k);
		m.value = RECEIPT_QTY * m.unit_cost;
		m.src = l->supplier;
		m.dest = l->stock;
		m.debit_account = l->valuation;
		m.credit_account = l->input;
	} else {
		sqlite3_stmt *r = b->s[S_STOCK_READ];
		BT(r, 1, l->tenant);
		BT(r, 2, l->product);
		if (sqlite3_step(r) != SQLITE_ROW) {
			sqlite3_reset(r);
			return 1;
		}
		int64_t qty = sqlite3_column_int64(r, 0), value = sqlite3_column_int64(r, 1);
		sqlite3_reset(r);
		if (qty < DELIVERY_QTY)
			return 1;
		m.qty = -DELIVERY_QTY;
		m.value = qty == DELIVERY_QTY ? -value : -share(value, DELIVERY_QTY, qty);
		m.src = l->stock;
		m.dest = l->customer;
		m.debit_account = l->output;
		m.credit_account = l->valuation;
	}
	return sqlite_base_move(b, l, &m);
}

static int sqlite_base_run(sqlite_base *b, const stock_setup *l, bool in, int n, int batch)
{
	int rc = 0;
	for (int i = 0; i < n && !rc; i += batch) {
		rc |= step(b->s[S_BEGIN]);
		for (int k = 0; k < batch && i + k < n && !rc; k++)
			rc |= sqlite_base_one(b, l, in, i + k);
		rc |= step(b->s[S_COMMIT]);
	}
	if (rc)
		fprintf(stderr, "sqlite baseline: %s\n", sqlite3_errmsg(b->db));
	return rc;
}

/* A product's stock row (quantity, value), read outside any transaction. */
static int sqlite_stock_row(sqlite_base *b, const stock_setup *l, int64_t *qty, int64_t *value)
{
	sqlite3_stmt *r = b->s[S_STOCK_READ];
	BT(r, 1, l->tenant);
	BT(r, 2, l->product);
	int rc = sqlite3_step(r) == SQLITE_ROW ? 0 : 1;
	if (!rc) {
		*qty = sqlite3_column_int64(r, 0);
		*value = sqlite3_column_int64(r, 1);
	}
	sqlite3_reset(r);
	return rc;
}

/* ---- PostgreSQL baseline ------------------------------------------------------------ */

#ifdef ERP_HAVE_POSTGRES
typedef struct {
	PGconn *c;
	int64_t seq;
	account_numbers accounts;
} pg_base;

static const char *pg_base_account(pg_base *b, const char *tenant, const char *id)
{
	int k = account_slot(&b->accounts, id);
	if (!b->accounts.id[k]) {
		snprintf(b->accounts.text[k], sizeof b->accounts.text[k], "%lld", bench_pg_account_no(b->c, tenant, id));
		b->accounts.id[k] = id;
	}
	return b->accounts.text[k];
}

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
	static const struct {
		const char *name, *tmpl, *table;
	} defs[] = {
		{ "entry", ENTRY_SQL, "financial.entries" },
		{ "line", LINE_SQL, "financial.entry_lines" },
		{ "balance", BALANCE_SQL, "financial.balances" },
		{ "move", MOVE_SQL, "inventory.moves" },
		{ "quant", QUANT_SQL, "inventory.quants" },
		{ "quant_day", QUANT_DAY_SQL, "inventory.quant_days" },
		{ "stock_read", STOCK_READ_SQL " FOR UPDATE", "inventory.product_stock" },
		{ "stock", STOCK_SQL, "inventory.product_stock" },
		{ "layer", LAYER_SQL, "inventory.layers" },
		{ "layer_day", LAYER_DAY_SQL, "inventory.layer_days" },
		{ "begin", "BEGIN", "" },
		{ "commit", "COMMIT", "" },
	};
	char sql[1000];
	b->c = PQconnectdb(url);
	if (PQstatus(b->c) != CONNECTION_OK) {
		fprintf(stderr, "pg baseline: %s", PQerrorMessage(b->c));
		exit(1);
	}
	snprintf(sql, sizeof sql, "SELECT set_config('app.current_tenant_id', '%s', false)", tenant);
	int rc = pg_ok(PQexec(b->c, sql));
	rc |= pg_ok(PQexec(b->c, "SET ROLE erp_readwrite; SET synchronous_commit = on"));
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
		sql_for(sql, sizeof sql, defs[i].tmpl, defs[i].table, false);
		rc |= pg_ok(PQprepare(b->c, defs[i].name, sql, 0, NULL));
	}
	if (rc)
		exit(1);
	b->seq = seq_base;
}

static int pg_exec(pg_base *b, const char *name, int n, const char *const *params)
{
	return pg_ok(PQexecPrepared(b->c, name, n, params, NULL, NULL, 0));
}

static int pg_base_move(pg_base *b, const stock_setup *l, const base_move *m)
{
	char entry_id[37], move_id[37], now[ERP__TIMESTAMP_LEN + 1], seq[24], amount[24], qty[24], sqty[24], value[24],
		unit_cost[24], layer[24];
	erp__uuid_v7(entry_id);
	erp__uuid_v7(move_id);
	erp__now_timestamp(now);
	int64_t q = m->qty < 0 ? -m->qty : m->qty;
	snprintf(seq, sizeof seq, "%lld", (long long)++b->seq);
	snprintf(amount, sizeof amount, "%lld", (long long)(m->value < 0 ? -m->value : m->value));
	snprintf(qty, sizeof qty, "%lld", (long long)q);
	snprintf(sqty, sizeof sqty, "%lld", (long long)m->qty);
	snprintf(value, sizeof value, "%lld", (long long)m->value);
	snprintf(unit_cost, sizeof unit_cost, "%lld", (long long)m->unit_cost);
	int rc = 0;

	const char *e[] = { l->tenant, entry_id, seq, l->journal, l->date, now };
	rc |= pg_exec(b, "entry", 6, e);
	for (int k = 0; k < 2; k++) {
		const char *acct = pg_base_account(b, l->tenant, k ? m->credit_account : m->debit_account);
		const char *line[] = { l->tenant, k ? "2" : "1", seq, l->date, acct, k ? "0" : amount, k ? amount : "0" };
		rc |= pg_exec(b, "line", 7, line);
		const char *bal[] = { l->tenant, acct, l->date, k ? "0" : amount, k ? amount : "0" };
		rc |= pg_exec(b, "balance", 5, bal);
	}
	const char *mv[] = { l->tenant, move_id, l->product, qty, m->src, m->dest, l->date, m->in ? "in" : "out",
		             m->in ? unit_cost : NULL, value, entry_id, now };
	rc |= pg_exec(b, "move", 12, mv);
	const char *loc = m->in ? m->dest : m->src;
	const char *qt[] = { l->tenant, l->product, loc, sqty };
	rc |= pg_exec(b, "quant", 4, qt);
	const char *qd[] = { l->tenant, l->product, loc, l->date, sqty };
	rc |= pg_exec(b, "quant_day", 5, qd);
	const char *st[] = { l->tenant, l->product, sqty, value };
	PGresult *r = PQexecPrepared(b->c, "stock", 4, st, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		snprintf(layer, sizeof layer, "%s", PQgetvalue(r, 0, 0));
	else {
		fprintf(stderr, "pg baseline: %s", PQresultErrorMessage(r));
		rc |= 1;
		snprintf(layer, sizeof layer, "0");
	}
	PQclear(r);
	const char *ly[] = { l->tenant, l->product, layer, move_id, m->in ? "in" : "out", l->date, sqty, value, "0", "0" };
	rc |= pg_exec(b, "layer", 10, ly);
	const char *ld[] = { l->tenant, l->product, l->date, sqty, value };
	rc |= pg_exec(b, "layer_day", 5, ld);
	return rc;
}

static int pg_base_one(pg_base *b, const stock_setup *l, bool in, int k)
{
	base_move m = { .in = in };
	if (in) {
		m.qty = RECEIPT_QTY;
		m.unit_cost = unit_cost_of(k);
		m.value = RECEIPT_QTY * m.unit_cost;
		m.src = l->supplier;
		m.dest = l->stock;
		m.debit_account = l->valuation;
		m.credit_account = l->input;
	} else {
		const char *p[] = { l->tenant, l->product };
		PGresult *r = PQexecPrepared(b->c, "stock_read", 2, p, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
			fprintf(stderr, "pg baseline: stock read: %s", PQresultErrorMessage(r));
			PQclear(r);
			return 1;
		}
		int64_t qty = strtoll(PQgetvalue(r, 0, 0), NULL, 10), value = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
		PQclear(r);
		if (qty < DELIVERY_QTY)
			return 1;
		m.qty = -DELIVERY_QTY;
		m.value = qty == DELIVERY_QTY ? -value : -share(value, DELIVERY_QTY, qty);
		m.src = l->stock;
		m.dest = l->customer;
		m.debit_account = l->output;
		m.credit_account = l->valuation;
	}
	return pg_base_move(b, l, &m);
}

static int pg_stock_row(pg_base *b, const stock_setup *l, int64_t *qty, int64_t *value)
{
	const char *p[] = { l->tenant, l->product };
	PGresult *r = PQexecPrepared(b->c, "stock_read", 2, p, NULL, NULL, 0);
	int rc = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? 0 : 1;
	if (!rc) {
		*qty = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		*value = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	}
	PQclear(r);
	return rc;
}

static int pg_base_run(pg_base *b, const stock_setup *l, bool in, int n, int batch)
{
	int rc = 0;
	for (int i = 0; i < n && !rc; i += batch) {
		rc |= pg_exec(b, "begin", 0, NULL);
		for (int k = 0; k < batch && i + k < n && !rc; k++)
			rc |= pg_base_one(b, l, in, i + k);
		rc |= pg_exec(b, "commit", 0, NULL);
	}
	return rc;
}
#endif

/* ---- the engine ------------------------------------------------------------------------ */

static int engine_run(erp_ctx *ctx, const stock_setup *l, bool in, int n, int batch)
{
	static _Thread_local erp_stock_move_params moves[MAX_BATCH];
	for (int i = 0; i < n; i += batch) {
		int count = batch < n - i ? batch : n - i;
		for (int k = 0; k < count; k++) {
			erp_stock_move_params m = ERP_STOCK_MOVE_PARAMS_INIT;
			m.product_id = l->product;
			m.date = l->date;
			if (in) {
				m.quantity = RECEIPT_QTY;
				m.location_id = l->supplier;
				m.location_dest_id = l->stock;
				m.has_unit_cost = 1;
				m.unit_cost = unit_cost_of(i + k);
			} else {
				m.quantity = DELIVERY_QTY;
				m.location_id = l->stock;
				m.location_dest_id = l->customer;
			}
			moves[k] = m;
		}
		int rc = batch == 1 ? erp_stock_move(NULL, ctx, &moves[0]) : erp_stock_move_batch(NULL, ctx, moves, (size_t)count);
		if (rc != ERP_OK) {
			fprintf(stderr, "engine: %s %s (field %s)\n", erp_error_name(rc), erp_error_last()->message,
			        erp_error_last()->field ? erp_error_last()->field : "-");
			return rc;
		}
	}
	return 0;
}

/* ---- threads ------------------------------------------------------------------------------ */

typedef struct {
	erp_ctx *ctx;
	stock_setup engine, base;
	bool in;
	int n, batch, rc;
#ifdef ERP_HAVE_POSTGRES
	pg_base *pg;
#endif
} worker;

static void *engine_thread(void *arg)
{
	worker *w = arg;
	w->rc = engine_run(w->ctx, &w->engine, w->in, w->n, w->batch);
	return NULL;
}

#ifdef ERP_HAVE_POSTGRES
static void *base_thread(void *arg)
{
	worker *w = arg;
	w->rc = pg_base_run(w->pg, &w->base, w->in, w->n, w->batch);
	return NULL;
}
#endif

/* Frees at exit: every id made by bench_create() is kept here. */
static char *owned[8 * MAX_THREADS + 16];
static int owned_count;

static char *keep(char *id)
{
	owned[owned_count++] = id;
	return id;
}

int main(int argc, char **argv)
{
	const char *arg = argc > 1 ? argv[1] : "sqlite";
	bool sqlite = strcmp(arg, "sqlite") == 0;
	const char *backend = sqlite ? "sqlite" : "postgresql";
	int n = argc > 2 ? atoi(argv[2]) : 4000;
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	int threads = argc > 4 ? atoi(argv[4]) : (sqlite ? 1 : 4);
	if (n < 4)
		n = 4;
	if (rounds < 1)
		rounds = 1;
	if (threads < 1 || threads > MAX_THREADS)
		threads = 1;
	char url[1024], dir[] = "/tmp/erp-bench-XXXXXX";
	if (sqlite) {
		if (!mkdtemp(dir))
			return 1;
		snprintf(url, sizeof url, "sqlite:%s/bench.db", dir);
		threads = 1; /* one writer: threads only queue */
	} else {
		const char *u = strstr(arg, "://") ? arg : getenv("ERP_BENCH_PG_URL") ? getenv("ERP_BENCH_PG_URL") : getenv("ERP_TEST_PG_URL");
		if (!u) {
			fprintf(stderr, "set ERP_BENCH_PG_URL (or ERP_TEST_PG_URL) or pass the URL to benchmark PostgreSQL\n");
			return 77;
		}
		snprintf(url, sizeof url, "%s", u);
	}
#ifndef ERP_HAVE_POSTGRES
	if (!sqlite) {
		fprintf(stderr, "built without PostgreSQL\n");
		return 77;
	}
#endif
	erp_store_options opts = ERP_STORE_OPTIONS_INIT;
	opts.pool_size = threads + 1;
	erp_store *store;
	bench_check(erp_store_open(&store, url, &opts), "erp_store_open");
	erp_buf tenant = ERP_BUF_INIT;
	char tname[64], json[512], date[11];
	snprintf(tname, sizeof tname, "Bench stock %d", (int)getpid());
	bench_check(erp_tenant_create(&tenant, store, tname, "USD"), "erp_tenant_create");
	erp_ctx *admin;
	bench_check(erp_ctx_new(&admin, store, tenant.ptr, "bench", ERP_ROLE_ADMIN), "erp_ctx_new");
	{
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
	}

	const char *journal = keep(bench_create(admin, "financial.journal", "{\"code\":\"STK\",\"name\":\"Stock\"}"));
	const char *uom = keep(bench_create(admin, "core.uom", "{\"name\":\"Unit\",\"precision\":0,\"category\":\"unit\"}"));
	const char *warehouse = keep(bench_create(admin, "inventory.warehouse", "{\"code\":\"WH\",\"name\":\"Main\"}"));
	const char *supplier = keep(bench_create(admin, "inventory.location", "{\"name\":\"Suppliers\",\"usage\":\"supplier\"}"));
	const char *customer = keep(bench_create(admin, "inventory.location", "{\"name\":\"Customers\",\"usage\":\"customer\"}"));
	snprintf(json, sizeof json, "{\"name\":\"Stock\",\"usage\":\"internal\",\"warehouse_id\":\"%s\"}", warehouse);
	const char *stock = keep(bench_create(admin, "inventory.location", json));

	/* Per thread: a category with its own accounts, an engine product and a baseline product in it. */
	worker w[MAX_THREADS];
	erp_ctx *ctxs[MAX_THREADS];
	memset(w, 0, sizeof w);
	for (int t = 0; t < threads; t++) {
		const char *acct[3];
		static const char *const names[3] = { "Stock valuation", "Stock input", "Stock output" };
		static const char *const types[3] = { "asset", "liability", "expense" };
		for (int a = 0; a < 3; a++) {
			snprintf(json, sizeof json, "{\"code\":\"%d\",\"name\":\"%s %d\",\"type\":\"%s\"}", 1000 + 10 * t + a, names[a], t,
			         types[a]);
			acct[a] = keep(bench_create(admin, "financial.account", json));
		}
		snprintf(json, sizeof json,
		         "{\"name\":\"Goods %d\",\"stock_valuation_account_id\":\"%s\",\"stock_input_account_id\":\"%s\","
		         "\"stock_output_account_id\":\"%s\",\"stock_journal_id\":\"%s\"}",
		         t, acct[0], acct[1], acct[2], journal);
		const char *category = keep(bench_create(admin, "core.product_category", json));
		const char *product[2];
		for (int p = 0; p < 2; p++) {
			snprintf(json, sizeof json,
			         "{\"name\":\"Widget %d %s\",\"type\":\"storable\",\"uom_id\":\"%s\",\"category_id\":\"%s\","
			         "\"cost_method\":\"average\"}",
			         t, p ? "baseline" : "engine", uom, category);
			product[p] = keep(bench_create(admin, "core.product", json));
		}
		stock_setup s = { tenant.ptr, journal, product[0], supplier, stock, customer, acct[0], acct[1], acct[2], date };
		w[t].engine = s;
		s.product = product[1];
		w[t].base = s;
		bench_check(erp_ctx_new(&ctxs[t], store, tenant.ptr, "bench", ERP_ROLE_READWRITE), "erp_ctx_new");
		w[t].ctx = ctxs[t];
	}

	sqlite_base sb = { 0 };
#ifdef ERP_HAVE_POSTGRES
	pg_base pb[MAX_THREADS];
	memset(pb, 0, sizeof pb);
#endif
	if (sqlite)
		sqlite_base_open(&sb, url + 7);
#ifdef ERP_HAVE_POSTGRES
	else
		for (int t = 0; t < threads; t++) {
			pg_base_open(&pb[t], url, tenant.ptr, 1000000000LL * (t + 1));
			w[t].pg = &pb[t];
		}
#endif

	printf("# bench_stock: AVCO moves valued and posted, %d per round (single: %d) x %d rounds, %d thread%s, medians\n", n,
	       n / 4, rounds, threads, threads > 1 ? "s" : "");
	bench_header();
	/* Receipts first: the deliveries take out of the stock they made (10 units in per receipt, 1 out per delivery). */
	static const int batches[3] = { 1, 100, 1000 };
	double *er = calloc((size_t)rounds, sizeof(double)), *br = calloc((size_t)rounds, sizeof(double));
	for (int kind = 0; kind < 2; kind++) {
		bool in = kind == 0;
		for (int m = 0; m < 3; m++) {
			int per_round = batches[m] == 1 ? n / 4 : n; /* single moves are slower: fewer per round */
			int per_thread = per_round / threads;
			int batch = batches[m] < per_thread ? batches[m] : per_thread;
			int total = per_thread * threads;
			for (int r = 0; r < rounds; r++) {
				pthread_t th[MAX_THREADS];
				double t0 = bench_now();
				for (int t = 0; t < threads; t++) {
					w[t].in = in;
					w[t].n = per_thread;
					w[t].batch = batch;
					pthread_create(&th[t], NULL, engine_thread, &w[t]);
				}
				for (int t = 0; t < threads; t++) {
					pthread_join(th[t], NULL);
					bench_check(w[t].rc, "engine");
				}
				double t1 = bench_now();
				if (sqlite) {
					bench_check(sqlite_base_run(&sb, &w[0].base, in, per_thread, batch), "baseline");
				}
#ifdef ERP_HAVE_POSTGRES
				else {
					for (int t = 0; t < threads; t++)
						pthread_create(&th[t], NULL, base_thread, &w[t]);
					for (int t = 0; t < threads; t++) {
						pthread_join(th[t], NULL);
						bench_check(w[t].rc, "baseline");
					}
				}
#endif
				double t2 = bench_now();
				er[r] = total / (t1 - t0);
				br[r] = total / (t2 - t1);
			}
			char op[64];
			if (batch == 1)
				snprintf(op, sizeof op, "%s, 1 per call", in ? "receipt" : "delivery");
			else
				snprintf(op, sizeof op, "%s, batch of %d", in ? "receipt" : "delivery", batch);
			bench_report(backend, op, bench_median(er, (size_t)rounds), bench_median(br, (size_t)rounds));
		}
	}
	free(er);
	free(br);

	/*
	 * Both made the same moves at the same costs: the engine's stock must be
	 * what it was asked for, and its product's quantity and value (AVCO,
	 * rounded by the engine) the same as the baseline's (rounded here).
	 */
	for (int t = 0; t < threads; t++) {
		erp_stock_level level;
		bench_check(erp_stock_quantity(&level, ctxs[t], w[t].engine.product, stock, NULL), "erp_stock_quantity");
		int64_t moves = 0;
		for (int m = 0; m < 3; m++)
			moves += (int64_t)((batches[m] == 1 ? n / 4 : n) / threads) * rounds;
		int64_t expect = moves * RECEIPT_QTY - moves * DELIVERY_QTY;
		int64_t eq = -1, ev = -1, bq = -2, bv = -2;
#ifdef ERP_HAVE_POSTGRES
		int rc = sqlite ? sqlite_stock_row(&sb, &w[t].engine, &eq, &ev) | sqlite_stock_row(&sb, &w[t].base, &bq, &bv)
		                : pg_stock_row(&pb[t], &w[t].engine, &eq, &ev) | pg_stock_row(&pb[t], &w[t].base, &bq, &bv);
#else
		int rc = sqlite_stock_row(&sb, &w[t].engine, &eq, &ev) | sqlite_stock_row(&sb, &w[t].base, &bq, &bv);
#endif
		if (rc || level.on_hand != expect || eq != expect || eq != bq || ev != bv) {
			fprintf(stderr,
			        "thread %d: engine on hand %lld (stock row %lld, value %lld), baseline %lld (value %lld), expected %lld\n",
			        t, (long long)level.on_hand, (long long)eq, (long long)ev, (long long)bq, (long long)bv, (long long)expect);
			return 1;
		}
	}

	sqlite_base_close(&sb);
#ifdef ERP_HAVE_POSTGRES
	for (int t = 0; t < threads; t++)
		if (pb[t].c)
			PQfinish(pb[t].c);
#endif
	for (int t = 0; t < threads; t++)
		erp_ctx_free(ctxs[t]);
	for (int i = 0; i < owned_count; i++)
		free(owned[i]);
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
