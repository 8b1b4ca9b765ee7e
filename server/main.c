/*
 * erp-server: configuration, the store, libmicrohttpd, and a graceful
 * stop. SIGTERM or SIGINT: new requests get 503, the listening socket
 * closes, the requests in flight finish (at most 30 s), then the store
 * closes and the process exits 0. A second signal stops at once.
 * --verify checks the store instead of serving (verify_store).
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DRAIN_SECONDS 30

/* A URL with its password hidden, for logs. */
static char *redact(const char *url)
{
	if (!url)
		return NULL;
	char *copy = strdup(url);
	if (!copy)
		return NULL;
	char *scheme = strstr(copy, "://");
	if (!scheme)
		return copy;
	char *auth = scheme + 3;
	char *at = strchr(auth, '@');
	char *slash = strchr(auth, '/');
	if (!at || (slash && slash < at))
		return copy;
	char *colon = memchr(auth, ':', (size_t)(at - auth));
	if (!colon)
		return copy;
	size_t head = (size_t)(colon + 1 - copy);
	char *out = malloc(strlen(copy) + 4);
	if (!out)
		return copy;
	snprintf(out, strlen(copy) + 4, "%.*s***%s", (int)head, copy, at);
	free(copy);
	return out;
}

/* Writes the port to `path` (through a temporary file and a rename, so a
 * reader never sees it half-written). */
static int write_ready_file(const char *path, int port)
{
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	if (!tmp)
		return -1;
	snprintf(tmp, n, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	int rc = -1;
	if (f) {
		fprintf(f, "%d\n", port);
		if (fclose(f) == 0 && rename(tmp, path) == 0)
			rc = 0;
	}
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* --verify: erp_store_verify's JSON report on stdout; 0 when every check
 * passes, 1 when one fails or cannot run (the reason also on stderr). */
static int verify_store(erp_store *store)
{
	erp_buf report = ERP_BUF_INIT;
	int rc = erp_store_verify(&report, store);
	if (report.ptr)
		printf("%s\n", report.ptr);
	if (rc != ERP_OK)
		fprintf(stderr, "erp-server: --verify: %s: %s\n", erp_error_name(rc), erp_error_last()->message);
	erp_buf_dispose(&report);
	return rc == ERP_OK ? 0 : 1;
}

static atomic_bool started;

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	/* Until the daemon runs, its messages say why it did not start. */
	if (!atomic_load(&started)) {
		char text[512];
		vsnprintf(text, sizeof text, fmt, ap);
		size_t n = strlen(text);
		while (n && text[n - 1] == '\n')
			text[--n] = 0;
		fprintf(stderr, "erp-server: libmicrohttpd: %s\n", text);
		return;
	}
	srv_http_mhd_log(cls, fmt, ap);
}

static int start_daemon(srv_state *srv, int *port_out)
{
	const srv_config *cfg = &srv->cfg;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, cfg->bind, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)cfg->port);
	} else if (inet_pton(AF_INET6, cfg->bind, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)cfg->port);
		flags |= MHD_USE_IPv6;
	} else {
		fprintf(stderr, "erp-server: BIND_ADDRESS: not an address, not '%s'\n", cfg->bind);
		return 2;
	}

	/* As many connections as file descriptors allow, less a margin for the
	 * store's connections and files. */
	unsigned int conn_limit = 1000;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > 64 + (rlim_t)cfg->pool_size * 2)
		conn_limit = (unsigned int)(rl.rlim_cur - 64 - (rlim_t)cfg->pool_size * 2);
	if (conn_limit > 100000)
		conn_limit = 100000;

	struct MHD_OptionItem ops[] = {
		{ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)(void *)mhd_log, srv }, /* first, or MHD complains */
		{ MHD_OPTION_SOCK_ADDR, 0, &ss },
		{ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)(void *)srv_http_begin, srv },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)(void *)srv_http_completed, srv },
		{ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)(void *)srv_http_connection, srv },
		{ MHD_OPTION_CONNECTION_MEMORY_LIMIT, 128 * 1024, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL },
		{ MHD_OPTION_CONNECTION_LIMIT, conn_limit, NULL },
		{ MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL },
		{ MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL },
		{ cfg->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, cfg->threads, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	srv->daemon = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, srv_http_access, srv,
	                               MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
	if (!srv->daemon) {
		fprintf(stderr, "erp-server: cannot listen on %s port %d (in use, or not allowed)\n", cfg->bind, cfg->port);
		return 1;
	}
	atomic_store(&started, true);
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	*port_out = info ? info->port : cfg->port;
	return 0;
}

/* Waits for SIGTERM or SIGINT (blocked in every thread). */
static int wait_signal(const sigset_t *set)
{
	for (;;) {
		int sig = 0;
		if (sigwait(set, &sig) == 0)
			return sig;
	}
}

