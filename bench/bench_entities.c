/*
 * bench_entities [sqlite|postgresql] [N] [ROUNDS]
 *
 * Creates and gets of core.partner through erp_entity_create/get, each
 * beside a raw-SQL baseline in the same process that does the same writes
 * (the partner row and its audit row, one transaction per entity) and the
 * same reads (the whole row by key), with prepared statements and no
 * checks. Reports medians over ROUNDS rounds and the ratio engine/baseline.
 *
 * PostgreSQL: the URL comes from ERP_BENCH_PG_URL or ERP_TEST_PG_URL.
 */
#include "bench_support.h"

#include <erp/erp.h>

#include "util/ident.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef ERP_HAVE_POSTGRES
#include <libpq-fe.h>
#endif

#define PARTNER_COLUMNS "tenant_id, id, version, archived, created_at, created_by, updated_at, updated_by, \"name\", " \
	"\"kind\", \"parent_id\", \"ref\", \"email\", \"phone\", \"vat\", \"street\", \"city\", \"zip\", \"country\", " \
	"\"is_customer\", \"is_supplier\", \"currency\", \"credit_limit\", \"tags\", \"active\""
#define AUDIT_COLUMNS "tenant_id, id, at, actor, action, entity, entity_id, before, after"

#define AFTER_JSON \
	"{\"id\":\"%s\",\"name\":\"Partner %d\",\"kind\":\"company\",\"parent_id\":null,\"ref\":null," \
	"\"email\":\"p%d@example.com\",\"phone\":null,\"vat\":null,\"street\":null,\"city\":null,\"zip\":null," \
	"\"country\":null,\"is_customer\":true,\"is_supplier\":false,\"currency\":\"USD\",\"credit_limit\":\"100.00\"," \
	"\"tags\":null,\"active\":true,\"version\":1,\"archived\":false}"

/* ---- the raw baselines ------------------------------------------------------ */

typedef struct {
	int (*create)(void *self, const char *tenant, int i, char id_out[37]);
	int (*get)(void *self, const char *tenant, const char *id);
	void *self;
} baseline;

typedef struct {
	sqlite3 *db;
	sqlite3_stmt *ins, *audit, *sel, *begin, *commit;
} sqlite_baseline;

static int sqlite_step_reset(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : rc;
}

static int sqlite_create(void *self, const char *tenant, int i, char id[37])
{
	sqlite_baseline *b = self;
	char now[ERP__TIMESTAMP_LEN + 1], name[64], email[64], audit_id[37], after[1024];
	erp__uuid_v7(id);
	erp__uuid_v7(audit_id);
	erp__now_timestamp(now);
	snprintf(name, sizeof name, "Partner %d", i);
	snprintf(email, sizeof email, "p%d@example.com", i);
	snprintf(after, sizeof after, AFTER_JSON, id, i, i);
	if (sqlite_step_reset(b->begin))
		return 1;
	sqlite3_stmt *s = b->ins;
	sqlite3_bind_text(s, 1, tenant, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, 1);
	sqlite3_bind_int64(s, 4, 0);
	sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, "bench", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, "bench", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, "company", -1, SQLITE_STATIC);
	for (int k = 11; k <= 12; k++)
		sqlite3_bind_null(s, k);
	sqlite3_bind_text(s, 13, email, -1, SQLITE_STATIC);
	for (int k = 14; k <= 19; k++)
		sqlite3_bind_null(s, k);
	sqlite3_bind_int64(s, 20, 1);
	sqlite3_bind_int64(s, 21, 0);
	sqlite3_bind_text(s, 22, "USD", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 23, 10000);
	sqlite3_bind_null(s, 24);
	sqlite3_bind_int64(s, 25, 1);
	int rc = sqlite_step_reset(s);
	s = b->audit;
	sqlite3_bind_text(s, 1, tenant, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, audit_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, "bench", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, "create", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, "core.partner", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, id, -1, SQLITE_STATIC);
	sqlite3_bind_null(s, 8);
	sqlite3_bind_text(s, 9, after, -1, SQLITE_STATIC);
	rc |= sqlite_step_reset(s);
	rc |= sqlite_step_reset(b->commit);
	return rc;
}

static int sqlite_get(void *self, const char *tenant, const char *id)
{
	sqlite_baseline *b = self;
	sqlite3_stmt *s = b->sel;
	sqlite3_exec(b->db, "BEGIN", NULL, NULL, NULL);
	sqlite3_bind_text(s, 1, tenant, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	size_t bytes = 0;
	for (int c = 0; rc == SQLITE_ROW && c < sqlite3_column_count(s); c++)
		bytes += (size_t)sqlite3_column_bytes(s, c);
	sqlite3_reset(s);
	sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL);
	return rc == SQLITE_ROW && bytes > 0 ? 0 : 1;
}

