/*
 * The Redis cache backend, URL
 *
 *   redis://[[user]:password@]host[:port][/db][?connect_timeout_ms=N&command_timeout_ms=N]
 *
 * (details in redis_url.h; defaults: port 6379, db 0, connect timeout
 * 250 ms, command timeout 500 ms). Built when liberp is configured with
 * ERP_WITH_REDIS (the default), on hiredis.
 *
 * What it is
 *   A client of a Redis server (6 or later; 7 is tested) that every store
 *   on the same storage can share, in this process and in others: its
 *   erp_cache has flags = ERP_CACHE_SHARED. Memory is bounded by Redis's
 *   own maxmemory and eviction policy, not by opts->cache_max_bytes.
 *
 * Files
 *   redis_url    parsing and checking the URL
 *   redis_conn   one hiredis connection: connect, AUTH, SELECT, timeouts,
 *                one command; SIGPIPE kept away from the process
 *   redis_pool   the connection pool and the back-off while Redis is down
 *   redis_cmd    the command behind each member, and its reply's meaning
 *   redis_cache  opening, closing, argument checks (this header); the
 *                checks and the contract's error messages are shared
 *                with mem: (../cache_args.h, ../cache_errors.h)
 *
 * Opening
 *   Only the URL is checked: a malformed one gives ERP_EINVALID, field
 *   "cache_url", and the open fails. Nothing is connected at open time, so
 *   a store opens while Redis is down or not started yet (the cache is an
 *   accelerator): calls then return ERP_EBACKEND until Redis is reachable,
 *   and the first one after that succeeds. ping() is the way to check the
 *   configuration (address, password, db) at start-up.
 *
 * Connections
 *   Up to opts->pool_size (0 or no opts: 4) connections, opened on demand
 *   and kept; a hiredis context is used by one thread at a time. Each
 *   connect is bounded by connect_timeout_ms (a host name is resolved
 *   first, by getaddrinfo, which that timeout does not bound), each read
 *   and write by command_timeout_ms.
 *
 * Failures
 *   - A miss (get) is ERP_ENOTFOUND and a present key (add) ERP_EEXISTS,
 *     both WITHOUT erp_error_set().
 *   - Redis unreachable, a timeout, a connection lost mid-command, a
 *     protocol error, or an error reply the contract has no code for:
 *     ERP_EBACKEND, raised with a message naming host:port and the reason
 *     (hiredis's or Redis's text).
 *   - Wrong password or user, or a db the server does not have: ERP_EBACKEND
 *     too ("AUTH refused: WRONGPASS ..."), never ERP_EAUTH, which in
 *     liberp means a user's credentials: for the core, a cache it may not
 *     use is a cache it cannot reach. The password is never quoted.
 *   - A connection that failed is closed; an idle one that Redis closed
 *     (restart) is noticed before use and replaced, so a restart costs no
 *     failed call when nothing was running at the time.
 *   - After a failed connect, calls fail fast (ERP_EBACKEND, in
 *     microseconds) for a back-off of 250 ms, doubling up to 2 s, before a
 *     new connect is tried (redis_pool.h): a Redis that is down costs the
 *     application a connect timeout at most once per back-off period.
 *   - Argument errors as in mem: (ERP_EINVALID, fields "key", "value",
 *     "out", "ttl_ms", "cache"); incr as redis_cmd.h says.
 *
 * Every member may be called concurrently, except close, which must be the
 * last call; close frees everything.
 */
#ifndef ERP_LIB_CACHE_REDIS_CACHE_H
#define ERP_LIB_CACHE_REDIS_CACHE_H

#include <erp/sys/cache.h>

/** The "redis" cache backend; the core registers it at start-up when built with it. */
extern const erp_cache_backend erp__redis_cache_backend;

#endif
