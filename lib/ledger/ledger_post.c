/*
 * Posting journal entries (erp/ledger.h): single, JSON, batch and
 * reversal all go through post_in_tx(), which checks every rule inside the
 * write transaction before the first write:
 *
 *   1. idempotency keys (a repeat of the same request is answered, not written);
 *   2. journal, accounts, partners and analytic accounts of the tenant;
 *   3. currencies and exact amounts; balance per currency;
 *   4. the tenant's ledger state row is locked (one writer of the hash
 *      chain at a time) and the lock date checked;
 *   5. entries, lines and daily balances are written, balances in a fixed
 *      (account, currency, date) order so that concurrent posters never
 *      deadlock, and the chain head moves on.
 */
#include <erp/ledger.h>

#include "util/currency.h"
#include "util/decimal.h"
#include "util/array.h"
#include "entity/entity_row.h"
#include "util/error.h"
#include "util/json_out.h"
#include "ledger_accounts.h"
#include "ledger_internal.h"
#include "util/strbuf.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 10000

typedef struct {
	char id[ERP__UUID_LEN + 1];
	char currency[4];               /* "" when the account takes any */
	bool allow_posting, archived;
	int64_t no;                     /* its number in the tenant's ledger; 0 until first posted to */
} account_info;

typedef struct {
	char account_id[ERP__UUID_LEN + 1];
	int64_t account_no;
	char currency[4];
	char date[11];
	int64_t debit, credit;
	size_t entry, line; /* where it came from, to name a refused line */
} balance_delta;

typedef struct {
	erp_ctx *ctx;
	erp__post_request *reqs;
	size_t n;
	char (*ids)[ERP__UUID_LEN + 1];  /* out: one id per request */
	/* per attempt */
	erp__ledger_entry *entries;
	bool *replay;
	account_info *accounts;
	size_t naccounts, accounts_cap;
	size_t *account_order;  /* indexes of `accounts` in the order of their ids, to find one by bisection */
	size_t order_cap;
	char journal_ok[ERP__UUID_LEN + 1];  /* the last journal found usable, to check a batch's journal once */
} post_job;

/* ---- request checks that need no store ---------------------------------------- */

static void field_name(char *out, size_t cap, const post_job *job, size_t i, const char *rest)
{
	if (job->n > 1)
		snprintf(out, cap, "entries[%zu].%s", i, rest);
	else
		snprintf(out, cap, "%s", rest);
}

static int text_ok(const char *s, size_t max, bool newlines)
{
	size_t chars;
	return !s || (erp__utf8_check(s, strlen(s), newlines, &chars) && chars <= max);
}

static int check_request(const post_job *job, size_t i)
{
	const erp_ledger_entry *e = job->reqs[i].entry;
	char f[96];
	if (!e) {
		field_name(f, sizeof f, job, i, "entry");
		return erp__error(ERP_EINVALID, "financial.entry", f, "the entry is NULL");
	}
	if (e->version < 1 || e->version > ERP_LEDGER_ENTRY_VERSION) {
		field_name(f, sizeof f, job, i, "version");
		return erp__error(ERP_EINVALID, "financial.entry", f, "erp_ledger_entry version %u is not supported", e->version);
	}
	char norm[ERP__UUID_LEN + 1];
	if (!e->journal_id || !erp__uuid_normalize(norm, e->journal_id)) {
		field_name(f, sizeof f, job, i, "journal_id");
		return erp__error(ERP_EINVALID, "financial.entry", f, "journal_id must be the id (a UUID) of a financial.journal");
	}
	if (!erp__date_valid(e->date)) {
		field_name(f, sizeof f, job, i, "date");
		return erp__error(ERP_EINVALID, "financial.entry", f, "date must be a date \"YYYY-MM-DD\"");
	}
	if (!text_ok(e->reference, 100, false)) {
		field_name(f, sizeof f, job, i, "reference");
		return erp__error(ERP_EINVALID, "financial.entry", f, "reference must be UTF-8 text of at most 100 characters");
	}
	if (!text_ok(e->memo, 1000, true)) {
		field_name(f, sizeof f, job, i, "memo");
		return erp__error(ERP_EINVALID, "financial.entry", f, "memo must be UTF-8 text of at most 1000 characters");
	}
	if (e->idempotency_key) {
		size_t n = strlen(e->idempotency_key);
		bool ok = n >= 1 && n <= 200;
		for (size_t k = 0; ok && k < n; k++)
			ok = e->idempotency_key[k] > 0x20 && e->idempotency_key[k] < 0x7f;
		if (!ok) {
			field_name(f, sizeof f, job, i, "idempotency_key");
			return erp__error(ERP_EINVALID, "financial.entry", f, "idempotency_key must be 1 to 200 printable ASCII characters");
		}
	}
	if (e->line_count < 2 || e->line_count > MAX_LINES || !e->lines) {
		field_name(f, sizeof f, job, i, "lines");
		return erp__error(ERP_EINVALID, "financial.entry", f, "an entry has 2 to %d lines, not %zu", MAX_LINES, e->line_count);
	}
	for (size_t k = 0; k < e->line_count; k++) {
		const erp_ledger_line *l = &e->lines[k];
		char rest[64];
		if (!l->account_id || !erp__uuid_normalize(norm, l->account_id)) {
			snprintf(rest, sizeof rest, "lines[%zu].account_id", k);
			field_name(f, sizeof f, job, i, rest);
			return erp__error(ERP_EINVALID, "financial.entry", f, "account_id must be the id (a UUID) of a financial.account");
		}
		if (!job->reqs[i].debit_text) {
			if (l->debit < 0 || l->credit < 0 || (l->debit > 0) == (l->credit > 0)) {
				snprintf(rest, sizeof rest, "lines[%zu].%s", k, l->debit < 0 || (l->debit == 0 && l->credit == 0) ? "debit" : "credit");
				field_name(f, sizeof f, job, i, rest);
				return erp__error(ERP_EINVALID, "financial.entry", f,
				                  "a line has a positive debit or a positive credit, not both and not neither "
				                  "(debit %lld, credit %lld)", (long long)l->debit, (long long)l->credit);
			}
		}
		if (l->currency && (strlen(l->currency) != 3 || erp__currency_exponent(l->currency) < 0)) {
			/* Tenant currencies are checked in the transaction; the shape is checked here. */
			bool upper = strlen(l->currency) == 3;
			for (size_t c = 0; upper && c < 3; c++)
				upper = l->currency[c] >= 'A' && l->currency[c] <= 'Z';
			if (!upper) {
				snprintf(rest, sizeof rest, "lines[%zu].currency", k);
				field_name(f, sizeof f, job, i, rest);
				return erp__error(ERP_EINVALID, "financial.entry", f, "currency must be a code of three capital letters");
			}
		}
		const char *refs[2] = { l->partner_id, l->analytic_account_id };
		const char *names[2] = { "partner_id", "analytic_account_id" };
		for (int r = 0; r < 2; r++)
			if (refs[r] && !erp__uuid_normalize(norm, refs[r])) {
				snprintf(rest, sizeof rest, "lines[%zu].%s", k, names[r]);
				field_name(f, sizeof f, job, i, rest);
				return erp__error(ERP_EINVALID, "financial.entry", f, "%s must be a UUID", names[r]);
			}
		if (!text_ok(l->memo, 500, true)) {
			snprintf(rest, sizeof rest, "lines[%zu].memo", k);
			field_name(f, sizeof f, job, i, rest);
			return erp__error(ERP_EINVALID, "financial.entry", f, "memo must be UTF-8 text of at most 500 characters");
		}
	}
	return ERP_OK;
}

