/*
 * Reading the ledger: entries, balances as of a date, the trial balance
 * and the general ledger (erp/ledger.h). Balances come from the daily
 * balance rows kept by posting, never from a scan of the lines.
 */
#include <erp/ledger.h>

#include "util/decimal.h"
#include "core/db_where.h"
#include "entity/entity_row.h"
#include "util/array.h"
#include "util/error.h"
#include "util/cursor.h"
#include "util/json_out.h"
#include "ledger_accounts.h"
#include "ledger_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENTITY "financial.entry"

static void put_text_or_null(erp__strbuf *sb, const char *key, const char *v, bool first)
{
	erp__json_put_key(sb, key, first);
	if (v)
		erp__json_put_string(sb, v, strlen(v));
	else
		erp__strbuf_puts(sb, "null");
}

__extension__ typedef __int128 i128;

/* Sums of many amounts are kept in 128 bits: an account's total may pass what one amount can hold. */
static int put_amount(erp__strbuf *sb, erp__tx *tx, const char *tenant, erp__scales *sc, const char *key,
                      const char *currency, i128 v)
{
	int exponent;
	int rc = erp__scales_currency(tx, tenant, sc, currency, &exponent);
	if (rc != ERP_OK)
		return rc;
	char text[ERP__DECIMAL_TEXT128];
	erp__decimal_format128(text, v, exponent < 0 ? 0 : exponent);
	erp__json_put_key(sb, key, false);
	erp__json_put_string(sb, text, strlen(text));
	return ERP_OK;
}

static int check_account(erp__tx *tx, const char *tenant, const char *account_id)
{
	char id[ERP__UUID_LEN + 1];
	erp_value p[] = { erp__v_text(tenant), erp__v_text(account_id) };
	int rc = erp__db_first_text(tx, "SELECT id FROM {financial.accounts} WHERE tenant_id = $1 AND id = $2", p, 2, id, sizeof id);
	if (rc == 0)
		return erp__error(ERP_ENOTFOUND, "financial.account", "account_id", "no financial.account with id %s", account_id);
	return rc < 0 ? rc : ERP_OK;
}

/* ---- one entry -------------------------------------------------------------------- */

typedef struct {
	const erp_ctx *ctx;
	const char *id;
	erp__strbuf out;
} get_job;

