/*
 * Entity validation (erp/entity.h): every kind of bad input is refused
 * with the right code and field in erp_error_last(), before anything is
 * written (entity rows, versions and audit log unchanged).
 */
#include "conformance.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per-test setup: a tenant, a readwrite context and a world of entities. */
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

static void env_close(env *e)
{
	erp_ctx_free(e->ctx);
}

/* A create (JSON template) that must be refused, writing nothing. */
#define REFUSE(e, type, tmpl, code, field)                                                                        \
	do {                                                                                                          \
		char *j_ = erp_ent_expand(&(e)->w, (tmpl), NULL);                                                         \
		erp_ent_refused_create_at((e)->ctx, (e)->store, (e)->tenant, (type), j_, (code), (field), __FILE__, __LINE__); \
		free(j_);                                                                                                 \
	} while (0)

/* An update (JSON template) that must be refused, changing nothing. */
#define REFUSE_UPDATE(e, type, id, version, tmpl, code, field)                                                     \
	do {                                                                                                          \
		char *j_ = erp_ent_expand(&(e)->w, (tmpl), (id));                                                         \
		erp_ent_refused_update_at((e)->ctx, (e)->store, (e)->tenant, (type), (id), (version), j_, (code), (field), \
		                          __FILE__, __LINE__);                                                            \
		free(j_);                                                                                                 \
	} while (0)

/* A create (template) that must succeed; returns the output. */
#define ACCEPT(e, type, tmpl) ent_create_t((e)->ctx, &(e)->w, (type), (tmpl))

/* The template of an order with one line whose members are `line`. */
static char *order_with_line(const char *line)
{
	char *s = malloc(strlen(line) + 200);
	assert_non_null(s);
	sprintf(s, "{\"partner_id\":\"{partner}\",\"date\":\"2026-01-10\",\"lines\":[{%s}]}", line);
	return s;
}

void test_entity__unknown_type_is_refused_by_every_call(void **state)
{
	env e;
	env_open(&e, state);
	erp_ent_state s0 = erp_ent_state_of(e.store, e.tenant);
	const char *bad[] = { "core.nope", "", "core.partner ", "Core.Partner", "core.partner; DROP TABLE x", "core",
	                      "auth.users", "system.audit_log" };
	erp_buf out = ERP_BUF_INIT;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_erp_error(erp_entity_create(&out, e.ctx, bad[i], "{\"name\":\"x\"}"), ERP_EINVALID, "type");
		assert_erp_error(erp_entity_get(&out, e.ctx, bad[i], e.w.partner), ERP_EINVALID, "type");
		assert_erp_error(erp_entity_update(&out, e.ctx, bad[i], e.w.partner, 1, "{\"name\":\"x\"}"), ERP_EINVALID, "type");
		assert_erp_error(erp_entity_delete(&out, e.ctx, bad[i], e.w.partner, 1), ERP_EINVALID, "type");
		assert_erp_error(erp_entity_list(&out, e.ctx, bad[i], NULL), ERP_EINVALID, "type");
		assert_erp_error(erp_entity_history(&out, e.ctx, bad[i], e.w.partner), ERP_EINVALID, "type");
	}
	assert_erp_error(erp_entity_create(&out, e.ctx, NULL, "{\"name\":\"x\"}"), ERP_EINVALID, "type");
	assert_erp_error(erp_entity_get(&out, e.ctx, NULL, e.w.partner), ERP_EINVALID, "type");
	assert_ent_state_equal(s0, erp_ent_state_of(e.store, e.tenant));
	assert_null(out.ptr);
	env_close(&e);
}

void test_entity__bad_arguments_are_refused(void **state)
{
	env e;
	env_open(&e, state);
	erp_ent_state s0 = erp_ent_state_of(e.store, e.tenant);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_error(erp_entity_create(&out, NULL, "core.partner", "{\"name\":\"x\"}"), ERP_EINVALID, NULL);
	assert_erp_error(erp_entity_create(&out, e.ctx, "core.partner", NULL), ERP_EINVALID, "json");
	assert_erp_error(erp_entity_get(NULL, e.ctx, "core.partner", e.w.partner), ERP_EINVALID, "out");
	assert_erp_error(erp_entity_list(NULL, e.ctx, "core.partner", NULL), ERP_EINVALID, "out");
	assert_erp_error(erp_entity_history(NULL, e.ctx, "core.partner", e.w.partner), ERP_EINVALID, "out");
	const char *bad_ids[] = { "", "x", "0190", "not-a-uuid-at-all-not-a-uuid-at-all!", "'; DROP TABLE core_partners; --" };
	for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
		assert_erp_error(erp_entity_get(&out, e.ctx, "core.partner", bad_ids[i]), ERP_EINVALID, "id");
		assert_erp_error(erp_entity_update(&out, e.ctx, "core.partner", bad_ids[i], 1, "{}"), ERP_EINVALID, "id");
		assert_erp_error(erp_entity_delete(&out, e.ctx, "core.partner", bad_ids[i], 1), ERP_EINVALID, "id");
		assert_erp_error(erp_entity_history(&out, e.ctx, "core.partner", bad_ids[i]), ERP_EINVALID, "id");
	}
	assert_erp_error(erp_entity_get(&out, e.ctx, "core.partner", NULL), ERP_EINVALID, "id");
	assert_erp_error(erp_entity_update(&out, e.ctx, "core.partner", e.w.partner, 0, "{\"name\":\"y\"}"), ERP_EINVALID,
	                 "version");
	assert_erp_error(erp_entity_update(&out, e.ctx, "core.partner", e.w.partner, -3, "{\"name\":\"y\"}"), ERP_EINVALID,
	                 "version");
	assert_erp_error(erp_entity_delete(&out, e.ctx, "core.partner", e.w.partner, 0), ERP_EINVALID, "version");
	assert_erp_error(erp_entity_update(&out, e.ctx, "core.partner", e.w.partner, 1, NULL), ERP_EINVALID, "json");
	/* a well-formed id that does not exist */
	const char *missing = "01900000-0000-7000-8000-000000000000";
	assert_erp_error(erp_entity_get(&out, e.ctx, "core.partner", missing), ERP_ENOTFOUND, "id");
	assert_erp_error(erp_entity_update(&out, e.ctx, "core.partner", missing, 1, "{\"name\":\"y\"}"), ERP_ENOTFOUND, "id");
	assert_erp_error(erp_entity_delete(&out, e.ctx, "core.partner", missing, 1), ERP_ENOTFOUND, "id");
	/* an id of another type is not found either */
	assert_erp_error(erp_entity_get(&out, e.ctx, "core.partner", e.w.unit), ERP_ENOTFOUND, "id");
	assert_erp_error(erp_entity_update(&out, e.ctx, "core.partner", e.w.unit, 1, "{\"name\":\"y\"}"), ERP_ENOTFOUND, "id");
	assert_erp_error(erp_entity_delete(&out, e.ctx, "core.partner", e.w.unit, 1), ERP_ENOTFOUND, "id");
	assert_ent_state_equal(s0, erp_ent_state_of(e.store, e.tenant));
	assert_null(out.ptr);
	env_close(&e);
}

void test_entity__unknown_fields_are_refused_and_named(void **state)
{
	env e;
	env_open(&e, state);
	REFUSE(&e, "core.partner", "{\"name\":\"x\",\"bogus\":1}", ERP_EINVALID, "bogus");
	REFUSE(&e, "core.partner", "{\"name\":\"x\",\"Name\":\"y\"}", ERP_EINVALID, "Name");
	REFUSE(&e, "core.partner", "{\"name\":\"x\",\"\":1}", ERP_EINVALID, "");
	REFUSE(&e, "core.partner", "{\"name\":\"x\",\"lines\":[]}", ERP_EINVALID, "lines"); /* not a document */
	REFUSE(&e, "core.uom", "{\"name\":\"x\",\"precision\":0,\"name; DROP TABLE core_uoms\":1}", ERP_EINVALID,
	       "name; DROP TABLE core_uoms");
	char *o = order_with_line("\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.00\",\"bogus\":true");
	REFUSE(&e, "sales.order", o, ERP_EINVALID, "bogus");
	free(o);
	REFUSE_UPDATE(&e, "core.partner", e.w.partner, 1, "{\"bogus\":1}", ERP_EINVALID, "bogus");
	REFUSE_UPDATE(&e, "core.partner", e.w.partner, 1, "{\"city\":\"Nice\",\"bogus\":1}", ERP_EINVALID, "bogus");
	env_close(&e);
}

