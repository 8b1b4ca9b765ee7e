/* The connections of one database and who holds them (sqlite_pool.h). */
#include "sqlite_pool.h"

#include <stdlib.h>
#include <string.h>

static int sync_init(erp__sqlite_pool *pool)
{
	if (pthread_mutex_init(&pool->mu, NULL) != 0)
		return 0;
	if (pthread_cond_init(&pool->writer_cv, NULL) != 0) {
		pthread_mutex_destroy(&pool->mu);
		return 0;
	}
	if (pthread_cond_init(&pool->reader_cv, NULL) != 0) {
		pthread_cond_destroy(&pool->writer_cv);
		pthread_mutex_destroy(&pool->mu);
		return 0;
	}
	pool->sync_ready = 1;
	return 1;
}

int erp__sqlite_pool_open(erp__sqlite_pool *pool, const char *path, size_t nreaders,
                          const erp__sqlite_conn_config *config)
{
	int rc;
	memset(pool, 0, sizeof *pool);
	if (!sync_init(pool))
		return erp_error_set(ERP_ERROR, NULL, NULL, "cannot create a mutex for the SQLite connection pool");

	rc = erp__sqlite_conn_open(&pool->writer, path, path ? ERP__SQLITE_WRITER : ERP__SQLITE_MEMORY, config);
	if (rc != ERP_OK)
		goto fail;
	if (!path)
		return ERP_OK;

	pool->readers = calloc(nreaders ? nreaders : 1, sizeof *pool->readers);
	if (!pool->readers) {
		rc = erp_error_set(ERP_ERROR, NULL, NULL, "out of memory (SQLite connection pool)");
		goto fail;
	}
	for (size_t i = 0; i < nreaders; i++) {
		erp__sqlite_conn *r;
		rc = erp__sqlite_conn_open(&r, path, ERP__SQLITE_READER, config);
		if (rc != ERP_OK)
			goto fail;
		pool->readers[pool->nreaders++] = r;
		r->next_free = pool->free_readers;
		pool->free_readers = r;
	}
	return ERP_OK;

fail:
	erp__sqlite_pool_close(pool);
	return rc;
}

void erp__sqlite_pool_close(erp__sqlite_pool *pool)
{
	/* Readers first: the writer, closed last, checkpoints and removes the WAL. */
	for (size_t i = 0; i < pool->nreaders; i++)
		erp__sqlite_conn_close(pool->readers[i]);
	free(pool->readers);
	erp__sqlite_conn_close(pool->writer);
	if (pool->sync_ready) {
		pthread_cond_destroy(&pool->reader_cv);
		pthread_cond_destroy(&pool->writer_cv);
		pthread_mutex_destroy(&pool->mu);
	}
	memset(pool, 0, sizeof *pool);
}

int erp__sqlite_pool_take(erp__sqlite_conn **out, erp__sqlite_pool *pool, int write)
{
	*out = NULL;
	pthread_mutex_lock(&pool->mu);
	if (write || pool->nreaders == 0) {
		if (pool->writer_held && pthread_equal(pool->writer_owner, pthread_self())) {
			pthread_mutex_unlock(&pool->mu);
			return erp_error_set(ERP_ERROR, NULL, NULL,
			                     pool->nreaders == 0
			                         ? "SQLite: this thread already has a transaction open on the in-memory "
			                           "database's only connection; a second one would wait for itself "
			                           "forever"
			                         : "SQLite: this thread already has a write transaction open; a second "
			                           "one would wait for itself forever");
		}
		unsigned long ticket = pool->next_ticket++;
		while (pool->serving != ticket)
			pthread_cond_wait(&pool->writer_cv, &pool->mu);
		pool->writer_held = 1;
		pool->writer_owner = pthread_self();
		*out = pool->writer;
	} else {
		while (!pool->free_readers)
			pthread_cond_wait(&pool->reader_cv, &pool->mu);
		*out = pool->free_readers;
		pool->free_readers = (*out)->next_free;
		(*out)->next_free = NULL;
	}
	pthread_mutex_unlock(&pool->mu);
	return ERP_OK;
}

void erp__sqlite_pool_give(erp__sqlite_pool *pool, erp__sqlite_conn *conn)
{
	pthread_mutex_lock(&pool->mu);
	if (conn == pool->writer) {
		pool->writer_held = 0;
		pool->serving++;
		/* Every waiter checks whether its ticket is up. */
		pthread_cond_broadcast(&pool->writer_cv);
	} else {
		conn->next_free = pool->free_readers;
		pool->free_readers = conn;
		pthread_cond_signal(&pool->reader_cv);
	}
	pthread_mutex_unlock(&pool->mu);
}