static int get_body(erp__tx *tx, void *payload)
{
	get_job *job = payload;
	const char *tenant = job->ctx->tenant_id;
	erp__strbuf *sb = &job->out;
	erp__strbuf_clear(sb);
	erp_value p[] = { erp__v_text(tenant), erp__v_text(job->id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "SELECT e.id, e.seq, e.journal_id, e.date, e.reference, e.memo, e.idempotency_key, e.reversal_of, "
	                       "(SELECT r.id FROM {financial.entries} r WHERE r.tenant_id = e.tenant_id AND r.reversal_of = e.id), "
	                       "e.hash, e.prev_hash, e.created_at, e.created_by FROM {financial.entries} e "
	                       "WHERE e.tenant_id = $1 AND e.id = $2", p, 2);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	if (rc == 1) {
		static const char *const keys[] = { "id", "seq", "journal_id", "date", "reference", "memo", "idempotency_key",
		                                    "reversal_of", "reversed_by", "hash", "prev_hash", "created_at", "created_by" };
		erp__strbuf_putc(sb, '{');
		for (size_t c = 0; c < sizeof keys / sizeof keys[0]; c++) {
			char s[24];
			if (c == 1) {
				erp__strbuf_printf(sb, ",\"seq\":%lld", (long long)erp__db_int(tx, rows, 1));
				continue;
			}
			put_text_or_null(sb, keys[c], erp__db_text(tx, rows, c, s), c == 0);
		}
	}
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return erp__error(ERP_ENOTFOUND, ENTITY, "id", "no journal entry with id %s", job->id);
	rc = erp__db_query(&rows, tx, "SELECT l.line_no, la.account_id, l.currency, l.debit, l.credit, l.partner_id, "
	                              "l.analytic_account_id, l.memo FROM {financial.entry_lines} l" ERP__LEDGER_ACCOUNT_JOIN("l")
	                              " WHERE l.tenant_id = $1 "
	                              "AND l.seq = (SELECT seq FROM {financial.entries} WHERE tenant_id = $1 AND id = $2) "
	                              "ORDER BY l.line_no", p, 2);
	if (rc != ERP_OK)
		return rc;
	/* Read the lines first: formatting amounts may need its own queries. */
	typedef struct {
		int64_t no, debit, credit;
		char account[ERP__UUID_LEN + 1], currency[4], partner[ERP__UUID_LEN + 1], analytic[ERP__UUID_LEN + 1];
		char *memo;
		bool has_partner, has_analytic;
	} line;
	line *lines = NULL;
	size_t n = 0, cap = 0;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		if ((rc = ERP__ARRAY_RESERVE(lines, cap, n + 1)) != ERP_OK)
			break;
		line *l = &lines[n++];
		char s[8][24];
		const char *v;
		l->no = erp__db_int(tx, rows, 0);
		snprintf(l->account, sizeof l->account, "%s", (v = erp__db_text(tx, rows, 1, s[1])) ? v : "");
		snprintf(l->currency, sizeof l->currency, "%s", (v = erp__db_text(tx, rows, 2, s[2])) ? v : "");
		l->debit = erp__db_int(tx, rows, 3);
		l->credit = erp__db_int(tx, rows, 4);
		l->has_partner = (v = erp__db_text(tx, rows, 5, s[5])) != NULL;
		snprintf(l->partner, sizeof l->partner, "%s", v ? v : "");
		l->has_analytic = (v = erp__db_text(tx, rows, 6, s[6])) != NULL;
		snprintf(l->analytic, sizeof l->analytic, "%s", v ? v : "");
		v = erp__db_text(tx, rows, 7, s[7]);
		l->memo = v ? strdup(v) : NULL;
		if (v && !l->memo) {
			rc = erp__oom();
			break;
		}
	}
	erp__db_close(tx, rows);
	erp__scales *sc = erp__scales_new();
	rc = rc < 0 ? rc : sc ? ERP_OK : erp__oom();
	erp__strbuf_puts(sb, ",\"lines\":[");
	for (size_t i = 0; rc == ERP_OK && i < n; i++) {
		line *l = &lines[i];
		erp__strbuf_printf(sb, "%s{\"line\":%lld", i ? "," : "", (long long)l->no);
		put_text_or_null(sb, "account_id", l->account, false);
		put_text_or_null(sb, "currency", l->currency, false);
		if ((rc = put_amount(sb, tx, tenant, sc, "debit", l->currency, l->debit)) != ERP_OK ||
		    (rc = put_amount(sb, tx, tenant, sc, "credit", l->currency, l->credit)) != ERP_OK)
			break;
		put_text_or_null(sb, "partner_id", l->has_partner ? l->partner : NULL, false);
		put_text_or_null(sb, "analytic_account_id", l->has_analytic ? l->analytic : NULL, false);
		put_text_or_null(sb, "memo", l->memo, false);
		erp__strbuf_putc(sb, '}');
	}
	erp__strbuf_puts(sb, "]}");
	for (size_t i = 0; i < n; i++)
		free(lines[i].memo);
	free(lines);
	erp__scales_free(sc);
	return rc == ERP_OK && !erp__strbuf_ok(sb) ? erp__oom() : rc;
}

int erp_ledger_entry_get(erp_buf *out, erp_ctx *ctx, const char *entry_id)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	int rc = erp__ctx_require(ctx, ERP_ROLE_READONLY, "reading journal entries");
	if (rc != ERP_OK)
		return rc;
	char id[ERP__UUID_LEN + 1];
	if (!entry_id || !erp__uuid_normalize(id, entry_id))
		return erp__error(ERP_EINVALID, ENTITY, "id", "id must be a UUID");
	get_job job = { ctx, id, ERP__STRBUF_INIT };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	rc = erp__tx_run(ctx->store, ERP_TX_READ, &scope, get_body, &job);
	if (rc == ERP_OK)
		return erp__strbuf_detach(out, &job.out);
	erp__strbuf_free(&job.out);
	return rc;
}

/* ---- listing entries ------------------------------------------------------------------- */

typedef struct {
	const erp_ctx *ctx;
	const char *from, *to, *journal;
	int64_t before_seq;  /* 0: from the newest */
	int limit;
	erp__strbuf out;
	char binding[ERP__CURSOR_BINDING_LEN + 1];
} list_job;

