/*
 * libFuzzer target: list parameters (filter, sort, limit, cursor, count)
 * on the fixture's store (fuzz_fixture.h). Input: two lines, placeholders
 * expanded:
 *   WHAT     an entity type (erp_entity_list), or "journal"
 *            (erp_ledger_entry_list), "moves" (erp_stock_move_list), "quants"
 *            (erp_stock_quant_list)
 *   QUERY    the query JSON (empty: NULL, the first page of everything)
 *
 * Invariants: the call returns ERP_OK or ERP_EINVALID with a field (with
 * erp_error_last() set); its answer is JSON of the documented shape; an
 * entity page has at most `limit` items (50 when not given) and, when it
 * has a next_cursor, the next page (same query, that cursor) succeeds and
 * repeats none of its ids.
 *
 *   build-fuzz/tests/fuzz/fuzz_list -dict=tests/fuzz/fuzz.dict CORPUS_DIR
 *   build/tests/fuzz/fuzz_replay_list tests/fuzz/corpus/list   (replay)
 */
#include "fuzz_fixture.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int LIST_CODES[] = { ERP_EINVALID, 0 };

/* Checks one page of erp_entity_list; returns it parsed (the caller frees). */
static json_t *entity_page(erp_ctx *ctx, const char *type, const char *query, json_int_t limit, int *rc_out)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_list(&out, ctx, type, query);
	fuzz_check_rc("erp_entity_list", rc, LIST_CODES);
	*rc_out = rc;
	if (rc != ERP_OK) {
		erp_buf_dispose(&out);
		return NULL;
	}
	fuzz_check_json("erp_entity_list", out.ptr, 'o');
	json_t *page = json_loads(out.ptr, 0, NULL);
	json_t *items = json_object_get(page, "items");
	json_t *next = json_object_get(page, "next_cursor");
	if (!json_is_array(items) || !(json_is_string(next) || json_is_null(next)))
		fuzz_fail("erp_entity_list answered no items array or next_cursor: %s", out.ptr);
	if ((json_int_t)json_array_size(items) > limit)
		fuzz_fail("erp_entity_list answered %zu items for a limit of %lld", json_array_size(items), (long long)limit);
	erp_buf_dispose(&out);
	return page;
}

static void list_entities(erp_ctx *ctx, const char *type, const char *query)
{
	json_t *q = query ? json_loads(query, JSON_DECODE_ANY, NULL) : NULL;
	json_t *given = json_object_get(q, "limit");
	json_int_t limit = json_is_integer(given) ? json_integer_value(given) : 50;
	int rc;
	json_t *page = entity_page(ctx, type, query, limit, &rc);
	const char *cursor = json_string_value(json_object_get(page, "next_cursor"));
	if (page && cursor) {
		json_t *q2 = json_is_object(q) ? json_deep_copy(q) : json_object();
		json_object_set_new(q2, "cursor", json_string(cursor));
		char *query2 = json_dumps(q2, JSON_COMPACT);
		json_t *page2 = entity_page(ctx, type, query2, limit, &rc);
		if (rc != ERP_OK)
			fuzz_fail("erp_entity_list refused its own next_cursor (%s: %s): %s", erp_error_name(rc),
			          erp_error_last()->message, query2);
		json_t *a = json_object_get(page, "items"), *b = json_object_get(page2, "items");
		for (size_t i = 0; i < json_array_size(a); i++)
			for (size_t j = 0; j < json_array_size(b); j++) {
				const char *ia = json_string_value(json_object_get(json_array_get(a, i), "id"));
				const char *ib = json_string_value(json_object_get(json_array_get(b, j), "id"));
				if (ia && ib && strcmp(ia, ib) == 0)
					fuzz_fail("erp_entity_list: the next page repeats %s (query %s)", ia, query2);
			}
		json_decref(page2);
		free(query2);
		json_decref(q2);
	}
	json_decref(page);
	json_decref(q);
}

static void list_other(erp_ctx *ctx, const char *what, const char *query)
{
	erp_buf out = ERP_BUF_INIT;
	int rc;
	char want = 'o';
	if (strcmp(what, "journal") == 0) {
		rc = erp_ledger_entry_list(&out, ctx, query);
	} else if (strcmp(what, "moves") == 0) {
		rc = erp_stock_move_list(&out, ctx, query);
	} else {
		rc = erp_stock_quant_list(&out, ctx, query);
		want = 'a';
	}
	fuzz_check_rc(what, rc, LIST_CODES);
	if (rc == ERP_OK)
		fuzz_check_json(what, out.ptr, want);
	erp_buf_dispose(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_fixture *f = fuzz_fixture_get();
	char *text = fuzz_expand(f, data, size);
	char *query = strchr(text, '\n');
	if (query)
		*query++ = 0;
	if (query && !*query)
		query = NULL;
	if (strcmp(text, "journal") == 0 || strcmp(text, "moves") == 0 || strcmp(text, "quants") == 0)
		list_other(f->ctx, text, query);
	else
		list_entities(f->ctx, text, query);
	free(text);
	return 0;
}
