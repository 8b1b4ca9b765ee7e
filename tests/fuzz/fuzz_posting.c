/*
 * libFuzzer target: posting JSON (erp_ledger_post_json, and
 * erp_ledger_post_batch_json when the input starts with '['), on the
 * fixture's store (fuzz_fixture.h). Placeholders ("@cash@", "@gen@") are
 * expanded first.
 *
 * Invariants: the call returns ERP_OK or a code erp/ledger.h documents
 * for it (with erp_error_last() set, a field for ERP_EINVALID); a refused
 * post writes nothing (the newest entry and the trial balance are
 * unchanged); an accepted one answers JSON (the entry, or an array of as
 * many ids as entries), and an accepted entry with an idempotency key,
 * posted again, answers the same id and writes nothing; an accepted entry
 * reverses once on its date (then ERP_EEXISTS); erp_store_verify (hash
 * chains, balances) passes.
 *
 *   build-fuzz/tests/fuzz/fuzz_posting -dict=tests/fuzz/fuzz.dict CORPUS_DIR
 *   build/tests/fuzz/fuzz_replay_posting tests/fuzz/corpus/posting   (replay)
 */
#include "fuzz_fixture.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int POST_CODES[] = { ERP_EUNBALANCED, ERP_ELOCKED, ERP_EINVALID, ERP_ENOTFOUND, ERP_EEXISTS, 0 };

/* What a refused post must leave as it was: the newest entry and the trial balance. */
static char *ledger_state(erp_ctx *ctx)
{
	erp_buf newest = ERP_BUF_INIT, trial = ERP_BUF_INIT;
	if (erp_ledger_entry_list(&newest, ctx, "{\"limit\":1}") != ERP_OK || erp_ledger_trial_balance(&trial, ctx, NULL) != ERP_OK)
		fuzz_fail("reading the ledger: %s", erp_error_last()->message);
	size_t n = newest.size + trial.size + 2;
	char *s = malloc(n);
	if (!s)
		fuzz_fail("out of memory");
	snprintf(s, n, "%s\n%s", newest.ptr, trial.ptr);
	erp_buf_dispose(&newest);
	erp_buf_dispose(&trial);
	return s;
}

/* A posted entry reverses once, on its own date: ERP_OK, then ERP_EEXISTS.
 * (An idempotency key already used answers an entry that may be reversed
 * already: then only the second half holds.) */
static void check_reversal(erp_ctx *ctx, const char *posted)
{
	char id[37];
	fuzz_json_id(id, posted);
	json_t *entry = json_loads(posted, 0, NULL);
	const char *date = json_string_value(json_object_get(entry, "date"));
	bool reversed = !json_is_null(json_object_get(entry, "reversed_by"));
	erp_buf out = ERP_BUF_INIT;
	int rc = reversed ? ERP_OK : erp_ledger_reverse(&out, ctx, id, date);
	if (rc != ERP_OK)
		fuzz_fail("erp_ledger_reverse of %s: %s: %s", posted, erp_error_name(rc), erp_error_last()->message);
	rc = erp_ledger_reverse(&out, ctx, id, date);
	if (rc != ERP_EEXISTS)
		fuzz_fail("erp_ledger_reverse a second time: %s, not ERP_EEXISTS", erp_error_name(rc));
	erp_buf_dispose(&out);
	json_decref(entry);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_fixture *f = fuzz_fixture_get();
	char *json = fuzz_expand(f, data, size);
	const char *p = json + strspn(json, " \t\r\n");
	bool batch = *p == '[';

	char *before = ledger_state(f->ctx);
	erp_buf out = ERP_BUF_INIT;
	int rc = batch ? erp_ledger_post_batch_json(&out, f->ctx, json) : erp_ledger_post_json(&out, f->ctx, json);
	const char *call = batch ? "erp_ledger_post_batch_json" : "erp_ledger_post_json";
	fuzz_check_rc(call, rc, POST_CODES);
	if (rc == ERP_OK && !batch) {
		fuzz_check_idempotent(call, erp_ledger_post_json, ledger_state, f->ctx, json, out.ptr);
		check_reversal(f->ctx, out.ptr);
	}
	if (rc == ERP_OK) {
		fuzz_check_json(call, out.ptr, batch ? 'a' : 'o');
		if (batch) {
			json_t *ids = json_loads(out.ptr, 0, NULL), *in = json_loads(json, 0, NULL);
			if (!in || json_array_size(ids) != json_array_size(in))
				fuzz_fail("%s answered %zu ids for %zu entries", call, json_array_size(ids), json_array_size(in));
			json_decref(ids);
			json_decref(in);
		}
	} else {
		char *after = ledger_state(f->ctx);
		if (strcmp(before, after) != 0)
			fuzz_fail("a refused %s (%s) changed the ledger:\nbefore %s\nafter %s", call, erp_error_name(rc), before,
			          after);
		free(after);
	}
	free(before);
	erp_buf_dispose(&out);
	free(json);
	fuzz_verify_sometimes(f);
	return 0;
}
