/*
 * test_cache URL: the cache backend contract (erp/sys/cache.h), run once
 * per cache backend: "mem:" always, Redis when ERP_TEST_REDIS_URL is set
 * (`test_cache redis` exits 77, skipped, otherwise).
 */
#include "test_backend.h"

#include "registry.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *cache_url;

static int cache_setup(void **state)
{
	const erp_cache_backend *b;
	char scheme[32];
	if (erp__library_init() != ERP_OK || !erp__url_scheme(scheme, sizeof scheme, cache_url) ||
	    !(b = erp__cache_backend_find(scheme)))
		return -1;
	erp_store_options opts = ERP_STORE_OPTIONS_INIT;
	opts.cache_max_bytes = 1 << 20;
	erp_cache *c = NULL;
	if (b->open(&c, cache_url, &opts) != ERP_OK)
		return -1;
	*state = c;
	return 0;
}

static int cache_teardown(void **state)
{
	erp_cache *c = *state;
	c->close(c);
	return 0;
}

static void unique_key(char *out, size_t cap, const char *what)
{
	char u[16];
	erp_test_unique(u);
	snprintf(out, cap, "erp:test:%s:%s", what, u);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void test_cache__set_get_del(void **state)
{
	erp_cache *c = *state;
	char key[64];
	unique_key(key, sizeof key, "sgd");
	erp_buf v = ERP_BUF_INIT;
	assert_int_equal(c->get(&v, c, key), ERP_ENOTFOUND);
	assert_null(v.ptr);
	assert_erp_ok(c->set(c, key, "hello\0world", 11, 0));
	assert_erp_ok(c->get(&v, c, key));
	assert_int_equal(v.size, 11);
	assert_memory_equal(v.ptr, "hello\0world", 11);
	assert_erp_ok(c->set(c, key, "replaced", 8, 0));
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "replaced");
	assert_erp_ok(c->del(c, key));
	assert_int_equal(c->get(&v, c, key), ERP_ENOTFOUND);
	assert_erp_ok(c->del(c, key)); /* deleting what is absent is fine */
	erp_buf_dispose(&v);
	if (c->ping)
		assert_erp_ok(c->ping(c));
}

static void test_cache__ttl_expires(void **state)
{
	erp_cache *c = *state;
	char key[64];
	unique_key(key, sizeof key, "ttl");
	erp_buf v = ERP_BUF_INIT;
	assert_erp_ok(c->set(c, key, "short", 5, 150));
	assert_erp_ok(c->get(&v, c, key));
	sleep_ms(400);
	assert_int_equal(c->get(&v, c, key), ERP_ENOTFOUND);
	assert_erp_error(c->set(c, key, "x", 1, -1), ERP_EINVALID, "ttl_ms");
	erp_buf_dispose(&v);
}

static void test_cache__incr_counts_and_keeps_first_expiry(void **state)
{
	erp_cache *c = *state;
	char key[64];
	unique_key(key, sizeof key, "incr");
	int64_t n = 0;
	assert_erp_ok(c->incr(&n, c, key, 5, 300));
	assert_int_equal(n, 5);
	assert_erp_ok(c->incr(&n, c, key, -2, 100000)); /* expiry is not extended */
	assert_int_equal(n, 3);
	erp_buf v = ERP_BUF_INIT;
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "3");
	sleep_ms(600);
	assert_erp_ok(c->incr(&n, c, key, 1, 0)); /* a fixed window restarts */
	assert_int_equal(n, 1);
	char text_key[64];
	unique_key(text_key, sizeof text_key, "text");
	assert_erp_ok(c->set(c, text_key, "abc", 3, 0));
	assert_erp_error(c->incr(&n, c, text_key, 1, 0), ERP_EINVALID, "key");
	assert_erp_ok(c->get(&v, c, text_key));
	assert_string_equal(v.ptr, "abc");
	erp_buf_dispose(&v);
}

typedef struct {
	erp_cache *cache;
	const char *key;
	int failures;
} incr_worker;

static void *incr_many(void *arg)
{
	incr_worker *w = arg;
	for (int i = 0; i < 2000; i++) {
		int64_t n;
		if (w->cache->incr(&n, w->cache, w->key, 1, 60000) != ERP_OK)
			w->failures++;
	}
	return NULL;
}

static void test_cache__incr_is_atomic_across_threads(void **state)
{
	erp_cache *c = *state;
	char key[64];
	unique_key(key, sizeof key, "atomic");
	pthread_t t[4];
	incr_worker w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (incr_worker){ c, key, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, incr_many, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	int64_t n;
	assert_erp_ok(c->incr(&n, c, key, 0, 0));
	assert_int_equal(n, 8000);
}

static void test_cache__bounded_memory_evicts_least_recent(void **state)
{
	erp_cache *c = *state;
	if (strcmp(c->name, "mem") != 0)
		skip(); /* Redis bounds memory by its own maxmemory policy */
	/* 1 MiB budget: write 4 MiB of 4 KiB values, keep touching the first. */
	char value[4096];
	memset(value, 'v', sizeof value);
	char first[64];
	unique_key(first, sizeof first, "lru-first");
	assert_erp_ok(c->set(c, first, value, sizeof value, 0));
	erp_buf v = ERP_BUF_INIT;
	int kept = 0;
	char key[64];
	for (int i = 0; i < 1024; i++) {
		snprintf(key, sizeof key, "erp:test:lru:%d", i);
		assert_erp_ok(c->set(c, key, value, sizeof value, 0));
		assert_erp_ok(c->get(&v, c, first)); /* recently used: never evicted */
	}
	for (int i = 0; i < 1024; i++) {
		snprintf(key, sizeof key, "erp:test:lru:%d", i);
		kept += c->get(&v, c, key) == ERP_OK;
	}
	assert_true(kept > 0);
	assert_true(kept < 256); /* at most 1 MiB of 4 KiB values */
	snprintf(key, sizeof key, "erp:test:lru:%d", 1023);
	assert_erp_ok(c->get(&v, c, key)); /* the newest survived */
	erp_buf_dispose(&v);
}

int main(int argc, char **argv)
{
	const char *which = argc > 1 ? argv[1] : "mem";
	if (strcmp(which, "mem") == 0) {
		cache_url = "mem:";
	} else if (strcmp(which, "redis") == 0) {
		cache_url = getenv("ERP_TEST_REDIS_URL");
		if (!cache_url || !*cache_url) {
			fprintf(stderr, "ERP_TEST_REDIS_URL is not set: skipping the Redis cache run\n");
			return ERP_TEST_SKIP;
		}
	} else {
		fprintf(stderr, "usage: test_cache mem|redis\n");
		return 2;
	}
	erp_test_backend_init("sqlite");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache__set_get_del),
		cmocka_unit_test(test_cache__ttl_expires),
		cmocka_unit_test(test_cache__incr_counts_and_keeps_first_expiry),
		cmocka_unit_test(test_cache__incr_is_atomic_across_threads),
		cmocka_unit_test(test_cache__bounded_memory_evicts_least_recent),
	};
	return cmocka_run_group_tests_name(which, tests, cache_setup, cache_teardown);
}
