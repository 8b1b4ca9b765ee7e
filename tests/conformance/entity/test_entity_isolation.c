/*
 * Tenant isolation of entities: every entity function called with another
 * tenant's ids finds nothing (ERP_ENOTFOUND, or no list item), never
 * data, and changes nothing in either tenant.
 */
#include "conformance.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *type;
	char id[37];
} ref;

typedef struct {
	char tenant[37];
	erp_ctx *ctx;
	erp_ent_world w;
	ref refs[32];
	size_t n;
	char line[37];     /* a sales.order_line */
	char order[37];    /* its order */
} side;

static void add(side *s, const char *type, const char *id)
{
	s->refs[s->n].type = type;
	snprintf(s->refs[s->n].id, 37, "%s", id);
	s->n++;
}

static void add_created(side *s, const char *type, const char *tmpl)
{
	json_t *o = ent_create_t(s->ctx, &s->w, type, tmpl);
	add(s, type, ent_id(o));
	if (strcmp(type, "sales.order") == 0) {
		snprintf(s->order, sizeof s->order, "%s", ent_id(o));
		snprintf(s->line, sizeof s->line, "%s", ent_id(json_array_get(json_object_get(o, "lines"), 0)));
		add(s, "sales.order_line", s->line);
	}
	json_decref(o);
}

/* A tenant with one entity of every type. */
static void side_open(side *s, erp_store *store, int role)
{
	memset(s, 0, sizeof *s);
	erp_test_tenant(s->tenant, store);
	erp_ctx *rw = erp_test_ctx(store, s->tenant, ERP_ROLE_READWRITE);
	s->ctx = rw;
	erp_ent_world_build(&s->w, rw);
	add(s, "core.uom", s->w.unit);
	add(s, "core.uom", s->w.kg);
	add(s, "financial.account", s->w.account);
	add(s, "core.partner", s->w.partner);
	add(s, "core.product_category", s->w.category);
	add(s, "core.product", s->w.product);
	add(s, "financial.tax", s->w.tax);
	add(s, "inventory.warehouse", s->w.warehouse);
	add(s, "inventory.location", s->w.location);
	add(s, "analytics.account", s->w.analytic);
	add(s, "projects.project", s->w.project);
	add(s, "projects.task", s->w.task);
	add_created(s, "core.currency", "{\"code\":\"XTE\",\"name\":\"Secret crowns\",\"exponent\":3}");
	add_created(s, "financial.journal", "{\"code\":\"J{u}\",\"name\":\"Secret journal\"}");
	add_created(s, "projects.timesheet", "{\"task_id\":\"{task}\",\"date\":\"2026-01-01\",\"employee\":\"e\",\"hours\":\"1\"}");
	add_created(s, "sales.order", "{\"partner_id\":\"{partner}\",\"date\":\"2026-01-01\",\"note\":\"secret\",\"lines\":["
	                              "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"9.99\"}]}");
	add_created(s, "purchase.order", "{\"partner_id\":\"{partner}\",\"date\":\"2026-01-01\",\"lines\":["
	                                 "{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"9.99\"}]}");
	if (role != ERP_ROLE_READWRITE) {
		erp_ctx_free(rw);
		s->ctx = erp_test_ctx(store, s->tenant, role);
	}
}

static bool is_line_type(const char *type)
{
	return strstr(type, "_line") != NULL;
}

void test_entity__another_tenants_ids_are_never_found(void **state)
{
	erp_conformance_fixture *f = *state;
	side a, b;
	side_open(&a, f->store, ERP_ROLE_READWRITE);
	side_open(&b, f->store, ERP_ROLE_ADMIN);
	/* what A has, as A reads it */
	json_t *a_seen[32];
	for (size_t i = 0; i < a.n; i++)
		a_seen[i] = is_line_type(a.refs[i].type) ? NULL : ent_get(a.ctx, a.refs[i].type, a.refs[i].id);
	erp_ent_state a0 = erp_ent_state_of(f->store, a.tenant), b0 = erp_ent_state_of(f->store, b.tenant);
	erp_buf out = ERP_BUF_INIT;
	for (size_t i = 0; i < a.n; i++) {
		const char *type = a.refs[i].type, *id = a.refs[i].id;
		int rc = erp_entity_get(&out, b.ctx, type, id);
		if (rc != ERP_ENOTFOUND)
			fail_msg("B get %s %s: %s (%s)", type, id, erp_error_name(rc), rc == ERP_OK ? out.ptr : erp_error_last()->message);
		assert_erp_error(rc, ERP_ENOTFOUND, "id");
		if (!is_line_type(type)) {
			for (int64_t v = 1; v <= 2; v++) {
				assert_erp_error(erp_entity_update(&out, b.ctx, type, id, v, "{}"), ERP_ENOTFOUND, "id");
				assert_erp_error(erp_entity_delete(&out, b.ctx, type, id, v), ERP_ENOTFOUND, "id");
			}
		}
		/* lists: not by id, not by anything */
		char q[300];
		snprintf(q, sizeof q, "{\"filter\":[[\"id\",\"eq\",\"%s\"]],\"include_archived\":true,\"count\":true}", id);
		json_t *l = ent_list(b.ctx, type, q);
		assert_int_equal(json_array_size(json_object_get(l, "items")), 0);
		assert_int_equal(json_integer_value(json_object_get(l, "total")), 0);
		json_decref(l);
		if (is_line_type(type)) /* by their order (reading lines is checked in entity_documents) */
			snprintf(q, sizeof q, "{\"filter\":[[\"order_id\",\"eq\",\"%s\"]],\"include_archived\":true}", a.order);
		else
			snprintf(q, sizeof q, "{\"include_archived\":true,\"limit\":1000}");
		l = ent_list(b.ctx, type, q);
		json_t *ids = ent_item_ids(l);
		size_t k;
		json_t *v;
		json_array_foreach(ids, k, v)
			for (size_t m = 0; m < a.n; m++)
				if (strcmp(json_string_value(v), a.refs[m].id) == 0)
					fail_msg("B's list of %s shows A's %s %s", type, a.refs[m].type, a.refs[m].id);
		json_decref(ids);
		json_decref(l);
	}
	/* A's line id in B's own order */
	char patch[200];
	snprintf(patch, sizeof patch, "{\"lines\":[{\"id\":\"%s\",\"quantity\":\"5\"}]}", a.line);
	assert_erp_error(erp_entity_update(&out, b.ctx, "sales.order", b.order, 1, patch), ERP_ENOTFOUND, "id");
	/* A's text never shows in B's lists */
	json_t *bl = ent_list(b.ctx, "sales.order", "{\"filter\":[[\"note\",\"eq\",\"secret\"]],\"count\":true}");
	assert_int_equal(json_array_size(json_object_get(bl, "items")), 1); /* B's own */
	assert_string_equal(ent_str(json_array_get(json_object_get(bl, "items"), 0), "id"), b.order);
	json_decref(bl);
	/* nothing changed on either side; A still reads the same */
	assert_ent_state_equal(a0, erp_ent_state_of(f->store, a.tenant));
	assert_ent_state_equal(b0, erp_ent_state_of(f->store, b.tenant));
	for (size_t i = 0; i < a.n; i++) {
		if (!a_seen[i])
			continue;
		json_t *g = ent_get(a.ctx, a.refs[i].type, a.refs[i].id);
		assert_json_equal(a_seen[i], g);
		json_decref(g);
		json_decref(a_seen[i]);
	}
	erp_buf_dispose(&out);
	erp_ctx_free(a.ctx);
	erp_ctx_free(b.ctx);
}

