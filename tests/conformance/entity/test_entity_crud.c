/*
 * Entity CRUD for every described type (erp/entity.h): create, get,
 * update (with the right and a stale version), delete, and archive when
 * another row refers to the entity.
 */
#include "conformance.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *type;
	const char *create;        /* template (erp_ent_expand) of a valid entity, every value in canonical form */
	const char *update;        /* template of a change, canonical */
	const char *referrer_type; /* a type that can refer to this one, or NULL */
	const char *referrer;      /* its template; {self} is the entity referred to */
	const char *referenced_by; /* what delete reports */
} crud_spec;

#define ORDER_LINES                                                                                       \
	"\"lines\":[{\"product_id\":\"{product}\",\"uom_id\":\"{unit}\",\"quantity\":\"2\",\"price_unit\":\"10.00\"," \
	"\"description\":\"two\",\"tax_id\":\"{tax}\",\"sequence\":1},"                                            \
	"{\"uom_id\":\"{kg}\",\"quantity\":\"1.250\",\"price_unit\":\"4.00\",\"sequence\":2}]"

static const crud_spec specs[] = {
	{ "core.currency", "{\"code\":\"XTE\",\"name\":\"Test crowns\",\"exponent\":3,\"symbol\":\"\xc2\xa4\",\"active\":true}",
	  "{\"name\":\"Test crowns II\",\"symbol\":null}", NULL, NULL, NULL },
	{ "core.uom", "{\"name\":\"box {u}\",\"precision\":2,\"category\":\"unit\",\"active\":true}",
	  "{\"name\":\"crate {u}\",\"active\":false}", "core.product", "{\"name\":\"Boxed\",\"uom_id\":\"{self}\"}",
	  "core.product" },
	{ "core.product_category",
	  "{\"name\":\"Cat {u}\",\"stock_valuation_account_id\":\"{account}\",\"stock_input_account_id\":\"{account}\","
	  "\"stock_output_account_id\":\"{account}\",\"parent_id\":null}",
	  "{\"name\":\"Cat two\",\"parent_id\":\"{category}\",\"stock_input_account_id\":null}", "core.product",
	  "{\"name\":\"Categorised\",\"uom_id\":\"{unit}\",\"category_id\":\"{self}\"}", "core.product" },
	{ "core.product",
	  "{\"name\":\"Widget\",\"sku\":\"SKU-{u}\",\"barcode\":\"B{u}\",\"type\":\"storable\",\"uom_id\":\"{unit}\","
	  "\"category_id\":\"{category}\",\"cost_method\":\"fifo\",\"currency\":\"USD\",\"standard_price\":\"12.50\","
	  "\"list_price\":\"19.99\",\"description\":\"A widget.\\nTwo lines.\",\"active\":true}",
	  "{\"list_price\":\"21.00\",\"cost_method\":\"average\",\"barcode\":null}", "sales.order",
	  "{\"partner_id\":\"{partner}\",\"date\":\"2026-01-15\",\"lines\":[{\"product_id\":\"{self}\",\"uom_id\":\"{unit}\","
	  "\"quantity\":\"1\",\"price_unit\":\"2.00\"}]}",
	  "sales.order_line" },
	{ "core.partner",
	  "{\"name\":\"Acme {u}\",\"kind\":\"company\",\"ref\":\"R-{u}\",\"email\":\"a@example.com\",\"phone\":\"+33 1\","
	  "\"vat\":\"FR1\",\"street\":\"1 rue\",\"city\":\"Lyon\",\"zip\":\"69001\",\"country\":\"FR\",\"is_customer\":true,"
	  "\"is_supplier\":false,\"currency\":\"USD\",\"credit_limit\":\"1000.00\",\"tags\":{\"vip\":true,\"n\":[1,2]},"
	  "\"parent_id\":\"{partner}\",\"active\":true}",
	  "{\"email\":null,\"credit_limit\":\"250.50\",\"city\":\"Paris\",\"tags\":[\"x\"]}", "core.partner",
	  "{\"name\":\"Child\",\"kind\":\"person\",\"parent_id\":\"{self}\"}", "core.partner" },
	{ "financial.account",
	  "{\"code\":\"{u}\",\"name\":\"Cash\",\"type\":\"asset\",\"currency\":\"USD\",\"reconcilable\":true,"
	  "\"allow_posting\":true,\"parent_id\":\"{account}\"}",
	  "{\"name\":\"Cash on hand\",\"allow_posting\":false,\"reconcilable\":false}", "financial.journal",
	  "{\"code\":\"J{u}\",\"name\":\"Bank\",\"type\":\"bank\",\"default_account_id\":\"{self}\"}", "financial.journal" },
	{ "financial.journal",
	  "{\"code\":\"{u}\",\"name\":\"Sales\",\"type\":\"sale\",\"default_account_id\":\"{account}\",\"currency\":\"EUR\","
	  "\"active\":true}",
	  "{\"name\":\"Sales journal\",\"active\":false,\"type\":\"general\"}", NULL, NULL, NULL },
	{ "financial.tax",
	  "{\"name\":\"VAT {u}\",\"rate\":\"0.2000\",\"type_tax_use\":\"sale\",\"price_include\":false,"
	  "\"account_id\":\"{account}\",\"active\":true}",
	  "{\"rate\":\"0.0550\",\"price_include\":true}", "sales.order",
	  "{\"partner_id\":\"{partner}\",\"date\":\"2026-01-15\",\"lines\":[{\"tax_id\":\"{self}\",\"uom_id\":\"{unit}\","
	  "\"quantity\":\"1\",\"price_unit\":\"2.00\"}]}",
	  "sales.order_line" },
	{ "inventory.warehouse", "{\"code\":\"{u}\",\"name\":\"Main\",\"partner_id\":\"{partner}\",\"active\":true}",
	  "{\"name\":\"Main warehouse\"}", "inventory.location",
	  "{\"name\":\"Stock\",\"usage\":\"internal\",\"warehouse_id\":\"{self}\"}", "inventory.location" },
	{ "inventory.location",
	  "{\"name\":\"Shelf\",\"usage\":\"internal\",\"warehouse_id\":\"{warehouse}\",\"parent_id\":\"{location}\","
	  "\"allow_negative\":true,\"active\":true}",
	  "{\"name\":\"Shelf A\",\"parent_id\":null,\"allow_negative\":false}", "inventory.location",
	  "{\"name\":\"Bin\",\"usage\":\"view\",\"parent_id\":\"{self}\"}", "inventory.location" },
	{ "sales.order",
	  "{\"number\":\"SO-{u}\",\"partner_id\":\"{partner}\",\"date\":\"2026-03-01\",\"currency\":\"USD\","
	  "\"state\":\"draft\",\"note\":\"first\"," ORDER_LINES "}",
	  "{\"state\":\"confirmed\",\"note\":null,\"date\":\"2026-03-02\"}", NULL, NULL, NULL },
	{ "purchase.order",
	  "{\"number\":\"PO-{u}\",\"partner_id\":\"{partner}\",\"date\":\"2026-03-01\",\"currency\":\"USD\","
	  "\"state\":\"draft\",\"note\":\"first\"," ORDER_LINES "}",
	  "{\"state\":\"done\",\"note\":\"received\"}", NULL, NULL, NULL },
	{ "analytics.account", "{\"code\":\"{u}\",\"name\":\"R&D\",\"parent_id\":\"{analytic}\",\"active\":true}",
	  "{\"name\":\"Research\",\"code\":\"X{u}\"}", "projects.project",
	  "{\"name\":\"Funded\",\"analytic_account_id\":\"{self}\"}", "projects.project" },
	{ "projects.project",
	  "{\"code\":\"{u}\",\"name\":\"Apollo\",\"partner_id\":\"{partner}\",\"analytic_account_id\":\"{analytic}\","
	  "\"state\":\"active\",\"start_date\":\"2026-01-01\",\"end_date\":\"2026-12-31\"}",
	  "{\"state\":\"closed\",\"end_date\":\"2026-06-30\"}", "projects.task", "{\"project_id\":\"{self}\",\"name\":\"T\"}",
	  "projects.task" },
	{ "projects.task",
	  "{\"project_id\":\"{project}\",\"name\":\"Design\",\"state\":\"doing\",\"assignee\":\"ann\","
	  "\"due_date\":\"2026-02-28\",\"planned_hours\":\"12.50\",\"closed_at\":\"2026-02-01T10:20:30.123456Z\"}",
	  "{\"state\":\"done\",\"planned_hours\":\"13.00\",\"closed_at\":null}", "projects.timesheet",
	  "{\"task_id\":\"{self}\",\"date\":\"2026-02-02\",\"employee\":\"ann\",\"hours\":\"7.50\"}", "projects.timesheet" },
	{ "projects.timesheet",
	  "{\"task_id\":\"{task}\",\"date\":\"2026-02-02\",\"employee\":\"bob\",\"hours\":\"7.50\",\"description\":\"a\\nb\"}",
	  "{\"hours\":\"8.25\",\"date\":\"2026-02-03\"}", NULL, NULL, NULL },
};

