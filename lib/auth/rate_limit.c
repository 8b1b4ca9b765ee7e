/*
 * A fixed-window rate limiter on the store's cache (erp/session.h): one
 * atomic increment of the counter of the current window, which expires
 * with it. When the cache cannot be reached the request is let through.
 */
#include <erp/rate_limit.h>

#include "core/cache_internal.h"
#include "util/error.h"
#include "util/ident.h"

#include <stdio.h>
#include <string.h>

#define KEY_MAX 200
#define DAY_MS ((int64_t)24 * 3600 * 1000)

int erp_rate_limit(erp_rate_result *out, erp_store *store, const char *key, int64_t limit, int64_t window_ms)
{
	size_t chars;
	if (!out)
		return erp__invalid("out", "out is NULL");
	memset(out, 0, sizeof *out);
	if (!store)
		return erp__invalid("store", "store is NULL");
	if (!key || !key[0] || strlen(key) > KEY_MAX || !erp__utf8_check(key, strlen(key), false, &chars))
		return erp__invalid("key", "key must be 1 to %d bytes of UTF-8 without control characters", KEY_MAX);
	if (limit < 1)
		return erp__invalid("limit", "limit must be at least 1");
	if (window_ms < 1 || window_ms > DAY_MS)
		return erp__invalid("window_ms", "window_ms must be 1 ms to 1 day");

	int64_t now = erp__now_ms();
	int64_t window = now / window_ms;
	int64_t reset = (window + 1) * window_ms - now;
	char name[KEY_MAX + 64], full[ERP__CACHE_KEY_MAX];
	snprintf(name, sizeof name, "%lld:%lld:%s", (long long)window_ms, (long long)window, key);
	erp__cache_key(full, store, "rl", name);

	int64_t count = 0;
	/* The counter outlives its window by a second, for clocks a little apart. */
	int rc = erp__cache_incr(&count, store, full, 1, reset + 1000);
	out->reset_ms = reset;
	if (rc != ERP_OK) {
		out->allowed = 1;
		out->degraded = 1;
		out->remaining = limit - 1;
		return ERP_OK;
	}
	out->count = count;
	out->allowed = count <= limit;
	out->remaining = count < limit ? limit - count : 0;
	out->retry_after_ms = out->allowed ? 0 : reset;
	return ERP_OK;
}
