/* One store shared by many threads (erp/store.h thread-safety promise). */
#include "conformance.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define THREADS 8
#define WRITES 40

typedef struct {
	erp_store *store;
	const char *tenant;
	int index;
	int failures;
	char message[256];
} worker;

static void *write_and_read(void *arg)
{
	worker *w = arg;
	erp_ctx *ctx = NULL;
	if (erp_ctx_new(&ctx, w->store, w->tenant, "worker", ERP_ROLE_ADMIN) != ERP_OK) {
		w->failures++;
		return NULL;
	}
	erp_buf v = ERP_BUF_INIT;
	for (int i = 0; i < WRITES; i++) {
		char key[32], value[32];
		snprintf(key, sizeof key, "t%d.k%d", w->index, i);
		snprintf(value, sizeof value, "%d:%d", w->index, i);
		int rc = erp_setting_set(ctx, key, value);
		if (rc == ERP_OK)
			rc = erp_setting_get(&v, ctx, key);
		if (rc != ERP_OK || strcmp(v.ptr, value) != 0) {
			w->failures++;
			snprintf(w->message, sizeof w->message, "%s: %s", erp_error_name(rc), erp_error_last()->message);
		}
		/* Reads of the shared registry run beside the writes. */
		if (erp_tenant_list(&v, w->store) != ERP_OK)
			w->failures++;
	}
	erp_buf_dispose(&v);
	erp_ctx_free(ctx);
	return NULL;
}

void test_threads__concurrent_writers_and_readers_lose_nothing(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	pthread_t threads[THREADS];
	worker workers[THREADS];
	for (int i = 0; i < THREADS; i++) {
		workers[i] = (worker){ f->store, tenant, i, 0, "" };
		assert_int_equal(pthread_create(&threads[i], NULL, write_and_read, &workers[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(threads[i], NULL);
		if (workers[i].failures)
			fail_msg("worker %d: %d failures (%s)", i, workers[i].failures, workers[i].message);
	}
	assert_int_equal(erp_test_count(f->store, tenant, "{system.settings}"), THREADS * WRITES);
	assert_int_equal(erp_test_count(f->store, tenant, "{system.audit_log}"), THREADS * WRITES);
}

typedef struct {
	erp_store *store;
	const char *name;
	int rc;
} creator;

static void *create_same_tenant(void *arg)
{
	creator *c = arg;
	erp_buf id = ERP_BUF_INIT;
	c->rc = erp_tenant_create(&id, c->store, c->name, "USD");
	erp_buf_dispose(&id);
	return NULL;
}

void test_threads__one_name_one_tenant_under_a_race(void **state)
{
	erp_conformance_fixture *f = *state;
	char u[16], name[64];
	erp_test_unique(u);
	snprintf(name, sizeof name, "Race %s", u);
	pthread_t threads[THREADS];
	creator creators[THREADS];
	for (int i = 0; i < THREADS; i++) {
		creators[i] = (creator){ f->store, name, 1 };
		assert_int_equal(pthread_create(&threads[i], NULL, create_same_tenant, &creators[i]), 0);
	}
	int ok = 0, exists = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(threads[i], NULL);
		ok += creators[i].rc == ERP_OK;
		exists += creators[i].rc == ERP_EEXISTS;
	}
	assert_int_equal(ok, 1);
	assert_int_equal(exists, THREADS - 1);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM {auth.tenants} WHERE name = '%s'", name);
	assert_int_equal(erp_test_scalar(f->store, NULL, sql), 1);
}

ERP_CONFORMANCE_GROUP(80, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