/* ---- lookups in the transaction --------------------------------------------------- */

static int exists_in(erp__tx *tx, const char *tenant, const char *table, const char *id, bool *archived)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT archived FROM %s WHERE tenant_id = $1 AND id = $2", table);
	erp_value p[] = { erp__v_text(tenant), erp__v_text(id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, sql, p, 2);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	if (rc == 1 && archived)
		*archived = erp__db_int(tx, rows, 0) != 0;
	erp__db_close(tx, rows);
	return rc;  /* 1 found, 0 not, <0 error */
}

/* Where `id` is, or would go, in job->account_order. */
static size_t account_position(const post_job *job, const char *id, bool *found)
{
	size_t lo = 0, hi = job->naccounts;
	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(job->accounts[job->account_order[mid]].id, id);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A batch touches up to thousands of accounts: found by bisection, not by a scan per line. */
static account_info *account_find(post_job *job, const char *id)
{
	bool found;
	size_t at = account_position(job, id, &found);
	return found ? &job->accounts[job->account_order[at]] : NULL;
}

/* Loads the accounts of one entry that are not known yet, in one statement. */
static int accounts_load(erp__tx *tx, post_job *job, const erp_ledger_entry *e)
{
	const char *tenant = job->ctx->tenant_id;
	erp_value *p = calloc(e->line_count + 1, sizeof *p);
	char (*ids)[ERP__UUID_LEN + 1] = calloc(e->line_count, sizeof *ids);
	erp__strbuf sql = ERP__STRBUF_INIT;
	size_t n = 0;
	int rc = ERP_OK;
	if (!p || !ids) {
		rc = erp__oom();
		goto out;
	}
	p[0] = erp__v_text(tenant);
	erp__strbuf_puts(&sql, "SELECT a.id, a.\"currency\", a.\"allow_posting\", a.archived, la.account_no "
	                       "FROM {financial.accounts} a LEFT JOIN {financial.ledger_accounts} la "
	                       "ON la.tenant_id = a.tenant_id AND la.account_id = a.id WHERE a.tenant_id = $1 AND a.id IN (");
	for (size_t k = 0; k < e->line_count; k++) {
		char norm[ERP__UUID_LEN + 1];
		erp__uuid_normalize(norm, e->lines[k].account_id);
		bool seen = account_find(job, norm) != NULL;
		for (size_t j = 0; j < n && !seen; j++)
			seen = strcmp(ids[j], norm) == 0;
		if (seen)
			continue;
		memcpy(ids[n], norm, sizeof norm);
		p[n + 1] = erp__v_text(ids[n]);
		erp__strbuf_printf(&sql, "%s$%zu", n ? ", " : "", n + 2);
		n++;
	}
	erp__strbuf_putc(&sql, ')');
	if (n == 0)
		goto out;
	if ((rc = ERP__ARRAY_RESERVE(job->accounts, job->accounts_cap, job->naccounts + n)) != ERP_OK ||
	    (rc = ERP__ARRAY_RESERVE(job->account_order, job->order_cap, job->naccounts + n)) != ERP_OK)
		goto out;
	erp_storage_rows *rows;
	rc = erp__strbuf_ok(&sql) ? erp__db_query(&rows, tx, erp__strbuf_cstr(&sql), p, n + 1) : erp__oom();
	if (rc != ERP_OK)
		goto out;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		char s[3][24];
		account_info *a = &job->accounts[job->naccounts];
		const char *id = erp__db_text(tx, rows, 0, s[0]);
		const char *cur = erp__db_text(tx, rows, 1, s[1]);
		snprintf(a->id, sizeof a->id, "%s", id ? id : "");
		snprintf(a->currency, sizeof a->currency, "%s", cur ? cur : "");
		a->allow_posting = erp__db_int(tx, rows, 2) != 0;
		a->archived = erp__db_int(tx, rows, 3) != 0;
		a->no = erp__db_is_null(tx, rows, 4) ? 0 : erp__db_int(tx, rows, 4);
		bool known;
		size_t at = account_position(job, a->id, &known);
		if (known) /* the store's ids are unique: never, but then nothing to add */
			continue;
		memmove(&job->account_order[at + 1], &job->account_order[at], (job->naccounts - at) * sizeof *job->account_order);
		job->account_order[at] = job->naccounts++;
	}
	erp__db_close(tx, rows);
	rc = rc < 0 ? rc : ERP_OK;
out:
	erp__strbuf_free(&sql);
	free(ids);
	free(p);
	return rc;
}

