/*
 * The test executable's malloc: forwards to glibc (__libc_malloc and
 * friends), and inside an armed window counts the calling thread's
 * allocations, fails the chosen one with ENOMEM and remembers every block
 * born there until it is freed (see failing_alloc.h). Linked only into
 * test_alloc_failure; never into liberp.
 *
 * It must work before main() and inside the dynamic loader's callbacks, so
 * it allocates nothing itself: the window is thread-local (static TLS of
 * the executable) and the table of live blocks is a fixed open-addressing
 * array guarded by a spin lock.
 */
#include "failing_alloc.h"

#include <errno.h>
#include <execinfo.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t alignment, size_t size);

/* ---- the window (per thread) ------------------------------------------- */

static _Thread_local int window_armed;
static _Thread_local unsigned long window_fail_at;
static _Thread_local unsigned long window_count;
static _Thread_local int window_failed;
static _Thread_local const char *window_label;
static _Thread_local unsigned long window_n;
static _Thread_local void *failure_frames[32];
static _Thread_local int failure_depth;
static _Thread_local int in_backtrace;

void failing_alloc_arm(unsigned long fail_at, const char *label, unsigned long n)
{
	static _Thread_local int backtrace_ready;
	if (!backtrace_ready) { /* its first call loads libgcc_s, which allocates */
		void *frame[2];
		backtrace(frame, 2);
		backtrace_ready = 1;
	}
	failure_depth = 0;
	window_fail_at = fail_at;
	window_count = 0;
	window_failed = 0;
	window_label = label;
	window_n = n;
	window_armed = 1;
}

unsigned long failing_alloc_disarm(void)
{
	window_armed = 0;
	return window_count;
}

int failing_alloc_failed(void)
{
	return window_failed;
}