#define SPEC_COUNT (sizeof specs / sizeof specs[0])

static const crud_spec *spec_for(const char *type)
{
	for (size_t i = 0; i < SPEC_COUNT; i++)
		if (strcmp(specs[i].type, type) == 0)
			return &specs[i];
	return NULL;
}

/* The description of `type` from erp_entity_types(). New reference. */
static json_t *type_description(const char *type)
{
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_entity_types(&out));
	json_t *all = erp_test_json(out.ptr);
	erp_buf_dispose(&out);
	size_t i;
	json_t *t, *found = NULL;
	json_array_foreach(all, i, t)
		if (strcmp(json_string_value(json_object_get(t, "type")), type) == 0)
			found = json_incref(t);
	json_decref(all);
	assert_non_null(found);
	return found;
}

/* Every given key reads back as given ("lines": each given key of each line). */
static void assert_given(const json_t *given, const json_t *got)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)given, key, v) {
		json_t *g = json_object_get(got, key);
		if (strcmp(key, "lines") != 0) {
			if (!g)
				fail_msg("%s is missing from the output", key);
			assert_json_equal(v, g);
			continue;
		}
		assert_true(json_is_array(g));
		assert_int_equal(json_array_size(g), json_array_size(v));
		for (size_t i = 0; i < json_array_size(v); i++)
			assert_given(json_array_get(v, i), json_array_get(g, i));
	}
}

