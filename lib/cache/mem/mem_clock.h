/*
 * The monotonic clock the mem: cache measures time-to-live against.
 *
 * CLOCK_MONOTONIC never jumps when the wall clock is set, so a TTL lasts
 * its length even across an NTP step or a manual date change.
 */
#ifndef ERP_LIB_CACHE_MEM_CLOCK_H
#define ERP_LIB_CACHE_MEM_CLOCK_H

#include <stdint.h>

/** Milliseconds on CLOCK_MONOTONIC (an arbitrary origin); never negative. Thread-safe. */
int64_t erp__mem_clock_ms(void);

/**
 * The deadline for a time-to-live counted from `now_ms`.
 *
 * @param ttl_ms milliseconds, > 0 (0 means "never" and is not passed here).
 * @return now_ms + ttl_ms, saturated at INT64_MAX; always > 0, so that it
 *         is never mistaken for "never expires".
 */
int64_t erp__mem_clock_deadline(int64_t now_ms, int64_t ttl_ms);

#endif