void test_entity__system_fields_cannot_be_given(void **state)
{
	env e;
	env_open(&e, state);
	const char *keys[] = { "id", "version", "created_at", "created_by", "updated_at", "updated_by", "archived", "tenant_id" };
	const char *values[] = { "\"01900000-0000-7000-8000-000000000000\"", "7", "\"2026-01-01T00:00:00Z\"", "\"mallory\"",
	                         "\"2026-01-01T00:00:00Z\"", "\"mallory\"", "true", "\"01900000-0000-7000-8000-000000000000\"" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		char j[200];
		snprintf(j, sizeof j, "{\"name\":\"sys\",\"%s\":%s}", keys[i], values[i]);
		REFUSE(&e, "core.partner", j, ERP_EINVALID, keys[i]);
		snprintf(j, sizeof j, "{\"%s\":%s}", keys[i], values[i]);
		REFUSE_UPDATE(&e, "core.partner", e.w.partner, 1, j, ERP_EINVALID, keys[i]);
	}
	env_close(&e);
}

void test_entity__read_only_fields_cannot_be_given(void **state)
{
	env e;
	env_open(&e, state);
	REFUSE(&e, "sales.order", "{\"partner_id\":\"{partner}\",\"date\":\"2026-01-10\",\"amount_total\":\"0.00\"}", ERP_EINVALID,
	       "amount_total");
	REFUSE(&e, "purchase.order", "{\"partner_id\":\"{partner}\",\"date\":\"2026-01-10\",\"amount_total\":\"5.00\"}",
	       ERP_EINVALID, "amount_total");
	char *o = order_with_line("\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.00\",\"amount\":\"1.00\"");
	REFUSE(&e, "sales.order", o, ERP_EINVALID, "amount");
	free(o);
	o = order_with_line("\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.00\",\"order_id\":\"{partner}\"");
	REFUSE(&e, "sales.order", o, ERP_EINVALID, "order_id");
	free(o);
	json_t *so = ACCEPT(&e, "sales.order", "{\"partner_id\":\"{partner}\",\"date\":\"2026-01-10\"}");
	assert_string_equal(ent_str(so, "amount_total"), "0.00");
	REFUSE_UPDATE(&e, "sales.order", ent_id(so), 1, "{\"amount_total\":\"100.00\"}", ERP_EINVALID, "amount_total");
	json_decref(so);
	env_close(&e);
}

void test_entity__immutable_fields_cannot_change(void **state)
{
	env e;
	env_open(&e, state);
	REFUSE_UPDATE(&e, "core.uom", e.w.kg, 1, "{\"precision\":2}", ERP_EINVALID, "precision");
	REFUSE_UPDATE(&e, "core.uom", e.w.kg, 1, "{\"name\":\"kilo\",\"precision\":4}", ERP_EINVALID, "precision");
	REFUSE_UPDATE(&e, "core.product", e.w.product, 1, "{\"uom_id\":\"{kg}\"}", ERP_EINVALID, "uom_id");
	REFUSE_UPDATE(&e, "inventory.location", e.w.location, 1, "{\"usage\":\"view\"}", ERP_EINVALID, "usage");
	json_t *cur = ACCEPT(&e, "core.currency", "{\"code\":\"XTE\",\"name\":\"T\",\"exponent\":3}");
	REFUSE_UPDATE(&e, "core.currency", ent_id(cur), 1, "{\"exponent\":2}", ERP_EINVALID, "exponent");
	REFUSE_UPDATE(&e, "core.currency", ent_id(cur), 1, "{\"code\":\"XTF\"}", ERP_EINVALID, "code");
	/* the mutable fields next to them still change */
	json_t *u = ent_update(e.ctx, "core.uom", e.w.kg, 1, "{\"name\":\"kilogram\"}");
	assert_int_equal(json_integer_value(json_object_get(u, "precision")), 3);
	json_decref(u);
	json_decref(cur);
	env_close(&e);
}

/* One wrong JSON value per kind of field (and a few per kind). */
void test_entity__wrong_json_types_are_refused_for_every_kind(void **state)
{
	env e;
	env_open(&e, state);
	static const struct {
		const char *type, *base, *field, *value;
	} cases[] = {
		/* text */
		{ "core.partner", "\"name\":\"n\"", "city", "5" },
		{ "core.partner", "\"name\":\"n\"", "city", "true" },
		{ "core.partner", "\"name\":\"n\"", "city", "[\"Paris\"]" },
		{ "core.partner", "\"name\":\"n\"", "city", "{\"v\":\"Paris\"}" },
		/* integer */
		{ "core.uom", "\"name\":\"u\"", "precision", "\"abc\"" },
		{ "core.uom", "\"name\":\"u\"", "precision", "1.5" },
		{ "core.uom", "\"name\":\"u\"", "precision", "2.0" },
		{ "core.uom", "\"name\":\"u\"", "precision", "\"1.5\"" },
		{ "core.uom", "\"name\":\"u\"", "precision", "true" },
		{ "core.uom", "\"name\":\"u\"", "precision", "[1]" },
		/* decimal */
		{ "financial.tax", "\"name\":\"t\"", "rate", "0.2" },
		{ "financial.tax", "\"name\":\"t\"", "rate", "true" },
		{ "financial.tax", "\"name\":\"t\"", "rate", "\"abc\"" },
		{ "financial.tax", "\"name\":\"t\"", "rate", "\"2e-1\"" },
		{ "financial.tax", "\"name\":\"t\"", "rate", "\"\"" },
		{ "financial.tax", "\"name\":\"t\"", "rate", "\".2\"" },
		{ "financial.tax", "\"name\":\"t\"", "rate", "\"0.\"" },
		{ "financial.tax", "\"name\":\"t\"", "rate", "\"0,2\"" },
		/* money */
		{ "core.partner", "\"name\":\"n\"", "credit_limit", "12.5" },
		{ "core.partner", "\"name\":\"n\"", "credit_limit", "1e3" },
		{ "core.partner", "\"name\":\"n\"", "credit_limit", "true" },
		{ "core.partner", "\"name\":\"n\"", "credit_limit", "{}" },
		{ "core.partner", "\"name\":\"n\"", "credit_limit", "\"12,50\"" },
		{ "core.partner", "\"name\":\"n\"", "credit_limit", "\"1e3\"" },
		{ "core.partner", "\"name\":\"n\"", "credit_limit", "\" 1.00\"" },
		{ "core.partner", "\"name\":\"n\"", "credit_limit", "\"$1.00\"" },
		{ "core.partner", "\"name\":\"n\"", "credit_limit", "\"NaN\"" },
		{ "core.partner", "\"name\":\"n\"", "credit_limit", "\"--1\"" },
		/* date */
		{ "projects.project", "\"name\":\"p\"", "start_date", "20260101" },
		{ "projects.project", "\"name\":\"p\"", "start_date", "\"2026/01/01\"" },
		{ "projects.project", "\"name\":\"p\"", "start_date", "\"01-01-2026\"" },
		{ "projects.project", "\"name\":\"p\"", "start_date", "\"2026-01-01T00:00:00Z\"" },
		{ "projects.project", "\"name\":\"p\"", "start_date", "\"\"" },
		/* datetime */
		{ "projects.task", "\"name\":\"t\",\"project_id\":\"{project}\"", "closed_at", "5" },
		{ "projects.task", "\"name\":\"t\",\"project_id\":\"{project}\"", "closed_at", "\"2026-01-01\"" },
		{ "projects.task", "\"name\":\"t\",\"project_id\":\"{project}\"", "closed_at", "true" },
		/* boolean */
		{ "core.partner", "\"name\":\"n\"", "is_customer", "\"true\"" },
		{ "core.partner", "\"name\":\"n\"", "is_customer", "1" },
		{ "core.partner", "\"name\":\"n\"", "is_customer", "0" },
		{ "core.partner", "\"name\":\"n\"", "is_customer", "[]" },
		/* enum */
		{ "core.partner", "\"name\":\"n\"", "kind", "1" },
		{ "core.partner", "\"name\":\"n\"", "kind", "[\"company\"]" },
		{ "core.partner", "\"name\":\"n\"", "kind", "true" },
		/* reference */
		{ "core.partner", "\"name\":\"n\"", "parent_id", "5" },
		{ "core.partner", "\"name\":\"n\"", "parent_id", "\"not-a-uuid\"" },
		{ "core.partner", "\"name\":\"n\"", "parent_id", "\"\"" },
		{ "core.partner", "\"name\":\"n\"", "parent_id", "{\"id\":\"{partner}\"}" },
		{ "core.partner", "\"name\":\"n\"", "parent_id", "[\"{partner}\"]" },
		/* currency */
		{ "core.partner", "\"name\":\"n\"", "currency", "\"usd\"" },
		{ "core.partner", "\"name\":\"n\"", "currency", "\"US\"" },
		{ "core.partner", "\"name\":\"n\"", "currency", "\"USDX\"" },
		{ "core.partner", "\"name\":\"n\"", "currency", "840" },
		{ "core.partner", "\"name\":\"n\"", "currency", "\"XYZ\"" }, /* well formed, unknown */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char tmpl[400];
		snprintf(tmpl, sizeof tmpl, "{%s,\"%s\":%s}", cases[i].base, cases[i].field, cases[i].value);
		REFUSE(&e, cases[i].type, tmpl, ERP_EINVALID, cases[i].field);
	}
	/* the same values as changes */
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (strcmp(cases[i].type, "core.partner") != 0 || strcmp(cases[i].field, "currency") == 0)
			continue;
		char tmpl[200];
		snprintf(tmpl, sizeof tmpl, "{\"%s\":%s}", cases[i].field, cases[i].value);
		REFUSE_UPDATE(&e, "core.partner", e.w.partner, 1, tmpl, ERP_EINVALID, cases[i].field);
	}
	/* a json field takes any JSON value */
	const char *any[] = { "12.5", "\"s\"", "[1,[2,{\"a\":null}]]", "{\"x\":{\"y\":[true,false]}}", "0", "false" };
	for (size_t i = 0; i < sizeof any / sizeof any[0]; i++) {
		char j[200];
		snprintf(j, sizeof j, "{\"name\":\"j\",\"tags\":%s}", any[i]);
		json_t *p = ent_create(e.ctx, "core.partner", j);
		json_t *want = erp_test_json(any[i]);
		assert_json_equal(want, json_object_get(p, "tags"));
		json_t *g = ent_get(e.ctx, "core.partner", ent_id(p));
		assert_json_equal(p, g);
		json_decref(g);
		json_decref(want);
		json_decref(p);
	}
	env_close(&e);
}