static int list_body(erp__tx *tx, void *payload)
{
	list_job *job = payload;
	erp__strbuf *sb = &job->out;
	erp__strbuf_clear(sb);
	erp__where w = ERP__WHERE_INIT;
	erp__strbuf_puts(&w.sql, "SELECT id, seq, journal_id, date, reference, memo, reversal_of, created_at, created_by "
	                         "FROM {financial.entries}");
	erp__where_and(&w, "tenant_id = ?", erp__v_text(job->ctx->tenant_id));
	if (job->from)
		erp__where_and(&w, "date >= ?", erp__v_text(job->from));
	if (job->to)
		erp__where_and(&w, "date <= ?", erp__v_text(job->to));
	if (job->journal)
		erp__where_and(&w, "journal_id = ?", erp__v_text(job->journal));
	if (job->before_seq)
		erp__where_and(&w, "seq < ?", erp__v_int(job->before_seq));
	erp__where_append(&w, " ORDER BY seq DESC LIMIT ?", erp__v_int(job->limit + 1));
	erp_storage_rows *rows;
	int rc = erp__where_query(&rows, tx, &w);
	erp__where_free(&w);
	if (rc != ERP_OK)
		return rc;
	erp__strbuf_puts(sb, "{\"items\":[");
	int count = 0;
	int64_t last_seq = 0;
	bool more = false;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		if (count == job->limit) {
			more = true;
			break;
		}
		static const char *const keys[] = { "id", "seq", "journal_id", "date", "reference", "memo", "reversal_of",
		                                    "created_at", "created_by" };
		erp__strbuf_puts(sb, count ? ",{" : "{");
		for (size_t c = 0; c < sizeof keys / sizeof keys[0]; c++) {
			char s[24];
			if (c == 1) {
				last_seq = erp__db_int(tx, rows, 1);
				erp__strbuf_printf(sb, ",\"seq\":%lld", (long long)last_seq);
				continue;
			}
			put_text_or_null(sb, keys[c], erp__db_text(tx, rows, c, s), c == 0);
		}
		erp__strbuf_putc(sb, '}');
		count++;
	}
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	if (more) {
		json_t *pos = json_pack("[I]", (json_int_t)last_seq);
		char *c = pos ? erp__cursor_make(pos, job->binding) : NULL;
		json_decref(pos);
		if (!c)
			return erp__oom();
		erp__strbuf_puts(sb, "],\"next_cursor\":");
		erp__json_put_string(sb, c, strlen(c));
		erp__strbuf_putc(sb, '}');
		free(c);
	} else
		erp__strbuf_puts(sb, "],\"next_cursor\":null}");
	return erp__strbuf_ok(sb) ? ERP_OK : erp__oom();
}

int erp_ledger_entry_list(erp_buf *out, erp_ctx *ctx, const char *query)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	int rc = erp__ctx_require(ctx, ERP_ROLE_READONLY, "listing journal entries");
	if (rc != ERP_OK)
		return rc;
	list_job job = { ctx, NULL, NULL, NULL, 0, 50, ERP__STRBUF_INIT, "" };
	const char *cursor = NULL;
	json_t *q = NULL;
	char journal[ERP__UUID_LEN + 1];
	if (query) {
		json_error_t jerr;
		if (!(q = erp__json_loads(query, JSON_REJECT_DUPLICATES, &jerr)) || !json_is_object(q)) {
			if (!q && erp__json_load_oom(&jerr))
				return erp__oom();
			json_decref(q);
			return erp__error(ERP_EINVALID, ENTITY, "query", "query must be a JSON object");
		}
		const char *key;
		json_t *v;
		json_object_foreach(q, key, v) {
			const char *s = json_string_value(v);
			if (strcmp(key, "from") == 0 || strcmp(key, "to") == 0) {
				if (!erp__date_valid(s))
					rc = erp__error(ERP_EINVALID, ENTITY, key, "%s must be a date \"YYYY-MM-DD\"", key);
				else if (key[0] == 'f')
					job.from = s;
				else
					job.to = s;
			} else if (strcmp(key, "journal_id") == 0) {
				if (!s || !erp__uuid_normalize(journal, s))
					rc = erp__error(ERP_EINVALID, ENTITY, key, "journal_id must be a UUID");
				else
					job.journal = journal;
			} else if (strcmp(key, "limit") == 0) {
				if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000)
					rc = erp__error(ERP_EINVALID, ENTITY, key, "limit must be 1 to 1000");
				else
					job.limit = (int)json_integer_value(v);
			} else if (strcmp(key, "cursor") == 0) {
				if (!s && !json_is_null(v))
					rc = erp__error(ERP_EINVALID, ENTITY, key, "cursor is not one this library returned");
				cursor = s; /* read once the query it belongs to is known */
			} else {
				rc = erp__error(ERP_EINVALID, ENTITY, key, "unknown key '%.60s' (from, to, journal_id, limit, cursor)", key);
			}
			if (rc != ERP_OK)
				break;
		}
	}
	const char *parts[] = { job.from, job.to, job.journal };
	erp__cursor_binding(job.binding, "journal", ctx->tenant_id, parts, 3);
	if (rc == ERP_OK && cursor) {
		json_t *pos = NULL;
		if ((rc = erp__cursor_open(&pos, cursor, job.binding, 1, ENTITY)) == ERP_OK) {
			json_int_t seq = json_integer_value(json_array_get(pos, 0));
			if (!json_is_integer(json_array_get(pos, 0)) || seq < 1)
				rc = erp__error(ERP_EINVALID, ENTITY, "cursor", "cursor is not one this library returned for this query");
			job.before_seq = seq;
			json_decref(pos);
		}
	}
	if (rc == ERP_OK) {
		erp_storage_scope scope = erp__ctx_scope(ctx);
		rc = erp__tx_run(ctx->store, ERP_TX_READ, &scope, list_body, &job);
	}
	json_decref(q);
	if (rc == ERP_OK)
		return erp__strbuf_detach(out, &job.out);
	erp__strbuf_free(&job.out);
	return rc;
}

