/*
 * Roles on entities: readonly reads (get, list, history) and may not
 * write; readwrite and admin write. Checked on every call, before
 * anything is written.
 */
#include "conformance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void test_entity__readonly_reads_and_may_not_write(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *rw = erp_test_ctx(f->store, tenant, ERP_ROLE_READWRITE);
	erp_ctx *ro = erp_test_ctx(f->store, tenant, ERP_ROLE_READONLY);
	erp_ent_world w;
	erp_ent_world_build(&w, rw);
	json_t *order = ent_create_t(rw, &w, "sales.order",
	                             "{\"partner_id\":\"{partner}\",\"date\":\"2026-01-01\",\"lines\":["
	                             "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"2.00\"}]}");
	/* reads */
	json_t *g = ent_get(ro, "sales.order", ent_id(order));
	assert_json_equal(order, g);
	json_t *p = ent_get(ro, "core.partner", w.partner);
	json_t *l = ent_list(ro, "core.partner", "{\"count\":true}");
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 1);
	json_t *h = ent_history(ro, "core.partner", w.partner);
	assert_int_equal(json_array_size(h), 1);
	/* writes */
	erp_ent_state s0 = erp_ent_state_of(f->store, tenant);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_error(erp_entity_create(&out, ro, "core.partner", "{\"name\":\"nope\"}"), ERP_EPERM, NULL);
	assert_erp_error(erp_entity_create(&out, ro, "core.partner", "not even JSON"), ERP_EPERM, NULL);
	assert_erp_error(erp_entity_update(&out, ro, "core.partner", w.partner, 1, "{\"name\":\"nope\"}"), ERP_EPERM, NULL);
	assert_erp_error(erp_entity_update(&out, ro, "sales.order", ent_id(order), 1, "{\"lines\":[]}"), ERP_EPERM, NULL);
	assert_erp_error(erp_entity_delete(&out, ro, "core.partner", w.partner, 1), ERP_EPERM, NULL);
	assert_erp_error(erp_entity_delete(&out, ro, "sales.order", ent_id(order), 1), ERP_EPERM, NULL);
	assert_erp_error(erp_entity_delete(&out, ro, "core.uom", w.unit, 1), ERP_EPERM, NULL);
	assert_null(out.ptr);
	assert_ent_state_equal(s0, erp_ent_state_of(f->store, tenant));
	json_t *p2 = ent_get(ro, "core.partner", w.partner);
	assert_json_equal(p, p2);
	json_t *g2 = ent_get(ro, "sales.order", ent_id(order));
	assert_json_equal(order, g2);
	json_decref(g2);
	json_decref(p2);
	json_decref(h);
	json_decref(l);
	json_decref(p);
	json_decref(g);
	json_decref(order);
	erp_ctx_free(ro);
	erp_ctx_free(rw);
}

void test_entity__readwrite_and_admin_write(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	const int roles[] = { ERP_ROLE_READWRITE, ERP_ROLE_ADMIN };
	for (size_t i = 0; i < 2; i++) {
		erp_ctx *ctx = erp_test_ctx(f->store, tenant, roles[i]);
		json_t *c = ent_create(ctx, "core.partner", "{\"name\":\"writer\"}");
		json_t *u = ent_update(ctx, "core.partner", ent_id(c), 1, "{\"name\":\"rewritten\"}");
		assert_string_equal(ent_str(u, "name"), "rewritten");
		json_t *d = ent_delete(ctx, "core.partner", ent_id(c), 2);
		assert_string_equal(ent_str(d, "result"), "deleted");
		json_decref(d);
		json_decref(u);
		json_decref(c);
		erp_ctx_free(ctx);
	}
	assert_int_equal(erp_test_count(f->store, tenant, "{core.partners}"), 0);
	assert_int_equal(erp_test_count(f->store, tenant, "{system.audit_log}"), 6);
}

/* A readonly context is refused before its input is even looked at: nothing is written for any type. */
void test_entity__readonly_is_refused_for_every_type(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *rw = erp_test_ctx(f->store, tenant, ERP_ROLE_READWRITE);
	erp_ctx *ro = erp_test_ctx(f->store, tenant, ERP_ROLE_READONLY);
	erp_ent_world w;
	erp_ent_world_build(&w, rw);
	erp_buf types = ERP_BUF_INIT;
	assert_erp_ok(erp_entity_types(&types));
	json_t *all = erp_test_json(types.ptr);
	erp_ent_state s0 = erp_ent_state_of(f->store, tenant);
	size_t i;
	json_t *t;
	erp_buf out = ERP_BUF_INIT;
	json_array_foreach(all, i, t) {
		const char *type = json_string_value(json_object_get(t, "type"));
		assert_erp_error(erp_entity_create(&out, ro, type, "{}"), ERP_EPERM, NULL);
		assert_erp_error(erp_entity_update(&out, ro, type, w.partner, 1, "{}"), ERP_EPERM, NULL);
		assert_erp_error(erp_entity_delete(&out, ro, type, w.partner, 1), ERP_EPERM, NULL);
		json_t *l = ent_list(ro, type, NULL); /* and reads every type */
		json_decref(l);
	}
	assert_ent_state_equal(s0, erp_ent_state_of(f->store, tenant));
	json_decref(all);
	erp_buf_dispose(&types);
	erp_ctx_free(ro);
	erp_ctx_free(rw);
}

ERP_CONFORMANCE_GROUP(160, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