/* Fields not named in `change` are the same in `before` and `after`. */
static void assert_unchanged_except(const json_t *before, const json_t *after, const json_t *change)
{
	static const char *const moving[] = { "version", "updated_at", "updated_by", "archived", NULL };
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)before, key, v) {
		bool skip = json_object_get(change, key) != NULL;
		for (const char *const *m = moving; *m && !skip; m++)
			skip = strcmp(*m, key) == 0;
		if (skip)
			continue;
		json_t *a = json_object_get(after, key);
		if (!a)
			fail_msg("%s disappeared", key);
		assert_json_equal(v, a);
	}
}

static void assert_system_fields(const json_t *o, int64_t version)
{
	const char *id = ent_id(o);
	assert_int_equal(strlen(id), 36);
	assert_int_equal(id[14], '7'); /* UUIDv7 */
	assert_int_equal(ent_version(o), version);
	assert_string_equal(ent_str(o, "created_by"), "tester");
	assert_string_equal(ent_str(o, "updated_by"), "tester");
	assert_non_null(ent_str(o, "created_at"));
	assert_non_null(ent_str(o, "updated_at"));
	assert_true(strlen(ent_str(o, "created_at")) >= 20);
	assert_true(strcmp(ent_str(o, "updated_at"), ent_str(o, "created_at")) >= 0);
	assert_true(json_is_boolean(json_object_get(o, "archived")));
}

static bool list_has(erp_ctx *ctx, const char *type, const char *query, const char *id)
{
	json_t *l = ent_list(ctx, type, query);
	json_t *ids = ent_item_ids(l);
	bool found = false;
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
		found = found || strcmp(json_string_value(v), id) == 0;
	assert_true(json_is_null(json_object_get(l, "next_cursor"))); /* the test stores are small */
	json_decref(ids);
	json_decref(l);
	return found;
}