/* ---- balances ------------------------------------------------------------------------- */

typedef struct {
	const erp_ctx *ctx;
	const char *account;  /* NULL: every account (trial balance) */
	const char *as_of;
	erp__strbuf out;
} balance_job;

static int balance_body(erp__tx *tx, void *payload)
{
	balance_job *job = payload;
	const char *tenant = job->ctx->tenant_id;
	erp__strbuf *sb = &job->out;
	erp__strbuf_clear(sb);
	int rc = job->account ? check_account(tx, tenant, job->account) : ERP_OK;
	if (rc != ERP_OK)
		return rc;
	erp__where w = ERP__WHERE_INIT;
	int64_t account_no = 0;
	if (job->account && (rc = erp__ledger_account_no(tx, tenant, job->account, &account_no)) != ERP_OK)
		return rc;
	erp__strbuf_puts(&w.sql, "SELECT la.account_id, b.currency, b.debit, b.credit, a.\"code\", a.\"name\" "
	                         "FROM {financial.balances} b" ERP__LEDGER_ACCOUNT_JOIN("b")
	                         " JOIN {financial.accounts} a ON a.tenant_id = la.tenant_id AND a.id = la.account_id");
	erp__where_and(&w, "b.tenant_id = ?", erp__v_text(tenant));
	if (job->account)
		erp__where_and(&w, "b.account_no = ?", erp__v_int(account_no)); /* 0: never posted to, no rows */
	if (job->as_of)
		erp__where_and(&w, "b.date <= ?", erp__v_text(job->as_of));
	/* Days are added up here, in 128 bits, not by the database (whose sums of int64 may overflow). */
	erp__strbuf_puts(&w.sql, " ORDER BY a.\"code\", la.account_id, b.currency");
	erp_storage_rows *rows;
	rc = erp__where_query(&rows, tx, &w);
	erp__where_free(&w);
	if (rc != ERP_OK)
		return rc;
	typedef struct {
		char account[ERP__UUID_LEN + 1], currency[4];
		i128 debit, credit;
		char *code, *name;
	} row;
	row *r = NULL;
	size_t count = 0, cap = 0;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		char s[6][24];
		const char *a = erp__db_text(tx, rows, 0, s[0]), *c = erp__db_text(tx, rows, 1, s[1]);
		a = a ? a : "";
		c = c ? c : "";
		row *x = count ? &r[count - 1] : NULL;
		if (!x || strcmp(x->account, a) != 0 || strcmp(x->currency, c) != 0) {
			if ((rc = ERP__ARRAY_RESERVE(r, cap, count + 1)) != ERP_OK)
				break;
			x = &r[count++];
			const char *v;
			snprintf(x->account, sizeof x->account, "%s", a);
			snprintf(x->currency, sizeof x->currency, "%s", c);
			x->debit = x->credit = 0;
			x->code = strdup((v = erp__db_text(tx, rows, 4, s[4])) ? v : "");
			x->name = strdup((v = erp__db_text(tx, rows, 5, s[5])) ? v : "");
			if (!x->code || !x->name) {
				rc = erp__oom();
				break;
			}
		}
		x->debit += erp__db_int(tx, rows, 2);
		x->credit += erp__db_int(tx, rows, 3);
	}
	erp__db_close(tx, rows);
	erp__scales *sc = erp__scales_new();
	rc = rc < 0 ? rc : sc ? ERP_OK : erp__oom();
	if (job->account) {
		erp__strbuf_putc(sb, '{');
		put_text_or_null(sb, "account_id", job->account, true);
		put_text_or_null(sb, "as_of", job->as_of, false);
		erp__strbuf_puts(sb, ",\"balances\":[");
	} else {
		erp__strbuf_putc(sb, '{');
		put_text_or_null(sb, "as_of", job->as_of, true);
		erp__strbuf_puts(sb, ",\"accounts\":[");
	}
	/* Totals per currency for the trial balance, as many as there are currencies. */
	struct total {
		char currency[4];
		i128 debit, credit;
	} *totals = calloc(count + 1, sizeof *totals);
	size_t ntotals = 0;
	if (rc == ERP_OK && !totals)
		rc = erp__oom();
	for (size_t i = 0; rc == ERP_OK && i < count; i++) {
		row *x = &r[i];
		erp__strbuf_puts(sb, i ? ",{" : "{");
		if (!job->account) {
			put_text_or_null(sb, "account_id", x->account, true);
			put_text_or_null(sb, "code", x->code, false);
			put_text_or_null(sb, "name", x->name, false);
			put_text_or_null(sb, "currency", x->currency, false);
		} else {
			put_text_or_null(sb, "currency", x->currency, true);
		}
		if ((rc = put_amount(sb, tx, tenant, sc, "debit", x->currency, x->debit)) != ERP_OK ||
		    (rc = put_amount(sb, tx, tenant, sc, "credit", x->currency, x->credit)) != ERP_OK ||
		    (rc = put_amount(sb, tx, tenant, sc, "balance", x->currency, x->debit - x->credit)) != ERP_OK)
			break;
		erp__strbuf_putc(sb, '}');
		size_t t = 0;
		while (t < ntotals && strcmp(totals[t].currency, x->currency) != 0)
			t++;
		if (t == ntotals)
			memcpy(totals[ntotals++].currency, x->currency, 4);
		totals[t].debit += x->debit;
		totals[t].credit += x->credit;
	}
	erp__strbuf_putc(sb, ']');
	if (!job->account && rc == ERP_OK) {
		erp__strbuf_puts(sb, ",\"totals\":[");
		for (size_t t = 0; rc == ERP_OK && t < ntotals; t++) {
			erp__strbuf_puts(sb, t ? ",{" : "{");
			put_text_or_null(sb, "currency", totals[t].currency, true);
			if ((rc = put_amount(sb, tx, tenant, sc, "debit", totals[t].currency, totals[t].debit)) != ERP_OK ||
			    (rc = put_amount(sb, tx, tenant, sc, "credit", totals[t].currency, totals[t].credit)) != ERP_OK)
				break;
			erp__strbuf_putc(sb, '}');
		}
		erp__strbuf_putc(sb, ']');
	}
	erp__strbuf_putc(sb, '}');
	for (size_t i = 0; i < count; i++) {
		free(r[i].code);
		free(r[i].name);
	}
	free(r);
	free(totals);
	erp__scales_free(sc);
	return rc == ERP_OK && !erp__strbuf_ok(sb) ? erp__oom() : rc;
}