void test_entity__missing_required_fields_are_refused(void **state)
{
	env e;
	env_open(&e, state);
	REFUSE(&e, "core.partner", "{}", ERP_EINVALID, "name");
	REFUSE(&e, "core.partner", "{\"city\":\"Lyon\"}", ERP_EINVALID, "name");
	REFUSE(&e, "financial.account", "{\"code\":\"1\",\"name\":\"x\"}", ERP_EINVALID, "type");
	REFUSE(&e, "financial.account", "{\"name\":\"x\",\"type\":\"asset\"}", ERP_EINVALID, "code");
	REFUSE(&e, "core.product", "{\"name\":\"x\"}", ERP_EINVALID, "uom_id");
	REFUSE(&e, "core.uom", "{\"name\":\"x\"}", ERP_EINVALID, "precision");
	REFUSE(&e, "core.currency", "{\"code\":\"XTE\",\"name\":\"x\"}", ERP_EINVALID, "exponent");
	REFUSE(&e, "financial.tax", "{\"name\":\"x\"}", ERP_EINVALID, "rate");
	REFUSE(&e, "inventory.location", "{\"name\":\"x\"}", ERP_EINVALID, "usage");
	REFUSE(&e, "sales.order", "{\"date\":\"2026-01-01\"}", ERP_EINVALID, "partner_id");
	REFUSE(&e, "purchase.order", "{\"partner_id\":\"{partner}\"}", ERP_EINVALID, "date");
	REFUSE(&e, "projects.task", "{\"name\":\"x\"}", ERP_EINVALID, "project_id");
	REFUSE(&e, "projects.timesheet", "{\"task_id\":\"{task}\",\"date\":\"2026-01-01\",\"employee\":\"a\"}", ERP_EINVALID,
	       "hours");
	char *o = order_with_line("\"uom_id\":\"{unit}\",\"price_unit\":\"1.00\"");
	REFUSE(&e, "sales.order", o, ERP_EINVALID, "quantity");
	free(o);
	o = order_with_line("\"uom_id\":\"{unit}\",\"quantity\":\"1\"");
	REFUSE(&e, "sales.order", o, ERP_EINVALID, "price_unit");
	free(o);
	o = order_with_line("\"quantity\":\"1\",\"price_unit\":\"1.00\"");
	REFUSE(&e, "purchase.order", o, ERP_EINVALID, "uom_id");
	free(o);
	env_close(&e);
}

void test_entity__required_fields_cannot_be_null_or_empty(void **state)
{
	env e;
	env_open(&e, state);
	REFUSE(&e, "core.partner", "{\"name\":null}", ERP_EINVALID, "name");
	REFUSE(&e, "core.partner", "{\"name\":\"\"}", ERP_EINVALID, "name");
	REFUSE(&e, "financial.account", "{\"code\":\"1\",\"name\":\"x\",\"type\":null}", ERP_EINVALID, "type");
	REFUSE(&e, "core.product", "{\"name\":\"x\",\"uom_id\":null}", ERP_EINVALID, "uom_id");
	REFUSE(&e, "core.partner", "{\"name\":\"x\",\"currency\":null}", ERP_EINVALID, "currency");
	REFUSE_UPDATE(&e, "core.partner", e.w.partner, 1, "{\"name\":null}", ERP_EINVALID, "name");
	REFUSE_UPDATE(&e, "core.partner", e.w.partner, 1, "{\"name\":\"\"}", ERP_EINVALID, "name");
	REFUSE_UPDATE(&e, "projects.task", e.w.task, 1, "{\"project_id\":null}", ERP_EINVALID, "project_id");
	REFUSE_UPDATE(&e, "financial.tax", e.w.tax, 1, "{\"rate\":null}", ERP_EINVALID, "rate");
	/* an optional field may be cleared */
	json_t *p = ent_update(e.ctx, "core.partner", e.w.partner, 1, "{\"city\":\"Lyon\"}");
	json_t *p2 = ent_update(e.ctx, "core.partner", e.w.partner, 2, "{\"city\":null}");
	assert_true(json_is_null(json_object_get(p2, "city")));
	json_decref(p2);
	json_decref(p);
	env_close(&e);
}

/*
 * null for a field that is never empty but has a default (booleans,
 * enums with a default, a line's sequence): refused with the field named,
 * or read as the default, but never a storage error.
 */