static void crud_round_trip(erp_conformance_fixture *f, const char *type)
{
	const crud_spec *spec = spec_for(type);
	assert_non_null(spec);
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *ctx = erp_test_ctx(f->store, tenant, ERP_ROLE_READWRITE);
	erp_ent_world w;
	erp_ent_world_build(&w, ctx);
	json_t *desc = type_description(type);

	/* create */
	char *cj = erp_ent_expand(&w, spec->create, NULL);
	json_t *given = erp_test_json(cj);
	erp_ent_state s0 = erp_ent_state_of(f->store, tenant);
	json_t *c = ent_create(ctx, type, cj);
	erp_ent_state s1 = erp_ent_state_of(f->store, tenant);
	size_t lines = json_array_size(json_object_get(given, "lines"));
	assert_int_equal(s1.rows, s0.rows + 1 + (int64_t)lines);
	assert_int_equal(s1.audit, s0.audit + 1);
	assert_system_fields(c, 1);
	assert_false(json_is_true(json_object_get(c, "archived")));
	assert_string_equal(ent_str(c, "created_at"), ent_str(c, "updated_at"));
	assert_given(given, c);
	size_t i;
	json_t *fd;
	json_array_foreach(json_object_get(desc, "fields"), i, fd) /* every field is in the output */
		if (!json_object_get(c, json_string_value(json_object_get(fd, "name"))))
			fail_msg("%s: field %s is missing from the output", type, json_string_value(json_object_get(fd, "name")));
	char id[37];
	snprintf(id, sizeof id, "%s", ent_id(c));

	/* get */
	json_t *g = ent_get(ctx, type, id);
	assert_json_equal(c, g);

	/* update with the right version */
	char *uj = erp_ent_expand(&w, spec->update, id);
	json_t *change = erp_test_json(uj);
	json_t *u = ent_update(ctx, type, id, 1, uj);
	assert_system_fields(u, 2);
	assert_string_equal(ent_str(u, "id"), id);
	assert_string_equal(ent_str(u, "created_at"), ent_str(c, "created_at"));
	assert_given(change, u);
	assert_unchanged_except(c, u, change);
	const char *key;
	json_t *v;
	json_object_foreach(change, key, v) /* each change is a change */
		if (json_equal(v, json_object_get(c, key)))
			fail_msg("%s: the update spec does not change %s", type, key);
	json_t *g2 = ent_get(ctx, type, id);
	assert_json_equal(u, g2);

	/* a stale version changes nothing */
	assert_update_refused(ctx, f->store, tenant, type, id, 1, uj, ERP_ECONFLICT, "version");
	erp_ent_state s2 = erp_ent_state_of(f->store, tenant);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_error(erp_entity_delete(&out, ctx, type, id, 1), ERP_ECONFLICT, "version");
	assert_ent_state_equal(s2, erp_ent_state_of(f->store, tenant));
	assert_erp_error(erp_entity_update(&out, ctx, type, id, 3, uj), ERP_ECONFLICT, "version"); /* ahead is stale too */
	assert_ent_state_equal(s2, erp_ent_state_of(f->store, tenant));

	/* delete (nothing refers to it) */
	json_t *d = ent_delete(ctx, type, id, 2);
	assert_string_equal(ent_str(d, "id"), id);
	assert_string_equal(ent_str(d, "result"), "deleted");
	assert_true(json_object_get(d, "referenced_by") == NULL || json_is_null(json_object_get(d, "referenced_by")));
	erp_ent_state s3 = erp_ent_state_of(f->store, tenant);
	assert_int_equal(s3.rows, s2.rows - 1 - (int64_t)lines);
	assert_int_equal(s3.audit, s2.audit + 1);
	assert_erp_error(erp_entity_get(&out, ctx, type, id), ERP_ENOTFOUND, "id");
	assert_erp_error(erp_entity_update(&out, ctx, type, id, 2, uj), ERP_ENOTFOUND, "id");
	assert_erp_error(erp_entity_delete(&out, ctx, type, id, 2), ERP_ENOTFOUND, "id");
	assert_ent_state_equal(s3, erp_ent_state_of(f->store, tenant));
	assert_false(list_has(ctx, type, "{\"include_archived\":true}", id));

	/* delete of an entity another row refers to: archived, still readable by id, out of lists */
	if (spec->referrer_type) {
		json_t *second = ent_create_t(ctx, &w, type, spec->create);
		char *rj = erp_ent_expand(&w, spec->referrer, ent_id(second));
		json_t *referrer = ent_create(ctx, spec->referrer_type, rj);
		erp_ent_state s4 = erp_ent_state_of(f->store, tenant);
		json_t *a = ent_delete(ctx, type, ent_id(second), 1);
		assert_string_equal(ent_str(a, "id"), ent_id(second));
		assert_string_equal(ent_str(a, "result"), "archived");
		assert_non_null(ent_str(a, "referenced_by"));
		assert_string_equal(ent_str(a, "referenced_by"), spec->referenced_by);
		erp_ent_state s5 = erp_ent_state_of(f->store, tenant);
		assert_int_equal(s5.rows, s4.rows);
		assert_int_equal(s5.audit, s4.audit + 1);
		json_t *ga = ent_get(ctx, type, ent_id(second));
		assert_true(json_is_true(json_object_get(ga, "archived")));
		assert_int_equal(ent_version(ga), 2);
		assert_unchanged_except(second, ga, json_object_get(second, "__none__"));
		assert_false(list_has(ctx, type, NULL, ent_id(second)));
		assert_true(list_has(ctx, type, "{\"include_archived\":true}", ent_id(second)));
		/* the referrer is untouched and still reads */
		json_t *rg = ent_get(ctx, spec->referrer_type, ent_id(referrer));
		assert_json_equal(referrer, rg);
		json_decref(rg);
		json_decref(ga);
		json_decref(a);
		json_decref(referrer);
		free(rj);
		json_decref(second);
	}

	erp_buf_dispose(&out);
	json_decref(d);
	json_decref(g2);
	json_decref(u);
	json_decref(change);
	free(uj);
	json_decref(g);
	json_decref(c);
	json_decref(given);
	free(cj);
	json_decref(desc);
	erp_ctx_free(ctx);
}

