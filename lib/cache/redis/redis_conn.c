/*
 * One connection of the redis: cache backend (see redis_conn.h).
 */
#include "redis_conn.h"

#include "cache/cache_errors.h"

#include <erp/errors.h>
#include <erp/sys/backend.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* --- SIGPIPE, blocked around every call into hiredis --------------------- */

typedef struct sigpipe_guard {
	sigset_t old;    /* the thread's mask before */
	int was_pending; /* a SIGPIPE was pending already: not ours to take */
} sigpipe_guard;

static void sigpipe_block(sigpipe_guard *g)
{
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
	g->was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
}

static void sigpipe_restore(sigpipe_guard *g)
{
	int saved = errno;
	sigset_t pending;
	if (!g->was_pending && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
		/* Raised by our write to a closed socket: take it, so that it is
		 * not delivered when the mask comes back. */
		sigset_t set;
		struct timespec zero = { 0, 0 };
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
	errno = saved;
}

/* --- connecting ------------------------------------------------------------ */

static struct timeval ms_timeval(int ms)
{
	struct timeval tv;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	return tv;
}

/* A command of the connection set-up (AUTH, SELECT), under the caller's
 * SIGPIPE guard. ERP_OK when the reply is not an error. */
static int setup_command(redisContext *ctx, const erp__redis_url *url, int argc, const char **argv,
                         const size_t *lens, const char *what, char *err, size_t cap)
{
	errno = 0;
	redisReply *r = redisCommandArgv(ctx, argc, argv, lens);
	if (!r) {
		if (ctx->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK))
			snprintf(err, cap, "%s: no reply within %d ms (command_timeout_ms)", what, url->command_timeout_ms);
		else
			snprintf(err, cap, "%s failed: %s", what, ctx->errstr[0] ? ctx->errstr : "no reply");
		return ctx->err == REDIS_ERR_OOM ? ERP_ERROR : ERP_EBACKEND;
	}
	int rc = ERP_OK;
	if (r->type == REDIS_REPLY_ERROR) {
		snprintf(err, cap, "%s refused: %.300s", what, r->str ? r->str : "");
		rc = ERP_EBACKEND;
	}
	freeReplyObject(r);
	return rc;
}

static int connect_ctx(redisContext **out, const erp__redis_url *url, char *err, size_t cap)
{
	redisContext *ctx = redisConnectWithTimeout(url->host, url->port, ms_timeval(url->connect_timeout_ms));
	*out = ctx;
	if (!ctx) {
		snprintf(err, cap, "out of memory");
		return ERP_ERROR;
	}
	if (ctx->err) {
		snprintf(err, cap, "cannot connect: %s", ctx->errstr);
		return ctx->err == REDIS_ERR_OOM ? ERP_ERROR : ERP_EBACKEND;
	}
	if (redisSetTimeout(ctx, ms_timeval(url->command_timeout_ms)) != REDIS_OK) {
		snprintf(err, cap, "cannot set the command timeout: %s", ctx->errstr[0] ? ctx->errstr : "error");
		return ERP_EBACKEND;
	}
	(void)redisEnableKeepAlive(ctx); /* best effort: only speeds up noticing a dead peer */

	int rc = ERP_OK;
	if (url->password) {
		/* AUTH [user] password */
		const char *argv[3] = { "AUTH", NULL, NULL };
		size_t lens[3] = { 4, 0, 0 };
		int argc = 1;
		if (url->user) {
			argv[argc] = url->user;
			lens[argc++] = strlen(url->user);
		}
		argv[argc] = url->password;
		lens[argc++] = strlen(url->password);
		rc = setup_command(ctx, url, argc, argv, lens, "AUTH", err, cap);
	}
	if (rc == ERP_OK && url->db != 0) {
		char db[8];
		int n = snprintf(db, sizeof db, "%d", url->db);
		const char *argv[2] = { "SELECT", db };
		size_t lens[2] = { 6, (size_t)n };
		rc = setup_command(ctx, url, 2, argv, lens, "SELECT", err, cap);
	}
	return rc;
}

int erp__redis_conn_open(erp__redis_conn **out, const erp__redis_url *url, char *err, size_t cap)
{
	*out = NULL;
	err[0] = '\0';
	erp__redis_conn *conn = calloc(1, sizeof *conn);
	if (!conn) {
		snprintf(err, cap, "out of memory");
		return ERP_ERROR;
	}
	sigpipe_guard g;
	sigpipe_block(&g);
	int rc = connect_ctx(&conn->ctx, url, err, cap);
	sigpipe_restore(&g);
	if (rc != ERP_OK) {
		erp__redis_conn_free(conn);
		return rc;
	}
	*out = conn;
	return ERP_OK;
}

void erp__redis_conn_free(erp__redis_conn *conn)
{
	if (!conn)
		return;
	if (conn->ctx)
		redisFree(conn->ctx); /* closes the socket: no write, no SIGPIPE */
	free(conn);
}

int erp__redis_conn_idle_ok(const erp__redis_conn *conn)
{
	if (!conn->ctx || conn->ctx->err || conn->broken)
		return 0;
	struct pollfd p = { .fd = conn->ctx->fd, .events = POLLIN, .revents = 0 };
	int n;
	do
		n = poll(&p, 1, 0);
	while (n < 0 && errno == EINTR);
	return n == 0;
}

/* --- commands ------------------------------------------------------------- */

int erp__redis_conn_command(redisReply **out, erp__redis_conn *conn, const erp__redis_url *url,
                            int argc, const char **argv, const size_t *lens)
{
	char msg[600];
	sigpipe_guard g;

	*out = NULL;
	sigpipe_block(&g);
	errno = 0;
	redisReply *r = redisCommandArgv(conn->ctx, argc, argv, lens);
	int saved = errno;
	sigpipe_restore(&g);

	if (r) {
		if (r->type == REDIS_REPLY_ERROR && r->str && strncmp(r->str, "NOAUTH", 6) == 0)
			conn->broken = 1; /* re-authenticate on a new connection */
		*out = r;
		return ERP_OK;
	}
	conn->broken = 1;
	const redisContext *ctx = conn->ctx;
	if (ctx->err == REDIS_ERR_OOM)
		return erp__cache_oom("redis");
	if (ctx->err == REDIS_ERR_IO && (saved == EAGAIN || saved == EWOULDBLOCK))
		snprintf(msg, sizeof msg, "redis cache at %s: %.32s: no reply within %d ms (command_timeout_ms)",
		         url->endpoint, argv[0], url->command_timeout_ms);
	else
		snprintf(msg, sizeof msg, "redis cache at %s: %.32s failed: %s", url->endpoint, argv[0],
		         ctx->errstr[0] ? ctx->errstr : "no reply");
	return erp_error_set(ERP_EBACKEND, NULL, NULL, msg);
}
