/* Checks and defaults of the user and session options (auth_options.h). */
#include "auth_options.h"

#include "util/error.h"

#include <sodium.h>

#define MINUTE_MS ((int64_t)60 * 1000)
#define DAY_MS (24 * 60 * MINUTE_MS)

int erp__auth_options_fill(erp_store_options *o)
{
	if (o->password_ops_limit == 0)
		o->password_ops_limit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	if (o->password_ops_limit < crypto_pwhash_OPSLIMIT_MIN || o->password_ops_limit > crypto_pwhash_OPSLIMIT_MAX)
		return erp__invalid("password_ops_limit", "password_ops_limit must be %llu to %llu",
		                    (unsigned long long)crypto_pwhash_OPSLIMIT_MIN, (unsigned long long)crypto_pwhash_OPSLIMIT_MAX);
	if (o->password_mem_limit == 0)
		o->password_mem_limit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	if (o->password_mem_limit < crypto_pwhash_MEMLIMIT_MIN || o->password_mem_limit > ((size_t)4 << 30))
		return erp__invalid("password_mem_limit", "password_mem_limit must be %zu bytes to 4 GiB",
		                    (size_t)crypto_pwhash_MEMLIMIT_MIN);
	if (o->session_idle_ms == 0)
		o->session_idle_ms = 30 * MINUTE_MS;
	if (o->session_idle_ms < 100 || o->session_idle_ms > 366 * DAY_MS)
		return erp__invalid("session_idle_ms", "session_idle_ms must be 100 ms to 366 days");
	if (o->session_lifetime_ms == 0)
		o->session_lifetime_ms = 12 * 60 * MINUTE_MS;
	if (o->session_lifetime_ms < 100 || o->session_lifetime_ms > 3660 * DAY_MS)
		return erp__invalid("session_lifetime_ms", "session_lifetime_ms must be 100 ms to 3660 days");
	if (o->login_max_failures == 0)
		o->login_max_failures = 5;
	if (o->login_max_failures < 1 || o->login_max_failures > 1000000)
		return erp__invalid("login_max_failures", "login_max_failures must be 1 to 1000000");
	if (o->login_max_client_failures == 0)
		o->login_max_client_failures = 50;
	if (o->login_max_client_failures < 1 || o->login_max_client_failures > 1000000)
		return erp__invalid("login_max_client_failures", "login_max_client_failures must be 1 to 1000000");
	if (o->login_window_ms == 0)
		o->login_window_ms = 15 * MINUTE_MS;
	if (o->login_window_ms < 100 || o->login_window_ms > 7 * DAY_MS)
		return erp__invalid("login_window_ms", "login_window_ms must be 100 ms to 7 days");
	return ERP_OK;
}