/* Every type erp_entity_types() describes (lines aside) has a CRUD test below, and the reverse. */
void test_entity__every_described_type_has_a_crud_test(void **state)
{
	(void)state;
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_entity_types(&out));
	json_t *all = erp_test_json(out.ptr);
	erp_buf_dispose(&out);
	assert_true(json_is_array(all));
	size_t i, covered = 0;
	json_t *t;
	json_array_foreach(all, i, t) {
		const char *name = json_string_value(json_object_get(t, "type"));
		assert_non_null(name);
		bool is_line = false;
		size_t k;
		json_t *o;
		json_array_foreach(all, k, o) {
			const char *lines = json_string_value(json_object_get(o, "lines"));
			is_line = is_line || (lines && strcmp(lines, name) == 0);
		}
		if (is_line)
			continue;
		if (!spec_for(name))
			fail_msg("entity type %s has no CRUD test", name);
		covered++;
	}
	assert_int_equal(covered, SPEC_COUNT);
	/* the list, at least */
	const char *required[] = { "core.partner", "core.product", "core.product_category", "core.uom", "core.currency",
	                           "financial.account", "financial.journal", "financial.tax", "inventory.warehouse",
	                           "inventory.location", "sales.order", "purchase.order", "projects.project",
	                           "projects.task", "projects.timesheet", "analytics.account" };
	for (size_t r = 0; r < sizeof required / sizeof required[0]; r++) {
		bool found = false;
		json_array_foreach(all, i, t)
			found = found || strcmp(json_string_value(json_object_get(t, "type")), required[r]) == 0;
		if (!found)
			fail_msg("%s is not described", required[r]);
	}
	json_decref(all);
}

