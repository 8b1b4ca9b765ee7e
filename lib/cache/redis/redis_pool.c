/*
 * The connection pool of the redis: cache backend (see redis_pool.h).
 */
#include "redis_pool.h"

#include <erp/errors.h>
#include <erp/sys/backend.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t now_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int erp__redis_pool_init(erp__redis_pool *pool, const erp__redis_url *url, size_t max)
{
	memset(pool, 0, sizeof *pool);
	pool->url = url;
	pool->max = max ? max : 1;
	if (pthread_mutex_init(&pool->lock, NULL) != 0)
		return erp_error_set(ERP_ERROR, NULL, NULL, "redis cache: cannot create a mutex");
	if (pthread_cond_init(&pool->released, NULL) != 0) {
		pthread_mutex_destroy(&pool->lock);
		return erp_error_set(ERP_ERROR, NULL, NULL, "redis cache: cannot create a condition variable");
	}
	return ERP_OK;
}

/* Raises the fail-fast error of the back-off; called with the lock held. */
static int backing_off(const erp__redis_pool *pool, int64_t now)
{
	char msg[1024];
	int64_t wait = pool->retry_at_ms > now ? pool->retry_at_ms - now : 0;
	snprintf(msg, sizeof msg, "redis cache at %s is not available (%s); next connection attempt in %lld ms",
	         pool->url->endpoint, pool->last_error, (long long)wait);
	return erp_error_set(ERP_EBACKEND, NULL, NULL, msg);
}

int erp__redis_pool_acquire(erp__redis_conn **out, erp__redis_pool *pool)
{
	erp__redis_conn *conn = NULL;
	char err[400];
	int probe;

	*out = NULL;
	pthread_mutex_lock(&pool->lock);
	for (;;) {
		if (pool->idle) {
			conn = pool->idle;
			pool->idle = conn->next;
			conn->next = NULL;
			pthread_mutex_unlock(&pool->lock);
			if (erp__redis_conn_idle_ok(conn)) {
				*out = conn;
				return ERP_OK;
			}
			erp__redis_conn_free(conn); /* closed by Redis while idle */
			conn = NULL;
			pthread_mutex_lock(&pool->lock);
			pool->count--;
			pthread_cond_signal(&pool->released); /* a slot is free */
			continue;
		}
		if (pool->count < pool->max) {
			if (pool->backoff_ms > 0) {
				int64_t now = now_ms();
				if (pool->probing || now < pool->retry_at_ms) {
					int rc = backing_off(pool, now);
					pthread_mutex_unlock(&pool->lock);
					return rc;
				}
			}
			break;
		}
		pthread_cond_wait(&pool->released, &pool->lock);
	}
	pool->count++;
	int64_t backoff_before = pool->backoff_ms;
	probe = backoff_before > 0;
	if (probe)
		pool->probing = 1;
	pthread_mutex_unlock(&pool->lock);

	int rc = erp__redis_conn_open(&conn, pool->url, err, sizeof err);

	pthread_mutex_lock(&pool->lock);
	if (probe)
		pool->probing = 0;
	if (rc == ERP_OK) {
		pool->backoff_ms = 0;
		pool->retry_at_ms = 0;
	} else {
		pool->count--;
		if (rc == ERP_EBACKEND) {
			/* Double once per round of attempts: threads that failed
			 * together (Redis just went down) count as one failure. */
			if (pool->backoff_ms == backoff_before) {
				int64_t b = backoff_before * 2;
				if (b < ERP__REDIS_BACKOFF_MIN_MS)
					b = ERP__REDIS_BACKOFF_MIN_MS;
				if (b > ERP__REDIS_BACKOFF_MAX_MS)
					b = ERP__REDIS_BACKOFF_MAX_MS;
				pool->backoff_ms = b;
				pool->retry_at_ms = now_ms() + b;
			}
			snprintf(pool->last_error, sizeof pool->last_error, "%s", err);
		}
		/* Waiters re-check: a free slot, or the back-off to fail fast on. */
		pthread_cond_broadcast(&pool->released);
	}
	int64_t backoff = pool->backoff_ms;
	pthread_mutex_unlock(&pool->lock);

	if (rc == ERP_OK) {
		*out = conn;
		return ERP_OK;
	}
	char msg[1024];
	if (rc == ERP_EBACKEND)
		snprintf(msg, sizeof msg, "redis cache at %s: %s (no new attempt for %lld ms)", pool->url->endpoint, err,
		         (long long)backoff);
	else
		snprintf(msg, sizeof msg, "redis cache at %s: %s", pool->url->endpoint, err);
	return erp_error_set(rc, NULL, NULL, msg);
}

void erp__redis_pool_release(erp__redis_pool *pool, erp__redis_conn *conn)
{
	if (!conn)
		return;
	int broken = conn->broken || !conn->ctx || conn->ctx->err;
	pthread_mutex_lock(&pool->lock);
	if (broken) {
		pool->count--;
	} else {
		conn->next = pool->idle;
		pool->idle = conn;
	}
	pthread_cond_signal(&pool->released);
	pthread_mutex_unlock(&pool->lock);
	if (broken)
		erp__redis_conn_free(conn);
}

void erp__redis_pool_destroy(erp__redis_pool *pool)
{
	erp__redis_conn *conn = pool->idle;
	while (conn) {
		erp__redis_conn *next = conn->next;
		erp__redis_conn_free(conn);
		conn = next;
	}
	pool->idle = NULL;
	pool->count = 0;
	pthread_cond_destroy(&pool->released);
	pthread_mutex_destroy(&pool->lock);
}
