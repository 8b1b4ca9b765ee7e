/*
 * A malloc that fails on demand, for the allocation-failure test
 * (test_alloc_failure.c).
 *
 * failing_alloc.c defines malloc, calloc, realloc, free and the aligned
 * allocators in the test executable, so every allocation of the process
 * goes through it (liberp, SQLite, libpq, jansson, libsodium, libc's own
 * strdup...); each forwards to glibc's __libc_* functions. Within an armed
 * window, which belongs to the thread that opened it, allocations are
 * counted and the Nth one returns NULL with errno ENOMEM. Every block
 * born inside a window is remembered until it is freed, so that blocks
 * still alive when everything has been closed are reported as leaks with
 * the window (label and N) that made them.
 *
 * No build step of its own: it is compiled into test_alloc_failure (see
 * CMakeLists.txt here).
 */
#ifndef ERP_TEST_FAILING_ALLOC_H
#define ERP_TEST_FAILING_ALLOC_H

#include <stddef.h>

/**
 * Opens the calling thread's window: from now on its allocations are
 * counted and the `fail_at`th (1-based) returns NULL; 0 never fails.
 * `label` and `n` (static text and a number) tag the blocks born inside.
 */
void failing_alloc_arm(unsigned long fail_at, const char *label, unsigned long n);

/** Closes the window; returns how many allocations it saw (the failed one included). */
unsigned long failing_alloc_disarm(void);

/** True when the armed window's failure happened (the Nth allocation was reached). */
int failing_alloc_failed(void);

/**
 * Prints where the failed allocation of the last window was made (raw
 * frames: `addr2line -f -e EXECUTABLE` or the library named turns them
 * into functions), to stderr.
 */
void failing_alloc_print_failure(void);

/** How many blocks born in a window are still alive. */
size_t failing_alloc_live(void);

/**
 * Prints every block born in a window that is still alive (at most `max`
 * lines, then a count) to stderr, and returns how many there are.
 */
size_t failing_alloc_report_live(size_t max);

#endif