void test_entity__null_for_a_defaulted_field_is_refused_or_defaulted(void **state)
{
	env e;
	env_open(&e, state);
	static const struct {
		const char *type, *base, *field, *def;
	} cases[] = {
		{ "core.partner", "\"name\":\"n\"", "active", "true" },
		{ "core.partner", "\"name\":\"n\"", "is_customer", "false" },
		{ "core.partner", "\"name\":\"n\"", "kind", "\"company\"" },
		{ "core.uom", "\"name\":\"u {u}\",\"precision\":0", "category", "\"unit\"" },
		{ "financial.account", "\"code\":\"{u}\",\"name\":\"a\",\"type\":\"asset\"", "allow_posting", "true" },
		{ "sales.order", "\"partner_id\":\"{partner}\",\"date\":\"2026-01-01\"", "state", "\"draft\"" },
		{ "inventory.location", "\"name\":\"l\",\"usage\":\"view\"", "allow_negative", "false" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char tmpl[300];
		snprintf(tmpl, sizeof tmpl, "{%s,\"%s\":null}", cases[i].base, cases[i].field);
		char *j = erp_ent_expand(&e.w, tmpl, NULL);
		erp_ent_state s0 = erp_ent_state_of(e.store, e.tenant);
		erp_buf out = ERP_BUF_INIT;
		int rc = erp_entity_create(&out, e.ctx, cases[i].type, j);
		json_t *def = erp_test_json(cases[i].def);
		if (rc == ERP_OK) {
			json_t *o = erp_test_json(out.ptr);
			assert_json_equal(def, json_object_get(o, cases[i].field));
			/* and as a change */
			erp_buf out2 = ERP_BUF_INIT;
			char patch[100];
			snprintf(patch, sizeof patch, "{\"%s\":null}", cases[i].field);
			erp_ent_state s1 = erp_ent_state_of(e.store, e.tenant);
			int rc2 = erp_entity_update(&out2, e.ctx, cases[i].type, ent_id(o), 1, patch);
			if (rc2 != ERP_OK) {
				assert_erp_error(rc2, ERP_EINVALID, cases[i].field);
				assert_ent_state_equal(s1, erp_ent_state_of(e.store, e.tenant));
			} else {
				json_t *o2 = erp_test_json(out2.ptr);
				assert_json_equal(def, json_object_get(o2, cases[i].field));
				json_decref(o2);
			}
			erp_buf_dispose(&out2);
			json_decref(o);
		} else {
			if (rc != ERP_EINVALID)
				fail_msg("%s with %s null: %s (%s), expected ERP_OK or ERP_EINVALID", cases[i].type, cases[i].field,
				         erp_error_name(rc), erp_error_last()->message);
			assert_erp_error(rc, ERP_EINVALID, cases[i].field);
			assert_ent_state_equal(s0, erp_ent_state_of(e.store, e.tenant));
		}
		json_decref(def);
		erp_buf_dispose(&out);
		free(j);
	}
	env_close(&e);
}

void test_entity__enum_values_must_be_listed(void **state)
{
	env e;
	env_open(&e, state);
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"kind\":\"alien\"}", ERP_EINVALID, "kind");
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"kind\":\"Company\"}", ERP_EINVALID, "kind");
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"kind\":\"company \"}", ERP_EINVALID, "kind");
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"kind\":\"\"}", ERP_EINVALID, "kind");
	REFUSE(&e, "financial.account", "{\"code\":\"9\",\"name\":\"x\",\"type\":\"Asset\"}", ERP_EINVALID, "type");
	REFUSE(&e, "inventory.location", "{\"name\":\"x\",\"usage\":\"nowhere\"}", ERP_EINVALID, "usage");
	REFUSE(&e, "core.product", "{\"name\":\"x\",\"uom_id\":\"{unit}\",\"cost_method\":\"lifo\"}", ERP_EINVALID, "cost_method");
	REFUSE_UPDATE(&e, "projects.task", e.w.task, 1, "{\"state\":\"blocked\"}", ERP_EINVALID, "state");
	/* every listed value is accepted */
	const char *methods[] = { "standard", "average", "fifo" };
	for (size_t i = 0; i < 3; i++) {
		char j[200];
		snprintf(j, sizeof j, "{\"name\":\"m\",\"uom_id\":\"{unit}\",\"cost_method\":\"%s\"}", methods[i]);
		json_t *p = ACCEPT(&e, "core.product", j);
		assert_string_equal(ent_str(p, "cost_method"), methods[i]);
		json_decref(p);
	}
	env_close(&e);
}

void test_entity__dates_and_times_must_exist(void **state)
{
	env e;
	env_open(&e, state);
	json_t *ts = ACCEPT(&e, "projects.timesheet", "{\"task_id\":\"{task}\",\"date\":\"2026-01-05\",\"employee\":\"e\","
	                                              "\"hours\":\"1.00\"}");
	const char *bad_dates[] = { "2026-02-30", "2025-02-29", "2100-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
	                            "0000-01-01", "2026-1-01", "2026-01-1", "2026-01-01 ", "+2026-01-01", "2026-01-0a" };
	for (size_t i = 0; i < sizeof bad_dates / sizeof bad_dates[0]; i++) {
		char j[200];
		snprintf(j, sizeof j, "{\"name\":\"p\",\"start_date\":\"%s\"}", bad_dates[i]);
		REFUSE(&e, "projects.project", j, ERP_EINVALID, "start_date");
		snprintf(j, sizeof j, "{\"date\":\"%s\"}", bad_dates[i]);
		REFUSE_UPDATE(&e, "projects.timesheet", ent_id(ts), 1, j, ERP_EINVALID, "date");
	}
	json_decref(ts);
	const char *good_dates[] = { "2024-02-29", "2000-02-29", "2026-12-31", "0001-01-01", "9999-12-31" };
	for (size_t i = 0; i < sizeof good_dates / sizeof good_dates[0]; i++) {
		char j[200];
		snprintf(j, sizeof j, "{\"name\":\"p\",\"start_date\":\"%s\"}", good_dates[i]);
		json_t *p = ACCEPT(&e, "projects.project", j);
		assert_string_equal(ent_str(p, "start_date"), good_dates[i]);
		json_t *g = ent_get(e.ctx, "projects.project", ent_id(p));
		assert_json_equal(p, g);
		json_decref(g);
		json_decref(p);
	}
	const char *bad_times[] = { "2026-01-01T24:00:00Z", "2026-01-01T10:60:00Z", "2026-01-01T10:00:60Z",
	                            "2026-01-01T10:00:00", "2026-01-01T10:00:00+02:00", "2026-02-30T10:00:00Z",
	                            "2026-01-01T10:00:00.1234567Z", "2026-01-01T10:00:00.Z", "2026-01-01T10:00Z",
	                            "2026-01-01T1:00:00Z", "2026-01-01", "T10:00:00Z", "2026-01-01T10:00:00ZZ" };
	for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
		char j[200];
		snprintf(j, sizeof j, "{\"name\":\"t\",\"project_id\":\"{project}\",\"closed_at\":\"%s\"}", bad_times[i]);
		REFUSE(&e, "projects.task", j, ERP_EINVALID, "closed_at");
	}
	const char *good_times[] = { "2026-01-01T00:00:00Z", "2026-12-31T23:59:59.999999Z", "2024-02-29T12:00:00.5Z" };
	for (size_t i = 0; i < sizeof good_times / sizeof good_times[0]; i++) {
		char j[200];
		snprintf(j, sizeof j, "{\"name\":\"t\",\"project_id\":\"{project}\",\"closed_at\":\"%s\"}", good_times[i]);
		json_t *t = ACCEPT(&e, "projects.task", j);
		assert_int_equal(strncmp(ent_str(t, "closed_at"), good_times[i], 19), 0);
		json_t *g = ent_get(e.ctx, "projects.task", ent_id(t));
		assert_json_equal(t, g);
		json_decref(g);
		json_decref(t);
	}
	env_close(&e);
}

