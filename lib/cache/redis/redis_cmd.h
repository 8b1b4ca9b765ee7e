/*
 * The Redis commands behind each member of erp_cache, and how their
 * replies map onto the cache contract (erp/sys/cache.h). Each runs one
 * command on a connection from the pool; arguments have been checked by
 * the caller (redis_cache.c).
 *
 *   get   GET key                       nil -> ERP_ENOTFOUND (not raised)
 *   set   SET key value [PX ttl]        an OOM refusal deletes the key and
 *                                       returns ERP_OK (declined: a stale
 *                                       value is never left behind)
 *   add   SET key value NX [PX ttl]     nil -> ERP_EEXISTS (not raised)
 *   del   DEL key
 *   incr  EVAL of INCR_SCRIPT, atomic: EXISTS, INCRBY, PEXPIRE only when
 *         the key did not exist and ttl > 0, and GET for the exact result
 *         (a Lua number is a double: INCRBY's own reply would lose digits
 *         past 2^53). "not an integer" -> ERP_EINVALID field "key";
 *         "overflow" -> ERP_EINVALID field "delta"; the value is then
 *         unchanged.
 *   ping  PING
 *
 * A TTL is sent in milliseconds, capped at 2^50 ms (35,000 years) so that
 * Redis never rejects it as out of range. Any other error reply, and an
 * unreachable Redis, give ERP_EBACKEND naming the endpoint and Redis's or
 * hiredis's message.
 */
#ifndef ERP_LIB_CACHE_REDIS_CMD_H
#define ERP_LIB_CACHE_REDIS_CMD_H

#include <erp/buf.h>
#include <stddef.h>
#include <stdint.h>

#include "redis_pool.h"

/** The Lua script of incr: KEYS[1] the key, ARGV[1] delta, ARGV[2] ttl_ms (0: never). */
extern const char erp__redis_incr_script[];

int erp__redis_cmd_get(erp_buf *out, erp__redis_pool *pool, const char *key);
int erp__redis_cmd_set(erp__redis_pool *pool, const char *key, const char *value, size_t len, int64_t ttl_ms);
int erp__redis_cmd_add(erp__redis_pool *pool, const char *key, const char *value, size_t len, int64_t ttl_ms);
int erp__redis_cmd_del(erp__redis_pool *pool, const char *key);
int erp__redis_cmd_incr(int64_t *out, erp__redis_pool *pool, const char *key, int64_t delta, int64_t ttl_ms);
int erp__redis_cmd_ping(erp__redis_pool *pool);

#endif
