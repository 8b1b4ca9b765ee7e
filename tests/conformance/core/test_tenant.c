/* The tenant registry (erp/tenant.h). */
#include "conformance.h"

#include <stdio.h>
#include <string.h>

static int64_t tenant_count(erp_store *s)
{
	return erp_test_scalar(s, NULL, "SELECT count(*) FROM {auth.tenants}");
}

void test_tenant__create_get_list_round_trip(void **state)
{
	erp_conformance_fixture *f = *state;
	char u[16], name[64];
	erp_test_unique(u);
	snprintf(name, sizeof name, "Acme \xc3\x89tablissements %s", u); /* UTF-8 kept as is */
	erp_buf id = ERP_BUF_INIT, json = ERP_BUF_INIT, list = ERP_BUF_INIT;
	assert_erp_ok(erp_tenant_create(&id, f->store, name, "EUR"));
	assert_int_equal(id.size, 36);
	assert_int_equal(id.ptr[14], '7'); /* UUID version 7 */
	assert_true(strchr("89ab", id.ptr[19]) != NULL);

	assert_erp_ok(erp_tenant_get(&json, f->store, id.ptr));
	char expect[256];
	snprintf(expect, sizeof expect, "\"id\":\"%s\"", id.ptr);
	assert_non_null(strstr(json.ptr, expect));
	assert_non_null(strstr(json.ptr, name));
	assert_non_null(strstr(json.ptr, "\"base_currency\":\"EUR\""));
	assert_non_null(strstr(json.ptr, "\"version\":1"));
	assert_non_null(strstr(json.ptr, "\"created_at\":\""));

	assert_erp_ok(erp_tenant_list(&list, f->store));
	assert_int_equal(list.ptr[0], '[');
	assert_non_null(strstr(list.ptr, expect));
	erp_buf_dispose(&id);
	erp_buf_dispose(&json);
	erp_buf_dispose(&list);
}

void test_tenant__list_is_oldest_first(void **state)
{
	erp_conformance_fixture *f = *state;
	char a[37], b[37];
	erp_test_tenant(a, f->store);
	erp_test_tenant(b, f->store);
	erp_buf list = ERP_BUF_INIT;
	assert_erp_ok(erp_tenant_list(&list, f->store));
	char *pa = strstr(list.ptr, a), *pb = strstr(list.ptr, b);
	assert_non_null(pa);
	assert_non_null(pb);
	assert_true(pa < pb);
	erp_buf_dispose(&list);
}

void test_tenant__create_rejects_bad_names_and_writes_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	int64_t before = tenant_count(f->store);
	char long_name[260];
	memset(long_name, 'x', 201);
	long_name[201] = '\0';
	const char *bad[] = { "", long_name, "bad\xff utf8", "ctrl\x01char", " leading", "trailing ", "overlong \xc0\xaf" };
	erp_buf id = ERP_BUF_INIT;
	assert_erp_error(erp_tenant_create(&id, f->store, NULL, "USD"), ERP_EINVALID, "name");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = erp_tenant_create(&id, f->store, bad[i], "USD");
		if (rc != ERP_EINVALID)
			fail_msg("name #%zu: expected ERP_EINVALID, got %s", i, erp_error_name(rc));
		assert_string_equal(erp_error_last()->field, "name");
		assert_string_equal(erp_error_last()->entity, "auth.tenant");
	}
	assert_null(id.ptr);
	/* 200 characters (400 bytes of 2-byte UTF-8) is the longest accepted */
	char ok_name[420] = "";
	for (int i = 0; i < 200; i++)
		strcat(ok_name, "\xc3\xa9");
	assert_erp_ok(erp_tenant_create(&id, f->store, ok_name, "USD"));
	assert_int_equal(tenant_count(f->store), before + 1);
	erp_buf_dispose(&id);
}

void test_tenant__create_rejects_bad_currency_and_writes_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	int64_t before = tenant_count(f->store);
	const char *bad[] = { "usd", "XXY", "", "USDD", "US", "U$D" };
	erp_buf id = ERP_BUF_INIT;
	char u[16], name[64];
	erp_test_unique(u);
	snprintf(name, sizeof name, "Currency %s", u);
	assert_erp_error(erp_tenant_create(&id, f->store, name, NULL), ERP_EINVALID, "base_currency");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_erp_error(erp_tenant_create(&id, f->store, name, bad[i]), ERP_EINVALID, "base_currency");
	assert_int_equal(tenant_count(f->store), before);
	/* JPY (0 decimals) and BTC (8) are known */
	assert_erp_ok(erp_tenant_create(&id, f->store, name, "JPY"));
	snprintf(name, sizeof name, "Bitcoin %s", u);
	assert_erp_ok(erp_tenant_create(&id, f->store, name, "BTC"));
	erp_buf_dispose(&id);
}

void test_tenant__duplicate_name_is_eexists_and_writes_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	char u[16], name[64];
	erp_test_unique(u);
	snprintf(name, sizeof name, "Twice %s", u);
	erp_buf id = ERP_BUF_INIT;
	assert_erp_ok(erp_tenant_create(&id, f->store, name, "USD"));
	int64_t before = tenant_count(f->store);
	assert_erp_error(erp_tenant_create(&id, f->store, name, "EUR"), ERP_EEXISTS, "name");
	assert_int_equal(tenant_count(f->store), before);
	erp_buf_dispose(&id);
}

void test_tenant__get_unknown_or_malformed(void **state)
{
	erp_conformance_fixture *f = *state;
	erp_buf json = ERP_BUF_INIT;
	assert_erp_error(erp_tenant_get(&json, f->store, "0190a6b2-0000-7000-8000-000000000000"), ERP_ENOTFOUND, "id");
	assert_erp_error(erp_tenant_get(&json, f->store, "not-a-uuid"), ERP_EINVALID, "id");
	assert_erp_error(erp_tenant_get(&json, f->store, "'; DROP TABLE x; --"), ERP_EINVALID, "id");
	assert_erp_error(erp_tenant_get(&json, f->store, NULL), ERP_EINVALID, "id");
	assert_erp_error(erp_tenant_get(NULL, f->store, "x"), ERP_EINVALID, "out");
	assert_erp_error(erp_tenant_get(&json, NULL, "x"), ERP_EINVALID, "store");
	assert_erp_error(erp_tenant_list(NULL, f->store), ERP_EINVALID, "out");
	assert_erp_error(erp_tenant_create(NULL, f->store, "x", "USD"), ERP_EINVALID, "out_id");
	assert_null(json.ptr);
}

void test_tenant__get_accepts_uppercase_ids(void **state)
{
	erp_conformance_fixture *f = *state;
	char id[37];
	erp_test_tenant(id, f->store);
	for (char *p = id; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	erp_buf json = ERP_BUF_INIT;
	assert_erp_ok(erp_tenant_get(&json, f->store, id));
	erp_buf_dispose(&json);
}

ERP_CONFORMANCE_GROUP(40, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