/* True when this allocation must fail; counts it. */
static int should_fail(void)
{
	if (!window_armed || in_backtrace)
		return 0;
	window_count++;
	if (window_fail_at != 0 && window_count == window_fail_at) {
		window_failed = 1;
		in_backtrace = 1;
		failure_depth = backtrace(failure_frames, 32);
		in_backtrace = 0;
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void failing_alloc_print_failure(void)
{
	if (failure_depth > 2) /* without should_fail and the allocator itself */
		backtrace_symbols_fd(failure_frames + 2, failure_depth - 2, 2);
}

/* ---- blocks born in a window --------------------------------------------- */

#define TABLE_BITS 19
#define TABLE_SIZE ((size_t)1 << TABLE_BITS)

typedef struct {
	void *ptr;
	size_t size;
	const char *label;
	unsigned long n;
} born_block;

static born_block table[TABLE_SIZE];
static size_t table_live;
static int table_overflowed;
static volatile char table_lock;

static void lock(void)
{
	while (__atomic_test_and_set(&table_lock, __ATOMIC_ACQUIRE))
		;
}

static void unlock(void)
{
	__atomic_clear(&table_lock, __ATOMIC_RELEASE);
}

static size_t slot_of(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> (64 - TABLE_BITS));
}

/* Caller holds the lock. */
static void insert_locked(void *p, size_t size, const char *label, unsigned long n)
{
	if (table_live + 1 >= TABLE_SIZE / 2) {
		table_overflowed = 1;
		return;
	}
	size_t i = slot_of(p);
	while (table[i].ptr)
		i = (i + 1) & (TABLE_SIZE - 1);
	table[i] = (born_block){ p, size, label, n };
	table_live++;
}

/* Caller holds the lock. Removes p (backward-shift deletion); 1 when it was there. */
static int remove_locked(const void *p, born_block *out)
{
	size_t i = slot_of(p);
	while (table[i].ptr && table[i].ptr != p)
		i = (i + 1) & (TABLE_SIZE - 1);
	if (!table[i].ptr)
		return 0;
	if (out)
		*out = table[i];
	size_t hole = i;
	for (size_t j = (hole + 1) & (TABLE_SIZE - 1); table[j].ptr; j = (j + 1) & (TABLE_SIZE - 1)) {
		size_t home = slot_of(table[j].ptr);
		/* j's entry may move into the hole when its home is not in (hole, j]. */
		int between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (!between) {
			table[hole] = table[j];
			hole = j;
		}
	}
	table[hole].ptr = NULL;
	table_live--;
	return 1;
}

static void remember(void *p, size_t size)
{
	if (!p || !window_armed)
		return;
	lock();
	insert_locked(p, size, window_label, window_n);
	unlock();
}

static void forget(void *p)
{
	if (!p || !__atomic_load_n(&table_live, __ATOMIC_RELAXED))
		return;
	lock();
	remove_locked(p, NULL);
	unlock();
}

size_t failing_alloc_live(void)
{
	lock();
	size_t n = table_live;
	unlock();
	return n;
}

size_t failing_alloc_report_live(size_t max)
{
	born_block copy[64];
	size_t shown = 0, live;
	lock();
	live = table_live;
	for (size_t i = 0; i < TABLE_SIZE && shown < max && shown < 64; i++)
		if (table[i].ptr)
			copy[shown++] = table[i];
	int overflowed = table_overflowed;
	unlock();
	for (size_t i = 0; i < shown; i++)
		fprintf(stderr, "leak: %zu bytes at %p, born in %s with allocation %lu failing\n", copy[i].size,
		        copy[i].ptr, copy[i].label ? copy[i].label : "?", copy[i].n);
	if (live > shown)
		fprintf(stderr, "leak: ... and %zu more blocks\n", live - shown);
	if (overflowed)
		fprintf(stderr, "leak: the table of live blocks overflowed; leaks may be missed\n");
	return live;
}

/* ---- the allocator ------------------------------------------------------- */

/* Seen by every shared library, whatever the build's default visibility. */
#define EXPORTED __attribute__((visibility("default")))

EXPORTED void *malloc(size_t size)
{
	if (should_fail())
		return NULL;
	void *p = __libc_malloc(size);
	remember(p, size);
	return p;
}

EXPORTED void *calloc(size_t n, size_t size)
{
	if (should_fail())
		return NULL;
	void *p = __libc_calloc(n, size);
	remember(p, n * size);
	return p;
}

EXPORTED void *realloc(void *old, size_t size)
{
	if (!old)
		return malloc(size);
	if (size == 0) {
		free(old);
		return NULL;
	}
	if (should_fail())
		return NULL;
	/* The block keeps the birth of the old one: born in a window or not. */
	born_block was;
	int tracked = 0;
	if (__atomic_load_n(&table_live, __ATOMIC_RELAXED)) {
		lock();
		tracked = remove_locked(old, &was);
		unlock();
	}
	void *p = __libc_realloc(old, size);
	if (tracked) {
		lock();
		insert_locked(p ? p : old, p ? size : was.size, was.label, was.n);
		unlock();
	}
	return p;
}

EXPORTED void *reallocarray(void *old, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(old, n * size);
}

EXPORTED void free(void *p)
{
	if (!p)
		return;
	forget(p);
	__libc_free(p);
}

static void *aligned(size_t alignment, size_t size)
{
	if (should_fail())
		return NULL;
	void *p = __libc_memalign(alignment, size);
	remember(p, size);
	return p;
}

EXPORTED void *memalign(size_t alignment, size_t size)
{
	return aligned(alignment, size);
}

EXPORTED void *aligned_alloc(size_t alignment, size_t size)
{
	return aligned(alignment, size);
}

EXPORTED int posix_memalign(void **out, size_t alignment, size_t size)
{
	if (alignment < sizeof(void *) || (alignment & (alignment - 1)))
		return EINVAL;
	void *p = aligned(alignment, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

EXPORTED void *valloc(size_t size)
{
	return aligned(4096, size);
}

EXPORTED void *pvalloc(size_t size)
{
	return aligned(4096, (size + 4095) & ~(size_t)4095);
}
