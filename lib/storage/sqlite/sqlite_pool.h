/*
 * The connections of one database and who holds them.
 *
 * A file database has one writer connection and `nreaders` reader
 * connections; a :memory: database has only its one connection, used for
 * reads and writes alike.
 *
 * The writer is taken and given back through a ticket lock (a mutex, a
 * condition variable and two counters), not by holding a pthread mutex
 * for the whole transaction: a transaction may legally be begun on one
 * thread and finished on another, and a pthread mutex must be unlocked by
 * the thread that locked it. Tickets also make writers go first-come,
 * first-served, so none starves. Readers come from a free list under the
 * same mutex; when none is free, the taker waits on a condition variable.
 */
#ifndef ERP_SQLITE_POOL_H
#define ERP_SQLITE_POOL_H

#include "sqlite_conn.h"

#include <pthread.h>

/** The connections of one database. */
typedef struct erp__sqlite_pool {
	pthread_mutex_t mu;             /**< Guards every member below except the connections' insides. */
	pthread_cond_t writer_cv;       /**< Signalled when the writer is given back. */
	pthread_cond_t reader_cv;       /**< Signalled when a reader is given back. */
	erp__sqlite_conn *writer;       /**< The writer, or the only connection of :memory:. */
	unsigned long next_ticket;      /**< Next writer ticket to hand out. */
	unsigned long serving;          /**< Ticket that may hold the writer now. */
	int writer_held;                /**< The writer is held. */
	pthread_t writer_owner;         /**< The thread that took it (valid while held). */
	erp__sqlite_conn **readers;     /**< Every reader, for closing. */
	size_t nreaders;                /**< How many. */
	erp__sqlite_conn *free_readers; /**< Readers not held. */
	int sync_ready;                 /**< mu and the condition variables are initialised. */
} erp__sqlite_pool;

/**
 * Opens the connections: the writer first (it creates the file and turns
 * on WAL), then `nreaders` readers; for `path` NULL, one in-memory
 * connection and no readers.
 *
 * @return ERP_OK, or the raised error of the first connection that failed
 *         (everything opened is closed again).
 */
int erp__sqlite_pool_open(erp__sqlite_pool *pool, const char *path, size_t nreaders,
                          const erp__sqlite_conn_config *config);

/** Closes every connection; none may be held. */
void erp__sqlite_pool_close(erp__sqlite_pool *pool);

/**
 * Takes a connection, waiting until one is free: the writer for `write`
 * (or when there are no readers), else a reader.
 *
 * @return ERP_OK; ERP_ERROR when the calling thread already holds the
 *         writer and asks for it again (it would wait for itself forever).
 */
int erp__sqlite_pool_take(erp__sqlite_conn **out, erp__sqlite_pool *pool, int write);

/** Gives back a connection from erp__sqlite_pool_take(). */
void erp__sqlite_pool_give(erp__sqlite_pool *pool, erp__sqlite_conn *conn);

#endif
