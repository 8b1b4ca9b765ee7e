/* Tenant contexts (erp/context.h). */
#include "conformance.h"

#include <string.h>

void test_context__binds_tenant_user_and_role(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *ctx = NULL;
	assert_erp_ok(erp_ctx_new(&ctx, f->store, tenant, "alice@example.com", ERP_ROLE_READWRITE));
	assert_string_equal(erp_ctx_tenant(ctx), tenant);
	assert_string_equal(erp_ctx_user(ctx), "alice@example.com");
	assert_int_equal(erp_ctx_role(ctx), ERP_ROLE_READWRITE);
	erp_ctx_free(ctx);
	assert_null(erp_ctx_tenant(NULL));
	assert_int_equal(erp_ctx_role(NULL), 0);
}

void test_context__rejects_bad_input(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *ctx = (erp_ctx *)&ctx;
	char long_user[300];
	memset(long_user, 'u', 201);
	long_user[201] = '\0';
	assert_erp_error(erp_ctx_new(NULL, f->store, tenant, "u", ERP_ROLE_ADMIN), ERP_EINVALID, "out");
	assert_erp_error(erp_ctx_new(&ctx, NULL, tenant, "u", ERP_ROLE_ADMIN), ERP_EINVALID, "store");
	assert_null(ctx);
	assert_erp_error(erp_ctx_new(&ctx, f->store, NULL, "u", ERP_ROLE_ADMIN), ERP_EINVALID, "tenant_id");
	assert_erp_error(erp_ctx_new(&ctx, f->store, "nope", "u", ERP_ROLE_ADMIN), ERP_EINVALID, "tenant_id");
	assert_erp_error(erp_ctx_new(&ctx, f->store, tenant, NULL, ERP_ROLE_ADMIN), ERP_EINVALID, "user_id");
	assert_erp_error(erp_ctx_new(&ctx, f->store, tenant, "", ERP_ROLE_ADMIN), ERP_EINVALID, "user_id");
	assert_erp_error(erp_ctx_new(&ctx, f->store, tenant, long_user, ERP_ROLE_ADMIN), ERP_EINVALID, "user_id");
	assert_erp_error(erp_ctx_new(&ctx, f->store, tenant, "bad\xfe", ERP_ROLE_ADMIN), ERP_EINVALID, "user_id");
	assert_erp_error(erp_ctx_new(&ctx, f->store, tenant, "u", 0), ERP_EINVALID, "role");
	assert_erp_error(erp_ctx_new(&ctx, f->store, tenant, "u", 4), ERP_EINVALID, "role");
	assert_null(ctx);
}

void test_context__unknown_tenant_is_enotfound(void **state)
{
	erp_conformance_fixture *f = *state;
	erp_ctx *ctx = NULL;
	assert_erp_error(erp_ctx_new(&ctx, f->store, "0190a6b2-0000-7000-8000-000000000001", "u", ERP_ROLE_ADMIN),
	                 ERP_ENOTFOUND, "tenant_id");
	assert_null(ctx);
}

ERP_CONFORMANCE_GROUP(50, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
