/*
 * test_conformance BACKEND [GROUP [FILTER]]: runs the conformance suite on
 * one backend ("sqlite", "postgresql"), with the cache that ERP_TEST_CACHE
 * names ("mem", the default, or "redis" at ERP_TEST_REDIS_URL); GROUP
 * limits it to one group by name, FILTER to the tests whose names match.
 * CMocka's CMOCKA_TEST_ABORT and test filters (CMOCKA_TEST_FILTER via
 * cmocka_set_test_filter) apply as usual.
 *
 * test_conformance BACKEND --list [GROUP]: prints "<group>\t<test>" for
 * each test that would run, in order, and runs nothing (BACKEND is not
 * opened).
 *
 * The groups are those the build found (conformance.h).
 */
#include "conformance.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int erp_conformance_fresh_setup(void **state)
{
	erp_conformance_fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	f->store = erp_test_store_fresh(&f->url);
	*state = f;
	return 0;
}

int erp_conformance_fresh_teardown(void **state)
{
	erp_conformance_fixture *f = *state;
	if (f) {
		erp_test_store_drop(f->store, f->url);
		free(f);
	}
	return 0;
}

static bool listing;

int erp_conformance_run_group(const char *name, const struct CMUnitTest *tests, size_t count, CMFixtureFunction setup,
                              CMFixtureFunction teardown)
{
	if (listing) {
		for (size_t i = 0; i < count; i++)
			printf("%s\t%s\n", name, tests[i].name);
		return 0;
	}
	return _cmocka_run_group_tests(name, tests, count, setup, teardown);
}

int main(int argc, char **argv)
{
	/* The arguments but --list, wherever it is. */
	const char *arg[3] = { "sqlite", NULL, NULL };
	int n = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0) {
			listing = true;
		} else if (n < 3) {
			arg[n++] = argv[i];
		} else {
			fprintf(stderr, "usage: %s BACKEND [--list] [GROUP [FILTER]]\n", argv[0]);
			return 2;
		}
	}
	if (listing) {
		if (arg[2]) {
			fprintf(stderr, "--list lists whole groups: no FILTER\n");
			return 2;
		}
	} else {
		int rc = erp_test_backend_init(arg[0]);
		if (rc != 0)
			return rc;
		if (arg[2])
			cmocka_set_test_filter(arg[2]);
	}
	const char *only = arg[1];
	int failures = 0, ran = 0;
	for (size_t i = 0; i < erp_conformance_group_count; i++) {
		const erp_conformance_group *g = &erp_conformance_groups[i];
		if (only && strcmp(only, g->name) != 0)
			continue;
		if (!listing)
			fprintf(stderr, "== conformance[%s, cache %s]: %s\n", erp_test_backend_name(), erp_test_cache_name(),
			        g->name);
		failures += g->run ? g->run() : erp_conformance_run_group(g->name, g->tests, g->count, g->setup, g->teardown);
		ran++;
	}
	if (!ran) {
		fprintf(stderr, "no group named '%s'\n", only ? only : "");
		return 2;
	}
	return failures ? 1 : 0;
}
