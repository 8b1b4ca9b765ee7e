/*
 * The connection pool of the PostgreSQL backend, shared by every thread of
 * a store.
 *
 * At most `max` connections. acquire() hands out an idle one (the most
 * recently used, to keep few connections warm), else opens a new one while
 * under the bound, else waits until one is released. Connections are
 * opened outside the lock, so a slow or failing connect never blocks
 * threads that can be served by an idle connection.
 */
#ifndef ERP_LIB_STORAGE_PG_POOL_H
#define ERP_LIB_STORAGE_PG_POOL_H

#include <pthread.h>
#include <stddef.h>

#include "pg_conninfo.h"

struct erp__pg_conn;

/** The pool. */
typedef struct erp__pg_pool {
	pthread_mutex_t lock;
	pthread_cond_t released;        /**< Signalled when a connection goes back or a slot frees up. */
	const erp__pg_conninfo *info;   /**< How to open connections; borrowed from the storage. */
	struct erp__pg_conn **all;      /**< Every open connection (`max` slots). */
	size_t count;                   /**< Open connections. */
	size_t opening;                 /**< Connections being opened right now. */
	size_t max;
	struct erp__pg_conn *idle;      /**< Idle connections, most recently used first. */
} erp__pg_pool;

/**
 * Sets up an empty pool of at most `max` connections (>= 1).
 *
 * @return ERP_OK, or ERP_ERROR raised.
 */
int erp__pg_pool_init(erp__pg_pool *pool, const erp__pg_conninfo *info, size_t max);

/**
 * Takes a connection for the calling thread, opening or waiting as needed.
 *
 * @return ERP_OK; or the error of opening a new connection, raised
 *         (ERP_EAUTH, ERP_EBACKEND, ERP_ERROR).
 */
int erp__pg_pool_acquire(struct erp__pg_conn **out, erp__pg_pool *pool);

/** Gives a connection back (healthy or marked broken). */
void erp__pg_pool_release(erp__pg_pool *pool, struct erp__pg_conn *conn);

/** Closes every connection and frees the pool; none may be in use. */
void erp__pg_pool_destroy(erp__pg_pool *pool);

#endif