static void sqlite_baseline_open(sqlite_baseline *b, const char *path)
{
	if (sqlite3_open(path, &b->db) != SQLITE_OK)
		exit(1);
	sqlite3_exec(b->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
	                    "PRAGMA busy_timeout=5000", NULL, NULL, NULL);
	sqlite3_prepare_v2(b->db, "INSERT INTO core_partners (" PARTNER_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	                          "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
	                   -1, &b->ins, NULL);
	sqlite3_prepare_v2(b->db, "INSERT INTO system_audit_log (" AUDIT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	                   -1, &b->audit, NULL);
	sqlite3_prepare_v2(b->db, "SELECT " PARTNER_COLUMNS " FROM core_partners WHERE tenant_id = ?1 AND id = ?2", -1, &b->sel, NULL);
	sqlite3_prepare_v2(b->db, "BEGIN IMMEDIATE", -1, &b->begin, NULL);
	sqlite3_prepare_v2(b->db, "COMMIT", -1, &b->commit, NULL);
	if (!b->ins || !b->audit || !b->sel || !b->begin || !b->commit) {
		fprintf(stderr, "baseline prepare: %s\n", sqlite3_errmsg(b->db));
		exit(1);
	}
}

#ifdef ERP_HAVE_POSTGRES
typedef struct {
	PGconn *c;
} pg_baseline;

static int pg_ok(PGresult *r)
{
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "baseline: %s", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : 1;
}

static int pg_create(void *self, const char *tenant, int i, char id[37])
{
	pg_baseline *b = self;
	char now[ERP__TIMESTAMP_LEN + 1], name[64], email[64], audit_id[37], after[1024];
	erp__uuid_v7(id);
	erp__uuid_v7(audit_id);
	erp__now_timestamp(now);
	snprintf(name, sizeof name, "Partner %d", i);
	snprintf(email, sizeof email, "p%d@example.com", i);
	snprintf(after, sizeof after, AFTER_JSON, id, i, i);
	const char *p[25] = { tenant, id, "1", "false", now, "bench", now, "bench", name, "company", NULL, NULL, email,
	                      NULL, NULL, NULL, NULL, NULL, NULL, "true", "false", "USD", "10000", NULL, "true" };
	const char *a[9] = { tenant, audit_id, now, "bench", "create", "core.partner", id, NULL, after };
	int rc = pg_ok(PQexecPrepared(b->c, "begin", 0, NULL, NULL, NULL, 0));
	rc |= pg_ok(PQexecPrepared(b->c, "ins", 25, p, NULL, NULL, 0));
	rc |= pg_ok(PQexecPrepared(b->c, "audit", 9, a, NULL, NULL, 0));
	rc |= pg_ok(PQexecPrepared(b->c, "commit", 0, NULL, NULL, NULL, 0));
	return rc;
}

static int pg_get(void *self, const char *tenant, const char *id)
{
	pg_baseline *b = self;
	const char *p[2] = { tenant, id };
	PGresult *r = PQexecPrepared(b->c, "sel", 2, p, NULL, NULL, 0);
	int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	PQclear(r);
	return ok ? 0 : 1;
}

