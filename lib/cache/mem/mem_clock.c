/*
 * The monotonic clock of the mem: cache (see mem_clock.h).
 */
#include "mem_clock.h"

#include <time.h>

int64_t erp__mem_clock_ms(void)
{
	struct timespec ts;
	/* CLOCK_MONOTONIC is mandatory on every system we build for; should it
	 * ever fail, time stands still and entries merely outlive their TTL. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0 || ts.tv_sec < 0)
		return 0;
	if ((uint64_t)ts.tv_sec > (uint64_t)(INT64_MAX / 1000 - 1))
		return INT64_MAX / 1000 * 1000;
	return (int64_t)ts.tv_sec * 1000 + (int64_t)(ts.tv_nsec / 1000000);
}

int64_t erp__mem_clock_deadline(int64_t now_ms, int64_t ttl_ms)
{
	if (now_ms < 0)
		now_ms = 0;
	if (ttl_ms < 1)
		ttl_ms = 1;
	if (now_ms > INT64_MAX - ttl_ms)
		return INT64_MAX;
	return now_ms + ttl_ms;
}
