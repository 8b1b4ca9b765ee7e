/*
 * Helpers shared by the entity conformance tests (conformance.h): calls
 * that must succeed, returning parsed JSON; refusals that must write
 * nothing; a world of entities every type may refer to.
 */
#include "conformance.h"

#include "entity/entity_types.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


erp_ent_state erp_ent_state_of(erp_store *store, const char *tenant)
{
	size_t n;
	const erp__entity_type *types = erp__entity_types(&n);
	erp__strbuf rows = ERP__STRBUF_INIT, versions = ERP__STRBUF_INIT, sql = ERP__STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		erp__strbuf_printf(&rows, "%s(SELECT count(*) FROM %s WHERE tenant_id = '%s')", i ? " + " : "", types[i].table, tenant);
		erp__strbuf_printf(&versions, "%s(SELECT coalesce(sum(version), 0) FROM %s WHERE tenant_id = '%s')", i ? " + " : "",
		                   types[i].table, tenant);
	}
	erp__strbuf_printf(&sql, "SELECT CAST(%s AS bigint), CAST(%s AS bigint), "
	                         "(SELECT count(*) FROM {system.audit_log} WHERE tenant_id = '%s')",
	                   erp__strbuf_cstr(&rows), erp__strbuf_cstr(&versions), tenant);
	assert_true(erp__strbuf_ok(&sql));
	int64_t v[3] = { -1, -1, -1 };
	erp_test_scalars(v, 3, store, tenant, erp__strbuf_cstr(&sql));
	erp__strbuf_free(&rows);
	erp__strbuf_free(&versions);
	erp__strbuf_free(&sql);
	return (erp_ent_state){ v[0], v[1], v[2] };
}

void erp_ent_assert_state_equal(erp_ent_state a, erp_ent_state b, const char *file, int line)
{
	if (a.rows != b.rows || a.versions != b.versions || a.audit != b.audit)
		erp_test_fail_at(file, line, "something was written: rows %lld -> %lld, versions %lld -> %lld, audit %lld -> %lld",
		          (long long)a.rows, (long long)b.rows, (long long)a.versions, (long long)b.versions,
		          (long long)a.audit, (long long)b.audit);
}

/* ---- templates --------------------------------------------------------------------- */

char *erp_ent_expand(const erp_ent_world *w, const char *tmpl, const char *self)
{
	char u[16];
	erp_test_unique(u);
	const struct {
		const char *key, *value;
	} keys[] = {
		{ "{unit}", w ? w->unit : "" },         { "{kg}", w ? w->kg : "" },
		{ "{account}", w ? w->account : "" },   { "{partner}", w ? w->partner : "" },
		{ "{category}", w ? w->category : "" }, { "{product}", w ? w->product : "" },
		{ "{tax}", w ? w->tax : "" },           { "{warehouse}", w ? w->warehouse : "" },
		{ "{location}", w ? w->location : "" }, { "{analytic}", w ? w->analytic : "" },
		{ "{project}", w ? w->project : "" },   { "{task}", w ? w->task : "" },
		{ "{self}", self ? self : "" },         { "{u}", u },
	};
	erp__strbuf sb = ERP__STRBUF_INIT;
	for (const char *p = tmpl; *p;) {
		size_t k, nk = sizeof keys / sizeof keys[0];
		for (k = 0; k < nk; k++)
			if (strncmp(p, keys[k].key, strlen(keys[k].key)) == 0)
				break;
		if (k < nk) {
			erp__strbuf_puts(&sb, keys[k].value);
			p += strlen(keys[k].key);
		} else {
			erp__strbuf_putc(&sb, *p++);
		}
	}
	assert_true(erp__strbuf_ok(&sb));
	char *s = strdup(erp__strbuf_cstr(&sb));
	erp__strbuf_free(&sb);
	assert_non_null(s);
	return s;
}

/* ---- calls that must succeed ---------------------------------------------------------- */

static json_t *take_json(erp_buf *b)
{
	json_t *v = erp_test_json(b->ptr);
	erp_buf_dispose(b);
	return v;
}