/* An earlier entry with this idempotency key: its id and request hash. */
static int idempotency_lookup(erp__tx *tx, const char *tenant, const char *key, char id[ERP__UUID_LEN + 1],
                              char hash[ERP__HASH_HEX])
{
	erp_value p[] = { erp__v_text(tenant), erp__v_text(key) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, "SELECT id, request_hash FROM {financial.entries} WHERE tenant_id = $1 AND "
	                                  "idempotency_key = $2", p, 2);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	if (rc == 1) {
		char s[2][24];
		const char *i = erp__db_text(tx, rows, 0, s[0]), *h = erp__db_text(tx, rows, 1, s[1]);
		snprintf(id, ERP__UUID_LEN + 1, "%s", i ? i : "");
		snprintf(hash, ERP__HASH_HEX, "%s", h ? h : "");
	}
	erp__db_close(tx, rows);
	return rc;
}

/* ---- resolving one request into a stored entry ---------------------------------------- */

typedef struct {
	char currency[4];
	__extension__ __int128 debit, credit;
} currency_total;

static int resolve_entry(erp__tx *tx, post_job *job, size_t i, erp__scales *sc)
{
	const char *tenant = job->ctx->tenant_id;
	const erp__post_request *r = &job->reqs[i];
	const erp_ledger_entry *e = r->entry;
	erp__ledger_entry *out = &job->entries[i];
	char f[96], rest[64];
	int rc;

	erp__uuid_normalize(out->journal_id, e->journal_id);
	memcpy(out->date, e->date, 11);
	out->reference = e->reference;
	out->memo = e->memo;
	out->idempotency_key = e->idempotency_key;
	snprintf(out->reversal_of, sizeof out->reversal_of, "%s", r->reversal_of ? r->reversal_of : "");
	out->created_by = job->ctx->user_id;

	if (strcmp(job->journal_ok, out->journal_id) != 0) {
		bool archived = false;
		rc = exists_in(tx, tenant, "{financial.journals}", out->journal_id, &archived);
		if (rc < 0)
			return rc;
		if (rc == 0 || archived) {
			field_name(f, sizeof f, job, i, "journal_id");
			return erp__error(rc == 0 ? ERP_ENOTFOUND : ERP_EINVALID, "financial.entry", f,
			                  rc == 0 ? "no financial.journal with id %s in this tenant" : "journal %s is archived",
			                  out->journal_id);
		}
		memcpy(job->journal_ok, out->journal_id, sizeof job->journal_ok);
	}
	if ((rc = accounts_load(tx, job, e)) != ERP_OK)
		return rc;

	out->lines = calloc(e->line_count, sizeof *out->lines);
	currency_total *totals = calloc(e->line_count, sizeof *totals);
	size_t ntotals = 0;
	if (!out->lines || !totals) {
		free(totals);
		return erp__oom();
	}
	out->line_count = e->line_count;
	rc = ERP_OK;
	for (size_t k = 0; rc == ERP_OK && k < e->line_count; k++) {
		const erp_ledger_line *l = &e->lines[k];
		erp__ledger_line *line = &out->lines[k];
		line->line_no = (int)k + 1;
		line->memo = l->memo;
		erp__uuid_normalize(line->account_id, l->account_id);
		account_info *a = account_find(job, line->account_id);
		if (!a) {
			snprintf(rest, sizeof rest, "lines[%zu].account_id", k);
			field_name(f, sizeof f, job, i, rest);
			rc = erp__error(ERP_ENOTFOUND, "financial.entry", f, "no financial.account with id %s in this tenant", line->account_id);
			break;
		}
		if (!r->reversal_of && (!a->allow_posting || a->archived)) {
			snprintf(rest, sizeof rest, "lines[%zu].account_id", k);
			field_name(f, sizeof f, job, i, rest);
			rc = erp__error(ERP_EINVALID, "financial.entry", f, "account %s %s", line->account_id,
			                a->archived ? "is archived" : "does not allow posting");
			break;
		}
		const char *cur = l->currency ? l->currency : a->currency[0] ? a->currency : job->ctx->base_currency;
		snprintf(rest, sizeof rest, "lines[%zu].currency", k);
		field_name(f, sizeof f, job, i, rest);
		if (a->currency[0] && strcmp(a->currency, cur) != 0) {
			rc = erp__error(ERP_EINVALID, "financial.entry", f, "account %s is kept in %s, not %s", line->account_id,
			                a->currency, cur);
			break;
		}
		int exponent;
		if ((rc = erp__scales_currency(tx, tenant, sc, cur, &exponent)) != ERP_OK)
			break;
		if (exponent < 0) {
			rc = erp__error(ERP_EINVALID, "financial.entry", f, "currency %s is not known to this tenant", cur);
			break;
		}
		memcpy(line->currency, cur, 4);
		line->debit = l->debit;
		line->credit = l->credit;
		if (r->debit_text) {
			/* Amounts given as decimal strings: exact at the currency's exponent. */
			const char *texts[2] = { r->debit_text[k], r->credit_text[k] };
			int64_t *dst[2] = { &line->debit, &line->credit };
			for (int side = 0; side < 2 && rc == ERP_OK; side++) {
				*dst[side] = 0;
				if (!texts[side])
					continue;
				snprintf(rest, sizeof rest, "lines[%zu].%s", k, side ? "credit" : "debit");
				field_name(f, sizeof f, job, i, rest);
				erp__decimal_status st = erp__decimal_parse(dst[side], texts[side], exponent);
				if (st == ERP__DECIMAL_TOO_PRECISE)
					rc = erp__error(ERP_EINVALID, "financial.entry", f, "'%.40s' has more decimals than %s allows (%d)",
					                texts[side], cur, exponent);
				else if (st != ERP__DECIMAL_OK)
					rc = erp__error(ERP_EINVALID, "financial.entry", f, "'%.40s' is not an amount", texts[side]);
			}
			if (rc == ERP_OK && (line->debit < 0 || line->credit < 0 || (line->debit > 0) == (line->credit > 0))) {
				snprintf(rest, sizeof rest, "lines[%zu].%s", k, line->debit < 0 || line->debit == line->credit ? "debit" : "credit");
				field_name(f, sizeof f, job, i, rest);
				rc = erp__error(ERP_EINVALID, "financial.entry", f,
				                "a line has a positive debit or a positive credit, not both and not neither");
			}
			if (rc != ERP_OK)
				break;
		}
		const char *refs[2] = { l->partner_id, l->analytic_account_id };
		char *dst[2] = { line->partner_id, line->analytic_account_id };
		const char *tables[2] = { "{core.partners}", "{analytics.accounts}" };
		const char *names[2] = { "partner_id", "analytic_account_id" };
		for (int x = 0; x < 2 && rc == ERP_OK; x++) {
			if (!refs[x])
				continue;
			erp__uuid_normalize(dst[x], refs[x]);
			int found = exists_in(tx, tenant, tables[x], dst[x], NULL);
			if (found < 0) {
				rc = found;
			} else if (found == 0) {
				snprintf(rest, sizeof rest, "lines[%zu].%s", k, names[x]);
				field_name(f, sizeof f, job, i, rest);
				rc = erp__error(ERP_ENOTFOUND, "financial.entry", f, "no %s with id %s in this tenant",
				                x ? "analytics.account" : "core.partner", dst[x]);
			}
		}
		if (rc != ERP_OK)
			break;
		size_t t = 0;
		while (t < ntotals && strcmp(totals[t].currency, cur) != 0)
			t++;
		if (t == ntotals)
			memcpy(totals[ntotals++].currency, cur, 4);
		totals[t].debit += line->debit;
		totals[t].credit += line->credit;
	}
	for (size_t t = 0; rc == ERP_OK && t < ntotals; t++) {
		if (totals[t].debit > INT64_MAX || totals[t].credit > INT64_MAX) {
			field_name(f, sizeof f, job, i, "lines");
			rc = erp__error(ERP_EINVALID, "financial.entry", f, "the amounts in %s add up beyond what can be kept", totals[t].currency);
		} else if (totals[t].debit != totals[t].credit) {
			int exponent = 0;
			erp__scales_currency(tx, tenant, sc, totals[t].currency, &exponent);
			char d[ERP__DECIMAL_TEXT], c[ERP__DECIMAL_TEXT];
			erp__decimal_format(d, (int64_t)totals[t].debit, exponent);
			erp__decimal_format(c, (int64_t)totals[t].credit, exponent);
			field_name(f, sizeof f, job, i, "lines");
			rc = erp__error(ERP_EUNBALANCED, "financial.entry", f, "the entry does not balance in %s: debits %s, credits %s",
			                totals[t].currency, d, c);
		}
	}
	free(totals);
	return rc;
}

