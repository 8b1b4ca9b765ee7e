/*
 * quickstart.c: the smallest useful liberp program.
 *
 * Opens (or creates) the embedded SQLite store quickstart.db in the current
 * directory, creates a tenant, acts in it as an admin, writes a setting and
 * prints what it did. Every run creates a new tenant, so it can be run again
 * and again on the same file.
 *
 * Build against an installed liberp:
 *
 *     cc quickstart.c $(pkg-config --cflags --libs liberp) -o quickstart
 */
#include <erp/erp.h>

#include <stdio.h>
#include <time.h>

/* Prints why a liberp call failed; returns 1 for main's exit status. */
static int fail(const char *what, int rc)
{
	fprintf(stderr, "quickstart: %s failed: %s: %s\n", what, erp_error_name(rc),
	        erp_error_last()->message);
	return 1;
}

int main(void)
{
	erp_store *store = NULL;
	erp_ctx *ctx = NULL;
	erp_buf tenant_id = ERP_BUF_INIT;
	erp_buf json = ERP_BUF_INIT;
	char stamp[32], name[80];
	struct timespec now;
	int status = 1;
	int rc;

	/* The library we run with must be at least the one we compiled against. */
	if (erp_version_number() < LIBERP_VERSION_NUMBER) {
		fprintf(stderr, "quickstart: built for liberp %s but running with %s\n",
		        LIBERP_VERSION, erp_version());
		return 1;
	}
	printf("liberp %s\n", erp_version());

	/* NULL options: every default (in-process "mem:" cache, migrations applied). */
	if ((rc = erp_store_open(&store, "sqlite:quickstart.db", NULL)) != ERP_OK) {
		status = fail("erp_store_open", rc);
		goto done;
	}
	printf("store:   sqlite:quickstart.db (backend %s)\n", erp_store_backend(store));

	/* Tenant names are unique in a store: make this run's name unique. */
	timespec_get(&now, TIME_UTC);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", gmtime(&now.tv_sec));
	snprintf(name, sizeof name, "Quickstart Co %s.%09ld", stamp, (long)now.tv_nsec);

	if ((rc = erp_tenant_create(&tenant_id, store, name, "USD")) != ERP_OK) {
		status = fail("erp_tenant_create", rc);
		goto done;
	}
	printf("tenant:  %s\n", tenant_id.ptr);

	if ((rc = erp_tenant_get(&json, store, tenant_id.ptr)) != ERP_OK) {
		status = fail("erp_tenant_get", rc);
		goto done;
	}
	printf("         %s\n", json.ptr);

	/* Act in the tenant as the user "quickstart" with the admin role. */
	if ((rc = erp_ctx_new(&ctx, store, tenant_id.ptr, "quickstart", ERP_ROLE_ADMIN)) != ERP_OK) {
		status = fail("erp_ctx_new", rc);
		goto done;
	}
	if ((rc = erp_setting_set(ctx, "quickstart.greeting", "Hello from liberp")) != ERP_OK) {
		status = fail("erp_setting_set", rc);
		goto done;
	}
	/* erp_setting_get disposes what `json` held before filling it again. */
	if ((rc = erp_setting_get(&json, ctx, "quickstart.greeting")) != ERP_OK) {
		status = fail("erp_setting_get", rc);
		goto done;
	}
	printf("setting: quickstart.greeting = %s\n", json.ptr);

	status = 0;
done:
	erp_buf_dispose(&json);
	erp_buf_dispose(&tenant_id);
	erp_ctx_free(ctx);      /* contexts before their store */
	erp_store_close(store);
	return status;
}
