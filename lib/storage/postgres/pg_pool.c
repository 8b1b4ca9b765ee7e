/*
 * The connection pool of the PostgreSQL backend (see pg_pool.h).
 */
#include "pg_pool.h"

#include "pg_conn.h"
#include "pg_error.h"

#include <erp/sys/backend.h>

#include <stdlib.h>

int erp__pg_pool_init(erp__pg_pool *pool, const erp__pg_conninfo *info, size_t max)
{
	pool->info = info;
	pool->count = 0;
	pool->opening = 0;
	pool->max = max;
	pool->idle = NULL;
	pool->all = calloc(max, sizeof *pool->all);
	if (!pool->all)
		return erp__pg_oom();
	if (pthread_mutex_init(&pool->lock, NULL) != 0) {
		free(pool->all);
		pool->all = NULL;
		return erp_error_set(ERP_ERROR, NULL, NULL, "cannot create a mutex");
	}
	if (pthread_cond_init(&pool->released, NULL) != 0) {
		pthread_mutex_destroy(&pool->lock);
		free(pool->all);
		pool->all = NULL;
		return erp_error_set(ERP_ERROR, NULL, NULL, "cannot create a condition variable");
	}
	return ERP_OK;
}

int erp__pg_pool_acquire(erp__pg_conn **out, erp__pg_pool *pool)
{
	erp__pg_conn *conn = NULL;
	int rc;

	*out = NULL;
	pthread_mutex_lock(&pool->lock);
	for (;;) {
		if (pool->idle) {
			conn = pool->idle;
			pool->idle = conn->next_free;
			conn->next_free = NULL;
			pthread_mutex_unlock(&pool->lock);
			*out = conn;
			return ERP_OK;
		}
		if (pool->count + pool->opening < pool->max)
			break;
		pthread_cond_wait(&pool->released, &pool->lock);
	}
	pool->opening++;
	pthread_mutex_unlock(&pool->lock);

	rc = erp__pg_conn_open(&conn, pool->info);

	pthread_mutex_lock(&pool->lock);
	pool->opening--;
	if (rc == ERP_OK)
		pool->all[pool->count++] = conn;
	else
		pthread_cond_signal(&pool->released); /* the slot is free again */
	pthread_mutex_unlock(&pool->lock);
	*out = conn;
	return rc;
}

void erp__pg_pool_release(erp__pg_pool *pool, erp__pg_conn *conn)
{
	pthread_mutex_lock(&pool->lock);
	conn->next_free = pool->idle;
	pool->idle = conn;
	pthread_cond_signal(&pool->released);
	pthread_mutex_unlock(&pool->lock);
}

void erp__pg_pool_destroy(erp__pg_pool *pool)
{
	size_t i;

	if (!pool->all)
		return;
	for (i = 0; i < pool->count; i++)
		erp__pg_conn_free(pool->all[i]);
	free(pool->all);
	pool->all = NULL;
	pool->count = 0;
	pool->idle = NULL;
	pthread_cond_destroy(&pool->released);
	pthread_mutex_destroy(&pool->lock);
}
