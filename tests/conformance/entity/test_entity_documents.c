/*
 * Documents with lines (sales.order, purchase.order): created, read and
 * updated as one JSON object; line amounts and totals computed exactly;
 * lines written only through their document.
 */
#include "conformance.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	erp_store *store;
	char tenant[37];
	erp_ctx *ctx;
	erp_ent_world w;
} env;

static void env_open(env *e, void **state)
{
	erp_conformance_fixture *f = *state;
	e->store = f->store;
	erp_test_tenant(e->tenant, e->store);
	e->ctx = erp_test_ctx(e->store, e->tenant, ERP_ROLE_READWRITE);
	erp_ent_world_build(&e->w, e->ctx);
}

static const char *const DOC_TYPES[] = { "sales.order", "purchase.order" };

static int64_t line_rows(env *e, const char *doc_type)
{
	return erp_test_count(e->store, e->tenant,
	                      strcmp(doc_type, "sales.order") == 0 ? "{sales.order_lines}" : "{purchase.order_lines}");
}

static json_t *line_at(const json_t *doc, size_t i)
{
	json_t *l = json_array_get(json_object_get(doc, "lines"), i);
	assert_non_null(l);
	return l;
}

void test_entity__document_lines_are_priced_exactly(void **state)
{
	env e;
	env_open(&e, state);
	for (size_t t = 0; t < 2; t++) {
		/* 2.5 kg x 1.99 = 4.975 -> 4.98; 0.335 kg x 3.00 = 1.005 -> 1.01; -0.335 x 3.00 = -1.005 -> -1.01
		   (half away from zero); 3 units x 0.33 = 0.99 */
		char *j = erp_ent_expand(&e.w,
		                         "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"currency\":\"USD\",\"lines\":["
		                         "{\"uom_id\":\"{kg}\",\"quantity\":\"2.5\",\"price_unit\":\"1.99\",\"sequence\":1},"
		                         "{\"uom_id\":\"{kg}\",\"quantity\":\"0.335\",\"price_unit\":\"3\",\"sequence\":2},"
		                         "{\"uom_id\":\"{kg}\",\"quantity\":\"-0.335\",\"price_unit\":\"3.00\",\"sequence\":3},"
		                         "{\"uom_id\":\"{unit}\",\"quantity\":\"3\",\"price_unit\":\"0.33\",\"sequence\":4,"
		                         "\"product_id\":\"{product}\"}]}",
		                         NULL);
		int64_t lines0 = line_rows(&e, DOC_TYPES[t]);
		json_t *d = ent_create(e.ctx, DOC_TYPES[t], j);
		assert_int_equal(line_rows(&e, DOC_TYPES[t]), lines0 + 4);
		json_t *lines = json_object_get(d, "lines");
		assert_int_equal(json_array_size(lines), 4);
		const char *qty[] = { "2.500", "0.335", "-0.335", "3" };
		const char *price[] = { "1.99", "3.00", "3.00", "0.33" };
		const char *amount[] = { "4.98", "1.01", "-1.01", "0.99" };
		for (size_t i = 0; i < 4; i++) {
			json_t *l = line_at(d, i);
			assert_string_equal(ent_str(l, "quantity"), qty[i]);
			assert_string_equal(ent_str(l, "price_unit"), price[i]);
			assert_string_equal(ent_str(l, "amount"), amount[i]);
			assert_string_equal(ent_str(l, "order_id"), ent_id(d));
			assert_int_equal(strlen(ent_id(l)), 36);
			assert_int_equal(ent_version(l), 1);
		}
		assert_string_equal(ent_str(d, "amount_total"), "5.97"); /* 4.98 + 1.01 - 1.01 + 0.99 */
		json_t *g = ent_get(e.ctx, DOC_TYPES[t], ent_id(d));
		assert_json_equal(d, g);
		json_decref(g);
		json_decref(d);
		free(j);
	}
	/* amounts round at the document's currency: JPY 0 decimals, BHD 3 */
	char *j = erp_ent_expand(&e.w,
	                         "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"currency\":\"JPY\",\"lines\":["
	                         "{\"uom_id\":\"{kg}\",\"quantity\":\"2.5\",\"price_unit\":\"101\"},"
	                         "{\"uom_id\":\"{kg}\",\"quantity\":\"0.001\",\"price_unit\":\"499\"}]}",
	                         NULL);
	json_t *jpy = ent_create(e.ctx, "sales.order", j);
	assert_string_equal(ent_str(line_at(jpy, 0), "amount"), "253"); /* 252.5 */
	assert_string_equal(ent_str(line_at(jpy, 1), "amount"), "0");   /* 0.499 */
	assert_string_equal(ent_str(jpy, "amount_total"), "253");
	free(j);
	j = erp_ent_expand(&e.w,
	                   "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"currency\":\"BHD\",\"lines\":["
	                   "{\"uom_id\":\"{kg}\",\"quantity\":\"1.111\",\"price_unit\":\"1.115\"}]}",
	                   NULL);
	json_t *bhd = ent_create(e.ctx, "purchase.order", j); /* 1.239265 -> 1.239 */
	assert_string_equal(ent_str(line_at(bhd, 0), "amount"), "1.239");
	assert_string_equal(ent_str(bhd, "amount_total"), "1.239");
	free(j);
	/* JPY prices take no decimals */
	j = erp_ent_expand(&e.w,
	                   "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"currency\":\"JPY\",\"lines\":["
	                   "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.5\"}]}",
	                   NULL);
	erp_ent_refused_create_at(e.ctx, e.store, e.tenant, "sales.order", j, ERP_EINVALID, "price_unit", __FILE__, __LINE__);
	free(j);
	/* a product beyond 64 bits is refused, not wrapped */
	j = erp_ent_expand(&e.w,
	                   "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"lines\":["
	                   "{\"uom_id\":\"{unit}\",\"quantity\":\"9000000000000000\",\"price_unit\":\"90000000000.00\"}]}",
	                   NULL);
	erp_ent_refused_create_at(e.ctx, e.store, e.tenant, "sales.order", j, ERP_EINVALID, NULL, __FILE__, __LINE__);
	free(j);
	/* so is a total beyond 64 bits */
	j = erp_ent_expand(&e.w,
	                   "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"lines\":["
	                   "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"90000000000000000.00\"},"
	                   "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"90000000000000000.00\"}]}",
	                   NULL);
	erp_ent_refused_create_at(e.ctx, e.store, e.tenant, "sales.order", j, ERP_EINVALID, NULL, __FILE__, __LINE__);
	free(j);
	json_decref(bhd);
	json_decref(jpy);
	erp_ctx_free(e.ctx);
}

