/* The audit log (erp/audit.h). */
#include "conformance.h"

#include <stdio.h>
#include <string.h>

void test_audit__records_who_what_before_after_newest_first(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *admin = NULL;
	assert_erp_ok(erp_ctx_new(&admin, f->store, tenant, "auditor@example.com", ERP_ROLE_ADMIN));
	assert_erp_ok(erp_setting_set(admin, "fiscal.year_start", "01-01"));
	assert_erp_ok(erp_setting_set(admin, "fiscal.year_start", "04-01"));
	erp_buf log = ERP_BUF_INIT;
	assert_erp_ok(erp_audit_list(&log, admin, 10));
	const char *newest = strstr(log.ptr, "\"after\":{\"key\":\"fiscal.year_start\",\"value\":\"04-01\"}");
	const char *oldest = strstr(log.ptr, "\"before\":null");
	assert_non_null(newest);
	assert_non_null(oldest);
	assert_true(newest < oldest);
	assert_non_null(strstr(log.ptr, "\"before\":{\"key\":\"fiscal.year_start\",\"value\":\"01-01\"}"));
	assert_non_null(strstr(log.ptr, "\"actor\":\"auditor@example.com\""));
	assert_non_null(strstr(log.ptr, "\"entity\":\"system.setting\""));
	assert_non_null(strstr(log.ptr, "\"action\":\"set\""));
	/* limit */
	assert_erp_ok(erp_audit_list(&log, admin, 1));
	assert_null(strstr(log.ptr, "\"before\":null"));
	erp_buf_dispose(&log);
	erp_ctx_free(admin);
}

void test_audit__needs_admin_and_a_sane_limit(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *rw = erp_test_ctx(f->store, tenant, ERP_ROLE_READWRITE);
	erp_ctx *admin = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	erp_buf log = ERP_BUF_INIT;
	assert_erp_error(erp_audit_list(&log, rw, 10), ERP_EPERM, NULL);
	assert_erp_error(erp_audit_list(&log, admin, 0), ERP_EINVALID, "limit");
	assert_erp_error(erp_audit_list(&log, admin, 1001), ERP_EINVALID, "limit");
	assert_erp_error(erp_audit_list(NULL, admin, 10), ERP_EINVALID, "out");
	assert_null(log.ptr);
	assert_erp_ok(erp_audit_list(&log, admin, 1000));
	assert_string_equal(log.ptr, "[]");
	erp_buf_dispose(&log);
	erp_ctx_free(rw);
	erp_ctx_free(admin);
}

void test_audit__log_is_append_only_in_the_database(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *admin = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	assert_erp_ok(erp_setting_set(admin, "k", "v"));
	char sql[200];
	snprintf(sql, sizeof sql, "UPDATE {system.audit_log} SET actor = 'mallory' WHERE tenant_id = '%s'", tenant);
	int rc = erp_test_exec(f->store, tenant, sql);
	assert_true(rc != ERP_OK);
	snprintf(sql, sizeof sql, "DELETE FROM {system.audit_log} WHERE tenant_id = '%s'", tenant);
	rc = erp_test_exec(f->store, tenant, sql);
	assert_true(rc != ERP_OK);
	assert_int_equal(erp_test_count(f->store, tenant, "{system.audit_log}"), 1);
	erp_ctx_free(admin);
}

ERP_CONFORMANCE_GROUP(70, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