/* The descriptions carry what erp/entity.h documents for them. */
void test_entity__types_are_described_as_documented(void **state)
{
	(void)state;
	assert_erp_error(erp_entity_types(NULL), ERP_EINVALID, NULL);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_entity_types(&out));
	json_t *all = erp_test_json(out.ptr);
	erp_buf_dispose(&out);
	static const char *const kinds[] = { "text", "integer", "decimal", "money", "quantity", "date", "datetime",
	                                     "boolean", "enum", "reference", "json", "currency", NULL };
	size_t i;
	json_t *t;
	json_array_foreach(all, i, t) {
		const char *name = json_string_value(json_object_get(t, "type"));
		assert_non_null(name);
		if (!json_is_string(json_object_get(t, "table")))
			fail_msg("%s: no \"table\" in its description (erp/entity.h documents it)", name);
		json_t *fields = json_object_get(t, "fields");
		assert_true(json_array_size(fields) > 0);
		size_t k;
		json_t *fd;
		json_array_foreach(fields, k, fd) {
			const char *kind = json_string_value(json_object_get(fd, "kind"));
			assert_non_null(json_string_value(json_object_get(fd, "name")));
			assert_non_null(kind);
			bool known = false;
			for (const char *const *kk = kinds; *kk; kk++)
				known = known || strcmp(*kk, kind) == 0;
			assert_true(known);
			assert_true(json_is_boolean(json_object_get(fd, "required")));
			assert_true(json_is_boolean(json_object_get(fd, "unique")));
			assert_true(json_is_boolean(json_object_get(fd, "read_only")));
			if (strcmp(kind, "text") == 0)
				assert_true(json_integer_value(json_object_get(fd, "max_length")) > 0);
			if (strcmp(kind, "decimal") == 0)
				assert_true(json_is_integer(json_object_get(fd, "scale")));
			if (strcmp(kind, "enum") == 0)
				assert_true(json_array_size(json_object_get(fd, "values")) > 0);
			if (strcmp(kind, "reference") == 0)
				assert_non_null(json_string_value(json_object_get(fd, "references")));
			if (strcmp(kind, "money") == 0)
				assert_non_null(json_string_value(json_object_get(fd, "currency_field")));
			if (strcmp(kind, "quantity") == 0)
				assert_non_null(json_string_value(json_object_get(fd, "unit_field")));
		}
	}
	/* a few facts the issue names */
	json_array_foreach(all, i, t) {
		const char *name = json_string_value(json_object_get(t, "type"));
		if (strcmp(name, "sales.order") == 0 || strcmp(name, "purchase.order") == 0)
			assert_non_null(json_string_value(json_object_get(t, "lines")));
	}
	json_decref(all);
}

/* One CRUD round trip (crud_round_trip) per type. */
void test_entity__crud_core_currency(void **state)
{
	crud_round_trip(*state, "core.currency");
}

void test_entity__crud_core_uom(void **state)
{
	crud_round_trip(*state, "core.uom");
}

void test_entity__crud_core_product_category(void **state)
{
	crud_round_trip(*state, "core.product_category");
}

void test_entity__crud_core_product(void **state)
{
	crud_round_trip(*state, "core.product");
}

void test_entity__crud_core_partner(void **state)
{
	crud_round_trip(*state, "core.partner");
}

void test_entity__crud_financial_account(void **state)
{
	crud_round_trip(*state, "financial.account");
}

void test_entity__crud_financial_journal(void **state)
{
	crud_round_trip(*state, "financial.journal");
}

void test_entity__crud_financial_tax(void **state)
{
	crud_round_trip(*state, "financial.tax");
}

void test_entity__crud_inventory_warehouse(void **state)
{
	crud_round_trip(*state, "inventory.warehouse");
}

void test_entity__crud_inventory_location(void **state)
{
	crud_round_trip(*state, "inventory.location");
}

void test_entity__crud_sales_order(void **state)
{
	crud_round_trip(*state, "sales.order");
}

void test_entity__crud_purchase_order(void **state)
{
	crud_round_trip(*state, "purchase.order");
}

void test_entity__crud_analytics_account(void **state)
{
	crud_round_trip(*state, "analytics.account");
}

void test_entity__crud_projects_project(void **state)
{
	crud_round_trip(*state, "projects.project");
}

void test_entity__crud_projects_task(void **state)
{
	crud_round_trip(*state, "projects.task");
}

void test_entity__crud_projects_timesheet(void **state)
{
	crud_round_trip(*state, "projects.timesheet");
}

