/* Per-tenant settings (erp/setting.h): roles, validation, isolation, audit. */
#include "conformance.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t count_settings(erp_store *s, const char *tenant)
{
	return erp_test_count(s, tenant, "{system.settings}");
}

static int64_t count_audit(erp_store *s, const char *tenant)
{
	return erp_test_count(s, tenant, "{system.audit_log}");
}

void test_setting__set_get_replace_delete(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *admin = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	erp_buf v = ERP_BUF_INIT;
	assert_erp_error(erp_setting_get(&v, admin, "invoice.prefix"), ERP_ENOTFOUND, "key");
	assert_erp_ok(erp_setting_set(admin, "invoice.prefix", "INV-"));
	assert_erp_ok(erp_setting_get(&v, admin, "invoice.prefix"));
	assert_string_equal(v.ptr, "INV-");
	assert_erp_ok(erp_setting_set(admin, "invoice.prefix", "F\xc3\xa9\tX\nY"));
	assert_erp_ok(erp_setting_get(&v, admin, "invoice.prefix"));
	assert_string_equal(v.ptr, "F\xc3\xa9\tX\nY");
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT version FROM {system.settings} WHERE tenant_id = '%s' AND key = 'invoice.prefix'", tenant);
	assert_int_equal(erp_test_scalar(f->store, tenant, sql), 2);
	assert_erp_ok(erp_setting_set(admin, "invoice.prefix", NULL));
	assert_erp_error(erp_setting_get(&v, admin, "invoice.prefix"), ERP_ENOTFOUND, "key");
	assert_erp_ok(erp_setting_set(admin, "invoice.prefix", NULL)); /* deleting nothing is fine */
	/* set, set, delete: three audit rows, nothing for the no-op */
	assert_int_equal(count_audit(f->store, tenant), 3);
	erp_buf_dispose(&v);
	erp_ctx_free(admin);
}

void test_setting__list_by_key(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37], other[37];
	erp_test_tenant(tenant, f->store);
	erp_test_tenant(other, f->store);
	erp_ctx *admin = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	erp_ctx *ro = erp_test_ctx(f->store, tenant, ERP_ROLE_READONLY);
	erp_ctx *them = erp_test_ctx(f->store, other, ERP_ROLE_ADMIN);
	erp_buf v = ERP_BUF_INIT;
	assert_erp_ok(erp_setting_list(&v, ro));
	assert_string_equal(v.ptr, "[]");
	assert_erp_ok(erp_setting_set(admin, "z.last", "Z"));
	assert_erp_ok(erp_setting_set(admin, "a.first", "quote \" and caf\xc3\xa9"));
	assert_erp_ok(erp_setting_set(admin, "z.last", "Z2"));
	assert_erp_ok(erp_setting_set(them, "a.first", "theirs"));
	assert_erp_ok(erp_setting_list(&v, ro)); /* every role reads */
	json_t *list = json_loads(v.ptr, 0, NULL);
	assert_non_null(list);
	assert_int_equal(json_array_size(list), 2);
	json_t *a = json_array_get(list, 0), *z = json_array_get(list, 1);
	assert_string_equal(json_string_value(json_object_get(a, "key")), "a.first");
	assert_string_equal(json_string_value(json_object_get(a, "value")), "quote \" and caf\xc3\xa9");
	assert_int_equal(json_integer_value(json_object_get(a, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(z, "key")), "z.last");
	assert_string_equal(json_string_value(json_object_get(z, "value")), "Z2");
	assert_int_equal(json_integer_value(json_object_get(z, "version")), 2);
	assert_non_null(json_string_value(json_object_get(z, "updated_at")));
	json_decref(list);
	assert_erp_error(erp_setting_list(NULL, ro), ERP_EINVALID, "out");
	assert_erp_error(erp_setting_list(&v, NULL), ERP_EINVALID, "ctx");
	erp_buf_dispose(&v);
	erp_ctx_free(admin);
	erp_ctx_free(ro);
	erp_ctx_free(them);
}