int main(int argc, char **argv)
{
	static srv_state srv;
	int rc = srv_config_load(&srv.cfg, argc, argv);
	if (rc == 1)
		return 0; /* --help */
	if (rc)
		return 2;
	srv_log_set_level(srv.cfg.log_level);
	srv.started_ms = srv_now_ms();
	atomic_init(&srv.in_flight, 0);
	atomic_init(&srv.stopping, false);

	char err[256];
	if (srv_routes_check(err, sizeof err) != 0) {
		fprintf(stderr, "erp-server: the route table is wrong: %s\n", err);
		srv_config_free(&srv.cfg);
		return 1;
	}

	/* Signals are taken by sigwait() here, never by a worker thread; every
	 * thread started from now on inherits the mask. */
	signal(SIGPIPE, SIG_IGN);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	char *db_shown = redact(srv.cfg.database_url);
	char *cache_shown = srv.cfg.redis_url ? redact(srv.cfg.redis_url) : strdup("mem:");

	erp_store_options opts = ERP_STORE_OPTIONS_INIT;
	opts.cache_url = srv.cfg.redis_url;
	opts.pool_size = srv.cfg.pool_size;
	opts.session_idle_ms = srv.cfg.session_idle_s * 1000;
	opts.relaxed_durability = srv.cfg.relaxed_durability;
	opts.no_migrate = srv.cfg.verify; /* checking a store never changes it */
	rc = erp_store_open(&srv.store, srv.cfg.database_url, &opts);
	if (rc != ERP_OK) {
		const erp_error *e = erp_error_last();
		const char *field = e->field ? e->field : "";
		if (rc == ERP_EINVALID && (strcmp(field, "url") == 0 || strcmp(field, "cache_url") == 0)) {
			fprintf(stderr, "erp-server: %s: %s\n",
			        srv_config_name(strcmp(field, "url") == 0 ? "DATABASE_URL" : "REDIS_URL"), e->message);
			rc = 2;
		} else {
			fprintf(stderr, "erp-server: cannot open the store of %s %s (cache %s): %s: %s\n",
			        srv_config_name("DATABASE_URL"), db_shown ? db_shown : "", cache_shown ? cache_shown : "",
			        erp_error_name(rc), e->message);
			rc = 1;
		}
		goto out;
	}
	if (srv.cfg.verify) {
		rc = verify_store(srv.store);
		goto out;
	}
	if (srv_metrics_new(&srv.metrics) != 0) {
		fprintf(stderr, "erp-server: out of memory\n");
		rc = 1;
		goto out;
	}
	if (srv.cfg.demo && srv_demo(srv.store) != 0) {
		fprintf(stderr, "erp-server: --demo: the demo data could not be made\n");
		rc = 1;
		goto out;
	}

	int port = 0;
	if ((rc = start_daemon(&srv, &port)) != 0)
		goto out;

	srv_log_force(SRV_LOG_INFO, "listening",
	        json_pack("{s:i, s:s, s:s, s:s, s:s, s:i, s:i, s:s}", "port", port, "bind", srv.cfg.bind, "database",
	                  db_shown ? db_shown : "", "backend", erp_store_backend(srv.store), "cache",
	                  cache_shown ? cache_shown : "", "threads", srv.cfg.threads, "pool_size", srv.cfg.pool_size,
	                  "version", erp_version()));
	if (srv.cfg.ready_file && write_ready_file(srv.cfg.ready_file, port) != 0) {
		fprintf(stderr, "erp-server: --ready-file: cannot write '%s': %s\n", srv.cfg.ready_file, strerror(errno));
		rc = 1;
		MHD_stop_daemon(srv.daemon);
		srv.daemon = NULL;
		goto out;
	}

	int sig = wait_signal(&set);
	atomic_store(&srv.stopping, true);
	srv_log(SRV_LOG_INFO, "stopping",
	        json_pack("{s:s, s:i}", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT", "in_flight",
	                  atomic_load(&srv.in_flight)));
	MHD_socket listen_fd = MHD_quiesce_daemon(srv.daemon);

	/* Let the requests in flight finish; a second signal cuts it short. */
	double deadline = srv_mono_s() + DRAIN_SECONDS;
	bool forced = false;
	while (atomic_load(&srv.in_flight) > 0 && srv_mono_s() < deadline) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		if (sigtimedwait(&set, NULL, &ts) > 0) {
			forced = true;
			break;
		}
	}
	int left = atomic_load(&srv.in_flight);
	MHD_stop_daemon(srv.daemon);
	srv.daemon = NULL;
	if (listen_fd != MHD_INVALID_SOCKET)
		close(listen_fd);
	srv_log(left ? SRV_LOG_WARN : SRV_LOG_INFO, "stopped",
	        json_pack("{s:i, s:b}", "abandoned", left, "forced", forced));
	rc = 0;

out:
	if (srv.daemon)
		MHD_stop_daemon(srv.daemon);
	erp_store_close(srv.store);
	srv_metrics_free(srv.metrics);
	srv_config_free(&srv.cfg);
	free(db_shown);
	free(cache_shown);
	return rc;
}