void test_entity__document_update_keeps_adds_and_drops_lines(void **state)
{
	env e;
	env_open(&e, state);
	for (size_t t = 0; t < 2; t++) {
		char *j = erp_ent_expand(&e.w,
		                         "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"lines\":["
		                         "{\"uom_id\":\"{kg}\",\"quantity\":\"1.000\",\"price_unit\":\"10.00\",\"description\":\"keep\"},"
		                         "{\"uom_id\":\"{unit}\",\"quantity\":\"2\",\"price_unit\":\"5.00\",\"description\":\"drop\"}]}",
		                         NULL);
		json_t *d = ent_create(e.ctx, DOC_TYPES[t], j);
		assert_string_equal(ent_str(d, "amount_total"), "20.00");
		json_t *keep = line_at(d, 0), *drop = line_at(d, 1);
		char keep_id[37], drop_id[37];
		snprintf(keep_id, sizeof keep_id, "%s", ent_id(keep));
		snprintf(drop_id, sizeof drop_id, "%s", ent_id(drop));
		int64_t rows0 = line_rows(&e, DOC_TYPES[t]);
		char patch[600];
		snprintf(patch, sizeof patch,
		         "{\"note\":\"changed\",\"lines\":[{\"id\":\"%s\",\"quantity\":\"2.500\"},"
		         "{\"uom_id\":\"%s\",\"quantity\":\"3\",\"price_unit\":\"0.50\",\"description\":\"new\"}]}",
		         keep_id, e.w.unit);
		json_t *u = ent_update(e.ctx, DOC_TYPES[t], ent_id(d), 1, patch);
		assert_int_equal(ent_version(u), 2);
		assert_string_equal(ent_str(u, "note"), "changed");
		json_t *lines = json_object_get(u, "lines");
		assert_int_equal(json_array_size(lines), 2);
		assert_int_equal(line_rows(&e, DOC_TYPES[t]), rows0); /* one dropped, one added */
		json_t *k = NULL, *n = NULL;
		size_t i;
		json_t *l;
		json_array_foreach(lines, i, l) {
			assert_string_not_equal(ent_id(l), drop_id);
			if (strcmp(ent_id(l), keep_id) == 0)
				k = l;
			else
				n = l;
		}
		assert_non_null(k);
		assert_non_null(n);
		assert_string_equal(ent_str(k, "quantity"), "2.500");
		assert_string_equal(ent_str(k, "description"), "keep"); /* untouched members stay */
		assert_string_equal(ent_str(k, "price_unit"), "10.00");
		assert_string_equal(ent_str(k, "amount"), "25.00");
		assert_int_equal(ent_version(k), 2);
		assert_string_equal(ent_str(n, "description"), "new");
		assert_string_equal(ent_str(n, "amount"), "1.50");
		assert_string_equal(ent_str(n, "order_id"), ent_id(d));
		assert_int_equal(ent_version(n), 1);
		assert_string_equal(ent_str(u, "amount_total"), "26.50");
		json_t *g = ent_get(e.ctx, DOC_TYPES[t], ent_id(d));
		assert_json_equal(u, g);
		/* an update without "lines" leaves them alone */
		json_t *u2 = ent_update(e.ctx, DOC_TYPES[t], ent_id(d), 2, "{\"state\":\"confirmed\"}");
		assert_json_equal(json_object_get(u, "lines"), json_object_get(u2, "lines"));
		assert_string_equal(ent_str(u2, "amount_total"), "26.50");
		/* an empty array removes every line */
		json_t *u3 = ent_update(e.ctx, DOC_TYPES[t], ent_id(d), 3, "{\"lines\":[]}");
		assert_int_equal(json_array_size(json_object_get(u3, "lines")), 0);
		assert_string_equal(ent_str(u3, "amount_total"), "0.00");
		assert_int_equal(line_rows(&e, DOC_TYPES[t]), rows0 - 2);
		json_t *g3 = ent_get(e.ctx, DOC_TYPES[t], ent_id(d));
		assert_json_equal(u3, g3);
		json_decref(g3);
		json_decref(u3);
		json_decref(u2);
		json_decref(g);
		json_decref(u);
		json_decref(d);
		free(j);
	}
	erp_ctx_free(e.ctx);
}