json_t *erp_ent_create_at(erp_ctx *ctx, const char *type, const char *json, const char *file, int line)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_create(&out, ctx, type, json);
	if (rc != ERP_OK)
		erp_test_fail_at(file, line, "create %s %.500s: %s (%s) field=%s", type, json, erp_error_name(rc),
		          erp_error_last()->message, erp_error_last()->field ? erp_error_last()->field : "");
	return take_json(&out);
}

json_t *erp_ent_create_t_at(erp_ctx *ctx, const erp_ent_world *w, const char *type, const char *tmpl, const char *file,
                            int line)
{
	char *json = erp_ent_expand(w, tmpl, NULL);
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_create(&out, ctx, type, json);
	if (rc != ERP_OK) {
		char shown[520];
		snprintf(shown, sizeof shown, "%.500s", json);
		free(json);
		erp_test_fail_at(file, line, "create %s %s: %s (%s) field=%s", type, shown, erp_error_name(rc),
		          erp_error_last()->message, erp_error_last()->field ? erp_error_last()->field : "");
	}
	free(json);
	return take_json(&out);
}

json_t *erp_ent_get_at(erp_ctx *ctx, const char *type, const char *id, const char *file, int line)
{
	erp_buf out = ERP_BUF_INIT;
	erp_test_assert_error(erp_entity_get(&out, ctx, type, id), ERP_OK, NULL, file, line);
	return take_json(&out);
}

json_t *erp_ent_update_at(erp_ctx *ctx, const char *type, const char *id, int64_t version, const char *json,
                          const char *file, int line)
{
	erp_buf out = ERP_BUF_INIT;
	erp_test_assert_error(erp_entity_update(&out, ctx, type, id, version, json), ERP_OK, NULL, file, line);
	return take_json(&out);
}

json_t *erp_ent_delete_at(erp_ctx *ctx, const char *type, const char *id, int64_t version, const char *file, int line)
{
	erp_buf out = ERP_BUF_INIT;
	erp_test_assert_error(erp_entity_delete(&out, ctx, type, id, version), ERP_OK, NULL, file, line);
	return take_json(&out);
}

json_t *erp_ent_list_at(erp_ctx *ctx, const char *type, const char *query, const char *file, int line)
{
	erp_buf out = ERP_BUF_INIT;
	erp_test_assert_error(erp_entity_list(&out, ctx, type, query), ERP_OK, NULL, file, line);
	return take_json(&out);
}

json_t *erp_ent_history_at(erp_ctx *ctx, const char *type, const char *id, const char *file, int line)
{
	erp_buf out = ERP_BUF_INIT;
	erp_test_assert_error(erp_entity_history(&out, ctx, type, id), ERP_OK, NULL, file, line);
	return take_json(&out);
}

const char *ent_id(const json_t *entity)
{
	const char *id = json_string_value(json_object_get(entity, "id"));
	assert_non_null(id);
	return id;
}

