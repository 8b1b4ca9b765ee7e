/*
 * The Redis commands of the redis: cache backend (see redis_cmd.h).
 */
#include "redis_cmd.h"

#include "cache/cache_errors.h"

#include <erp/errors.h>
#include <erp/sys/backend.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TTL_MS ((int64_t)1 << 50)

const char erp__redis_incr_script[] =
	"local created = redis.call('EXISTS', KEYS[1]) == 0\n"
	"redis.call('INCRBY', KEYS[1], ARGV[1])\n"
	"if created and tonumber(ARGV[2]) > 0 then\n"
	"  redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
	"end\n"
	"return redis.call('GET', KEYS[1])\n";

/* Runs one command on a pooled connection. */
static int run(redisReply **out, erp__redis_pool *pool, int argc, const char **argv, const size_t *lens)
{
	erp__redis_conn *conn;
	*out = NULL;
	int rc = erp__redis_pool_acquire(&conn, pool);
	if (rc != ERP_OK)
		return rc;
	rc = erp__redis_conn_command(out, conn, pool->url, argc, argv, lens);
	erp__redis_pool_release(pool, conn);
	return rc;
}

/* Raises ERP_EBACKEND for an error reply, or a reply of the wrong type. */
static int refused(const erp__redis_pool *pool, const char *cmd, const redisReply *r)
{
	char msg[640];
	if (r->type == REDIS_REPLY_ERROR)
		snprintf(msg, sizeof msg, "redis cache at %s: %s refused: %.400s", pool->url->endpoint, cmd,
		         r->str ? r->str : "");
	else
		snprintf(msg, sizeof msg, "redis cache at %s: %s: unexpected reply (hiredis type %d)",
		         pool->url->endpoint, cmd, r->type);
	return erp_error_set(ERP_EBACKEND, NULL, NULL, msg);
}

static int error_says(const redisReply *r, const char *text)
{
	return r->type == REDIS_REPLY_ERROR && r->str && strstr(r->str, text) != NULL;
}

/* "%lld" of a TTL, capped. */
static size_t ttl_text(char buf[24], int64_t ttl_ms)
{
	if (ttl_ms > MAX_TTL_MS)
		ttl_ms = MAX_TTL_MS;
	return (size_t)snprintf(buf, 24, "%lld", (long long)ttl_ms);
}

int erp__redis_cmd_get(erp_buf *out, erp__redis_pool *pool, const char *key)
{
	const char *argv[2] = { "GET", key };
	size_t lens[2] = { 3, strlen(key) };
	redisReply *r;
	int rc = run(&r, pool, 2, argv, lens);
	if (rc != ERP_OK)
		return rc;
	if (r->type == REDIS_REPLY_STRING)
		rc = erp_buf_set(out, r->str, r->len);
	else if (r->type == REDIS_REPLY_NIL)
		rc = ERP_ENOTFOUND;
	else
		rc = refused(pool, "GET", r);
	freeReplyObject(r);
	return rc;
}

int erp__redis_cmd_del(erp__redis_pool *pool, const char *key)
{
	const char *argv[2] = { "DEL", key };
	size_t lens[2] = { 3, strlen(key) };
	redisReply *r;
	int rc = run(&r, pool, 2, argv, lens);
	if (rc != ERP_OK)
		return rc;
	if (r->type != REDIS_REPLY_INTEGER)
		rc = refused(pool, "DEL", r);
	freeReplyObject(r);
	return rc;
}

static void push(const char **argv, size_t *lens, int *argc, const char *arg, size_t len)
{
	argv[*argc] = arg;
	lens[*argc] = len;
	(*argc)++;
}