void test_entity__document_line_errors_change_nothing(void **state)
{
	env e;
	env_open(&e, state);
	const char *tmpl = "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"lines\":["
	                   "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"10.00\"}]}";
	json_t *a = ent_create_t(e.ctx, &e.w, "sales.order", tmpl);
	json_t *b = ent_create_t(e.ctx, &e.w, "sales.order", tmpl);
	json_t *p = ent_create_t(e.ctx, &e.w, "purchase.order", tmpl);
	const char *a_line = ent_id(line_at(a, 0));
	char patch[400];
	/* a line of another order */
	snprintf(patch, sizeof patch, "{\"lines\":[{\"id\":\"%s\",\"quantity\":\"5\"}]}", ent_id(line_at(b, 0)));
	assert_update_refused(e.ctx, e.store, e.tenant, "sales.order", ent_id(a), 1, patch, ERP_ENOTFOUND, "id");
	/* a line of a purchase order, in a sales order */
	snprintf(patch, sizeof patch, "{\"lines\":[{\"id\":\"%s\",\"quantity\":\"5\"}]}", ent_id(line_at(p, 0)));
	assert_update_refused(e.ctx, e.store, e.tenant, "sales.order", ent_id(a), 1, patch, ERP_ENOTFOUND, "id");
	/* an id that is no line at all */
	snprintf(patch, sizeof patch, "{\"lines\":[{\"id\":\"%s\",\"quantity\":\"5\"}]}", e.w.partner);
	assert_update_refused(e.ctx, e.store, e.tenant, "sales.order", ent_id(a), 1, patch, ERP_ENOTFOUND, "id");
	/* the same line twice */
	snprintf(patch, sizeof patch, "{\"lines\":[{\"id\":\"%s\",\"quantity\":\"5\"},{\"id\":\"%s\",\"quantity\":\"6\"}]}",
	         a_line, a_line);
	assert_update_refused(e.ctx, e.store, e.tenant, "sales.order", ent_id(a), 1, patch, ERP_EINVALID, "id");
	/* a bad line after a good change: nothing of either */
	snprintf(patch, sizeof patch,
	         "{\"note\":\"x\",\"lines\":[{\"id\":\"%s\",\"quantity\":\"5\"},{\"uom_id\":\"%s\",\"quantity\":\"1.5\","
	         "\"price_unit\":\"1.00\"}]}",
	         a_line, e.w.unit);
	assert_update_refused(e.ctx, e.store, e.tenant, "sales.order", ent_id(a), 1, patch, ERP_EINVALID, "quantity");
	snprintf(patch, sizeof patch, "{\"lines\":[{\"id\":\"%s\",\"amount\":\"5.00\"}]}", a_line);
	assert_update_refused(e.ctx, e.store, e.tenant, "sales.order", ent_id(a), 1, patch, ERP_EINVALID, "amount");
	snprintf(patch, sizeof patch, "{\"lines\":[{\"id\":\"%s\",\"order_id\":\"%s\"}]}", a_line, ent_id(b));
	assert_update_refused(e.ctx, e.store, e.tenant, "sales.order", ent_id(a), 1, patch, ERP_EINVALID, "order_id");
	snprintf(patch, sizeof patch, "{\"lines\":[{\"id\":\"%s\",\"version\":7}]}", a_line);
	assert_update_refused(e.ctx, e.store, e.tenant, "sales.order", ent_id(a), 1, patch, ERP_EINVALID, "version");
	snprintf(patch, sizeof patch, "{\"lines\":[{\"id\":\"%s\",\"product_id\":\"01900000-0000-7000-8000-000000000000\"}]}",
	         a_line);
	assert_update_refused(e.ctx, e.store, e.tenant, "sales.order", ent_id(a), 1, patch, ERP_ENOTFOUND, "product_id");
	assert_update_refused(e.ctx, e.store, e.tenant, "sales.order", ent_id(a), 1, "{\"lines\":{}}", ERP_EINVALID, "lines");
	assert_update_refused(e.ctx, e.store, e.tenant, "sales.order", ent_id(a), 1, "{\"lines\":[5]}", ERP_EINVALID, NULL);
	assert_update_refused(e.ctx, e.store, e.tenant, "sales.order", ent_id(a), 1, "{\"lines\":[{\"id\":5}]}", ERP_EINVALID, "id");
	assert_update_refused(e.ctx, e.store, e.tenant, "sales.order", ent_id(a), 1, "{\"lines\":null}", ERP_EINVALID, "lines");
	/* on create */
	char *j = erp_ent_expand(&e.w, "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"lines\":{}}", NULL);
	assert_create_refused(e.ctx, e.store, e.tenant, "sales.order", j, ERP_EINVALID, "lines");
	free(j);
	j = erp_ent_expand(&e.w, "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"lines\":[\"x\"]}", NULL);
	assert_create_refused(e.ctx, e.store, e.tenant, "sales.order", j, ERP_EINVALID, NULL);
	free(j);
	j = erp_ent_expand(&e.w,
	                   "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"lines\":[{\"id\":\"{product}\","
	                   "\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.00\"}]}",
	                   NULL);
	assert_create_refused(e.ctx, e.store, e.tenant, "sales.order", j, ERP_EINVALID, "id");
	free(j);
	j = erp_ent_expand(&e.w,
	                   "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"lines\":["
	                   "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.00\"},"
	                   "{\"uom_id\":\"{unit}\",\"quantity\":\"x\",\"price_unit\":\"1.00\"}]}",
	                   NULL);
	assert_create_refused(e.ctx, e.store, e.tenant, "sales.order", j, ERP_EINVALID, "quantity");
	free(j);
	json_decref(p);
	json_decref(b);
	json_decref(a);
	erp_ctx_free(e.ctx);
}

