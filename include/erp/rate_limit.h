/**
 * @file erp/rate_limit.h
 * @brief A rate limiter over the store's cache, for servers built on the
 *        library (erp-server limits requests per token and per client).
 *
 * Thread safety: may be called from any thread on a shared store.
 */
#ifndef ERP_RATE_LIMIT_H
#define ERP_RATE_LIMIT_H

#include "common.h"
#include "store.h"

#include <stdint.h>

ERP_BEGIN_DECL

/** The outcome of one erp_rate_limit() call. */
typedef struct erp_rate_result {
	int allowed;            /**< Non-zero: the request is within the limit. */
	int64_t count;          /**< Requests counted in the current window, this one included. */
	int64_t remaining;      /**< How many more the window allows (0 when over). */
	int64_t reset_ms;       /**< Milliseconds until the window ends. */
	int64_t retry_after_ms; /**< When refused: milliseconds until a request may succeed; else 0. */
	int degraded;           /**< Non-zero: the cache was unreachable and the request was let through. */
} erp_rate_result;

/**
 * Counts one request against a fixed-window limit kept in the store's
 * cache (atomic across threads, and across processes when the cache is
 * shared): at most `limit` requests per `window_ms` for `key`.
 *
 * The cache is an accelerator: when it cannot be reached the request is
 * allowed and `degraded` set, so that an outage of Redis never refuses
 * business calls; erp_store_health() reports the outage.
 *
 * @param out       receives the outcome.
 * @param store     the store.
 * @param key       what is limited (e.g. "token:<hash>" or "ip:10.0.0.1"):
 *                  1 to 200 bytes of UTF-8.
 * @param limit     requests allowed per window, at least 1.
 * @param window_ms the window, 1 ms to 1 day.
 * @return ERP_OK (also when refused: see out->allowed); ERP_EINVALID (field
 *         "key", "limit" or "window_ms").
 */
ERP_EXTERN int erp_rate_limit(erp_rate_result *out, erp_store *store, const char *key, int64_t limit,
                              int64_t window_ms);

ERP_END_DECL

#endif /* ERP_RATE_LIMIT_H */
