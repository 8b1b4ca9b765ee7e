/* Ledger invariants (ledger_verify.h). */
#include "ledger_verify.h"

#include "core/db.h"
#include "util/array.h"
#include "util/error.h"
#include "ledger_accounts.h"
#include "ledger_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *tenant;
	erp__strbuf *detail;
	int64_t entries;
} verify_job;

static char *dup_col(erp__tx *tx, erp_storage_rows *rows, size_t col)
{
	char s[24];
	const char *v = erp__db_text(tx, rows, col, s);
	return v ? strdup(v) : NULL;
}

static void entry_clear(erp__ledger_entry *e, char **owned, size_t *nowned)
{
	for (size_t i = 0; i < *nowned; i++)
		free(owned[i]);
	*nowned = 0;
	free(e->lines);
	memset(e, 0, sizeof *e);
}

/* Checks one complete entry against the chain; returns ERP_ERROR with detail on a mismatch. */
static int check_entry(verify_job *job, erp__ledger_entry *e, char prev[ERP__HASH_HEX], int64_t *expect_seq)
{
	char stored[ERP__HASH_HEX], computed[ERP__HASH_HEX];
	memcpy(stored, e->hash, sizeof stored);
	if (e->seq != *expect_seq) {
		erp__strbuf_printf(job->detail, "tenant %s: entry %s has sequence %lld where %lld was expected", job->tenant,
		                   e->id, (long long)e->seq, (long long)*expect_seq);
		return ERP_ERROR;
	}
	if (strcmp(e->prev_hash, prev) != 0) {
		erp__strbuf_printf(job->detail, "tenant %s: entry %s (seq %lld) does not chain to the entry before it",
		                   job->tenant, e->id, (long long)e->seq);
		return ERP_ERROR;
	}
	erp__ledger_hash(computed, job->tenant, e);
	if (strcmp(computed, stored) != 0) {
		erp__strbuf_printf(job->detail, "tenant %s: entry %s (seq %lld) was changed after posting: its hash is %s, "
		                                "its content hashes to %s", job->tenant, e->id, (long long)e->seq, stored, computed);
		return ERP_ERROR;
	}
	/* Balanced per currency. */
	for (size_t i = 0; i < e->line_count; i++) {
		__extension__ __int128 d = 0, c = 0;
		for (size_t k = 0; k < e->line_count; k++)
			if (strcmp(e->lines[k].currency, e->lines[i].currency) == 0) {
				d += e->lines[k].debit;
				c += e->lines[k].credit;
			}
		if (d != c) {
			erp__strbuf_printf(job->detail, "tenant %s: entry %s (seq %lld) does not balance in %s", job->tenant, e->id,
			                   (long long)e->seq, e->lines[i].currency);
			return ERP_ERROR;
		}
	}
	memcpy(prev, stored, ERP__HASH_HEX);
	(*expect_seq)++;
	job->entries++;
	return ERP_OK;
}

