/*
 * A redis-server of a test's own, on a free loopback port, that the test
 * may kill and restart: for the tests of what liberp does when Redis goes
 * away. It uses the `redis-server` program found on PATH.
 */
#ifndef ERP_TEST_REDIS_H
#define ERP_TEST_REDIS_H

#include <sys/types.h>

typedef struct {
	pid_t pid;    /* 0 while stopped */
	int port;
	char url[64]; /* "redis://127.0.0.1:<port>" */
} erp_test_redis;

/** Starts a server on a free port; 0 when it answers, -1 when redis-server is unavailable. */
int erp_test_redis_start(erp_test_redis *r);

/** Kills the server with SIGKILL and reaps it (a crash, not a shutdown). */
void erp_test_redis_kill(erp_test_redis *r);

/** Starts the server again on the same port; 0 when it answers. */
int erp_test_redis_restart(erp_test_redis *r);

/** Stops the server if it runs. */
void erp_test_redis_stop(erp_test_redis *r);

#endif