/* The audit history of another tenant's entity is not found either (erp/entity.h: "never data"). */
void test_entity__history_of_another_tenants_id_is_not_found(void **state)
{
	erp_conformance_fixture *f = *state;
	side a, b;
	side_open(&a, f->store, ERP_ROLE_READWRITE);
	side_open(&b, f->store, ERP_ROLE_ADMIN);
	erp_buf out = ERP_BUF_INIT;
	for (size_t i = 0; i < a.n; i++) {
		if (is_line_type(a.refs[i].type))
			continue;
		int rc = erp_entity_history(&out, b.ctx, a.refs[i].type, a.refs[i].id);
		if (rc == ERP_OK) {
			json_t *h = erp_test_json(out.ptr);
			if (json_array_size(h) != 0)
				fail_msg("B reads the history of A's %s: %.300s", a.refs[i].type, out.ptr);
			json_decref(h);
			fail_msg("B's history of A's %s %s is ERP_OK with no entries; expected ERP_ENOTFOUND", a.refs[i].type,
			         a.refs[i].id);
		}
		assert_erp_error(rc, ERP_ENOTFOUND, "id");
	}
	/* A reads its own */
	json_t *h = ent_history(a.ctx, "core.partner", a.w.partner);
	assert_int_equal(json_array_size(h), 1);
	json_decref(h);
	erp_buf_dispose(&out);
	erp_ctx_free(a.ctx);
	erp_ctx_free(b.ctx);
}

/* The same unique values and codes live side by side in two tenants. */
void test_entity__tenants_have_their_own_unique_values(void **state)
{
	erp_conformance_fixture *f = *state;
	side a, b;
	side_open(&a, f->store, ERP_ROLE_READWRITE);
	side_open(&b, f->store, ERP_ROLE_READWRITE);
	json_t *xa = ent_create(a.ctx, "financial.account", "{\"code\":\"SAME\",\"name\":\"A's\",\"type\":\"asset\"}");
	json_t *xb = ent_create(b.ctx, "financial.account", "{\"code\":\"SAME\",\"name\":\"B's\",\"type\":\"asset\"}");
	json_t *la = ent_list(a.ctx, "financial.account", "{\"filter\":[[\"code\",\"eq\",\"SAME\"]]}");
	assert_int_equal(json_array_size(json_object_get(la, "items")), 1);
	assert_string_equal(ent_str(json_array_get(json_object_get(la, "items"), 0), "name"), "A's");
	/* B deleting its account leaves A's */
	json_decref(ent_delete(b.ctx, "financial.account", ent_id(xb), 1));
	json_t *g = ent_get(a.ctx, "financial.account", ent_id(xa));
	assert_json_equal(xa, g);
	/* a currency of B's own does not exist for A */
	erp_ent_refused_create_at(a.ctx, f->store, a.tenant, "core.partner",
	                          "{\"name\":\"n\",\"currency\":\"XTF\",\"credit_limit\":\"1.005\"}", ERP_EINVALID, "currency",
	                          __FILE__, __LINE__);
	json_decref(ent_create(b.ctx, "core.currency", "{\"code\":\"XTF\",\"name\":\"B only\",\"exponent\":3}"));
	erp_ent_refused_create_at(a.ctx, f->store, a.tenant, "core.partner",
	                          "{\"name\":\"n\",\"currency\":\"XTF\",\"credit_limit\":\"1.005\"}", ERP_EINVALID, "currency",
	                          __FILE__, __LINE__);
	json_decref(g);
	json_decref(la);
	json_decref(xa);
	json_decref(xb);
	erp_ctx_free(a.ctx);
	erp_ctx_free(b.ctx);
}

ERP_CONFORMANCE_GROUP(150, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