/* ---- writing ------------------------------------------------------------------------ */

static int compare_delta(const void *a, const void *b)
{
	const balance_delta *x = a, *y = b;
	int c = strcmp(x->account_id, y->account_id);
	if (!c)
		c = strcmp(x->currency, y->currency);
	if (!c)
		c = strcmp(x->date, y->date);
	return c;
}

/*
 * Refuses the deltas d[from..to) (one account, currency and day) when that
 * day's debits or credits would pass INT64_MAX, the most a daily balance
 * holds (sums over days are read 128-bit wide and may pass it).
 */
static int check_day_totals(erp__tx *tx, const post_job *job, const balance_delta *d, size_t from, size_t to)
{
	__int128 add[2] = { 0, 0 };
	size_t first[2] = { to, to };
	for (size_t j = from; j < to; j++) {
		const int64_t amount[2] = { d[j].debit, d[j].credit };
		for (int side = 0; side < 2; side++) {
			add[side] += amount[side];
			if (amount[side] && (first[side] == to || d[j].entry < d[first[side]].entry ||
			                     (d[j].entry == d[first[side]].entry && d[j].line < d[first[side]].line)))
				first[side] = j;
		}
	}
	erp_value p[] = { erp__v_text(job->ctx->tenant_id), erp__v_int(d[from].account_no), erp__v_text(d[from].currency),
		          erp__v_text(d[from].date) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "SELECT debit, credit FROM {financial.balances} "
	                       "WHERE tenant_id = $1 AND account_no = $2 AND currency = $3 AND date = $4",
	                       p, 4);
	if (rc != ERP_OK)
		return rc;
	__int128 have[2] = { 0, 0 };
	if ((rc = erp__db_next(tx, rows)) == 1) {
		have[0] = erp__db_int(tx, rows, 0);
		have[1] = erp__db_int(tx, rows, 1);
		rc = ERP_OK;
	}
	erp__db_close(tx, rows);
	if (rc != ERP_OK)
		return rc;
	for (int side = 0; side < 2; side++) {
		if (have[side] + add[side] <= INT64_MAX)
			continue;
		const balance_delta *at = &d[first[side]];
		char rest[64], f[96];
		snprintf(rest, sizeof rest, "lines[%zu].%s", at->line, side ? "credit" : "debit");
		field_name(f, sizeof f, job, at->entry, rest);
		return erp__error(ERP_EINVALID, "financial.entry", f,
		                  "the %ss of account %s in %s on %s would add up to more than %lld minor units, the most one "
		                  "day's balance can hold",
		                  side ? "credit" : "debit", at->account_id, at->currency, at->date, (long long)INT64_MAX);
	}
	return ERP_OK;
}