static int chain_body(erp__tx *tx, void *payload)
{
	verify_job *job = payload;
	erp_value p[] = { erp__v_text(job->tenant) };
	erp_storage_rows *rows;
	job->entries = 0;
	int rc = erp__db_query(&rows, tx,
	                       "SELECT e.id, e.seq, e.journal_id, e.date, e.reference, e.memo, e.idempotency_key, e.reversal_of, "
	                       "e.prev_hash, e.hash, e.created_at, e.created_by, l.line_no, la.account_id, l.currency, l.debit, "
	                       "l.credit, l.partner_id, l.analytic_account_id, l.memo "
	                       "FROM {financial.entries} e JOIN {financial.entry_lines} l ON l.tenant_id = e.tenant_id AND l.seq = e.seq "
	                       /* LEFT: a line whose number names no account fails its entry's hash */
	                       "LEFT" ERP__LEDGER_ACCOUNT_JOIN("l") " WHERE e.tenant_id = $1 ORDER BY e.seq, l.line_no",
	                       p, 1);
	if (rc != ERP_OK)
		return rc;
	erp__ledger_entry e;
	memset(&e, 0, sizeof e);
	char *owned[64];
	size_t nowned = 0, cap = 0;
	char prev[ERP__HASH_HEX] = "";
	int64_t expect_seq = 1, debits = 0; /* debits: their sum, kept at INT64_MAX as posted_total is */
	char **line_memos = NULL;
	size_t nmemos = 0, memos_cap = 0;
	while (rc == ERP_OK) {
		int step = erp__db_next(tx, rows);
		if (step < 0) {
			rc = step;
			break;
		}
		char s[24];
		const char *id = step ? erp__db_text(tx, rows, 0, s) : NULL;
		if (e.line_count && (!step || strcmp(e.id, id ? id : "") != 0)) {
			rc = check_entry(job, &e, prev, &expect_seq);
			for (size_t i = 0; i < nmemos; i++)
				free(line_memos[i]);
			nmemos = 0;
			entry_clear(&e, owned, &nowned);
			cap = 0;
			if (rc != ERP_OK)
				break;
		}
		if (!step)
			break;
		if (!e.line_count) {
			char t[24];
			snprintf(e.id, sizeof e.id, "%s", id ? id : "");
			e.seq = erp__db_int(tx, rows, 1);
			const char *v;
			snprintf(e.journal_id, sizeof e.journal_id, "%s", (v = erp__db_text(tx, rows, 2, t)) ? v : "");
			snprintf(e.date, sizeof e.date, "%s", (v = erp__db_text(tx, rows, 3, t)) ? v : "");
			e.reference = owned[nowned++] = dup_col(tx, rows, 4);
			e.memo = owned[nowned++] = dup_col(tx, rows, 5);
			e.idempotency_key = owned[nowned++] = dup_col(tx, rows, 6);
			snprintf(e.reversal_of, sizeof e.reversal_of, "%s", (v = erp__db_text(tx, rows, 7, t)) ? v : "");
			snprintf(e.prev_hash, sizeof e.prev_hash, "%s", (v = erp__db_text(tx, rows, 8, t)) ? v : "");
			snprintf(e.hash, sizeof e.hash, "%s", (v = erp__db_text(tx, rows, 9, t)) ? v : "");
			snprintf(e.created_at, sizeof e.created_at, "%s", (v = erp__db_text(tx, rows, 10, t)) ? v : "");
			e.created_by = owned[nowned++] = dup_col(tx, rows, 11);
		}
		if ((rc = ERP__ARRAY_RESERVE(e.lines, cap, e.line_count + 1)) != ERP_OK ||
		    (rc = ERP__ARRAY_RESERVE(line_memos, memos_cap, nmemos + 1)) != ERP_OK)
			break;
		erp__ledger_line *l = &e.lines[e.line_count++];
		memset(l, 0, sizeof *l);
		char t[24];
		const char *v;
		l->line_no = (int)erp__db_int(tx, rows, 12);
		snprintf(l->account_id, sizeof l->account_id, "%s", (v = erp__db_text(tx, rows, 13, t)) ? v : "");
		snprintf(l->currency, sizeof l->currency, "%s", (v = erp__db_text(tx, rows, 14, t)) ? v : "");
		l->debit = erp__db_int(tx, rows, 15);
		l->credit = erp__db_int(tx, rows, 16);
		if (__builtin_add_overflow(debits, l->debit, &debits))
			debits = INT64_MAX;
		snprintf(l->partner_id, sizeof l->partner_id, "%s", (v = erp__db_text(tx, rows, 17, t)) ? v : "");
		snprintf(l->analytic_account_id, sizeof l->analytic_account_id, "%s", (v = erp__db_text(tx, rows, 18, t)) ? v : "");
		l->memo = line_memos[nmemos++] = dup_col(tx, rows, 19);
	}
	erp__db_close(tx, rows);
	for (size_t i = 0; i < nmemos; i++)
		free(line_memos[i]);
	free(line_memos);
	entry_clear(&e, owned, &nowned);
	if (rc != ERP_OK)
		return rc;
	/* The chain head must be the last entry. */
	rc = erp__db_query(&rows, tx, "SELECT last_seq, last_hash, posted_total FROM {financial.ledger_state} WHERE tenant_id = $1",
	                   p, 1);
	if (rc != ERP_OK)
		return rc;
	int step = erp__db_next(tx, rows);
	if (step == 1) {
		char s[24];
		const char *h = erp__db_text(tx, rows, 1, s);
		if (erp__db_int(tx, rows, 0) != expect_seq - 1 || strcmp(h ? h : "", prev) != 0) {
			erp__strbuf_printf(job->detail, "tenant %s: the chain head (seq %lld) is not the last entry (seq %lld)",
			                   job->tenant, (long long)erp__db_int(tx, rows, 0), (long long)(expect_seq - 1));
			rc = ERP_ERROR;
		} else if (erp__db_int(tx, rows, 2) != debits) {
			erp__strbuf_printf(job->detail, "tenant %s: the ledger's posted total is %lld, but its lines' debits add up to %lld",
			                   job->tenant, (long long)erp__db_int(tx, rows, 2), (long long)debits);
			rc = ERP_ERROR;
		}
	} else if (step == 0 && expect_seq > 1) {
		erp__strbuf_printf(job->detail, "tenant %s: entries exist but the ledger state does not", job->tenant);
		rc = ERP_ERROR;
	}
	erp__db_close(tx, rows);
	return step < 0 ? step : rc;
}