/* Fields left out take their defaults; the currency defaults to the tenant's base currency. */
void test_entity__missing_fields_take_their_defaults(void **state)
{
	erp_conformance_fixture *f = *state;
	char u[16], name[64];
	erp_test_unique(u);
	snprintf(name, sizeof name, "Yen tenant %s", u);
	erp_buf tid = ERP_BUF_INIT;
	assert_erp_ok(erp_tenant_create(&tid, f->store, name, "JPY"));
	erp_ctx *ctx = erp_test_ctx(f->store, tid.ptr, ERP_ROLE_READWRITE);
	json_t *p = ent_create(ctx, "core.partner", "{\"name\":\"Bare\",\"credit_limit\":\"15\"}");
	json_t *expect = erp_test_json("{\"name\":\"Bare\",\"kind\":\"company\",\"parent_id\":null,\"ref\":null,\"email\":null,"
	                               "\"is_customer\":false,\"is_supplier\":false,\"currency\":\"JPY\",\"credit_limit\":\"15\","
	                               "\"tags\":null,\"active\":true,\"archived\":false,\"version\":1}");
	assert_given(expect, p);
	json_t *uom = ent_create(ctx, "core.uom", "{\"name\":\"pc\",\"precision\":0}");
	assert_string_equal(ent_str(uom, "category"), "unit");
	char pj[128];
	snprintf(pj, sizeof pj, "{\"name\":\"P\",\"uom_id\":\"%s\"}", ent_id(uom));
	json_t *prod = ent_create(ctx, "core.product", pj);
	json_t *pexpect = erp_test_json("{\"type\":\"storable\",\"cost_method\":\"standard\",\"currency\":\"JPY\","
	                                "\"category_id\":null,\"sku\":null,\"list_price\":null,\"active\":true}");
	assert_given(pexpect, prod);
	json_decref(pexpect);
	json_decref(prod);
	json_decref(uom);
	json_decref(expect);
	json_decref(p);
	erp_ctx_free(ctx);
	erp_buf_dispose(&tid);
}

/* Values come back in one canonical form whatever form was given. */
void test_entity__values_come_back_in_canonical_form(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *ctx = erp_test_ctx(f->store, tenant, ERP_ROLE_READWRITE);
	erp_ent_world w;
	erp_ent_world_build(&w, ctx);
	json_t *tax = ent_create(ctx, "financial.tax", "{\"name\":\"Reduced\",\"rate\":\"0.2\"}");
	assert_string_equal(ent_str(tax, "rate"), "0.2000");
	json_t *p = ent_create(ctx, "core.partner", "{\"name\":\"Int\",\"credit_limit\":12}");
	assert_string_equal(ent_str(p, "credit_limit"), "12.00");
	json_t *p2 = ent_create(ctx, "core.partner", "{\"name\":\"Neg\",\"credit_limit\":\"-0.5\"}");
	assert_string_equal(ent_str(p2, "credit_limit"), "-0.50");
	json_t *p3 = ent_create(ctx, "core.partner", "{\"name\":\"Zeros\",\"credit_limit\":\"7.500\"}"); /* trailing zeros are exact */
	assert_string_equal(ent_str(p3, "credit_limit"), "7.50");
	json_t *uom = ent_create(ctx, "core.uom", "{\"name\":\"digits\",\"precision\":\"4\"}"); /* an integer as digits */
	assert_int_equal(json_integer_value(json_object_get(uom, "precision")), 4);
	char *tj = erp_ent_expand(&w, "{\"project_id\":\"{project}\",\"name\":\"T\",\"planned_hours\":\"3\","
	                              "\"closed_at\":\"2026-02-01T10:20:30Z\"}", NULL);
	json_t *task = ent_create(ctx, "projects.task", tj);
	assert_string_equal(ent_str(task, "planned_hours"), "3.00");
	const char *closed = ent_str(task, "closed_at");
	assert_non_null(closed);
	assert_int_equal(strncmp(closed, "2026-02-01T10:20:30", 19), 0);
	assert_int_equal(closed[strlen(closed) - 1], 'Z');
	json_t *objs[] = { tax, p, p2, p3, uom, task };
	const char *types[] = { "financial.tax", "core.partner", "core.partner", "core.partner", "core.uom", "projects.task" };
	for (size_t i = 0; i < 6; i++) {
		json_t *g = ent_get(ctx, types[i], ent_id(objs[i]));
		assert_json_equal(objs[i], g);
		json_decref(g);
		json_decref(objs[i]);
	}
	free(tj);
	erp_ctx_free(ctx);
}

/*
 * Money is stored in minor units of its currency: changing the currency of
 * a row with amounts must never reinterpret them (12.34 USD silently
 * becoming 1234 JPY or 1.234 BHD). Refusing the change is fine.
 */