static int balance_run(erp_buf *out, erp_ctx *ctx, const char *account, const char *as_of)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	int rc = erp__ctx_require(ctx, ERP_ROLE_READONLY, "reading balances");
	if (rc != ERP_OK)
		return rc;
	if (as_of && !erp__date_valid(as_of))
		return erp__error(ERP_EINVALID, ENTITY, "as_of", "as_of must be a date \"YYYY-MM-DD\"");
	balance_job job = { ctx, account, as_of, ERP__STRBUF_INIT };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	rc = erp__tx_run(ctx->store, ERP_TX_READ, &scope, balance_body, &job);
	if (rc == ERP_OK)
		return erp__strbuf_detach(out, &job.out);
	erp__strbuf_free(&job.out);
	return rc;
}

int erp_ledger_account_balance(erp_buf *out, erp_ctx *ctx, const char *account_id, const char *as_of)
{
	char id[ERP__UUID_LEN + 1];
	if (!account_id || !erp__uuid_normalize(id, account_id))
		return erp__error(ERP_EINVALID, "financial.account", "account_id", "account_id must be a UUID");
	return balance_run(out, ctx, id, as_of);
}

int erp_ledger_trial_balance(erp_buf *out, erp_ctx *ctx, const char *as_of)
{
	return balance_run(out, ctx, NULL, as_of);
}