/*
 * Adds the job's lines to the daily balances, in a fixed order. A day's
 * debits and credits stay within INT64_MAX: the tenant's posted_total (the
 * sum of every debit ever posted, kept at INT64_MAX once it would pass it)
 * bounds them all, so the days' rows are read only when that bound would
 * pass INT64_MAX. `posted_total` is updated.
 */
static int write_balances(erp__db_batch *batch, erp__tx *tx, post_job *job, int64_t *posted_total)
{
	size_t total = 0;
	for (size_t i = 0; i < job->n; i++)
		if (!job->replay[i])
			total += job->entries[i].line_count;
	balance_delta *d = calloc(total + 1, sizeof *d);
	if (!d)
		return erp__oom();
	size_t n = 0;
	int64_t debits = 0;
	bool bounded = true;
	for (size_t i = 0; i < job->n; i++) {
		if (job->replay[i])
			continue;
		const erp__ledger_entry *e = &job->entries[i];
		for (size_t k = 0; k < e->line_count; k++) {
			memcpy(d[n].account_id, e->lines[k].account_id, sizeof d[n].account_id);
			d[n].account_no = e->lines[k].account_no;
			memcpy(d[n].currency, e->lines[k].currency, 4);
			memcpy(d[n].date, e->date, 11);
			d[n].debit = e->lines[k].debit;
			d[n].credit = e->lines[k].credit;
			d[n].entry = i;
			d[n].line = k;
			bounded &= !__builtin_add_overflow(debits, d[n].debit, &debits);
			n++;
		}
	}
	bounded &= !__builtin_add_overflow(*posted_total, debits, posted_total);
	if (!bounded)
		*posted_total = INT64_MAX;
	/* One fixed order for every poster: no deadlocks between them. */
	qsort(d, n, sizeof *d, compare_delta);
	int rc = ERP_OK;
	for (size_t i = 0; rc == ERP_OK && i < n;) {
		size_t j = i + 1;
		int64_t debit = d[i].debit, credit = d[i].credit;
		while (j < n && compare_delta(&d[i], &d[j]) == 0)
			j++;
		if (!bounded && (rc = check_day_totals(tx, job, d, i, j)) != ERP_OK)
			break;
		/* Within INT64_MAX now (checked above, or bounded by posted_total). */
		for (size_t k = i + 1; k < j; k++) {
			debit += d[k].debit;
			credit += d[k].credit;
		}
		erp_value p[] = { erp__v_text(job->ctx->tenant_id), erp__v_int(d[i].account_no), erp__v_text(d[i].currency),
		                  erp__v_text(d[i].date), erp__v_int(debit), erp__v_int(credit) };
		rc = erp__db_batch_add(batch,
		                       "INSERT INTO {financial.balances} AS b (tenant_id, account_no, currency, date, debit, credit) "
		                       "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, account_no, currency, date) "
		                       "DO UPDATE SET debit = b.debit + excluded.debit, credit = b.credit + excluded.credit",
		                       p, 6);
		i = j;
	}
	free(d);
	return rc;
}

static int write_entry(erp__db_batch *batch, const char *tenant, const erp__ledger_entry *e)
{
	erp_value p[] = {
		erp__v_text(tenant), erp__v_text(e->id), erp__v_int(e->seq), erp__v_text(e->journal_id), erp__v_text(e->date),
		erp__v_text(e->reference), erp__v_text(e->memo), erp__v_text(e->idempotency_key),
		erp__v_text(e->request_hash[0] ? e->request_hash : NULL), erp__v_text(e->reversal_of[0] ? e->reversal_of : NULL),
		erp__v_text(e->prev_hash), erp__v_text(e->hash), erp__v_text(e->created_at), erp__v_text(e->created_by),
	};
	int rc = erp__db_batch_add(batch,
	                           "INSERT INTO {financial.entries} (tenant_id, id, seq, journal_id, date, reference, memo, "
	                           "idempotency_key, request_hash, reversal_of, prev_hash, hash, created_at, created_by) "
	                           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
	                           p, 14);
	for (size_t k = 0; rc == ERP_OK && k < e->line_count; k++) {
		const erp__ledger_line *l = &e->lines[k];
		erp_value q[] = {
			erp__v_text(tenant), erp__v_int(l->line_no), erp__v_int(e->seq), erp__v_text(e->date),
			erp__v_int(l->account_no), erp__v_text(l->currency), erp__v_int(l->debit), erp__v_int(l->credit),
			erp__v_text(l->partner_id[0] ? l->partner_id : NULL),
			erp__v_text(l->analytic_account_id[0] ? l->analytic_account_id : NULL), erp__v_text(l->memo),
		};
		rc = erp__db_batch_add(batch,
		                       "INSERT INTO {financial.entry_lines} (tenant_id, line_no, seq, date, account_no, currency, "
		                       "debit, credit, partner_id, analytic_account_id, memo) "
		                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
		                       q, 11);
	}
	return rc;
}

