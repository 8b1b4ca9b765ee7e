/*
 * The conformance suite: one set of tests, run once per storage backend.
 * Each file runs one CMocka group and returns its failure count.
 */
#ifndef ERP_CONFORMANCE_H
#define ERP_CONFORMANCE_H

#include "test_backend.h"
#include "store_internal.h"

int erp_conformance_errors(void);
int erp_conformance_store(void);
int erp_conformance_migrations(void);
int erp_conformance_tenant(void);
int erp_conformance_context(void);
int erp_conformance_setting(void);
int erp_conformance_audit(void);
int erp_conformance_threads(void);
int erp_conformance_backend_faults(void);
int erp_conformance_schema(void);

/** Group fixture: a fresh store in *state (a erp_conformance_fixture). */
typedef struct {
	erp_store *store;
	char *url;
} erp_conformance_fixture;

int erp_conformance_fresh_setup(void **state);
int erp_conformance_fresh_teardown(void **state);

#endif
