/*
 * libFuzzer target: stock move JSON, as a batch of up to 8 steps run in
 * order on the fixture's store (fuzz_fixture.h). One step per line:
 *   {...}        erp_stock_move_json
 *   R{...}       erp_stock_reserve_json; "@resv@" then names the reservation
 *   C<id>        erp_stock_release
 * Placeholders ("@fifo@", "@stock@", "@resv@") are expanded when the step
 * runs, so a step can use the reservation an earlier step made.
 *
 * Invariants: each call returns ERP_OK or a code erp/stock.h documents for
 * it (with erp_error_last() set, a field for ERP_EINVALID); a refused step
 * writes nothing (the valuation report, quantities and values, is
 * unchanged); an accepted one answers a JSON object, and made again with
 * the same idempotency key answers the same id and changes nothing;
 * erp_store_verify (quants = moves, value = layers, the valuation entries
 * balance) passes.
 *
 *   build-fuzz/tests/fuzz/fuzz_stock -dict=tests/fuzz/fuzz.dict CORPUS_DIR
 *   build/tests/fuzz/fuzz_replay_stock tests/fuzz/corpus/stock   (replay)
 */
#include "fuzz_fixture.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STEPS 8

static const int MOVE_CODES[] = { ERP_ENOSTOCK, ERP_EINVALID, ERP_ENOTFOUND, ERP_ECONFLICT, ERP_EEXISTS,
	                          ERP_ELOCKED, 0 };
static const int RESERVE_CODES[] = { ERP_ENOSTOCK, ERP_EINVALID, ERP_ENOTFOUND, ERP_EEXISTS, 0 };
static const int RELEASE_CODES[] = { ERP_ENOTFOUND, ERP_ECONFLICT, ERP_EINVALID, 0 };

/* What a refused step must leave as it was: the valuation report (the
 * quantity and value of every product). Not the quants: their "reserved"
 * changes by itself when a reservation expires. */
static char *stock_state(erp_ctx *ctx)
{
	erp_buf value = ERP_BUF_INIT;
	if (erp_stock_valuation(&value, ctx, NULL) != ERP_OK)
		fuzz_fail("reading the stock valuation: %s", erp_error_last()->message);
	char *s = strdup(value.ptr);
	if (!s)
		fuzz_fail("out of memory");
	erp_buf_dispose(&value);
	return s;
}

static void step(fuzz_fixture *f, const uint8_t *line, size_t len)
{
	char *text = fuzz_expand(f, line, len);
	char *before = stock_state(f->ctx);
	erp_buf out = ERP_BUF_INIT;
	const char *call;
	int rc;
	if (text[0] == 'R') {
		call = "erp_stock_reserve_json";
		rc = erp_stock_reserve_json(&out, f->ctx, text + 1);
		fuzz_check_rc(call, rc, RESERVE_CODES);
	} else if (text[0] == 'C') {
		call = "erp_stock_release";
		rc = erp_stock_release(f->ctx, text + 1);
		fuzz_check_rc(call, rc, RELEASE_CODES);
	} else {
		call = "erp_stock_move_json";
		rc = erp_stock_move_json(&out, f->ctx, text);
		fuzz_check_rc(call, rc, MOVE_CODES);
	}
	if (rc == ERP_OK && out.ptr) {
		fuzz_check_json(call, out.ptr, 'o');
		fuzz_check_idempotent(call, text[0] == 'R' ? erp_stock_reserve_json : erp_stock_move_json, stock_state,
		                      f->ctx, text[0] == 'R' ? text + 1 : text, out.ptr);
		if (text[0] == 'R') {
			char id[37];
			fuzz_json_id(id, out.ptr);
			fuzz_set(f, "resv", id);
		}
	} else if (rc != ERP_OK) {
		char *after = stock_state(f->ctx);
		if (strcmp(before, after) != 0)
			fuzz_fail("a refused %s (%s: %s) changed the stock:\nbefore %s\nafter %s", call, erp_error_name(rc),
			          erp_error_last()->message, before, after);
		free(after);
	}
	free(before);
	erp_buf_dispose(&out);
	free(text);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_fixture *f = fuzz_fixture_get();
	fuzz_set(f, "resv", "0190a1b2-c3d4-7e5f-8a6b-000000000000");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_fixture *f = fuzz_fixture_get();
	size_t at = 0;
	for (int n = 0; n < MAX_STEPS && at < size; n++) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t len = nl ? (size_t)(nl - (data + at)) : size - at;
		step(f, data + at, len);
		at += len + 1;
	}
	fuzz_verify_sometimes(f);
	return 0;
}
