/*
 * Audit history of entities (erp_entity_history): every write appends
 * one entry (who, when, action, before, after), oldest first; refused
 * writes append none.
 */
#include "conformance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *entry(const json_t *h, size_t i)
{
	json_t *e = json_array_get(h, i);
	assert_non_null(e);
	return e;
}

static void assert_entry(const json_t *e, const char *action, const char *actor, const json_t *before, const json_t *after)
{
	assert_string_equal(ent_str(e, "action"), action);
	assert_string_equal(ent_str(e, "actor"), actor);
	assert_non_null(ent_str(e, "at"));
	assert_non_null(ent_str(e, "id"));
	json_t *b = json_object_get(e, "before"), *a = json_object_get(e, "after");
	assert_non_null(b);
	assert_non_null(a);
	if (before)
		assert_json_equal(before, b);
	else
		assert_true(json_is_null(b));
	if (after)
		assert_json_equal(after, a);
	else
		assert_true(json_is_null(a));
}

static erp_ctx *as(erp_store *store, const char *tenant, const char *user)
{
	erp_ctx *ctx = NULL;
	assert_erp_ok(erp_ctx_new(&ctx, store, tenant, user, ERP_ROLE_READWRITE));
	return ctx;
}

void test_entity__history_records_create_update_delete_in_order(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *alice = as(f->store, tenant, "alice"), *bob = as(f->store, tenant, "bob");
	json_t *c = ent_create(alice, "core.partner", "{\"name\":\"Hist\",\"city\":\"Lyon\",\"credit_limit\":\"10.00\"}");
	assert_string_equal(ent_str(c, "created_by"), "alice");
	json_t *u1 = ent_update(bob, "core.partner", ent_id(c), 1, "{\"city\":\"Paris\"}");
	assert_string_equal(ent_str(u1, "updated_by"), "bob");
	assert_string_equal(ent_str(u1, "created_by"), "alice");
	json_t *u2 = ent_update(alice, "core.partner", ent_id(c), 2, "{\"credit_limit\":null,\"tags\":{\"k\":[1]}}");
	/* refused writes leave no trace */
	erp_buf out = ERP_BUF_INIT;
	assert_erp_error(erp_entity_update(&out, bob, "core.partner", ent_id(c), 1, "{\"city\":\"Rome\"}"), ERP_ECONFLICT, "version");
	assert_erp_error(erp_entity_update(&out, bob, "core.partner", ent_id(c), 3, "{\"city\":5}"), ERP_EINVALID, "city");
	assert_erp_error(erp_entity_delete(&out, bob, "core.partner", ent_id(c), 2), ERP_ECONFLICT, "version");
	/* another entity's writes are not in this history */
	json_t *other = ent_create(alice, "core.partner", "{\"name\":\"Other\"}");
	json_t *h = ent_history(bob, "core.partner", ent_id(c));
	assert_int_equal(json_array_size(h), 3);
	assert_entry(entry(h, 0), "create", "alice", NULL, c);
	assert_entry(entry(h, 1), "update", "bob", c, u1);
	assert_entry(entry(h, 2), "update", "alice", u1, u2);
	json_decref(h);
	json_t *d = ent_delete(bob, "core.partner", ent_id(c), 3);
	assert_string_equal(ent_str(d, "result"), "deleted");
	/* the history outlives the entity */
	h = ent_history(alice, "core.partner", ent_id(c));
	assert_int_equal(json_array_size(h), 4);
	assert_entry(entry(h, 3), "delete", "bob", u2, NULL);
	for (size_t i = 1; i < 4; i++) {
		assert_true(strcmp(ent_str(entry(h, i - 1), "at"), ent_str(entry(h, i), "at")) <= 0);
		assert_string_not_equal(ent_str(entry(h, i - 1), "id"), ent_str(entry(h, i), "id"));
	}
	json_t *ho = ent_history(alice, "core.partner", ent_id(other));
	assert_int_equal(json_array_size(ho), 1);
	assert_entry(entry(ho, 0), "create", "alice", NULL, other);
	/* history is per type: the same id under another type has none (or is not found) */
	int rc = erp_entity_history(&out, alice, "core.uom", ent_id(c));
	if (rc == ERP_OK) {
		json_t *hu = erp_test_json(out.ptr);
		assert_int_equal(json_array_size(hu), 0);
		json_decref(hu);
	} else {
		assert_erp_error(rc, ERP_ENOTFOUND, "id");
	}
	erp_buf_dispose(&out);
	json_decref(ho);
	json_decref(h);
	json_decref(d);
	json_decref(other);
	json_decref(u2);
	json_decref(u1);
	json_decref(c);
	erp_ctx_free(alice);
	erp_ctx_free(bob);
}

void test_entity__history_records_archiving(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *ctx = as(f->store, tenant, "carol");
	json_t *uom = ent_create(ctx, "core.uom", "{\"name\":\"kg\",\"precision\":3}");
	char j[200];
	snprintf(j, sizeof j, "{\"name\":\"flour\",\"uom_id\":\"%s\"}", ent_id(uom));
	json_t *prod = ent_create(ctx, "core.product", j);
	json_t *a = ent_delete(ctx, "core.uom", ent_id(uom), 1);
	assert_string_equal(ent_str(a, "result"), "archived");
	assert_string_equal(ent_str(a, "referenced_by"), "core.product");
	json_t *after = ent_get(ctx, "core.uom", ent_id(uom));
	json_t *h = ent_history(ctx, "core.uom", ent_id(uom));
	assert_int_equal(json_array_size(h), 2);
	assert_entry(entry(h, 0), "create", "carol", NULL, uom);
	assert_entry(entry(h, 1), "archive", "carol", uom, after);
	assert_true(json_is_true(json_object_get(json_object_get(entry(h, 1), "after"), "archived")));
	json_decref(h);
	json_decref(after);
	json_decref(a);
	json_decref(prod);
	json_decref(uom);
	erp_ctx_free(ctx);
}

void test_entity__history_of_a_document_carries_its_lines(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *ctx = as(f->store, tenant, "dave");
	erp_ent_world w;
	erp_ent_world_build(&w, ctx);
	json_t *o = ent_create_t(ctx, &w, "purchase.order",
	                         "{\"partner_id\":\"{partner}\",\"date\":\"2026-01-01\",\"lines\":["
	                         "{\"uom_id\":\"{unit}\",\"quantity\":\"2\",\"price_unit\":\"3.00\"}]}");
	char patch[300];
	snprintf(patch, sizeof patch, "{\"lines\":[{\"id\":\"%s\",\"quantity\":\"3\"}]}",
	         ent_id(json_array_get(json_object_get(o, "lines"), 0)));
	json_t *u = ent_update(ctx, "purchase.order", ent_id(o), 1, patch);
	assert_string_equal(ent_str(u, "amount_total"), "9.00");
	json_t *h = ent_history(ctx, "purchase.order", ent_id(o));
	assert_int_equal(json_array_size(h), 2);
	assert_entry(entry(h, 0), "create", "dave", NULL, o);
	assert_entry(entry(h, 1), "update", "dave", o, u);
	json_decref(h);
	json_decref(u);
	json_decref(o);
	erp_ctx_free(ctx);
}

ERP_CONFORMANCE_GROUP(170, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