void test_entity__references_must_exist_in_the_tenant(void **state)
{
	env e;
	env_open(&e, state);
	const char *missing = "01900000-0000-7000-8000-0000000000aa";
	char j[300];
	snprintf(j, sizeof j, "{\"name\":\"n\",\"parent_id\":\"%s\"}", missing);
	REFUSE(&e, "core.partner", j, ERP_ENOTFOUND, "parent_id");
	snprintf(j, sizeof j, "{\"name\":\"n\",\"uom_id\":\"%s\"}", missing);
	REFUSE(&e, "core.product", j, ERP_ENOTFOUND, "uom_id");
	/* an id of another type */
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"parent_id\":\"{unit}\"}", ERP_ENOTFOUND, "parent_id");
	REFUSE(&e, "core.product", "{\"name\":\"n\",\"uom_id\":\"{partner}\"}", ERP_ENOTFOUND, "uom_id");
	/* in a line */
	snprintf(j, sizeof j, "\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.00\",\"product_id\":\"%s\"", missing);
	char *o = order_with_line(j);
	REFUSE(&e, "sales.order", o, ERP_ENOTFOUND, "product_id");
	free(o);
	snprintf(j, sizeof j, "\"uom_id\":\"%s\",\"quantity\":\"1\",\"price_unit\":\"1.00\"", missing);
	o = order_with_line(j);
	REFUSE(&e, "purchase.order", o, ERP_ENOTFOUND, "uom_id");
	free(o);
	snprintf(j, sizeof j, "{\"parent_id\":\"%s\"}", missing);
	REFUSE_UPDATE(&e, "core.partner", e.w.partner, 1, j, ERP_ENOTFOUND, "parent_id");
	/* the same id in upper case is the same entity */
	char upper[37];
	for (int i = 0; i < 37; i++)
		upper[i] = (char)((e.w.unit[i] >= 'a' && e.w.unit[i] <= 'f') ? e.w.unit[i] - 32 : e.w.unit[i]);
	snprintf(j, sizeof j, "{\"name\":\"caps\",\"uom_id\":\"%s\"}", upper);
	json_t *p = ent_create(e.ctx, "core.product", j);
	assert_string_equal(ent_str(p, "uom_id"), e.w.unit);
	json_decref(p);
	env_close(&e);
}

void test_entity__references_into_another_tenant_are_not_found(void **state)
{
	env e, other;
	env_open(&e, state);
	env_open(&other, state);
	char j[400];
	snprintf(j, sizeof j, "{\"name\":\"n\",\"uom_id\":\"%s\"}", other.w.unit);
	REFUSE(&e, "core.product", j, ERP_ENOTFOUND, "uom_id");
	snprintf(j, sizeof j, "{\"name\":\"n\",\"parent_id\":\"%s\"}", other.w.partner);
	REFUSE(&e, "core.partner", j, ERP_ENOTFOUND, "parent_id");
	snprintf(j, sizeof j, "{\"partner_id\":\"%s\",\"date\":\"2026-01-01\"}", other.w.partner);
	REFUSE(&e, "sales.order", j, ERP_ENOTFOUND, "partner_id");
	snprintf(j, sizeof j, "\"uom_id\":\"%s\",\"quantity\":\"1\",\"price_unit\":\"1.00\"", other.w.kg);
	char *o = order_with_line(j);
	REFUSE(&e, "sales.order", o, ERP_ENOTFOUND, "uom_id");
	free(o);
	snprintf(j, sizeof j, "\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.00\",\"tax_id\":\"%s\"", other.w.tax);
	o = order_with_line(j);
	REFUSE(&e, "purchase.order", o, ERP_ENOTFOUND, "tax_id");
	free(o);
	snprintf(j, sizeof j, "{\"task_id\":\"%s\",\"date\":\"2026-01-01\",\"employee\":\"e\",\"hours\":\"1\"}", other.w.task);
	REFUSE(&e, "projects.timesheet", j, ERP_ENOTFOUND, "task_id");
	snprintf(j, sizeof j, "{\"stock_valuation_account_id\":\"%s\"}", other.w.account);
	REFUSE_UPDATE(&e, "core.product_category", e.w.category, 1, j, ERP_ENOTFOUND, "stock_valuation_account_id");
	snprintf(j, sizeof j, "{\"project_id\":\"%s\"}", other.w.project);
	REFUSE_UPDATE(&e, "projects.task", e.w.task, 1, j, ERP_ENOTFOUND, "project_id");
	env_close(&other);
	env_close(&e);
}

void test_entity__unique_fields_are_unique_within_a_tenant(void **state)
{
	env e, other;
	env_open(&e, state);
	env_open(&other, state);
	json_t *a = ACCEPT(&e, "financial.account", "{\"code\":\"4000\",\"name\":\"Sales\",\"type\":\"income\"}");
	REFUSE(&e, "financial.account", "{\"code\":\"4000\",\"name\":\"Other\",\"type\":\"income\"}", ERP_EEXISTS, "code");
	json_t *b = ACCEPT(&e, "financial.account", "{\"code\":\"4001\",\"name\":\"Other\",\"type\":\"income\"}");
	REFUSE_UPDATE(&e, "financial.account", ent_id(b), 1, "{\"code\":\"4000\"}", ERP_EEXISTS, "code");
	/* keeping its own value is not a clash */
	json_t *b2 = ent_update(e.ctx, "financial.account", ent_id(b), 1, "{\"code\":\"4001\",\"name\":\"Renamed\"}");
	/* another tenant may use the same code */
	json_t *c = ACCEPT(&other, "financial.account", "{\"code\":\"4000\",\"name\":\"Theirs\",\"type\":\"income\"}");
	/* codes differing only in case are different */
	json_t *d = ACCEPT(&e, "financial.account", "{\"code\":\"a4000\",\"name\":\"x\",\"type\":\"income\"}");
	REFUSE(&e, "financial.account", "{\"code\":\"a4000\",\"name\":\"y\",\"type\":\"income\"}", ERP_EEXISTS, "code");
	/* other unique fields */
	json_t *p = ACCEPT(&e, "core.product", "{\"name\":\"p\",\"uom_id\":\"{unit}\",\"sku\":\"SKU-1\"}");
	REFUSE(&e, "core.product", "{\"name\":\"q\",\"uom_id\":\"{unit}\",\"sku\":\"SKU-1\"}", ERP_EEXISTS, "sku");
	json_t *n1 = ACCEPT(&e, "core.product", "{\"name\":\"no sku\",\"uom_id\":\"{unit}\",\"barcode\":\"B1\"}");
	json_t *n2 = ACCEPT(&e, "core.product", "{\"name\":\"no sku either\",\"uom_id\":\"{unit}\",\"sku\":null}");
	REFUSE(&e, "core.product", "{\"name\":\"q\",\"uom_id\":\"{unit}\",\"barcode\":\"B1\"}", ERP_EEXISTS, "barcode");
	REFUSE_UPDATE(&e, "core.product", ent_id(n2), 1, "{\"sku\":\"SKU-1\"}", ERP_EEXISTS, "sku");
	json_t *u = ACCEPT(&e, "core.uom", "{\"name\":\"dozen\",\"precision\":0}");
	REFUSE(&e, "core.uom", "{\"name\":\"dozen\",\"precision\":1}", ERP_EEXISTS, "name");
	json_t *so = ACCEPT(&e, "sales.order", "{\"number\":\"SO-1\",\"partner_id\":\"{partner}\",\"date\":\"2026-01-01\"}");
	REFUSE(&e, "sales.order", "{\"number\":\"SO-1\",\"partner_id\":\"{partner}\",\"date\":\"2026-01-02\"}", ERP_EEXISTS,
	       "number");
	/* a purchase order is another table: the same number is fine there */
	json_t *po = ACCEPT(&e, "purchase.order", "{\"number\":\"SO-1\",\"partner_id\":\"{partner}\",\"date\":\"2026-01-01\"}");
	json_decref(po);
	json_decref(so);
	json_decref(u);
	json_decref(n1);
	json_decref(n2);
	env_close(&other);
	env_close(&e);
	json_decref(a);
	json_decref(b);
	json_decref(b2);
	json_decref(c);
	json_decref(d);
	json_decref(p);
}