/* Locks the tenant's ledger state (creating it on first use): chain head and lock date. */
static int state_lock(erp__tx *tx, const erp_ctx *ctx, int64_t *seq, char hash[ERP__HASH_HEX], char lock_date[11],
                      int64_t *posted_total)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		erp_value p[] = { erp__v_text(ctx->tenant_id) };
		erp_storage_rows *rows;
		int rc = erp__db_query(&rows, tx, "SELECT last_seq, last_hash, lock_date, posted_total FROM {financial.ledger_state} "
		                                  "WHERE tenant_id = $1{for_update}", p, 1);
		if (rc != ERP_OK)
			return rc;
		rc = erp__db_next(tx, rows);
		if (rc == 1) {
			char s[3][24];
			const char *h = erp__db_text(tx, rows, 1, s[1]), *d = erp__db_text(tx, rows, 2, s[2]);
			*seq = erp__db_int(tx, rows, 0);
			*posted_total = erp__db_int(tx, rows, 3);
			snprintf(hash, ERP__HASH_HEX, "%s", h ? h : "");
			snprintf(lock_date, 11, "%s", d ? d : "");
		}
		erp__db_close(tx, rows);
		if (rc != 0)
			return rc < 0 ? rc : ERP_OK;
		char now[ERP__TIMESTAMP_LEN + 1];
		erp__now_timestamp(now);
		erp_value q[] = { erp__v_text(ctx->tenant_id), erp__v_text(now), erp__v_text(ctx->user_id) };
		rc = erp__db_exec(tx, "INSERT INTO {financial.ledger_state} (tenant_id, updated_at, updated_by) VALUES ($1, $2, $3) "
		                      "ON CONFLICT (tenant_id) DO NOTHING", q, 3, NULL);
		if (rc != ERP_OK)
			return rc;
	}
	return erp__error(ERP_ERROR, "financial.ledger_state", NULL, "the ledger state row could not be created");
}

/* Numbers the job's accounts first posted to (under the chain lock) and gives every line its account's number. */
static int number_accounts(erp__tx *tx, post_job *job)
{
	const char **ids = calloc(job->naccounts + 1, sizeof *ids);
	int64_t **nos = calloc(job->naccounts + 1, sizeof *nos);
	int rc = ids && nos ? ERP_OK : erp__oom();
	for (size_t i = 0; rc == ERP_OK && i < job->naccounts; i++) {
		ids[i] = job->accounts[i].id;
		nos[i] = &job->accounts[i].no;
	}
	if (rc == ERP_OK)
		rc = erp__ledger_accounts_number(tx, job->ctx->tenant_id, ids, nos, job->naccounts);
	free(ids);
	free(nos);
	for (size_t i = 0; rc == ERP_OK && i < job->n; i++) {
		erp__ledger_entry *e = &job->entries[i];
		for (size_t k = 0; !job->replay[i] && k < e->line_count; k++)
			e->lines[k].account_no = account_find(job, e->lines[k].account_id)->no;
	}
	return rc;
}

static void entries_free(post_job *job)
{
	for (size_t i = 0; job->entries && i < job->n; i++)
		free(job->entries[i].lines);
	free(job->entries);
	free(job->replay);
	free(job->accounts);
	free(job->account_order);
	job->entries = NULL;
	job->replay = NULL;
	job->accounts = NULL;
	job->account_order = NULL;
	job->naccounts = job->accounts_cap = job->order_cap = 0;
	job->journal_ok[0] = '\0';
}

