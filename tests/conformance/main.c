/*
 * test_conformance BACKEND [GROUP [FILTER]]: runs the conformance suite on
 * one backend ("sqlite", "postgresql"), with the cache that ERP_TEST_CACHE
 * names ("mem", the default, or "redis" at ERP_TEST_REDIS_URL); GROUP
 * limits it to one group by name, FILTER to the tests whose names match.
 * CMocka's CMOCKA_TEST_ABORT and test filters (CMOCKA_TEST_FILTER via
 * cmocka_set_test_filter) apply as usual.
 */
#include "conformance.h"

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

typedef struct {
	const char *name;
	int (*run)(void);
} group;

static const group groups[] = {
	{ "errors", erp_conformance_errors },
	{ "store", erp_conformance_store },
	{ "migrations", erp_conformance_migrations },
	{ "tenant", erp_conformance_tenant },
	{ "context", erp_conformance_context },
	{ "setting", erp_conformance_setting },
	{ "audit", erp_conformance_audit },
	{ "threads", erp_conformance_threads },
	{ "backend_faults", erp_conformance_backend_faults },
	{ "schema", erp_conformance_schema },
	{ "entity_crud", erp_conformance_entity_crud },
	{ "entity_validation", erp_conformance_entity_validation },
	{ "entity_documents", erp_conformance_entity_documents },
	{ "entity_list", erp_conformance_entity_list },
	{ "entity_isolation", erp_conformance_entity_isolation },
	{ "entity_roles", erp_conformance_entity_roles },
	{ "entity_history", erp_conformance_entity_history },
	{ "entity_fuzz", erp_conformance_entity_fuzz },
	{ "ledger_post", erp_conformance_ledger_post },
	{ "ledger_rules", erp_conformance_ledger_rules },
	{ "ledger_idempotency", erp_conformance_ledger_idempotency },
	{ "ledger_reverse", erp_conformance_ledger_reverse },
	{ "ledger_immutability", erp_conformance_ledger_immutability },
	{ "ledger_reports", erp_conformance_ledger_reports },
	{ "cursors", erp_conformance_cursors },
	{ "ledger_property", erp_conformance_ledger_property },
	{ "ledger_ledgercli", erp_conformance_ledger_ledgercli },
	{ "ledger_concurrency", erp_conformance_ledger_concurrency },
	{ "ledger_tamper", erp_conformance_ledger_tamper },
	{ "role_matrix", erp_conformance_role_matrix },
	{ "session", erp_conformance_session },
	{ "user", erp_conformance_user },
	{ "invitation", erp_conformance_invitation },
	{ "stock_avco", erp_conformance_stock_avco },
	{ "stock_fifo", erp_conformance_stock_fifo },
	{ "stock_moves", erp_conformance_stock_moves },
	{ "stock_reservations", erp_conformance_stock_reservations },
	{ "stock_property", erp_conformance_stock_property },
};

int main(int argc, char **argv)
{
	int rc = erp_test_backend_init(argc > 1 ? argv[1] : "sqlite");
	if (rc != 0)
		return rc;
	const char *only = argc > 2 ? argv[2] : NULL;
	if (argc > 3)
		cmocka_set_test_filter(argv[3]);
	int failures = 0, ran = 0;
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		if (only && strcmp(only, groups[i].name) != 0)
			continue;
		fprintf(stderr, "== conformance[%s, cache %s]: %s\n", erp_test_backend_name(), erp_test_cache_name(),
		        groups[i].name);
		failures += groups[i].run();
		ran++;
	}
	if (!ran) {
		fprintf(stderr, "no group named '%s'\n", only ? only : "");
		return 2;
	}
	return failures ? 1 : 0;
}