void test_entity__money_is_exact_at_the_currency_exponent(void **state)
{
	env e;
	env_open(&e, state);
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"currency\":\"USD\",\"credit_limit\":\"1.005\"}", ERP_EINVALID, "credit_limit");
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"credit_limit\":\"0.001\"}", ERP_EINVALID, "credit_limit");
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"currency\":\"JPY\",\"credit_limit\":\"1.5\"}", ERP_EINVALID, "credit_limit");
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"currency\":\"USD\",\"credit_limit\":12.5}", ERP_EINVALID, "credit_limit");
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"currency\":\"USD\",\"credit_limit\":1.0}", ERP_EINVALID, "credit_limit");
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"credit_limit\":\"99999999999999999999\"}", ERP_EINVALID, "credit_limit");
	json_t *jpy = ACCEPT(&e, "core.partner", "{\"name\":\"n\",\"currency\":\"JPY\",\"credit_limit\":\"15\"}");
	assert_string_equal(ent_str(jpy, "credit_limit"), "15");
	json_t *jpy0 = ACCEPT(&e, "core.partner", "{\"name\":\"n\",\"currency\":\"JPY\",\"credit_limit\":\"15.0\"}");
	assert_string_equal(ent_str(jpy0, "credit_limit"), "15");
	json_t *bhd = ACCEPT(&e, "core.partner", "{\"name\":\"n\",\"currency\":\"BHD\",\"credit_limit\":\"1.005\"}");
	assert_string_equal(ent_str(bhd, "credit_limit"), "1.005");
	/* a currency of the tenant's own, exponent 3 */
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"currency\":\"XTE\",\"credit_limit\":\"1.005\"}", ERP_EINVALID, "currency");
	json_t *cur = ACCEPT(&e, "core.currency", "{\"code\":\"XTE\",\"name\":\"Test\",\"exponent\":3}");
	json_t *xte = ACCEPT(&e, "core.partner", "{\"name\":\"n\",\"currency\":\"XTE\",\"credit_limit\":\"1.005\"}");
	assert_string_equal(ent_str(xte, "credit_limit"), "1.005");
	json_t *g = ent_get(e.ctx, "core.partner", ent_id(xte));
	assert_json_equal(xte, g);
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"currency\":\"XTE\",\"credit_limit\":\"1.0005\"}", ERP_EINVALID, "credit_limit");
	/* an ISO code keeps its ISO exponent */
	REFUSE(&e, "core.currency", "{\"code\":\"USD\",\"name\":\"Fake\",\"exponent\":3}", ERP_EINVALID, "exponent");
	REFUSE(&e, "core.currency", "{\"code\":\"XTE\",\"name\":\"Again\",\"exponent\":3}", ERP_EEXISTS, "code");
	/* the largest amounts */
	json_t *big = ACCEPT(&e, "core.partner", "{\"name\":\"n\",\"credit_limit\":\"92233720368547758.07\"}");
	assert_string_equal(ent_str(big, "credit_limit"), "92233720368547758.07");
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"credit_limit\":\"92233720368547758.08\"}", ERP_EINVALID, "credit_limit");
	json_t *neg = ACCEPT(&e, "core.partner", "{\"name\":\"n\",\"credit_limit\":\"-92233720368547758.08\"}");
	assert_string_equal(ent_str(neg, "credit_limit"), "-92233720368547758.08");
	json_t *objs[] = { jpy, jpy0, bhd, big, neg };
	for (size_t i = 0; i < 5; i++) {
		json_t *gi = ent_get(e.ctx, "core.partner", ent_id(objs[i]));
		assert_json_equal(objs[i], gi);
		json_decref(gi);
		json_decref(objs[i]);
	}
	json_decref(g);
	json_decref(xte);
	json_decref(cur);
	env_close(&e);
}

void test_entity__quantities_and_decimals_keep_their_scale(void **state)
{
	env e;
	env_open(&e, state);
	char *o = order_with_line("\"uom_id\":\"{unit}\",\"quantity\":\"1.5\",\"price_unit\":\"1.00\"");
	REFUSE(&e, "sales.order", o, ERP_EINVALID, "quantity");
	free(o);
	o = order_with_line("\"uom_id\":\"{kg}\",\"quantity\":\"1.0005\",\"price_unit\":\"1.00\"");
	REFUSE(&e, "purchase.order", o, ERP_EINVALID, "quantity");
	free(o);
	o = order_with_line("\"uom_id\":\"{kg}\",\"quantity\":1.5,\"price_unit\":\"1.00\"");
	REFUSE(&e, "sales.order", o, ERP_EINVALID, "quantity");
	free(o);
	o = order_with_line("\"uom_id\":\"{kg}\",\"quantity\":\"1\",\"price_unit\":\"1.001\"");
	REFUSE(&e, "sales.order", o, ERP_EINVALID, "price_unit");
	free(o);
	o = order_with_line("\"uom_id\":\"{kg}\",\"quantity\":\"1\",\"price_unit\":1.5");
	REFUSE(&e, "sales.order", o, ERP_EINVALID, "price_unit");
	free(o);
	o = order_with_line("\"uom_id\":\"{kg}\",\"quantity\":\"1.2500\",\"price_unit\":\"2\"");
	json_t *ok = ACCEPT(&e, "sales.order", o);
	free(o);
	json_t *line = json_array_get(json_object_get(ok, "lines"), 0);
	assert_string_equal(ent_str(line, "quantity"), "1.250");
	assert_string_equal(ent_str(line, "price_unit"), "2.00");
	assert_string_equal(ent_str(line, "amount"), "2.50");
	REFUSE(&e, "financial.tax", "{\"name\":\"t\",\"rate\":\"0.12345\"}", ERP_EINVALID, "rate");
	REFUSE(&e, "projects.task", "{\"name\":\"t\",\"project_id\":\"{project}\",\"planned_hours\":\"1.001\"}", ERP_EINVALID,
	       "planned_hours");
	REFUSE(&e, "projects.timesheet", "{\"task_id\":\"{task}\",\"date\":\"2026-01-01\",\"employee\":\"e\",\"hours\":7.5}",
	       ERP_EINVALID, "hours");
	json_t *tax = ACCEPT(&e, "financial.tax", "{\"name\":\"t\",\"rate\":\"0.1234\"}");
	assert_string_equal(ent_str(tax, "rate"), "0.1234");
	REFUSE_UPDATE(&e, "financial.tax", ent_id(tax), 1, "{\"rate\":\"0.00001\"}", ERP_EINVALID, "rate");
	json_decref(tax);
	json_decref(ok);
	env_close(&e);
}

/* Text length counts characters, not bytes; text is valid UTF-8 without control characters. */
void test_entity__text_length_and_utf8_are_checked(void **state)
{
	env e;
	env_open(&e, state);
	char ascii[260], two[520], three[700], four[900], j[1200];
	memset(ascii, 'a', 201);
	ascii[201] = '\0';
	snprintf(j, sizeof j, "{\"name\":\"%s\"}", ascii);
	REFUSE(&e, "core.partner", j, ERP_EINVALID, "name");
	ascii[200] = '\0';
	snprintf(j, sizeof j, "{\"name\":\"%s\"}", ascii);
	json_t *p200 = ACCEPT(&e, "core.partner", j);
	assert_int_equal(strlen(ent_str(p200, "name")), 200);
	/* 200 two-byte characters (400 bytes) fit a 200-character field; 201 do not */
	for (int i = 0; i < 201; i++)
		memcpy(two + 2 * i, "\xc3\xa9", 2);
	two[402] = '\0';
	snprintf(j, sizeof j, "{\"name\":\"%s\"}", two);
	REFUSE(&e, "core.partner", j, ERP_EINVALID, "name");
	two[400] = '\0';
	snprintf(j, sizeof j, "{\"name\":\"%s\"}", two);
	json_t *p2 = ACCEPT(&e, "core.partner", j);
	assert_string_equal(ent_str(p2, "name"), two);
	/* three- and four-byte characters, and \u escapes */
	for (int i = 0; i < 200; i++)
		memcpy(three + 3 * i, "\xe6\x97\xa5", 3);
	three[600] = '\0';
	snprintf(j, sizeof j, "{\"name\":\"%s\"}", three);
	json_t *p3 = ACCEPT(&e, "core.partner", j);
	assert_string_equal(ent_str(p3, "name"), three);
	for (int i = 0; i < 200; i++)
		memcpy(four + 4 * i, "\xf0\x9f\x98\x80", 4);
	four[800] = '\0';
	snprintf(j, sizeof j, "{\"name\":\"%s\"}", four);
	json_t *p4 = ACCEPT(&e, "core.partner", j);
	assert_string_equal(ent_str(p4, "name"), four);
	json_t *pe = ACCEPT(&e, "core.partner", "{\"name\":\"\\u00e9t\\u00e9 \\ud83d\\ude00\"}");
	assert_string_equal(ent_str(pe, "name"), "\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80");
	REFUSE(&e, "core.partner", "{\"name\":\"n\",\"country\":\"FRA\"}", ERP_EINVALID, "country");
	json_t *objs[] = { p200, p2, p3, p4, pe };
	for (size_t i = 0; i < 5; i++) {
		json_t *g = ent_get(e.ctx, "core.partner", ent_id(objs[i]));
		assert_json_equal(objs[i], g);
		json_decref(g);
		json_decref(objs[i]);
	}
	/* invalid UTF-8 in the JSON text is not JSON */
	const char *not_utf8[] = { "{\"name\":\"bad \xff\"}", "{\"name\":\"\xc3\"}", "{\"name\":\"\xc0\xaf\"}",
	                           "{\"name\":\"\xed\xa0\x80\"}", "{\"name\":\"\xf4\x90\x80\x80\"}", "{\"name\":\"\xe6\x97\"}",
	                           "{\"name\":\"\\ud800\"}", "{\"name\":\"\\udc00x\"}", "{\"name\":\"a\\u0000b\"}" };
	for (size_t i = 0; i < sizeof not_utf8 / sizeof not_utf8[0]; i++)
		REFUSE(&e, "core.partner", not_utf8[i], ERP_EINVALID, "json");
	/* control characters in a short text field */
	REFUSE(&e, "core.partner", "{\"name\":\"a\\u0001b\"}", ERP_EINVALID, "name");
	REFUSE(&e, "core.partner", "{\"name\":\"a\\u007fb\"}", ERP_EINVALID, "name");
	REFUSE(&e, "core.partner", "{\"name\":\"a\\nb\"}", ERP_EINVALID, "name");
	REFUSE(&e, "core.partner", "{\"name\":\"a\\u001bb\"}", ERP_EINVALID, "name");
	/* newlines and tabs are fine in a long text */
	json_t *d = ACCEPT(&e, "core.product", "{\"name\":\"n\",\"uom_id\":\"{unit}\",\"description\":\"a\\nb\\tc\\r\\n\"}");
	assert_string_equal(ent_str(d, "description"), "a\nb\tc\r\n");
	json_decref(d);
	/* a long text field counts characters too: 4000 allowed, 4001 not */
	char *big = malloc(4001 * 2 + 100);
	strcpy(big, "{\"name\":\"n\",\"uom_id\":\"{unit}\",\"description\":\"");
	size_t at = strlen(big);
	for (int i = 0; i < 4001; i++, at += 2)
		memcpy(big + at, "\xc3\xa9", 2);
	strcpy(big + at, "\"}");
	REFUSE(&e, "core.product", big, ERP_EINVALID, "description");
	strcpy(big + at - 2, "\"}");
	json_t *d2 = ACCEPT(&e, "core.product", big);
	json_decref(d2);
	free(big);
	env_close(&e);
}

