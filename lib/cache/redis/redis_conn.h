/*
 * One connection of the redis: cache backend: a blocking hiredis context
 * with a connect timeout and a command timeout, authenticated and on the
 * URL's database.
 *
 * A hiredis context is not thread-safe: a connection is used by one thread
 * at a time, which the pool (redis_pool.h) ensures.
 *
 * SIGPIPE: hiredis writes with write(2), which raises SIGPIPE when Redis
 * has closed the connection, and SIGPIPE kills a process that has not
 * ignored it. A library may not change the process's signal dispositions,
 * so, as libpq does, every connect and command runs with SIGPIPE blocked in
 * the calling thread, and a SIGPIPE that the call itself raised is taken
 * off the thread's pending set before the mask is restored.
 */
#ifndef ERP_LIB_CACHE_REDIS_CONN_H
#define ERP_LIB_CACHE_REDIS_CONN_H

#include <hiredis/hiredis.h>
#include <stddef.h>

#include "redis_url.h"

/** A connection. */
typedef struct erp__redis_conn {
	redisContext *ctx;
	struct erp__redis_conn *next; /**< The pool's idle list. */
	int broken;                   /**< Set after an I/O, timeout or protocol error: never reused. */
} erp__redis_conn;

/**
 * Opens a connection: TCP connect within url->connect_timeout_ms, then the
 * command timeout, TCP keepalive, AUTH (when the URL has a password) and
 * SELECT (when its db is not 0).
 *
 * Raises nothing: the pool decides what to report, and when.
 *
 * @param err receives a one-line reason on failure ("cannot connect:
 *            Connection refused", "AUTH refused: WRONGPASS ..."); never
 *            quotes the password.
 * @return ERP_OK; ERP_EBACKEND when Redis cannot be reached or refuses
 *         AUTH or SELECT; ERP_ERROR when out of memory.
 */
int erp__redis_conn_open(erp__redis_conn **out, const erp__redis_url *url, char *err, size_t cap);

/** Closes and frees a connection. Accepts NULL. */
void erp__redis_conn_free(erp__redis_conn *conn);

/**
 * True when an idle connection looks usable: its socket has nothing to
 * read. An idle RESP2 connection never has: readable means Redis closed it
 * (it exited or restarted, or dropped an idle client) or sent something
 * unexpected. One poll(2) with a zero timeout; never blocks.
 */
int erp__redis_conn_idle_ok(const erp__redis_conn *conn);

/**
 * Runs one command (binary-safe arguments) and waits for its reply, at most
 * url->command_timeout_ms for each read or write.
 *
 * @param out receives the reply, to free with freeReplyObject(). It may be
 *            an error reply (REDIS_REPLY_ERROR), for the caller to
 *            interpret; a NOAUTH error reply marks the connection broken.
 * @return ERP_OK; ERP_EBACKEND (raised, naming url->endpoint, the command
 *         and the hiredis error, or the timeout) when no reply came: the
 *         connection is then marked broken; ERP_ERROR (raised) when out of
 *         memory.
 */
int erp__redis_conn_command(redisReply **out, erp__redis_conn *conn, const erp__redis_url *url,
                            int argc, const char **argv, const size_t *lens);

#endif