/* Lines are written through their document only; they may be read. */
void test_entity__line_types_are_written_only_through_their_document(void **state)
{
	env e;
	env_open(&e, state);
	json_t *d = ent_create_t(e.ctx, &e.w, "sales.order",
	                         "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"lines\":["
	                         "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"10.00\"}]}");
	const char *line = ent_id(line_at(d, 0));
	const char *types[] = { "sales.order_line", "purchase.order_line" };
	for (size_t i = 0; i < 2; i++) {
		char j[300];
		snprintf(j, sizeof j, "{\"order_id\":\"%s\",\"uom_id\":\"%s\",\"quantity\":\"1\",\"price_unit\":\"1.00\"}", ent_id(d),
		         e.w.unit);
		assert_create_refused(e.ctx, e.store, e.tenant, types[i], j, ERP_EINVALID, "type");
		erp_ent_state s0 = erp_ent_state_of(e.store, e.tenant);
		erp_buf out = ERP_BUF_INIT;
		assert_erp_error(erp_entity_update(&out, e.ctx, types[i], line, 1, "{\"quantity\":\"9\"}"), ERP_EINVALID, "type");
		assert_erp_error(erp_entity_delete(&out, e.ctx, types[i], line, 1), ERP_EINVALID, "type");
		assert_ent_state_equal(s0, erp_ent_state_of(e.store, e.tenant));
		erp_buf_dispose(&out);
	}
	json_t *g = ent_get(e.ctx, "sales.order", ent_id(d));
	assert_json_equal(d, g);
	json_decref(g);
	json_decref(d);
	erp_ctx_free(e.ctx);
}