/* SET key value [NX] [PX ttl] */
static int set_command(redisReply **out, erp__redis_pool *pool, const char *key, const char *value, size_t len,
                       int64_t ttl_ms, int nx)
{
	const char *argv[6];
	size_t lens[6];
	char ttl[24];
	int argc = 0;
	push(argv, lens, &argc, "SET", 3);
	push(argv, lens, &argc, key, strlen(key));
	push(argv, lens, &argc, value ? value : "", len);
	if (nx)
		push(argv, lens, &argc, "NX", 2);
	if (ttl_ms > 0) {
		push(argv, lens, &argc, "PX", 2);
		push(argv, lens, &argc, ttl, ttl_text(ttl, ttl_ms));
	}
	return run(out, pool, argc, argv, lens);
}

int erp__redis_cmd_set(erp__redis_pool *pool, const char *key, const char *value, size_t len, int64_t ttl_ms)
{
	redisReply *r;
	int rc = set_command(&r, pool, key, value, len, ttl_ms, 0);
	if (rc != ERP_OK)
		return rc;
	int oom = r->type == REDIS_REPLY_ERROR && r->str && strncmp(r->str, "OOM", 3) == 0;
	if (r->type != REDIS_REPLY_STATUS && !oom)
		rc = refused(pool, "SET", r);
	freeReplyObject(r);
	/* Redis is full (maxmemory, noeviction): decline to cache, but never
	 * leave the old value to be served in place of the new one. DEL is
	 * allowed when memory is short. */
	if (oom)
		rc = erp__redis_cmd_del(pool, key);
	return rc;
}

int erp__redis_cmd_add(erp__redis_pool *pool, const char *key, const char *value, size_t len, int64_t ttl_ms)
{
	redisReply *r;
	int rc = set_command(&r, pool, key, value, len, ttl_ms, 1);
	if (rc != ERP_OK)
		return rc;
	if (r->type == REDIS_REPLY_NIL)
		rc = ERP_EEXISTS;
	else if (r->type != REDIS_REPLY_STATUS)
		rc = refused(pool, "SET NX", r);
	freeReplyObject(r);
	return rc;
}

/* The decimal int64 of a reply string, strictly. */
static int parse_int64(int64_t *out, const redisReply *r)
{
	if (r->type == REDIS_REPLY_INTEGER) {
		*out = r->integer;
		return 0;
	}
	if (r->type != REDIS_REPLY_STRING || !r->str || r->len == 0 || r->len > 20)
		return -1;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(r->str, &end, 10);
	if (errno != 0 || end != r->str + r->len || r->str[0] == '+' || r->str[0] == ' ')
		return -1;
	*out = (int64_t)v;
	return 0;
}

int erp__redis_cmd_incr(int64_t *out, erp__redis_pool *pool, const char *key, int64_t delta, int64_t ttl_ms)
{
	char d[24], ttl[24];
	size_t dlen = (size_t)snprintf(d, sizeof d, "%lld", (long long)delta);
	size_t tlen = ttl_text(ttl, ttl_ms);
	const char *argv[6] = { "EVAL", erp__redis_incr_script, "1", key, d, ttl };
	size_t lens[6] = { 4, sizeof erp__redis_incr_script - 1, 1, strlen(key), dlen, tlen };
	redisReply *r;
	int rc = run(&r, pool, 6, argv, lens);
	if (rc != ERP_OK)
		return rc;
	int64_t value = 0;
	if (error_says(r, "not an integer") || error_says(r, "WRONGTYPE"))
		rc = erp__cache_not_integer("redis");
	else if (error_says(r, "overflow"))
		rc = erp__cache_overflow("redis");
	else if (parse_int64(&value, r) != 0)
		rc = refused(pool, "EVAL (incr)", r);
	freeReplyObject(r);
	if (rc == ERP_OK)
		*out = value;
	return rc;
}

int erp__redis_cmd_ping(erp__redis_pool *pool)
{
	const char *argv[1] = { "PING" };
	size_t lens[1] = { 4 };
	redisReply *r;
	int rc = run(&r, pool, 1, argv, lens);
	if (rc != ERP_OK)
		return rc;
	if (r->type != REDIS_REPLY_STATUS)
		rc = refused(pool, "PING", r);
	freeReplyObject(r);
	return rc;
}