static int post_body(erp__tx *tx, void *payload)
{
	post_job *job = payload;
	const char *tenant = job->ctx->tenant_id;
	entries_free(job);
	job->entries = calloc(job->n, sizeof *job->entries);
	job->replay = calloc(job->n, sizeof *job->replay);
	erp__scales *sc = erp__scales_new();
	int rc = job->entries && job->replay && sc ? ERP_OK : erp__oom();
	char f[96];

	/* 1-3: every check that reads, before any lock is taken. */
	for (size_t i = 0; rc == ERP_OK && i < job->n; i++) {
		const erp_ledger_entry *e = job->reqs[i].entry;
		erp__ledger_entry *out = &job->entries[i];
		if (e->idempotency_key) {
			erp__ledger_request_hash(out->request_hash, e, job->reqs[i].debit_text, job->reqs[i].credit_text);
			char first_id[ERP__UUID_LEN + 1] = "", first_hash[ERP__HASH_HEX] = "";
			for (size_t j = 0; j < i && !first_id[0]; j++)
				if (job->reqs[j].entry->idempotency_key && strcmp(job->reqs[j].entry->idempotency_key, e->idempotency_key) == 0) {
					memcpy(first_id, job->ids[j], sizeof first_id);
					memcpy(first_hash, job->entries[j].request_hash, sizeof first_hash);
				}
			int found = first_id[0] ? 1 : idempotency_lookup(tx, tenant, e->idempotency_key, first_id, first_hash);
			if (found < 0) {
				rc = found;
				break;
			}
			if (found == 1) {
				if (strcmp(first_hash, out->request_hash) != 0) {
					field_name(f, sizeof f, job, i, "idempotency_key");
					rc = erp__error(ERP_EEXISTS, "financial.entry", f,
					                "idempotency key '%.60s' was used for another request (entry %s)",
					                e->idempotency_key, first_id);
					break;
				}
				job->replay[i] = true;
				memcpy(job->ids[i], first_id, sizeof first_id);
				continue;
			}
		}
		erp__uuid_v7(out->id);
		memcpy(job->ids[i], out->id, sizeof out->id);
		rc = resolve_entry(tx, job, i, sc);
	}
	/* 4: the chain head and the lock date, under the tenant's ledger lock. */
	int64_t seq = 0, posted_total = 0;
	char head[ERP__HASH_HEX] = "", lock_date[11] = "", now[ERP__TIMESTAMP_LEN + 1];
	bool wrote = false, keyed = false, reversal = false;
	erp__db_batch batch;
	erp__db_batch_init(&batch, tx);
	if (rc == ERP_OK)
		rc = state_lock(tx, job->ctx, &seq, head, lock_date, &posted_total);
	if (rc == ERP_OK)
		rc = number_accounts(tx, job);
	erp__now_timestamp(now);
	for (size_t i = 0; rc == ERP_OK && i < job->n; i++) {
		if (job->replay[i])
			continue;
		erp__ledger_entry *e = &job->entries[i];
		if (lock_date[0] && strcmp(e->date, lock_date) <= 0) {
			field_name(f, sizeof f, job, i, "date");
			rc = erp__error(ERP_ELOCKED, "financial.entry", f, "the books are locked up to %s; %s is in a closed period",
			                lock_date, e->date);
			break;
		}
		e->seq = ++seq;
		memcpy(e->prev_hash, head, sizeof head);
		memcpy(e->created_at, now, sizeof now);
		erp__ledger_hash(e->hash, tenant, e);
		memcpy(head, e->hash, sizeof head);
		rc = write_entry(&batch, tenant, e);
		wrote = true;
		keyed |= e->idempotency_key != NULL;
		reversal |= e->reversal_of[0] != '\0';
	}
	/* 5: balances in a fixed order, then the chain head; all sent together. */
	if (rc == ERP_OK && wrote)
		rc = write_balances(&batch, tx, job, &posted_total);
	if (rc == ERP_OK && wrote) {
		erp_value p[] = { erp__v_text(tenant), erp__v_int(seq), erp__v_text(head), erp__v_text(now), erp__v_text(job->ctx->user_id),
			          erp__v_int(posted_total) };
		rc = erp__db_batch_add(&batch, "UPDATE {financial.ledger_state} SET last_seq = $2, last_hash = $3, updated_at = $4, "
		                               "updated_by = $5, posted_total = $6, version = version + 1 WHERE tenant_id = $1", p, 6);
	}
	if (rc == ERP_OK)
		rc = erp__db_batch_flush(&batch);
	if (rc == ERP_EEXISTS && keyed)
		/* Another poster took a key between our check and the insert: run again, and the check will see it. */
		rc = erp__error(ERP_ERETRY, "financial.entry", "idempotency_key", "idempotency key raced; retrying");
	else if (rc == ERP_EEXISTS && reversal)
		rc = erp__error(ERP_EEXISTS, "financial.entry", "entry_id", "the entry is already reversed");
	erp__db_batch_free(&batch);
	erp__scales_free(sc);
	return rc;
}

/* Runs a posting job and writes the ids out (one id, or a JSON array for a batch). */
int erp__post_run(erp_ctx *ctx, erp__post_request *reqs, size_t n, char (*ids)[ERP__UUID_LEN + 1])
{
	post_job job = { ctx, reqs, n, ids, NULL, NULL, NULL, 0, 0, NULL, 0, "" };
	for (size_t i = 0; i < n; i++) {
		int rc = check_request(&job, i);
		if (rc != ERP_OK)
			return rc;
	}
	erp_storage_scope scope = erp__ctx_scope(ctx);
	int rc = erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, post_body, &job);
	entries_free(&job);
	return rc;
}

int erp__journal_post_in_tx(erp__tx *tx, erp_ctx *ctx, const erp_ledger_entry *entries, size_t n,
                            char (*ids)[ERP__UUID_LEN + 1])
{
	erp__post_request *reqs = calloc(n, sizeof *reqs);
	if (!reqs)
		return erp__oom();
	for (size_t i = 0; i < n; i++)
		reqs[i].entry = &entries[i];
	post_job job = { ctx, reqs, n, ids, NULL, NULL, NULL, 0, 0, NULL, 0, "" };
	int rc = ERP_OK;
	for (size_t i = 0; rc == ERP_OK && i < n; i++)
		rc = check_request(&job, i);
	if (rc == ERP_OK)
		rc = post_body(tx, &job);
	entries_free(&job);
	free(reqs);
	return rc;
}

/* ---- reversal ------------------------------------------------------------------------ */

typedef struct {
	erp_ctx *ctx;
	const char *entry_id;
	const char *date;
	char id[ERP__UUID_LEN + 1];
	/* the mirror built from the stored entry */
	erp_ledger_entry entry;
	erp_ledger_line *lines;
	char **owned;  /* copies of the stored strings the mirror points to */
	size_t nowned, owned_cap;
	bool oom;
} reverse_job;

static void owned_free(reverse_job *job)
{
	for (size_t i = 0; i < job->nowned; i++)
		free(job->owned[i]);
	free(job->owned);
	free(job->lines);
	job->owned = NULL;
	job->lines = NULL;
	job->nowned = job->owned_cap = 0;
	job->oom = false;
}

