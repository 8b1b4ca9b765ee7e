/*
 * Upgrading a store whose ledger was written before migration 8 (lines
 * keyed by their entry's seq, SQLite's lines and balances stored in key
 * order) and migration 9 (lines and balances name their account by its
 * number in the tenant's ledger): the entries, lines and balances written in the old shape are all
 * there afterwards, read back through the API, and erp_store_verify passes
 * (the hash chain covers every line, so a line lost or altered on the way
 * would fail it).
 *
 * The old store is made by a backend registered under "schema7", which
 * opens the real backend and offers only its first 7 migrations; the rows
 * are written as a liberp of that schema wrote them, hash chain included.
 */
#include "ledger/ledger_support.h"

#include "core/registry.h"
#include "ledger/ledger_internal.h"
#include "util/ident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OLD_SCHEMA 7

static erp_sql_dialect old_dialect;

/* "schema7:" + a real URL: the real backend, with the migrations of schema 7 only. */
static int open_old(erp_storage **out, const char *url, const erp_store_options *opts)
{
	const char *inner = url + strlen("schema7:");
	char scheme[32];
	size_t n = strcspn(inner, ":");
	snprintf(scheme, sizeof scheme, "%.*s", (int)n, inner);
	const erp_storage_backend *real = erp__storage_backend_find(scheme);
	if (!real)
		return ERP_EINVALID;
	int rc = real->open(out, inner, opts);
	if (rc != ERP_OK)
		return rc;
	old_dialect = *(*out)->dialect;
	if (old_dialect.migration_count > OLD_SCHEMA)
		old_dialect.migration_count = OLD_SCHEMA;
	(*out)->dialect = &old_dialect;
	return ERP_OK;
}

static const erp_storage_backend old_backend = { ERP_STORAGE_BACKEND_VERSION, "schema7", open_old };

/* One entry as a liberp of schema 7 wrote it: the entry, its lines (with entry_id) and its days' balances. */
static void write_old_entry(erp_store *s, const char *tenant, erp__ledger_entry *e, const char *prev_hash)
{
	snprintf(e->prev_hash, sizeof e->prev_hash, "%s", prev_hash);
	erp__ledger_hash(e->hash, tenant, e);
	char sql[1600];
	snprintf(sql, sizeof sql,
	         "INSERT INTO {financial.entries} (tenant_id, id, seq, journal_id, date, reference, memo, idempotency_key, "
	         "request_hash, reversal_of, prev_hash, hash, created_at, created_by) VALUES ('%s', '%s', %lld, '%s', '%s', "
	         "'%s', NULL, NULL, NULL, NULL, '%s', '%s', '%s', '%s')",
	         tenant, e->id, (long long)e->seq, e->journal_id, e->date, e->reference, e->prev_hash, e->hash,
	         e->created_at, e->created_by);
	assert_erp_ok(erp_test_exec(s, tenant, sql));
	for (size_t k = 0; k < e->line_count; k++) {
		const erp__ledger_line *l = &e->lines[k];
		snprintf(sql, sizeof sql,
		         "INSERT INTO {financial.entry_lines} (tenant_id, entry_id, line_no, seq, date, account_id, currency, "
		         "debit, credit, partner_id, analytic_account_id, memo) VALUES ('%s', '%s', %d, %lld, '%s', '%s', '%s', "
		         "%lld, %lld, NULL, NULL, '%s')",
		         tenant, e->id, l->line_no, (long long)e->seq, e->date, l->account_id, l->currency, (long long)l->debit,
		         (long long)l->credit, l->memo);
		assert_erp_ok(erp_test_exec(s, tenant, sql));
		snprintf(sql, sizeof sql,
		         "INSERT INTO {financial.balances} AS b (tenant_id, account_id, currency, date, debit, credit) "
		         "VALUES ('%s', '%s', '%s', '%s', %lld, %lld) ON CONFLICT (tenant_id, account_id, currency, date) "
		         "DO UPDATE SET debit = b.debit + excluded.debit, credit = b.credit + excluded.credit",
		         tenant, l->account_id, l->currency, e->date, (long long)l->debit, (long long)l->credit);
		assert_erp_ok(erp_test_exec(s, tenant, sql));
	}
}