void test_setting__roles_are_enforced_and_write_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *ro = erp_test_ctx(f->store, tenant, ERP_ROLE_READONLY);
	erp_ctx *rw = erp_test_ctx(f->store, tenant, ERP_ROLE_READWRITE);
	erp_ctx *admin = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	assert_erp_ok(erp_setting_set(admin, "k", "v"));
	assert_erp_error(erp_setting_set(ro, "k", "x"), ERP_EPERM, NULL);
	assert_erp_error(erp_setting_set(rw, "k", "x"), ERP_EPERM, NULL);
	assert_erp_error(erp_setting_set(rw, "k", NULL), ERP_EPERM, NULL);
	erp_buf v = ERP_BUF_INIT;
	assert_erp_ok(erp_setting_get(&v, ro, "k")); /* every role reads */
	assert_string_equal(v.ptr, "v");
	assert_int_equal(count_settings(f->store, tenant), 1);
	assert_int_equal(count_audit(f->store, tenant), 1);
	erp_buf_dispose(&v);
	erp_ctx_free(ro);
	erp_ctx_free(rw);
	erp_ctx_free(admin);
}

void test_setting__rejects_bad_keys_and_values_and_writes_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *admin = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	char long_key[128];
	memset(long_key, 'k', 101);
	long_key[101] = '\0';
	const char *bad_keys[] = { "", "Upper", "with space", "semi;colon", long_key, "quote'" };
	assert_erp_error(erp_setting_set(admin, NULL, "v"), ERP_EINVALID, "key");
	for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++)
		assert_erp_error(erp_setting_set(admin, bad_keys[i], "v"), ERP_EINVALID, "key");
	char *huge = malloc(65538);
	memset(huge, 'v', 65537);
	huge[65537] = '\0';
	assert_erp_error(erp_setting_set(admin, "k", huge), ERP_EINVALID, "value");
	free(huge);
	assert_erp_error(erp_setting_set(admin, "k", "bad \xff"), ERP_EINVALID, "value");
	assert_erp_error(erp_setting_set(admin, "k", "nul\x01"), ERP_EINVALID, "value");
	assert_erp_error(erp_setting_set(NULL, "k", "v"), ERP_EINVALID, "ctx");
	erp_buf v = ERP_BUF_INIT;
	assert_erp_error(erp_setting_get(NULL, admin, "k"), ERP_EINVALID, "out");
	assert_erp_error(erp_setting_get(&v, admin, "BAD"), ERP_EINVALID, "key");
	assert_int_equal(count_settings(f->store, tenant), 0);
	assert_int_equal(count_audit(f->store, tenant), 0);
	erp_ctx_free(admin);
}

void test_setting__tenants_are_isolated(void **state)
{
	erp_conformance_fixture *f = *state;
	char a[37], b[37];
	erp_test_tenant(a, f->store);
	erp_test_tenant(b, f->store);
	erp_ctx *ca = erp_test_ctx(f->store, a, ERP_ROLE_ADMIN);
	erp_ctx *cb = erp_test_ctx(f->store, b, ERP_ROLE_ADMIN);
	assert_erp_ok(erp_setting_set(ca, "secret", "only for A"));
	erp_buf v = ERP_BUF_INIT;
	assert_erp_error(erp_setting_get(&v, cb, "secret"), ERP_ENOTFOUND, "key");
	assert_erp_ok(erp_setting_set(cb, "secret", "B's own"));
	assert_erp_ok(erp_setting_get(&v, ca, "secret"));
	assert_string_equal(v.ptr, "only for A");
	/* B deleting its key leaves A's */
	assert_erp_ok(erp_setting_set(cb, "secret", NULL));
	assert_erp_ok(erp_setting_get(&v, ca, "secret"));
	assert_string_equal(v.ptr, "only for A");
	erp_buf log = ERP_BUF_INIT;
	assert_erp_ok(erp_audit_list(&log, cb, 100));
	assert_null(strstr(log.ptr, "only for A"));
	erp_buf_dispose(&log);
	erp_buf_dispose(&v);
	erp_ctx_free(ca);
	erp_ctx_free(cb);
}

ERP_CONFORMANCE_GROUP(60, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