/* A copy of `s` that lives as long as the job (NULL stays NULL). */
static const char *keep(reverse_job *job, const char *s)
{
	if (!s)
		return NULL;
	if (!ERP__ARRAY_TRY_RESERVE(job->owned, job->owned_cap, job->nowned + 1)) {
		job->oom = true;
		return NULL;
	}
	char *copy = strdup(s);
	if (!copy)
		job->oom = true;
	else
		job->owned[job->nowned++] = copy;
	return copy;
}

static int reverse_body(erp__tx *tx, void *payload)
{
	reverse_job *job = payload;
	const char *tenant = job->ctx->tenant_id;
	owned_free(job);
	erp_value p[] = { erp__v_text(tenant), erp__v_text(job->entry_id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, "SELECT journal_id, reference, (SELECT count(*) FROM {financial.entries} r "
	                                  "WHERE r.tenant_id = $1 AND r.reversal_of = $2) FROM {financial.entries} "
	                                  "WHERE tenant_id = $1 AND id = $2", p, 2);
	if (rc != ERP_OK)
		return rc;
	const char *journal = NULL, *reference = NULL;
	int64_t reversed = 0;
	rc = erp__db_next(tx, rows);
	if (rc == 1) {
		char s[3][24], ref[400];
		journal = keep(job, erp__db_text(tx, rows, 0, s[0]));
		const char *r = erp__db_text(tx, rows, 1, s[1]);
		/* "Reversal of " and at most 88 characters of the reference: 100 in all, cut between characters. */
		const char *orig = r ? r : job->entry_id;
		size_t bytes = 0;
		for (int chars = 0; orig[bytes] && chars < 88; chars++) {
			bytes++;
			while ((orig[bytes] & 0xc0) == 0x80)
				bytes++;
		}
		snprintf(ref, sizeof ref, "Reversal of %.*s", (int)bytes, orig);
		reference = keep(job, ref);
		reversed = erp__db_int(tx, rows, 2);
	}
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return erp__error(ERP_ENOTFOUND, "financial.entry", "entry_id", "no journal entry with id %s", job->entry_id);
	if (reversed)
		return erp__error(ERP_EEXISTS, "financial.entry", "entry_id", "entry %s is already reversed", job->entry_id);
	rc = erp__db_query(&rows, tx, "SELECT la.account_id, l.currency, l.debit, l.credit, l.partner_id, l.analytic_account_id, "
	                              "l.memo FROM {financial.entry_lines} l" ERP__LEDGER_ACCOUNT_JOIN("l") " WHERE l.tenant_id = $1 "
	                              "AND l.seq = (SELECT seq FROM {financial.entries} WHERE tenant_id = $1 AND id = $2) "
	                              "ORDER BY l.line_no", p, 2);
	if (rc != ERP_OK)
		return rc;
	size_t n = 0, cap = 0;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		if ((rc = ERP__ARRAY_RESERVE(job->lines, cap, n + 1)) != ERP_OK)
			break;
		char s[7][24];
		erp_ledger_line *l = &job->lines[n++];
		l->account_id = keep(job, erp__db_text(tx, rows, 0, s[0]));
		l->currency = keep(job, erp__db_text(tx, rows, 1, s[1]));
		l->credit = erp__db_int(tx, rows, 2); /* swapped */
		l->debit = erp__db_int(tx, rows, 3);
		l->partner_id = keep(job, erp__db_text(tx, rows, 4, s[4]));
		l->analytic_account_id = keep(job, erp__db_text(tx, rows, 5, s[5]));
		l->memo = keep(job, erp__db_text(tx, rows, 6, s[6]));
	}
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	if (job->oom)
		return erp__oom();
	erp_ledger_entry mirror = ERP_LEDGER_ENTRY_INIT;
	mirror.journal_id = journal;
	mirror.date = job->date;
	mirror.reference = reference;
	mirror.lines = job->lines;
	mirror.line_count = n;
	job->entry = mirror;
	erp__post_request req = { &job->entry, NULL, NULL, job->entry_id };
	char ids[1][ERP__UUID_LEN + 1];
	post_job post = { job->ctx, &req, 1, ids, NULL, NULL, NULL, 0, 0, NULL, 0, "" };
	rc = check_request(&post, 0);
	if (rc == ERP_OK)
		rc = post_body(tx, &post);
	entries_free(&post);
	if (rc == ERP_OK)
		memcpy(job->id, ids[0], sizeof job->id);
	return rc;
}

int erp_ledger_reverse(erp_buf *out_id, erp_ctx *ctx, const char *entry_id, const char *date)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_READWRITE, "reversing journal entries");
	if (rc != ERP_OK)
		return rc;
	char id[ERP__UUID_LEN + 1];
	if (!entry_id || !erp__uuid_normalize(id, entry_id))
		return erp__error(ERP_EINVALID, "financial.entry", "entry_id", "entry_id must be a UUID");
	if (!erp__date_valid(date))
		return erp__error(ERP_EINVALID, "financial.entry", "date", "date must be a date \"YYYY-MM-DD\"");
	reverse_job job = { ctx, id, date, "", ERP_LEDGER_ENTRY_INIT, NULL, NULL, 0, 0, false };
	erp_storage_scope scope = erp__ctx_scope(ctx);
	rc = erp__tx_run(ctx->store, ERP_TX_WRITE, &scope, reverse_body, &job);
	owned_free(&job);
	return rc == ERP_OK && out_id ? erp_buf_set(out_id, job.id, ERP__UUID_LEN) : rc;
}