void test_ledger__upgrade_keeps_lines_and_balances_written_before_migrations_8_and_9(void **state)
{
	(void)state;
	erp_storage_register(&old_backend); /* ERP_EEXISTS on a second run in the process: the same backend */
	char *url = erp_test_url_fresh();
	char old_url[1200];
	snprintf(old_url, sizeof old_url, "schema7:%s", url);
	erp_store_options opts = erp_test_store_options();

	/* The old store: master data through the API, the ledger as schema 7 wrote it. */
	erp_store *s = NULL;
	assert_erp_ok(erp_store_open(&s, old_url, &opts));
	int version = 0;
	assert_erp_ok(erp_store_schema_version(&version, s));
	assert_int_equal(version, OLD_SCHEMA);
	lt_books b;
	lt_books_open(&b, s);
	char cash[37], sales[37];
	lt_account(cash, &b, "1000", NULL, true);
	lt_account(sales, &b, "4000", NULL, true);
	enum { ENTRIES = 3 };
	static const char *const dates[ENTRIES] = { "2024-03-01", "2024-03-01", "2024-03-02" };
	char ids[ENTRIES][37], prev[ERP__HASH_HEX] = "";
	for (int i = 0; i < ENTRIES; i++) {
		erp__ledger_line lines[3];
		memset(lines, 0, sizeof lines);
		int64_t amount = 1000 * (i + 1);
		/* Entry 1 has three lines: cash 1000 + 1000 against sales 2000. */
		size_t n = i == 1 ? 3 : 2;
		for (size_t k = 0; k < n; k++) {
			lines[k].line_no = (int)k + 1;
			snprintf(lines[k].account_id, sizeof lines[k].account_id, "%s", k + 1 < n ? cash : sales);
			memcpy(lines[k].currency, "USD", 4);
			lines[k].debit = k + 1 < n ? amount / (int64_t)(n - 1) : 0;
			lines[k].credit = k + 1 < n ? 0 : amount;
			lines[k].memo = "old line";
		}
		erp__ledger_entry e;
		memset(&e, 0, sizeof e);
		erp__uuid_v7(e.id);
		memcpy(ids[i], e.id, sizeof ids[i]);
		e.seq = i + 1;
		memcpy(e.journal_id, b.journal, sizeof e.journal_id);
		snprintf(e.date, sizeof e.date, "%s", dates[i]);
		e.reference = "before 8";
		snprintf(e.created_at, sizeof e.created_at, "2024-03-0%dT10:00:00.000000Z", i + 1);
		e.created_by = "upgrade-test";
		e.lines = lines;
		e.line_count = n;
		write_old_entry(s, b.tenant, &e, prev);
		memcpy(prev, e.hash, sizeof prev);
	}
	char sql[600];
	snprintf(sql, sizeof sql,
	         "INSERT INTO {financial.ledger_state} (tenant_id, last_seq, last_hash, posted_total, updated_at, updated_by) "
	         "VALUES ('%s', %d, '%s', 6000, '2024-03-03T10:00:00.000000Z', 'upgrade-test')",
	         b.tenant, ENTRIES, prev);
	assert_erp_ok(erp_test_exec(s, b.tenant, sql));
	/* (This liberp's verify reads the numbered accounts of migration 9: the old store is checked once migrated.) */
	lt_books_close(&b);
	erp_store_close(s);

	/* Opened by this liberp: migrated, every row kept, read back, verified. */
	assert_erp_ok(erp_store_open(&s, url, &opts));
	assert_erp_ok(erp_store_schema_version(&version, s));
	assert_int_equal(version, (int)s->storage->dialect->migration_count);
	assert_true(version > OLD_SCHEMA);
	assert_erp_ok(erp_store_verify(NULL, s));
	lt_books nb = b;
	nb.store = s;
	nb.ro = erp_test_ctx(s, b.tenant, ERP_ROLE_READONLY);
	nb.rw = erp_test_ctx(s, b.tenant, ERP_ROLE_READWRITE);
	nb.admin = erp_test_ctx(s, b.tenant, ERP_ROLE_ADMIN);
	assert_int_equal(erp_test_count(s, b.tenant, "{financial.entry_lines}"), 7);
	assert_int_equal(erp_test_count(s, b.tenant, "{financial.balances}"), 4);
	json_t *e1 = lt_get(nb.ro, ids[1]);
	json_t *lines = json_object_get(e1, "lines");
	assert_int_equal(json_array_size(lines), 3);
	assert_string_equal(lt_str(json_array_get(lines, 2), "account_id"), sales);
	assert_string_equal(lt_str(json_array_get(lines, 2), "credit"), "20.00");
	assert_string_equal(lt_str(json_array_get(lines, 0), "memo"), "old line");
	json_decref(e1);
	/* Balances: cash 60.00 debit, sales 60.00 credit; day 2024-03-01 alone 30.00. */
	assert_int_equal(lt_balance(&nb, cash, "USD", NULL, 2).balance, 6000);
	assert_int_equal(lt_balance(&nb, sales, "USD", "2024-03-01", 2).balance, -3000);
	/* The general ledger walks the old lines with their entries' ids. */
	erp_buf gl = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_general_ledger(&gl, nb.ro, cash, NULL, NULL, NULL, 100));
	json_t *g = lt_json(gl.ptr);
	assert_int_equal(json_array_size(json_object_get(g, "lines")), 4);
	assert_string_equal(lt_str(json_array_get(json_object_get(g, "lines"), 3), "entry_id"), ids[2]);
	json_decref(g);
	erp_buf_dispose(&gl);
	/* The old accounts were numbered 1 and 2 (in the order of their ids); the next account posted to gets 3. */
	assert_int_equal(erp_test_count(s, b.tenant, "{financial.ledger_accounts}"), 2);
	char bank[37];
	lt_account(bank, &nb, "1100", NULL, true);
	/* The chain goes on from the old head; a reversal of an old entry finds its lines. */
	char next[37], reversal[37];
	lt_post2(&nb, next, "2024-03-05", cash, sales, 500);
	lt_post2(&nb, next, "2024-03-05", bank, cash, 100);
	snprintf(sql, sizeof sql, "SELECT max(account_no) FROM {financial.ledger_accounts} WHERE tenant_id = '%s'", b.tenant);
	assert_int_equal(erp_test_scalar(s, b.tenant, sql), 3);
	assert_int_equal(lt_balance(&nb, bank, "USD", NULL, 2).balance, 100);
	erp_buf r = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_reverse(&r, nb.rw, ids[1], "2024-03-06"));
	snprintf(reversal, sizeof reversal, "%s", r.ptr);
	erp_buf_dispose(&r);
	json_t *rev = lt_get(nb.ro, reversal);
	assert_int_equal(json_array_size(json_object_get(rev, "lines")), 3);
	json_decref(rev);
	assert_int_equal(lt_balance(&nb, cash, "USD", NULL, 2).balance, 6000 + 500 - 100 - 2000);
	assert_erp_ok(erp_store_verify(NULL, s));
	lt_books_close(&nb);
	erp_store_close(s);
	erp_test_url_drop(url);
}

ERP_CONFORMANCE_GROUP(295, NULL, NULL);
