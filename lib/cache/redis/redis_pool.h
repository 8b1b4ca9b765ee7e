/*
 * The connection pool of the redis: cache backend, shared by the threads
 * of a cache, and its back-off while Redis is unreachable.
 *
 * Pool
 *   At most `max` connections (opts->pool_size, default 4). acquire() hands
 *   out an idle connection (the most recently used), else opens a new one
 *   while under the bound, else waits until one is released. A connection
 *   that failed (I/O error, timeout, protocol error) is closed when it is
 *   released; an idle one is checked before it is handed out
 *   (erp__redis_conn_idle_ok), so connections that Redis closed while they
 *   sat idle (Redis restarted) are dropped without costing a call: the
 *   first call after a restart opens a fresh connection and succeeds.
 *   Connections are opened outside the lock.
 *
 * Back-off
 *   When opening a connection fails (Redis down, unreachable, refusing
 *   AUTH), the pool stops trying for 250 ms, then 500 ms, 1 s and 2 s (the
 *   most) after each further failure (threads that failed together count
 *   once); a successful connect resets it. Meanwhile acquire() fails at once
 *   with ERP_EBACKEND and the last reason, unless an idle connection is
 *   left, so that a Redis that is down costs each call microseconds, not a
 *   connect timeout. When the back-off ends, one thread at a time probes
 *   with a real connect; the others keep failing fast until it succeeds,
 *   which ends the back-off.
 */
#ifndef ERP_LIB_CACHE_REDIS_POOL_H
#define ERP_LIB_CACHE_REDIS_POOL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "redis_conn.h"
#include "redis_url.h"

#define ERP__REDIS_BACKOFF_MIN_MS 250
#define ERP__REDIS_BACKOFF_MAX_MS 2000

/** The pool. */
typedef struct erp__redis_pool {
	pthread_mutex_t lock;
	pthread_cond_t released;     /**< Signalled when a connection goes back or a slot frees up. */
	const erp__redis_url *url;   /**< Borrowed from the cache. */
	erp__redis_conn *idle;       /**< Idle connections, most recently used first. */
	size_t count;                /**< Open connections plus those being opened. */
	size_t max;
	int probing;                 /**< A thread is connecting after a failure. */
	int64_t backoff_ms;          /**< 0 while healthy; else the current back-off. */
	int64_t retry_at_ms;         /**< Monotonic: no new connection before this. */
	char last_error[512];        /**< Why the last connect failed. */
} erp__redis_pool;

/**
 * Sets up an empty pool of at most `max` (>= 1) connections to `url`. Does
 * not connect.
 *
 * @return ERP_OK, or ERP_ERROR raised.
 */
int erp__redis_pool_init(erp__redis_pool *pool, const erp__redis_url *url, size_t max);

/**
 * Takes a connection for the calling thread: an idle one, a new one, or
 * the next one released.
 *
 * @return ERP_OK; ERP_EBACKEND (raised, naming the endpoint and the reason)
 *         when a new connection is needed and cannot be opened, or during
 *         the back-off; ERP_ERROR (raised) when out of memory.
 */
int erp__redis_pool_acquire(erp__redis_conn **out, erp__redis_pool *pool);

/** Gives a connection back; a broken one is closed. */
void erp__redis_pool_release(erp__redis_pool *pool, erp__redis_conn *conn);

/** Closes every connection and frees the pool; none may be in use. */
void erp__redis_pool_destroy(erp__redis_pool *pool);

#endif
