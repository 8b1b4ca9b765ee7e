/* Login throttling (login_throttle.h). */
#include "login_throttle.h"

#include "util/error.h"
#include "util/ident.h"

#include <stdio.h>

#define KEY_MAX 300

typedef struct {
	const char *key;
	int64_t now, window;
	int max;
	int64_t retry_after; /* 0: within the limit */
} throttle_probe;

static int probe_body(erp__tx *tx, void *payload)
{
	throttle_probe *job = payload;
	job->retry_after = 0;
	/* The max-th newest failure in the window: while it is in the window,
	 * there are max of them. */
	erp_value p[3] = { erp__v_text(job->key), erp__v_int(job->now - job->window), erp__v_int(job->max - 1) };
	char at[32];
	int rc = erp__db_first_text(tx,
	                            "SELECT at_ms FROM {auth.login_failures} WHERE key = $1 AND at_ms > $2 "
	                            "ORDER BY at_ms DESC LIMIT 1 OFFSET $3",
	                            p, 3, at, sizeof at);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		long long t = 0;
		sscanf(at, "%lld", &t);
		job->retry_after = (int64_t)t + job->window - job->now;
		if (job->retry_after < 1)
			job->retry_after = 1;
	}
	return ERP_OK;
}

static int probe(int64_t *retry_after, erp_store *store, const char *key, int max, int64_t now)
{
	throttle_probe job = { key, now, store->opts.login_window_ms, max, 0 };
	erp_storage_scope scope = { NULL, NULL, 0 };
	int rc = erp__tx_run(store, ERP_TX_READ, &scope, probe_body, &job);
	*retry_after = job.retry_after;
	return rc;
}

int erp__login_throttle_check(erp_store *store, const char *email, const char *client_key)
{
	char key[KEY_MAX];
	int64_t now = erp__now_ms(), retry = 0;
	snprintf(key, sizeof key, "email:%s", email);
	int rc = probe(&retry, store, key, store->opts.login_max_failures, now);
	if (rc != ERP_OK)
		return rc;
	if (retry > 0) {
		char msg[160];
		snprintf(msg, sizeof msg, "too many failed logins for this email; retry in %lld ms", (long long)retry);
		return erp__limit(retry, "email", msg);
	}
	if (!client_key[0])
		return ERP_OK;
	snprintf(key, sizeof key, "client:%s", client_key);
	if ((rc = probe(&retry, store, key, store->opts.login_max_client_failures, now)) != ERP_OK)
		return rc;
	if (retry > 0) {
		char msg[160];
		snprintf(msg, sizeof msg, "too many failed logins from this client; retry in %lld ms", (long long)retry);
		return erp__limit(retry, "client_key", msg);
	}
	return ERP_OK;
}

typedef struct {
	const char *email, *client_key;
	int64_t now, window;
} failure_job;

static int record_one(erp__tx *tx, const char *key, int64_t now, int64_t window)
{
	char id[ERP__UUID_LEN + 1];
	erp__uuid_v7(id);
	erp_value p[3] = { erp__v_text(key), erp__v_int(now), erp__v_text(id) };
	int rc = erp__db_exec(tx, "INSERT INTO {auth.login_failures} (key, at_ms, id) VALUES ($1, $2, $3)", p, 3, NULL);
	if (rc != ERP_OK)
		return rc;
	erp_value old[2] = { erp__v_text(key), erp__v_int(now - window) };
	return erp__db_exec(tx, "DELETE FROM {auth.login_failures} WHERE key = $1 AND at_ms <= $2", old, 2, NULL);
}

static int failure_body(erp__tx *tx, void *payload)
{
	failure_job *job = payload;
	char key[KEY_MAX];
	snprintf(key, sizeof key, "email:%s", job->email);
	int rc = record_one(tx, key, job->now, job->window);
	if (rc != ERP_OK || !job->client_key[0])
		return rc;
	snprintf(key, sizeof key, "client:%s", job->client_key);
	return record_one(tx, key, job->now, job->window);
}

int erp__login_failure_record(erp_store *store, const char *email, const char *client_key)
{
	failure_job job = { email, client_key, erp__now_ms(), store->opts.login_window_ms };
	erp_storage_scope scope = { NULL, NULL, 0 };
	return erp__tx_run(store, ERP_TX_WRITE, &scope, failure_body, &job);
}

int erp__login_failures_clear(erp__tx *tx, const char *email)
{
	char key[KEY_MAX];
	snprintf(key, sizeof key, "email:%s", email);
	erp_value p = erp__v_text(key);
	return erp__db_exec(tx, "DELETE FROM {auth.login_failures} WHERE key = $1", &p, 1, NULL);
}