void test_entity__changing_the_currency_never_rescales_amounts(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *ctx = erp_test_ctx(f->store, tenant, ERP_ROLE_READWRITE);
	erp_ent_world w;
	erp_ent_world_build(&w, ctx);
	json_t *p = ent_create(ctx, "core.partner", "{\"name\":\"Rescale\",\"currency\":\"USD\",\"credit_limit\":\"12.34\"}");
	char *oj = erp_ent_expand(&w, "{\"partner_id\":\"{partner}\",\"date\":\"2026-01-01\",\"currency\":\"USD\","
	                              "\"lines\":[{\"uom_id\":\"{unit}\",\"quantity\":\"1\",\"price_unit\":\"1.99\"}]}", NULL);
	json_t *o = ent_create(ctx, "sales.order", oj);
	const char *targets[] = { "JPY", "BHD" };
	for (size_t i = 0; i < 2; i++) {
		char patch[64];
		snprintf(patch, sizeof patch, "{\"currency\":\"%s\"}", targets[i]);
		erp_ent_state before = erp_ent_state_of(f->store, tenant);
		erp_buf out = ERP_BUF_INIT;
		json_t *gp = ent_get(ctx, "core.partner", ent_id(p));
		int rc = erp_entity_update(&out, ctx, "core.partner", ent_id(p), ent_version(gp), patch);
		json_decref(gp);
		gp = ent_get(ctx, "core.partner", ent_id(p));
		if (rc == ERP_OK) {
			if (strcmp(ent_str(gp, "credit_limit"), "12.34") != 0 && strcmp(ent_str(gp, "credit_limit"), "12.340") != 0)
				fail_msg("changing currency USD -> %s turned credit_limit 12.34 into %s", targets[i],
				         ent_str(gp, "credit_limit"));
		} else {
			assert_erp_error(rc, ERP_EINVALID, NULL);
			assert_ent_state_equal(before, erp_ent_state_of(f->store, tenant));
			assert_string_equal(ent_str(gp, "credit_limit"), "12.34");
		}
		json_decref(gp);
		json_t *go = ent_get(ctx, "sales.order", ent_id(o));
		before = erp_ent_state_of(f->store, tenant);
		rc = erp_entity_update(&out, ctx, "sales.order", ent_id(o), ent_version(go), patch);
		json_decref(go);
		go = ent_get(ctx, "sales.order", ent_id(o));
		json_t *line = json_array_get(json_object_get(go, "lines"), 0);
		if (rc == ERP_OK) {
			if (strncmp(ent_str(line, "price_unit"), "1.99", 4) != 0)
				fail_msg("changing the order's currency USD -> %s turned price_unit 1.99 into %s", targets[i],
				         ent_str(line, "price_unit"));
		} else {
			assert_erp_error(rc, ERP_EINVALID, NULL);
			assert_ent_state_equal(before, erp_ent_state_of(f->store, tenant));
			assert_string_equal(ent_str(line, "price_unit"), "1.99");
			assert_string_equal(ent_str(go, "amount_total"), "1.99");
		}
		json_decref(go);
		erp_buf_dispose(&out);
	}
	json_decref(o);
	free(oj);
	json_decref(p);
	erp_ctx_free(ctx);
}

/* Deleting a tenant currency that rows use keeps those rows readable (archived, like any referenced entity). */
void test_entity__a_currency_in_use_is_archived_and_its_users_stay_readable(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *ctx = erp_test_ctx(f->store, tenant, ERP_ROLE_READWRITE);
	json_t *cur = ent_create(ctx, "core.currency", "{\"code\":\"XTE\",\"name\":\"Test\",\"exponent\":3}");
	json_t *p = ent_create(ctx, "core.partner", "{\"name\":\"Uses XTE\",\"currency\":\"XTE\",\"credit_limit\":\"1.005\"}");
	assert_string_equal(ent_str(p, "credit_limit"), "1.005");
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_delete(&out, ctx, "core.currency", ent_id(cur), 1);
	if (rc == ERP_OK) {
		json_t *d = erp_test_json(out.ptr);
		assert_string_equal(ent_str(d, "result"), "archived");
		json_decref(d);
	}
	erp_buf_dispose(&out);
	rc = erp_entity_get(&out, ctx, "core.partner", ent_id(p));
	if (rc != ERP_OK)
		fail_msg("the partner using currency XTE no longer reads after the currency was deleted: %s (%s)",
		         erp_error_name(rc), erp_error_last()->message);
	json_t *g = erp_test_json(out.ptr);
	assert_json_equal(p, g);
	json_decref(g);
	erp_buf_dispose(&out);
	json_decref(p);
	json_decref(cur);
	erp_ctx_free(ctx);
}

ERP_CONFORMANCE_GROUP(110, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