/* ---- general ledger ------------------------------------------------------------------------ */

typedef struct {
	const erp_ctx *ctx;
	const char *account, *from, *to;
	int limit;
	/* cursor: the position after which the page starts, [date, seq, line] */
	json_t *cursor;
	erp__strbuf out;
	char binding[ERP__CURSOR_BINDING_LEN + 1];
} gl_job;

typedef struct {
	char currency[4];
	i128 balance;
} running;

typedef struct {
	running *items;
	size_t n, cap;
} runnings;

/* The running balance of a currency, added at zero when new; NULL when out of memory. */
static running *running_find(runnings *r, const char *currency)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->items[i].currency, currency) == 0)
			return &r->items[i];
	if (!ERP__ARRAY_TRY_RESERVE(r->items, r->cap, r->n + 1))
		return NULL;
	snprintf(r->items[r->n].currency, sizeof r->items[r->n].currency, "%s", currency);
	r->items[r->n].balance = 0;
	return &r->items[r->n++];
}

/* Adds the account's movements per currency from `sql` (rows: currency, debit, credit) to `bal`. */
static int gl_add_sums(runnings *bal, erp__tx *tx, const char *sql, const erp_value *p, size_t n)
{
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, sql, p, n);
	if (rc != ERP_OK)
		return rc;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		char s[24];
		const char *cur = erp__db_text(tx, rows, 0, s);
		running *r = running_find(bal, cur ? cur : "");
		if (!r) {
			rc = erp__oom();
			break;
		}
		r->balance += (i128)erp__db_int(tx, rows, 1) - erp__db_int(tx, rows, 2);
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

