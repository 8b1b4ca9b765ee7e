/* Hashes of entries and requests (ledger_internal.h). */
#include "ledger_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each field as "<length>:<bytes>;" so that no two field lists encode alike; NULL as "-;". */
static void put_text(crypto_generichash_state *st, const char *s)
{
	char len[32];
	if (!s) {
		crypto_generichash_update(st, (const unsigned char *)"-;", 2);
		return;
	}
	size_t n = strlen(s);
	int k = snprintf(len, sizeof len, "%zu:", n);
	crypto_generichash_update(st, (const unsigned char *)len, (unsigned long long)k);
	crypto_generichash_update(st, (const unsigned char *)s, n);
	crypto_generichash_update(st, (const unsigned char *)";", 1);
}

static void put_int(crypto_generichash_state *st, int64_t v)
{
	char text[32];
	snprintf(text, sizeof text, "%" PRId64, v);
	put_text(st, text);
}

static void finish(char out[ERP__HASH_HEX], crypto_generichash_state *st)
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash_final(st, h, sizeof h);
	sodium_bin2hex(out, ERP__HASH_HEX, h, sizeof h);
}

void erp__ledger_hash(char out[ERP__HASH_HEX], const char *tenant, const erp__ledger_entry *e)
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, crypto_generichash_BYTES);
	put_text(&st, "liberp.entry.v1");
	put_text(&st, tenant);
	put_text(&st, e->prev_hash);
	put_text(&st, e->id);
	put_int(&st, e->seq);
	put_text(&st, e->journal_id);
	put_text(&st, e->date);
	put_text(&st, e->reference);
	put_text(&st, e->memo);
	put_text(&st, e->idempotency_key);
	put_text(&st, e->reversal_of[0] ? e->reversal_of : NULL);
	put_text(&st, e->created_at);
	put_text(&st, e->created_by);
	put_int(&st, (int64_t)e->line_count);
	for (size_t i = 0; i < e->line_count; i++) {
		const erp__ledger_line *l = &e->lines[i];
		put_int(&st, l->line_no);
		put_text(&st, l->account_id);
		put_text(&st, l->currency);
		put_int(&st, l->debit);
		put_int(&st, l->credit);
		put_text(&st, l->partner_id[0] ? l->partner_id : NULL);
		put_text(&st, l->analytic_account_id[0] ? l->analytic_account_id : NULL);
		put_text(&st, l->memo);
	}
	finish(out, &st);
}

void erp__ledger_request_hash(char out[ERP__HASH_HEX], const erp_ledger_entry *entry, const char *const *debit_text,
                              const char *const *credit_text)
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, crypto_generichash_BYTES);
	put_text(&st, "liberp.request.v1");
	put_text(&st, entry->journal_id);
	put_text(&st, entry->date);
	put_text(&st, entry->reference);
	put_text(&st, entry->memo);
	put_int(&st, (int64_t)entry->line_count);
	for (size_t i = 0; i < entry->line_count; i++) {
		const erp_ledger_line *l = &entry->lines[i];
		put_text(&st, l->account_id);
		if (debit_text) {
			put_text(&st, debit_text[i]);
			put_text(&st, credit_text[i]);
		} else {
			put_int(&st, l->debit);
			put_int(&st, l->credit);
		}
		put_text(&st, l->currency);
		put_text(&st, l->partner_id);
		put_text(&st, l->analytic_account_id);
		put_text(&st, l->memo);
	}
	finish(out, &st);
}