static int balances_body(erp__tx *tx, void *payload)
{
	verify_job *job = payload;
	erp_value p[] = { erp__v_text(job->tenant) };
	/* Both ways: every day's lines have their balance row, and every balance row its lines. */
	static const char *const checks[] = {
		"SELECT la.account_id, l.currency, l.date, l.d, l.c, b.debit, b.credit FROM "
		"(SELECT account_no, currency, date, sum(debit) AS d, sum(credit) AS c FROM {financial.entry_lines} "
		" WHERE tenant_id = $1 GROUP BY account_no, currency, date) l "
		"LEFT JOIN {financial.balances} b ON b.tenant_id = $1 AND b.account_no = l.account_no AND b.currency = l.currency "
		"AND b.date = l.date LEFT JOIN {financial.ledger_accounts} la ON la.tenant_id = $1 AND la.account_no = l.account_no "
		"WHERE b.account_no IS NULL OR b.debit <> l.d OR b.credit <> l.c LIMIT 1",
		"SELECT la.account_id, b.currency, b.date, 0, 0, b.debit, b.credit FROM {financial.balances} b"
		" LEFT" ERP__LEDGER_ACCOUNT_JOIN("b") " "
		"WHERE b.tenant_id = $1 AND (b.debit <> 0 OR b.credit <> 0) AND NOT EXISTS (SELECT 1 FROM {financial.entry_lines} l "
		"WHERE l.tenant_id = $1 AND l.account_no = b.account_no AND l.currency = b.currency AND l.date = b.date) LIMIT 1",
	};
	for (size_t c = 0; c < 2; c++) {
		erp_storage_rows *rows;
		int rc = erp__db_query(&rows, tx, checks[c], p, 1);
		if (rc != ERP_OK)
			return rc;
		rc = erp__db_next(tx, rows);
		if (rc == 1) {
			char s[3][24];
			const char *a = erp__db_text(tx, rows, 0, s[0]), *cur = erp__db_text(tx, rows, 1, s[1]);
			const char *d = erp__db_text(tx, rows, 2, s[2]);
			erp__strbuf_printf(job->detail,
			                   "tenant %s: the balance of account %s in %s on %s is debit %lld / credit %lld, "
			                   "but its lines add up to debit %lld / credit %lld",
			                   job->tenant, a ? a : "?", cur ? cur : "?", d ? d : "?", (long long)erp__db_int(tx, rows, 5),
			                   (long long)erp__db_int(tx, rows, 6), (long long)erp__db_int(tx, rows, 3),
			                   (long long)erp__db_int(tx, rows, 4));
			rc = ERP_ERROR;
		}
		erp__db_close(tx, rows);
		if (rc != 0)
			return rc < 0 ? rc : ERP_ERROR;
	}
	return ERP_OK;
}

typedef struct {
	char (*ids)[ERP__UUID_LEN + 1];
	size_t n;
} tenant_list;

static int tenants_body(erp__tx *tx, void *payload)
{
	tenant_list *list = payload;
	free(list->ids);
	list->ids = NULL;
	list->n = 0;
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, "SELECT id FROM {auth.tenants} ORDER BY id", NULL, 0);
	if (rc != ERP_OK)
		return rc;
	size_t cap = 0;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		if ((rc = ERP__ARRAY_RESERVE(list->ids, cap, list->n + 1)) != ERP_OK)
			break;
		char s[24];
		const char *id = erp__db_text(tx, rows, 0, s);
		snprintf(list->ids[list->n++], ERP__UUID_LEN + 1, "%s", id ? id : "");
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

int erp__ledger_verify(erp_store *store, erp__strbuf *detail)
{
	tenant_list list = { NULL, 0 };
	erp_storage_scope none = { NULL, NULL, 0 };
	int rc = erp__tx_run(store, ERP_TX_READ, &none, tenants_body, &list);
	int64_t entries = 0;
	for (size_t i = 0; rc == ERP_OK && i < list.n; i++) {
		verify_job job = { list.ids[i], detail, 0 };
		erp_storage_scope scope = { list.ids[i], "verify", ERP_ROLE_READONLY };
		rc = erp__tx_run(store, ERP_TX_READ, &scope, chain_body, &job);
		if (rc == ERP_OK)
			rc = erp__tx_run(store, ERP_TX_READ, &scope, balances_body, &job);
		entries += job.entries;
	}
	free(list.ids);
	if (rc == ERP_OK)
		erp__strbuf_printf(detail, "%lld entries in %zu tenants: every chain, entry and balance holds", (long long)entries, list.n);
	else if (rc == ERP_ERROR && erp__strbuf_ok(detail) && detail->len)
		erp_error_set(ERP_ERROR, "financial.entry", NULL, erp__strbuf_cstr(detail));
	return rc;
}