/* A line type can be read directly, by id and in lists (its money at its document's currency). */
void test_entity__line_types_can_be_read(void **state)
{
	env e;
	env_open(&e, state);
	json_t *d = ent_create_t(e.ctx, &e.w, "purchase.order",
	                         "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"currency\":\"JPY\",\"lines\":["
	                         "{\"uom_id\":\"{kg}\",\"quantity\":\"1.5\",\"price_unit\":\"100\"}]}");
	json_t *line = line_at(d, 0);
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_get(&out, e.ctx, "purchase.order_line", ent_id(line));
	if (rc != ERP_OK)
		fail_msg("get purchase.order_line: %s (%s)", erp_error_name(rc), erp_error_last()->message);
	json_t *g = erp_test_json(out.ptr);
	assert_json_equal(line, g);
	json_decref(g);
	char q[200];
	snprintf(q, sizeof q, "{\"filter\":[[\"order_id\",\"eq\",\"%s\"]]}", ent_id(d));
	rc = erp_entity_list(&out, e.ctx, "purchase.order_line", q);
	if (rc != ERP_OK)
		fail_msg("list purchase.order_line: %s (%s)", erp_error_name(rc), erp_error_last()->message);
	json_t *l = erp_test_json(out.ptr);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
	assert_json_equal(line, json_array_get(json_object_get(l, "items"), 0));
	json_decref(l);
	erp_buf_dispose(&out);
	json_decref(d);
	erp_ctx_free(e.ctx);
}