static int gl_body(erp__tx *tx, void *payload)
{
	gl_job *job = payload;
	const char *tenant = job->ctx->tenant_id;
	erp__strbuf *sb = &job->out;
	erp__strbuf_clear(sb);
	int64_t account_no = 0;
	int rc = check_account(tx, tenant, job->account);
	if (rc == ERP_OK)
		rc = erp__ledger_account_no(tx, tenant, job->account, &account_no);
	if (rc != ERP_OK)
		return rc;
	runnings bal = { NULL, 0, 0 };
	erp__scales *sc = erp__scales_new();
	if (!sc)
		return erp__oom();
	erp__strbuf_putc(sb, '{');
	put_text_or_null(sb, "account_id", job->account, true);
	put_text_or_null(sb, "from", job->from, false);
	put_text_or_null(sb, "to", job->to, false);
	erp__strbuf_puts(sb, ",\"opening\":[");
	/*
	 * The opening balance, recomputed in storage, never taken from the
	 * caller: every day before `from` (or before the cursor's day) from
	 * the daily balances, plus, after a cursor, the lines of its day up to
	 * and including its position.
	 */
	const char *before = job->cursor ? json_string_value(json_array_get(job->cursor, 0)) : job->from;
	if (before) {
		erp_value p[] = { erp__v_text(tenant), erp__v_int(account_no), erp__v_text(before) };
		rc = gl_add_sums(&bal, tx,
		                 "SELECT currency, debit, credit FROM {financial.balances} "
		                 "WHERE tenant_id = $1 AND account_no = $2 AND date < $3 ORDER BY currency",
		                 p, 3);
	}
	if (rc == ERP_OK && job->cursor) {
		erp_value p[] = { erp__v_text(tenant), erp__v_int(account_no), erp__v_text(before),
			          erp__v_int(json_integer_value(json_array_get(job->cursor, 1))),
			          erp__v_int(json_integer_value(json_array_get(job->cursor, 2))) };
		rc = gl_add_sums(&bal, tx,
		                 "SELECT currency, sum(debit), sum(credit) FROM {financial.entry_lines} "
		                 "WHERE tenant_id = $1 AND account_no = $2 AND date = $3 "
		                 "AND (seq < $4 OR (seq = $4 AND line_no <= $5)) GROUP BY currency ORDER BY currency",
		                 p, 5);
	}
	for (size_t i = 0; rc == ERP_OK && i < bal.n; i++) {
		erp__strbuf_puts(sb, i ? ",{" : "{");
		put_text_or_null(sb, "currency", bal.items[i].currency, true);
		rc = put_amount(sb, tx, tenant, sc, "balance", bal.items[i].currency, bal.items[i].balance);
		erp__strbuf_putc(sb, '}');
	}
	erp__strbuf_puts(sb, "],\"lines\":[");
	erp__where w = ERP__WHERE_INIT;
	erp__strbuf_puts(&w.sql, "SELECT e.id, l.seq, l.date, l.line_no, l.currency, l.debit, l.credit, l.memo, e.reference "
	                         "FROM {financial.entry_lines} l JOIN {financial.entries} e ON e.tenant_id = l.tenant_id AND e.seq = l.seq");
	erp__where_and(&w, "l.tenant_id = ?", erp__v_text(tenant));
	erp__where_and(&w, "l.account_no = ?", erp__v_int(account_no));
	if (job->from)
		erp__where_and(&w, "l.date >= ?", erp__v_text(job->from));
	if (job->to)
		erp__where_and(&w, "l.date <= ?", erp__v_text(job->to));
	if (job->cursor) {
		static const char *const position[] = { "l.date", "l.seq", "l.line_no" };
		const erp_value at[] = { erp__v_text(json_string_value(json_array_get(job->cursor, 0))),
			                 erp__v_int(json_integer_value(json_array_get(job->cursor, 1))),
			                 erp__v_int(json_integer_value(json_array_get(job->cursor, 2))) };
		erp__where_after(&w, position, at, 3);
	}
	erp__where_append(&w, " ORDER BY l.date, l.seq, l.line_no LIMIT ?", erp__v_int(job->limit + 1));
	typedef struct {
		char entry[ERP__UUID_LEN + 1], date[11], currency[4];
		int64_t seq, line, debit, credit;
		char *memo, *reference;
	} gl_line;
	gl_line *lines = calloc((size_t)job->limit + 1, sizeof *lines);
	size_t count = 0;
	bool more = false;
	erp_storage_rows *rows = NULL;
	if (rc == ERP_OK)
		rc = lines ? erp__where_query(&rows, tx, &w) : erp__oom();
	erp__where_free(&w);
	while (rc == ERP_OK) {
		int step = erp__db_next(tx, rows);
		if (step <= 0) {
			rc = step;
			break;
		}
		if ((int)count == job->limit) {
			more = true;
			break;
		}
		char s[9][24];
		const char *v;
		gl_line *g = &lines[count++];
		snprintf(g->entry, sizeof g->entry, "%s", (v = erp__db_text(tx, rows, 0, s[0])) ? v : "");
		g->seq = erp__db_int(tx, rows, 1);
		snprintf(g->date, sizeof g->date, "%s", (v = erp__db_text(tx, rows, 2, s[2])) ? v : "");
		g->line = erp__db_int(tx, rows, 3);
		snprintf(g->currency, sizeof g->currency, "%s", (v = erp__db_text(tx, rows, 4, s[4])) ? v : "");
		g->debit = erp__db_int(tx, rows, 5);
		g->credit = erp__db_int(tx, rows, 6);
		g->memo = (v = erp__db_text(tx, rows, 7, s[7])) ? strdup(v) : NULL;
		if (v && !g->memo) {
			rc = erp__oom();
			break;
		}
		g->reference = (v = erp__db_text(tx, rows, 8, s[8])) ? strdup(v) : NULL;
		if (v && !g->reference) {
			rc = erp__oom();
			break;
		}
	}
	if (rows)
		erp__db_close(tx, rows);
	for (size_t i = 0; rc == ERP_OK && i < count; i++) {
		gl_line *g = &lines[i];
		running *r = running_find(&bal, g->currency);
		if (!r) {
			rc = erp__oom();
			break;
		}
		r->balance += g->debit - g->credit;
		erp__strbuf_puts(sb, i ? ",{" : "{");
		put_text_or_null(sb, "entry_id", g->entry, true);
		erp__strbuf_printf(sb, ",\"seq\":%lld", (long long)g->seq);
		put_text_or_null(sb, "date", g->date, false);
		erp__strbuf_printf(sb, ",\"line\":%lld", (long long)g->line);
		put_text_or_null(sb, "currency", g->currency, false);
		if ((rc = put_amount(sb, tx, tenant, sc, "debit", g->currency, g->debit)) != ERP_OK ||
		    (rc = put_amount(sb, tx, tenant, sc, "credit", g->currency, g->credit)) != ERP_OK ||
		    (rc = put_amount(sb, tx, tenant, sc, "balance", g->currency, r->balance)) != ERP_OK)
			break;
		put_text_or_null(sb, "memo", g->memo, false);
		put_text_or_null(sb, "reference", g->reference, false);
		erp__strbuf_putc(sb, '}');
	}
	erp__strbuf_puts(sb, "],\"next_cursor\":");
	if (rc == ERP_OK && more && count) {
		/* the position only: [date, seq, line] */
		gl_line *g = &lines[count - 1];
		json_t *c = json_pack("[s, I, I]", g->date, (json_int_t)g->seq, (json_int_t)g->line);
		char *b64 = c ? erp__cursor_make(c, job->binding) : NULL;
		json_decref(c);
		if (b64)
			erp__json_put_string(sb, b64, strlen(b64));
		else
			rc = erp__oom();
		free(b64);
	} else {
		erp__strbuf_puts(sb, "null");
	}
	erp__strbuf_putc(sb, '}');
	for (size_t i = 0; lines && i < count; i++) {
		free(lines[i].memo);
		free(lines[i].reference);
	}
	free(lines);
	free(bal.items);
	erp__scales_free(sc);
	return rc == ERP_OK && !erp__strbuf_ok(sb) ? erp__oom() : rc;
}

