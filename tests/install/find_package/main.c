/* Uses the installed liberp through find_package(liberp): opens a store in
 * the working directory, creates a tenant, writes and reads a setting. */
#include <erp/erp.h>

#include <stdio.h>
#include <string.h>

static int check(const char *what, int rc)
{
	if (rc != ERP_OK)
		fprintf(stderr, "%s: %s: %s\n", what, erp_error_name(rc), erp_error_last()->message);
	return rc == ERP_OK;
}

int main(void)
{
	erp_store *store = NULL;
	erp_ctx *ctx = NULL;
	erp_buf id = ERP_BUF_INIT, value = ERP_BUF_INIT;
	int ok;

	if (erp_version_number() != LIBERP_VERSION_NUMBER || strcmp(erp_version(), LIBERP_VERSION) != 0) {
		fprintf(stderr, "header %s, library %s\n", LIBERP_VERSION, erp_version());
		return 1;
	}
	ok = check("erp_store_open", erp_store_open(&store, "sqlite:find_package.db", NULL)) &&
	     check("erp_tenant_create", erp_tenant_create(&id, store, "Find Package Co", "EUR")) &&
	     check("erp_ctx_new", erp_ctx_new(&ctx, store, id.ptr, "find_package", ERP_ROLE_ADMIN)) &&
	     check("erp_setting_set", erp_setting_set(ctx, "install.test", "ok")) &&
	     check("erp_setting_get", erp_setting_get(&value, ctx, "install.test"));
	if (ok && strcmp(value.ptr, "ok") != 0) {
		fprintf(stderr, "setting install.test reads back '%s'\n", value.ptr);
		ok = 0;
	}
	if (ok)
		printf("liberp %s: tenant %s, setting install.test=%s\n", erp_version(), id.ptr, value.ptr);
	erp_buf_dispose(&value);
	erp_buf_dispose(&id);
	erp_ctx_free(ctx);
	erp_store_close(store);
	return ok ? 0 : 1;
}