void test_entity__malformed_json_is_refused(void **state)
{
	env e;
	env_open(&e, state);
	const char *bad[] = { "", " ", "{", "}", "{\"name\":}", "{\"name\":\"x\",}", "{'name':'x'}", "{name:\"x\"}", "nul",
	                      "{\"name\":\"x\"} trailing", "{\"name\":\"x\"}{}", "{\"name\":\"x\"", "{\"name\":\"x\\q\"}",
	                      "{\"name\":\"x\",\"credit_limit\":01}", "{\"name\":\"x\",\"credit_limit\":NaN}",
	                      "{\"name\":\"x\",\"credit_limit\":1e400}", "{\"name\":\"x\",\"tags\":99999999999999999999}",
	                      "{\"name\":\"x\" /* c */}", "\xef\xbb\xbf{\"name\":\"bom\"}" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		REFUSE(&e, "core.partner", bad[i], ERP_EINVALID, "json");
		REFUSE_UPDATE(&e, "core.partner", e.w.partner, 1, bad[i], ERP_EINVALID, "json");
	}
	/* duplicate keys are ambiguous */
	REFUSE(&e, "core.partner", "{\"name\":\"a\",\"name\":\"b\"}", ERP_EINVALID, "json");
	REFUSE(&e, "core.partner", "{\"name\":\"a\",\"tags\":{\"k\":1,\"k\":2}}", ERP_EINVALID, "json");
	REFUSE_UPDATE(&e, "core.partner", e.w.partner, 1, "{\"city\":\"a\",\"city\":\"b\"}", ERP_EINVALID, "json");
	char *o = order_with_line("\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"quantity\":\"2\",\"price_unit\":\"1.00\"");
	REFUSE(&e, "sales.order", o, ERP_EINVALID, "json");
	free(o);
	/* JSON, but not an object */
	const char *not_object[] = { "[]", "[{\"name\":\"x\"}]", "\"x\"", "5", "null", "true", "-1.5" };
	for (size_t i = 0; i < sizeof not_object / sizeof not_object[0]; i++) {
		REFUSE(&e, "core.partner", not_object[i], ERP_EINVALID, "json");
		REFUSE_UPDATE(&e, "core.partner", e.w.partner, 1, not_object[i], ERP_EINVALID, "json");
	}
	env_close(&e);
}

void test_entity__integers_stay_within_their_bounds(void **state)
{
	env e;
	env_open(&e, state);
	REFUSE(&e, "core.uom", "{\"name\":\"u\",\"precision\":10}", ERP_EINVALID, "precision");
	REFUSE(&e, "core.uom", "{\"name\":\"u\",\"precision\":-1}", ERP_EINVALID, "precision");
	REFUSE(&e, "core.uom", "{\"name\":\"u\",\"precision\":\"99999999999999999999\"}", ERP_EINVALID, "precision");
	REFUSE(&e, "core.uom", "{\"name\":\"u\",\"precision\":9223372036854775807}", ERP_EINVALID, "precision");
	REFUSE(&e, "core.uom", "{\"name\":\"u\",\"precision\":-9223372036854775808}", ERP_EINVALID, "precision");
	REFUSE(&e, "core.currency", "{\"code\":\"XTE\",\"name\":\"c\",\"exponent\":19}", ERP_EINVALID, "exponent");
	char *o = order_with_line("\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.00\",\"sequence\":1000001");
	REFUSE(&e, "sales.order", o, ERP_EINVALID, "sequence");
	free(o);
	o = order_with_line("\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.00\",\"sequence\":-1");
	REFUSE(&e, "sales.order", o, ERP_EINVALID, "sequence");
	free(o);
	json_t *u9 = ACCEPT(&e, "core.uom", "{\"name\":\"u9\",\"precision\":9}");
	json_t *u0 = ACCEPT(&e, "core.uom", "{\"name\":\"u0\",\"precision\":0}");
	json_t *c18 = ACCEPT(&e, "core.currency", "{\"code\":\"XTE\",\"name\":\"c\",\"exponent\":18}");
	json_decref(u9);
	json_decref(u0);
	json_decref(c18);
	env_close(&e);
}

/* ---- parents: no entity may be its own ancestor ------------------------------------ */

/* Every type with a reference to its own type, and the fields of a minimal one ({u} keeps codes unique). */
static const struct {
	const char *type, *fields;
} parented[] = {
	{ "inventory.location", "\"name\":\"L{u}\",\"usage\":\"internal\"" },
	{ "core.product_category", "\"name\":\"C{u}\"" },
	{ "core.partner", "\"name\":\"P{u}\"" },
	{ "financial.account", "\"code\":\"A{u}\",\"name\":\"a\",\"type\":\"asset\"" },
	{ "analytics.account", "\"code\":\"N{u}\",\"name\":\"n\"" },
};

/* Creates one of parented[k] under `parent` (NULL: at the top); its id into `out`. */
static void parented_add(char out[37], env *e, size_t k, const char *parent)
{
	char j[300];
	if (parent)
		snprintf(j, sizeof j, "{%s,\"parent_id\":\"%s\"}", parented[k].fields, parent);
	else
		snprintf(j, sizeof j, "{%s}", parented[k].fields);
	json_t *o = ACCEPT(e, parented[k].type, j);
	snprintf(out, 37, "%s", ent_id(o));
	json_decref(o);
}