static void pg_baseline_open(pg_baseline *b, const char *url, const char *tenant)
{
	b->c = PQconnectdb(url);
	if (PQstatus(b->c) != CONNECTION_OK) {
		fprintf(stderr, "baseline connect: %s", PQerrorMessage(b->c));
		exit(1);
	}
	char sql[200];
	/* The same tenant scope the engine sets, once for the session. */
	snprintf(sql, sizeof sql, "SELECT set_config('app.current_tenant_id', '%s', false)", tenant);
	int rc = pg_ok(PQexec(b->c, sql));
	rc |= pg_ok(PQexec(b->c, "SET ROLE erp_readwrite; SET synchronous_commit = on"));
	rc |= pg_ok(PQprepare(b->c, "ins", "INSERT INTO core.partners (" PARTNER_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, "
	                      "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)", 0, NULL));
	rc |= pg_ok(PQprepare(b->c, "audit", "INSERT INTO system.audit_log (" AUDIT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", 0, NULL));
	rc |= pg_ok(PQprepare(b->c, "sel", "SELECT " PARTNER_COLUMNS " FROM core.partners WHERE tenant_id = $1 AND id = $2", 0, NULL));
	rc |= pg_ok(PQprepare(b->c, "begin", "BEGIN", 0, NULL));
	rc |= pg_ok(PQprepare(b->c, "commit", "COMMIT", 0, NULL));
	if (rc)
		exit(1);
}
#endif

/* ---- the engine --------------------------------------------------------------- */

static int engine_create(erp_ctx *ctx, int i, char id[37], erp_buf *out)
{
	char json[256];
	snprintf(json, sizeof json, "{\"name\":\"Partner %d\",\"email\":\"p%d@example.com\",\"is_customer\":true,"
	                            "\"credit_limit\":\"100.00\"}", i, i);
	int rc = erp_entity_create(out, ctx, "core.partner", json);
	if (rc == ERP_OK)
		memcpy(id, strstr(out->ptr, "\"id\":\"") + 6, 36), id[36] = '\0';
	return rc;
}

int main(int argc, char **argv)
{
	const char *backend = argc > 1 ? argv[1] : "sqlite";
	int n = argc > 2 ? atoi(argv[2]) : 2000;
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	char url[1024], dir[] = "/tmp/erp-bench-XXXXXX";
	baseline base = { 0 };
	sqlite_baseline sb = { 0 };
#ifdef ERP_HAVE_POSTGRES
	pg_baseline pb = { 0 };
#endif
	if (strcmp(backend, "sqlite") == 0) {
		if (!mkdtemp(dir))
			return 1;
		snprintf(url, sizeof url, "sqlite:%s/bench.db", dir);
	} else {
		const char *u = bench_pg_url();
		if (!u)
			return 77;
		snprintf(url, sizeof url, "%s", u);
	}
	erp_store *store;
	bench_check(erp_store_open(&store, url, NULL), "erp_store_open");
	erp_buf tenant = ERP_BUF_INIT, out = ERP_BUF_INIT;
	char tname[64];
	snprintf(tname, sizeof tname, "Bench %d", (int)getpid());
	bench_check(erp_tenant_create(&tenant, store, tname, "USD"), "erp_tenant_create");
	erp_ctx *ctx;
	bench_check(erp_ctx_new(&ctx, store, tenant.ptr, "bench", ERP_ROLE_READWRITE), "erp_ctx_new");

	if (strcmp(backend, "sqlite") == 0) {
		sqlite_baseline_open(&sb, url + 7);
		base = (baseline){ sqlite_create, sqlite_get, &sb };
	}
#ifdef ERP_HAVE_POSTGRES
	else {
		pg_baseline_open(&pb, url, tenant.ptr);
		base = (baseline){ pg_create, pg_get, &pb };
	}
#endif

	char (*ids)[37] = calloc((size_t)n, 37), (*base_ids)[37] = calloc((size_t)n, 37);
	double *ec = calloc((size_t)rounds, sizeof(double)), *bc = calloc((size_t)rounds, sizeof(double));
	double *eg = calloc((size_t)rounds, sizeof(double)), *bg = calloc((size_t)rounds, sizeof(double));
	for (int r = 0; r < rounds; r++) {
		double t0 = bench_now();
		for (int i = 0; i < n; i++)
			bench_check(engine_create(ctx, r * n + i, ids[i], &out), "erp_entity_create");
		double t1 = bench_now();
		for (int i = 0; i < n; i++)
			bench_check(base.create(base.self, tenant.ptr, r * n + i, base_ids[i]), "baseline create");
		double t2 = bench_now();
		for (int i = 0; i < n; i++)
			bench_check(erp_entity_get(&out, ctx, "core.partner", ids[(i * 7919) % n]), "erp_entity_get");
		double t3 = bench_now();
		for (int i = 0; i < n; i++)
			bench_check(base.get(base.self, tenant.ptr, base_ids[(i * 7919) % n]), "baseline get");
		double t4 = bench_now();
		ec[r] = n / (t1 - t0);
		bc[r] = n / (t2 - t1);
		eg[r] = n / (t3 - t2);
		bg[r] = n / (t4 - t3);
	}
	printf("# bench_entities: %d entities x %d rounds, medians\n", n, rounds);
	bench_header();
	bench_report(backend, "create core.partner", bench_median(ec, (size_t)rounds), bench_median(bc, (size_t)rounds));
	bench_report(backend, "get core.partner", bench_median(eg, (size_t)rounds), bench_median(bg, (size_t)rounds));

	free(ids);
	free(base_ids);
	free(ec);
	free(bc);
	free(eg);
	free(bg);
	if (sb.db) {
		sqlite3_finalize(sb.ins);
		sqlite3_finalize(sb.audit);
		sqlite3_finalize(sb.sel);
		sqlite3_finalize(sb.begin);
		sqlite3_finalize(sb.commit);
		sqlite3_close(sb.db);
	}
#ifdef ERP_HAVE_POSTGRES
	if (pb.c)
		PQfinish(pb.c);
#endif
	erp_ctx_free(ctx);
	erp_buf_dispose(&tenant);
	erp_buf_dispose(&out);
	erp_store_close(store);
	if (strcmp(backend, "sqlite") == 0) {
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return 0;
}