int erp_ledger_general_ledger(erp_buf *out, erp_ctx *ctx, const char *account_id, const char *from, const char *to,
                       const char *cursor, int limit)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	int rc = erp__ctx_require(ctx, ERP_ROLE_READONLY, "reading the general ledger");
	if (rc != ERP_OK)
		return rc;
	char id[ERP__UUID_LEN + 1];
	if (!account_id || !erp__uuid_normalize(id, account_id))
		return erp__error(ERP_EINVALID, "financial.account", "account_id", "account_id must be a UUID");
	if (from && !erp__date_valid(from))
		return erp__error(ERP_EINVALID, ENTITY, "from", "from must be a date \"YYYY-MM-DD\"");
	if (to && !erp__date_valid(to))
		return erp__error(ERP_EINVALID, ENTITY, "to", "to must be a date \"YYYY-MM-DD\"");
	if (limit < 1 || limit > 1000)
		return erp__error(ERP_EINVALID, ENTITY, "limit", "limit must be 1 to 1000, not %d", limit);
	gl_job job = { ctx, id, from, to, limit, NULL, ERP__STRBUF_INIT, "" };
	const char *parts[] = { id, from, to };
	erp__cursor_binding(job.binding, "gl", ctx->tenant_id, parts, 3);
	if (cursor) {
		if ((rc = erp__cursor_open(&job.cursor, cursor, job.binding, 3, ENTITY)) != ERP_OK)
			return rc;
		json_t *c = job.cursor;
		const char *day = json_string_value(json_array_get(c, 0));
		/* a position inside the report's dates: the opening is then exact */
		if (!erp__date_valid(day) || (from && strcmp(day, from) < 0) || (to && strcmp(day, to) > 0) ||
		    !json_is_integer(json_array_get(c, 1)) || !json_is_integer(json_array_get(c, 2))) {
			json_decref(job.cursor);
			return erp__error(ERP_EINVALID, ENTITY, "cursor", "cursor is not one this library returned for this query");
		}
	}
	erp_storage_scope scope = erp__ctx_scope(ctx);
	rc = erp__tx_run(ctx->store, ERP_TX_READ, &scope, gl_body, &job);
	json_decref(job.cursor);
	if (rc == ERP_OK)
		return erp__strbuf_detach(out, &job.out);
	erp__strbuf_free(&job.out);
	return rc;
}