/* What create and update return is what get reads, lines in the same order. */
void test_entity__document_lines_come_back_in_one_order(void **state)
{
	env e;
	env_open(&e, state);
	json_t *d = ent_create_t(e.ctx, &e.w, "sales.order",
	                         "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"lines\":["
	                         "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"3.00\",\"sequence\":30},"
	                         "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.00\",\"sequence\":10},"
	                         "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"2.00\",\"sequence\":20}]}");
	json_t *g = ent_get(e.ctx, "sales.order", ent_id(d));
	assert_json_equal(d, g);
	char patch[300];
	snprintf(patch, sizeof patch, "{\"lines\":[{\"id\":\"%s\",\"sequence\":5},{\"id\":\"%s\"},{\"id\":\"%s\"}]}",
	         ent_id(line_at(g, 2)), ent_id(line_at(g, 0)), ent_id(line_at(g, 1)));
	json_t *u = ent_update(e.ctx, "sales.order", ent_id(d), 1, patch);
	json_t *g2 = ent_get(e.ctx, "sales.order", ent_id(d));
	assert_json_equal(u, g2);
	json_decref(g2);
	json_decref(u);
	json_decref(g);
	json_decref(d);
	erp_ctx_free(e.ctx);
}

void test_entity__deleting_a_document_deletes_its_lines(void **state)
{
	env e;
	env_open(&e, state);
	for (size_t t = 0; t < 2; t++) {
		json_t *keep = ent_create_t(e.ctx, &e.w, DOC_TYPES[t],
		                            "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"lines\":["
		                            "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.00\"}]}");
		json_t *d = ent_create_t(e.ctx, &e.w, DOC_TYPES[t],
		                         "{\"partner_id\":\"{partner}\",\"date\":\"2026-02-01\",\"lines\":["
		                         "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.00\"},"
		                         "{\"uom_id\":\"{kg}\",\"quantity\":\"2\",\"price_unit\":\"1.00\"},"
		                         "{\"uom_id\":\"{kg}\",\"quantity\":\"3\",\"price_unit\":\"1.00\"}]}");
		assert_int_equal(line_rows(&e, DOC_TYPES[t]), 4);
		json_t *r = ent_delete(e.ctx, DOC_TYPES[t], ent_id(d), 1);
		assert_string_equal(ent_str(r, "result"), "deleted");
		assert_int_equal(line_rows(&e, DOC_TYPES[t]), 1);
		erp_buf out = ERP_BUF_INIT;
		const char *lt = t == 0 ? "sales.order_line" : "purchase.order_line";
		for (size_t i = 0; i < 3; i++)
			assert_erp_error(erp_entity_get(&out, e.ctx, lt, ent_id(line_at(d, i))), ERP_ENOTFOUND, "id");
		json_t *g = ent_get(e.ctx, DOC_TYPES[t], ent_id(keep)); /* the other order keeps its line */
		assert_json_equal(keep, g);
		/* the history keeps the deleted document with its lines */
		json_t *h = ent_history(e.ctx, DOC_TYPES[t], ent_id(d));
		json_t *last = json_array_get(h, json_array_size(h) - 1);
		assert_string_equal(ent_str(last, "action"), "delete");
		assert_json_equal(d, json_object_get(last, "before"));
		json_decref(h);
		json_decref(g);
		erp_buf_dispose(&out);
		json_decref(r);
		json_decref(d);
		json_decref(keep);
	}
	erp_ctx_free(e.ctx);
}

ERP_CONFORMANCE_GROUP(130, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
