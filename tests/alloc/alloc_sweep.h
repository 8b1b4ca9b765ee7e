/*
 * The sweep of the allocation-failure test: runs one API call again and
 * again with its 1st, 2nd, ... Nth allocation failing (failing_alloc.h)
 * until a run no longer reaches N, and after each run checks that the
 * call returned ERP_OK or an out-of-memory code with erp_error_last() set,
 * that the store still verifies, that the call wrote all or nothing, and
 * that the same call, repeated without failures, works again.
 *
 * Used by test_alloc_failure.c; see that file for how to run it.
 */
#ifndef ERP_TEST_ALLOC_SWEEP_H
#define ERP_TEST_ALLOC_SWEEP_H

#include <erp/erp.h>

/** One API call under test. */
typedef struct sweep_scenario {
	const char *name;
	/** Non-zero: the call writes; the rows it adds are checked (all or nothing). */
	int writes;
	/** Non-zero: repeating call(n) is idempotent (same key), so it is repeated even after a commit. */
	int idempotent;
	/** Non-zero: a successful call's text must equal the text of the same call repeated. */
	int same_output;
	/** Unarmed, before each run (may be NULL): makes what run n needs. */
	void (*prepare)(unsigned long n);
	/** The call; fills `out` (disposed by the sweep); `n` makes names and keys unique per run. */
	int (*call)(erp_buf *out, unsigned long n);
	/**
	 * Optional, unarmed: a number that a whole call of run n raises by one
	 * and a call that did nothing leaves alone, for effects that add no row
	 * (a release, an update); counted with the rows.
	 */
	int64_t (*effect)(unsigned long n);
	/** 0: every N; S > 1: every Sth N only, for a call too slow to sweep whole (see test_alloc_failure.c). */
	unsigned long stride;
} sweep_scenario;

/** The store and the tenant whose rows are counted. */
void sweep_init(erp_store *store, const char *tenant);

/**
 * Sweeps one scenario: a warm-up run, then every N from 1 (or
 * ERP_TEST_ALLOC_FROM) in steps of ERP_TEST_ALLOC_STRIDE (default 1) or of the
 * scenario's own stride, whichever is larger.
 * Returns how many problems it found (each printed to stderr).
 */
int sweep_run(const sweep_scenario *s);

#endif