int64_t ent_version(const json_t *entity)
{
	json_t *v = json_object_get(entity, "version");
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

const char *ent_str(const json_t *entity, const char *key)
{
	return json_string_value(json_object_get(entity, key));
}

json_t *ent_item_ids(const json_t *list_result)
{
	json_t *items = json_object_get(list_result, "items");
	assert_true(json_is_array(items));
	json_t *ids = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		json_array_append_new(ids, json_string(ent_id(it)));
	return ids;
}

/* ---- refusals -------------------------------------------------------------------------- */

void erp_ent_refused_create_at(erp_ctx *ctx, erp_store *store, const char *tenant, const char *type, const char *json,
                               int code, const char *field, const char *file, int line)
{
	erp_ent_state before = erp_ent_state_of(store, tenant);
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_create(&out, ctx, type, json);
	if (rc == ERP_OK) {
		char shown[300];
		snprintf(shown, sizeof shown, "%.280s", out.ptr ? out.ptr : "");
		erp_buf_dispose(&out);
		erp_test_fail_at(file, line, "create %s %.400s was accepted (%s), expected %s field=%s", type ? type : "(null)",
		          json ? json : "(null)", shown, erp_error_name(code), field ? field : "");
	}
	erp_buf_dispose(&out);
	erp_test_assert_error(rc, code, field, file, line);
	erp_ent_assert_state_equal(before, erp_ent_state_of(store, tenant), file, line);
}

void erp_ent_refused_update_at(erp_ctx *ctx, erp_store *store, const char *tenant, const char *type, const char *id,
                               int64_t version, const char *json, int code, const char *field, const char *file, int line)
{
	erp_ent_state before = erp_ent_state_of(store, tenant);
	json_t *was = erp_ent_get_at(ctx, type, id, file, line);
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_update(&out, ctx, type, id, version, json);
	if (rc == ERP_OK) {
		char shown[300];
		snprintf(shown, sizeof shown, "%.280s", out.ptr ? out.ptr : "");
		erp_buf_dispose(&out);
		json_decref(was);
		erp_test_fail_at(file, line, "update %s %.400s was accepted (%s), expected %s field=%s", type, json ? json : "(null)",
		          shown, erp_error_name(code), field ? field : "");
	}
	erp_buf_dispose(&out);
	erp_test_assert_error(rc, code, field, file, line);
	erp_ent_assert_state_equal(before, erp_ent_state_of(store, tenant), file, line);
	json_t *now = erp_ent_get_at(ctx, type, id, file, line);
	erp_test_assert_json_equal(was, now, file, line);
	json_decref(was);
	json_decref(now);
}

/* ---- the world ------------------------------------------------------------------------- */

static void world_add(char out[37], erp_ctx *ctx, const erp_ent_world *w, const char *type, const char *tmpl)
{
	json_t *o = erp_ent_create_t_at(ctx, w, type, tmpl, __FILE__, __LINE__);
	snprintf(out, 37, "%s", ent_id(o));
	json_decref(o);
}

void erp_ent_world_build(erp_ent_world *w, erp_ctx *ctx)
{
	memset(w, 0, sizeof *w);
	world_add(w->unit, ctx, w, "core.uom", "{\"name\":\"unit {u}\",\"precision\":0,\"category\":\"unit\"}");
	world_add(w->kg, ctx, w, "core.uom", "{\"name\":\"kg {u}\",\"precision\":3,\"category\":\"weight\"}");
	world_add(w->account, ctx, w, "financial.account", "{\"code\":\"W{u}\",\"name\":\"Stock\",\"type\":\"asset\"}");
	world_add(w->partner, ctx, w, "core.partner", "{\"name\":\"World partner {u}\",\"is_customer\":true}");
	world_add(w->category, ctx, w, "core.product_category",
	          "{\"name\":\"All {u}\",\"stock_valuation_account_id\":\"{account}\"}");
	world_add(w->product, ctx, w, "core.product",
	          "{\"name\":\"World product\",\"sku\":\"W{u}\",\"uom_id\":\"{unit}\",\"category_id\":\"{category}\"}");
	world_add(w->tax, ctx, w, "financial.tax", "{\"name\":\"VAT {u}\",\"rate\":\"0.2000\",\"account_id\":\"{account}\"}");
	world_add(w->warehouse, ctx, w, "inventory.warehouse", "{\"code\":\"W{u}\",\"name\":\"Main\"}");
	world_add(w->location, ctx, w, "inventory.location",
	          "{\"name\":\"Stock\",\"usage\":\"internal\",\"warehouse_id\":\"{warehouse}\"}");
	world_add(w->analytic, ctx, w, "analytics.account", "{\"code\":\"W{u}\",\"name\":\"Analytic\"}");
	world_add(w->project, ctx, w, "projects.project", "{\"code\":\"W{u}\",\"name\":\"Project\",\"partner_id\":\"{partner}\"}");
	world_add(w->task, ctx, w, "projects.task", "{\"project_id\":\"{project}\",\"name\":\"Task\"}");
}