/* Sets the parent_id of `id` (JSON null when `parent` is NULL); returns the new version. */
static int64_t reparent(env *e, size_t k, const char *id, int64_t version, const char *parent)
{
	char j[100];
	if (parent)
		snprintf(j, sizeof j, "{\"parent_id\":\"%s\"}", parent);
	else
		snprintf(j, sizeof j, "{\"parent_id\":null}");
	json_t *o = ent_update(e->ctx, parented[k].type, id, version, j);
	assert_string_equal(ent_str(o, "parent_id") ? ent_str(o, "parent_id") : "", parent ? parent : "");
	int64_t v = ent_version(o);
	json_decref(o);
	return v;
}

/* An update of parent_id that must be refused as a cycle, changing nothing. */
static void refuse_cycle(env *e, size_t k, const char *id, int64_t version, const char *parent)
{
	char j[100];
	snprintf(j, sizeof j, "{\"parent_id\":\"%s\",\"name\":\"renamed\"}", parent);
	REFUSE_UPDATE(e, parented[k].type, id, version, j, ERP_EINVALID, "parent_id");
	assert_non_null(strstr(erp_error_last()->message, "cycle"));
}

void test_entity__no_entity_is_its_own_ancestor(void **state)
{
	env e;
	env_open(&e, state);
	/* The list above is every type that refers to itself (a new one must join it). */
	size_t found = 0;
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_entity_types(&out));
	json_t *types = erp_test_json(out.ptr);
	erp_buf_dispose(&out);
	for (size_t i = 0; i < json_array_size(types); i++) {
		json_t *t = json_array_get(types, i), *fields = json_object_get(t, "fields");
		for (size_t f = 0; f < json_array_size(fields); f++) {
			const char *ref = json_string_value(json_object_get(json_array_get(fields, f), "references"));
			if (!ref || strcmp(ref, json_string_value(json_object_get(t, "type"))) != 0)
				continue;
			bool listed = false;
			for (size_t k = 0; k < sizeof parented / sizeof parented[0]; k++)
				listed |= strcmp(parented[k].type, ref) == 0;
			assert_true(listed);
			assert_string_equal(json_string_value(json_object_get(json_array_get(fields, f), "name")), "parent_id");
			found++;
		}
	}
	json_decref(types);
	assert_int_equal(found, sizeof parented / sizeof parented[0]);

	for (size_t k = 0; k < sizeof parented / sizeof parented[0]; k++) {
		/* a <- b <- c */
		char a[37], b[37], c[37], d[37];
		parented_add(a, &e, k, NULL);
		parented_add(b, &e, k, a);
		parented_add(c, &e, k, b);
		/* its own parent, the parent of its parent, the parent of its grandparent */
		refuse_cycle(&e, k, a, 1, a);
		refuse_cycle(&e, k, b, 1, b);
		refuse_cycle(&e, k, a, 1, b);
		refuse_cycle(&e, k, a, 1, c);
		refuse_cycle(&e, k, b, 1, c);
		/* re-parenting that makes no cycle works: c beside b (under a), then b under c */
		int64_t vc = reparent(&e, k, c, 1, a);
		int64_t vb = reparent(&e, k, b, 1, c);
		/* a <- c <- b: now a under b closes a 3-cycle, and c under b a 2-cycle */
		refuse_cycle(&e, k, a, 1, b);
		refuse_cycle(&e, k, c, vc, b);
		/* a subtree moves under another tree; to the top and back */
		parented_add(d, &e, k, NULL);
		int64_t va = reparent(&e, k, a, 1, d);
		refuse_cycle(&e, k, d, 1, b);
		va = reparent(&e, k, a, va, NULL);
		reparent(&e, k, d, 1, b);
		refuse_cycle(&e, k, a, va, d);
		(void)vb;
	}
	env_close(&e);
}

void test_entity__parent_chains_are_bounded(void **state)
{
	env e;
	env_open(&e, state);
	/* analytics.account, parented[4]: 100 ancestors are fine, 101 are refused */
	char top[37], at[37], next[37], deep[37];
	parented_add(top, &e, 4, NULL);
	memcpy(at, top, sizeof at);
	for (int i = 0; i < 100; i++) {
		parented_add(next, &e, 4, at);
		memcpy(at, next, sizeof at);
	}
	char j[300];
	snprintf(j, sizeof j, "{\"name\":\"too deep\",\"parent_id\":\"%s\"}", at);
	REFUSE(&e, "analytics.account", j, ERP_EINVALID, "parent_id");
	assert_non_null(strstr(erp_error_last()->message, "levels"));
	/* moving a row under the deepest one is refused too */
	parented_add(deep, &e, 4, top);
	snprintf(j, sizeof j, "{\"parent_id\":\"%s\"}", at);
	REFUSE_UPDATE(&e, "analytics.account", deep, 1, j, ERP_EINVALID, "parent_id");
	env_close(&e);
}

/* Two concurrent re-parentings that together would make a 2-cycle (A under B, B under A). */
typedef struct {
	erp_store *store;
	const char *tenant, *type, *id, *parent;
	pthread_barrier_t *start;
	int rc;
	char field[32];
} cycle_race;

static void *cycle_race_run(void *arg)
{
	cycle_race *r = arg;
	erp_ctx *ctx = NULL;
	r->rc = erp_ctx_new(&ctx, r->store, r->tenant, "racer", ERP_ROLE_READWRITE);
	char j[100];
	snprintf(j, sizeof j, "{\"parent_id\":\"%s\"}", r->parent);
	pthread_barrier_wait(r->start);
	if (r->rc == ERP_OK) {
		erp_buf out = ERP_BUF_INIT;
		r->rc = erp_entity_update(&out, ctx, r->type, r->id, 1, j);
		snprintf(r->field, sizeof r->field, "%s", r->rc != ERP_OK && erp_error_last()->field ? erp_error_last()->field : "");
		erp_buf_dispose(&out);
	}
	erp_ctx_free(ctx);
	return NULL;
}

/* Whether walking up from `id` (at most 10 steps) reaches the top. */
static bool reaches_top(env *e, const char *type, const char *id)
{
	char at[37];
	snprintf(at, sizeof at, "%s", id);
	for (int i = 0; i < 10; i++) {
		json_t *o = ent_get(e->ctx, type, at);
		const char *up = ent_str(o, "parent_id");
		bool top = up == NULL;
		if (up)
			snprintf(at, sizeof at, "%s", up);
		json_decref(o);
		if (top)
			return true;
	}
	return false;
}

void test_entity__concurrent_reparenting_makes_no_cycle(void **state)
{
	env e;
	env_open(&e, state);
	for (int round = 0; round < 24; round++) {
		size_t k = (size_t)round % 2;     /* locations and product categories */
		bool three = (round / 2) % 2 == 1; /* A under B and B under A; or A under B (under C) and C under A */
		char a[37], b[37], c[37];
		parented_add(a, &e, k, NULL);
		parented_add(c, &e, k, NULL);
		parented_add(b, &e, k, three ? c : NULL);
		pthread_barrier_t start;
		assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
		cycle_race r[2] = { { e.store, e.tenant, parented[k].type, a, b, &start, -1, "" },
		                    { e.store, e.tenant, parented[k].type, three ? c : b, a, &start, -1, "" } };
		pthread_t t[2];
		for (int i = 0; i < 2; i++)
			assert_int_equal(pthread_create(&t[i], NULL, cycle_race_run, &r[i]), 0);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&start);
		/* exactly one wins; the other is refused as a cycle and changed nothing */
		if ((r[0].rc == ERP_OK) == (r[1].rc == ERP_OK))
			fail_msg("round %d (%s): %s and %s", round, three ? "3-cycle" : "2-cycle", erp_error_name(r[0].rc),
			         erp_error_name(r[1].rc));
		cycle_race *lost = r[0].rc == ERP_OK ? &r[1] : &r[0];
		assert_int_equal(lost->rc, ERP_EINVALID);
		assert_string_equal(lost->field, "parent_id");
		json_t *o = ent_get(e.ctx, parented[k].type, lost->id);
		assert_int_equal(ent_version(o), 1);
		json_decref(o);
		assert_true(reaches_top(&e, parented[k].type, a));
		assert_true(reaches_top(&e, parented[k].type, b));
		assert_true(reaches_top(&e, parented[k].type, c));
	}
	env_close(&e);
}

ERP_CONFORMANCE_GROUP(120, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
