/*
 * test_cache mem|redis: the cache backend contract (erp/sys/cache.h), run
 * once per cache backend: "mem:" always, Redis when ERP_TEST_REDIS_URL is
 * set (`test_cache redis` exits 77, skipped, otherwise; scripts/test.sh
 * starts one with scripts/redis-start.sh).
 *
 * The Redis run adds tests of the backend itself: URL checking, and
 * resilience against a server of its own (redis-server from PATH, on a
 * free loopback port; those tests are skipped when there is none) that it
 * kills, restarts, starts late, or runs with another password. Keys are
 * unique per run: the shared Redis may serve several runs at once.
 */
#include "test_backend.h"

#include "core/registry.h"
#ifdef ERP_HAVE_REDIS
#include "cache/redis/redis_url.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

static const char *cache_url;

static int cache_setup(void **state)
{
	const erp_cache_backend *b;
	char scheme[32];
	if (erp__library_init() != ERP_OK || !erp__url_scheme(scheme, sizeof scheme, cache_url) ||
	    !(b = erp__cache_backend_find(scheme)))
		return -1;
	erp_store_options opts = ERP_STORE_OPTIONS_INIT;
	opts.cache_max_bytes = 1 << 20;
	erp_cache *c = NULL;
	if (b->open(&c, cache_url, &opts) != ERP_OK)
		return -1;
	*state = c;
	return 0;
}

static int cache_teardown(void **state)
{
	erp_cache *c = *state;
	c->close(c);
	return 0;
}

static void unique_key(char *out, size_t cap, const char *what)
{
	char u[16];
	erp_test_unique(u);
	snprintf(out, cap, "erp:test:%s:%s", what, u);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Raises a recognisable error, to prove that a call raised none. */
static void set_sentinel_error(void)
{
	erp_error_set(ERP_ECONFLICT, NULL, "sentinel", "sentinel");
}

static void assert_sentinel_error(void)
{
	const erp_error *e = erp_error_last();
	assert_int_equal(e->code, ERP_ECONFLICT);
	assert_non_null(e->field);
	assert_string_equal(e->field, "sentinel");
}

static void test_cache__set_get_del(void **state)
{
	erp_cache *c = *state;
	char key[64];
	unique_key(key, sizeof key, "sgd");
	erp_buf v = ERP_BUF_INIT;
	assert_int_equal(c->get(&v, c, key), ERP_ENOTFOUND);
	assert_null(v.ptr);
	assert_erp_ok(c->set(c, key, "hello\0world", 11, 0));
	assert_erp_ok(c->get(&v, c, key));
	assert_int_equal(v.size, 11);
	assert_memory_equal(v.ptr, "hello\0world", 11);
	assert_erp_ok(c->set(c, key, "replaced", 8, 0));
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "replaced");
	assert_erp_ok(c->del(c, key));
	assert_int_equal(c->get(&v, c, key), ERP_ENOTFOUND);
	assert_erp_ok(c->del(c, key)); /* deleting what is absent is fine */
	erp_buf_dispose(&v);
	if (c->ping)
		assert_erp_ok(c->ping(c));
}

static void test_cache__ttl_expires(void **state)
{
	erp_cache *c = *state;
	char key[64];
	unique_key(key, sizeof key, "ttl");
	erp_buf v = ERP_BUF_INIT;
	assert_erp_ok(c->set(c, key, "short", 5, 150));
	assert_erp_ok(c->get(&v, c, key));
	sleep_ms(400);
	assert_int_equal(c->get(&v, c, key), ERP_ENOTFOUND);
	assert_erp_error(c->set(c, key, "x", 1, -1), ERP_EINVALID, "ttl_ms");
	erp_buf_dispose(&v);
}

static void test_cache__incr_counts_and_keeps_first_expiry(void **state)
{
	erp_cache *c = *state;
	char key[64];
	unique_key(key, sizeof key, "incr");
	int64_t n = 0;
	assert_erp_ok(c->incr(&n, c, key, 5, 300));
	assert_int_equal(n, 5);
	assert_erp_ok(c->incr(&n, c, key, -2, 100000)); /* expiry is not extended */
	assert_int_equal(n, 3);
	erp_buf v = ERP_BUF_INIT;
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "3");
	sleep_ms(600);
	assert_erp_ok(c->incr(&n, c, key, 1, 0)); /* a fixed window restarts */
	assert_int_equal(n, 1);
	char text_key[64];
	unique_key(text_key, sizeof text_key, "text");
	assert_erp_ok(c->set(c, text_key, "abc", 3, 0));
	assert_erp_error(c->incr(&n, c, text_key, 1, 0), ERP_EINVALID, "key");
	assert_erp_ok(c->get(&v, c, text_key));
	assert_string_equal(v.ptr, "abc");
	erp_buf_dispose(&v);
}

typedef struct {
	erp_cache *cache;
	const char *key;
	int failures;
} incr_worker;

static void *incr_many(void *arg)
{
	incr_worker *w = arg;
	for (int i = 0; i < 2000; i++) {
		int64_t n;
		if (w->cache->incr(&n, w->cache, w->key, 1, 60000) != ERP_OK)
			w->failures++;
	}
	return NULL;
}

static void test_cache__incr_is_atomic_across_threads(void **state)
{
	erp_cache *c = *state;
	char key[64];
	unique_key(key, sizeof key, "atomic");
	pthread_t t[4];
	incr_worker w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (incr_worker){ c, key, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, incr_many, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	int64_t n;
	assert_erp_ok(c->incr(&n, c, key, 0, 0));
	assert_int_equal(n, 8000);
}

static void test_cache__bounded_memory_evicts_least_recent(void **state)
{
	erp_cache *c = *state;
	if (strcmp(c->name, "mem") != 0)
		skip(); /* Redis bounds memory by its own maxmemory policy */
	/* 1 MiB budget: write 4 MiB of 4 KiB values, keep touching the first. */
	char value[4096];
	memset(value, 'v', sizeof value);
	char first[64];
	unique_key(first, sizeof first, "lru-first");
	assert_erp_ok(c->set(c, first, value, sizeof value, 0));
	erp_buf v = ERP_BUF_INIT;
	int kept = 0;
	char key[64];
	for (int i = 0; i < 1024; i++) {
		snprintf(key, sizeof key, "erp:test:lru:%d", i);
		assert_erp_ok(c->set(c, key, value, sizeof value, 0));
		assert_erp_ok(c->get(&v, c, first)); /* recently used: never evicted */
	}
	for (int i = 0; i < 1024; i++) {
		snprintf(key, sizeof key, "erp:test:lru:%d", i);
		kept += c->get(&v, c, key) == ERP_OK;
	}
	assert_true(kept > 0);
	assert_true(kept < 256); /* at most 1 MiB of 4 KiB values */
	snprintf(key, sizeof key, "erp:test:lru:%d", 1023);
	assert_erp_ok(c->get(&v, c, key)); /* the newest survived */
	erp_buf_dispose(&v);
}

static void test_cache__miss_raises_nothing(void **state)
{
	erp_cache *c = *state;
	char key[64];
	unique_key(key, sizeof key, "miss");
	erp_buf v = ERP_BUF_INIT;
	set_sentinel_error();
	assert_int_equal(c->get(&v, c, key), ERP_ENOTFOUND);
	assert_null(v.ptr);
	assert_sentinel_error();
}

static void test_cache__empty_and_large_values(void **state)
{
	erp_cache *c = *state;
	char key[64];
	unique_key(key, sizeof key, "empty");
	erp_buf v = ERP_BUF_INIT;
	assert_erp_ok(c->set(c, key, NULL, 0, 0));
	assert_erp_ok(c->get(&v, c, key));
	assert_int_equal(v.size, 0);
	assert_erp_ok(c->del(c, key));

	/* 200 KiB of every byte value: within the 1 MiB test budget of mem:. */
	size_t n = 200 * 1024;
	char *big = malloc(n);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)(i * 7);
	unique_key(key, sizeof key, "large");
	assert_erp_ok(c->set(c, key, big, n, 60000));
	assert_erp_ok(c->get(&v, c, key));
	assert_int_equal(v.size, n);
	assert_memory_equal(v.ptr, big, n);
	assert_erp_ok(c->del(c, key));
	free(big);
	erp_buf_dispose(&v);
}

static void test_cache__argument_errors(void **state)
{
	erp_cache *c = *state;
	erp_buf v = ERP_BUF_INIT;
	int64_t n;
	char key[64];
	unique_key(key, sizeof key, "args");
	assert_erp_error(c->get(&v, c, NULL), ERP_EINVALID, "key");
	assert_erp_error(c->get(NULL, c, key), ERP_EINVALID, "out");
	assert_erp_error(c->set(c, NULL, "x", 1, 0), ERP_EINVALID, "key");
	assert_erp_error(c->set(c, key, NULL, 1, 0), ERP_EINVALID, "value");
	assert_erp_error(c->del(c, NULL), ERP_EINVALID, "key");
	assert_erp_error(c->incr(&n, c, NULL, 1, 0), ERP_EINVALID, "key");
	assert_erp_error(c->incr(NULL, c, key, 1, 0), ERP_EINVALID, "out");
	assert_erp_error(c->incr(&n, c, key, 1, -5), ERP_EINVALID, "ttl_ms");
	assert_non_null(c->add);
	assert_erp_error(c->add(c, NULL, "x", 1, 0), ERP_EINVALID, "key");
	assert_erp_error(c->add(c, key, NULL, 1, 0), ERP_EINVALID, "value");
	assert_erp_error(c->add(c, key, "x", 1, -1), ERP_EINVALID, "ttl_ms");
	assert_int_equal(c->get(&v, c, key), ERP_ENOTFOUND); /* nothing was written */
}

static void test_cache__version_and_flags(void **state)
{
	erp_cache *c = *state;
	assert_int_equal(c->version, ERP_CACHE_VERSION);
	assert_non_null(c->add);
	if (strcmp(c->name, "redis") == 0)
		assert_int_equal(c->flags, ERP_CACHE_SHARED);
	else
		assert_int_equal(c->flags, 0); /* mem: is private to one process */
}

static void test_cache__incr_overflow_and_lasting_keys(void **state)
{
	erp_cache *c = *state;
	char key[64];
	int64_t n = 0;
	erp_buf v = ERP_BUF_INIT;

	unique_key(key, sizeof key, "big");
	assert_erp_ok(c->incr(&n, c, key, INT64_MAX - 1, 60000));
	assert_true(n == INT64_MAX - 1); /* exact: no trip through a double */
	assert_erp_ok(c->incr(&n, c, key, 1, 0));
	assert_true(n == INT64_MAX);
	assert_erp_error(c->incr(&n, c, key, 1, 0), ERP_EINVALID, "delta");
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "9223372036854775807"); /* unchanged */
	assert_erp_ok(c->incr(&n, c, key, INT64_MIN, 0));
	assert_true(n == -1);

	unique_key(key, sizeof key, "neg");
	assert_erp_ok(c->incr(&n, c, key, INT64_MIN, 60000));
	assert_true(n == INT64_MIN);
	assert_erp_error(c->incr(&n, c, key, -1, 0), ERP_EINVALID, "delta");

	/* A key that exists without an expiry keeps none: a TTL only applies
	 * to a key the incr creates. */
	unique_key(key, sizeof key, "lasting");
	assert_erp_ok(c->set(c, key, "5", 1, 0));
	assert_erp_ok(c->incr(&n, c, key, 1, 100));
	assert_int_equal(n, 6);
	sleep_ms(300);
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "6");
	assert_erp_ok(c->del(c, key));

	/* Not an integer: a value with a sign '+', spaces or decimals. */
	const char *bad[] = { "+1", " 1", "1.5", "", "99999999999999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		unique_key(key, sizeof key, "bad");
		assert_erp_ok(c->set(c, key, bad[i], strlen(bad[i]), 60000));
		assert_erp_error(c->incr(&n, c, key, 1, 0), ERP_EINVALID, "key");
		assert_erp_ok(c->get(&v, c, key));
		assert_string_equal(v.ptr, bad[i]);
		assert_erp_ok(c->del(c, key));
	}
	erp_buf_dispose(&v);
}

static void test_cache__add_stores_only_when_absent(void **state)
{
	erp_cache *c = *state;
	char key[64];
	unique_key(key, sizeof key, "add");
	erp_buf v = ERP_BUF_INIT;
	assert_non_null(c->add);

	/* absent: stored */
	assert_erp_ok(c->add(c, key, "first\0x", 7, 0));
	assert_erp_ok(c->get(&v, c, key));
	assert_int_equal(v.size, 7);
	assert_memory_equal(v.ptr, "first\0x", 7);

	/* present: ERP_EEXISTS, nothing raised, the value unchanged */
	set_sentinel_error();
	assert_int_equal(c->add(c, key, "second", 6, 0), ERP_EEXISTS);
	assert_sentinel_error();
	assert_erp_ok(c->get(&v, c, key));
	assert_int_equal(v.size, 7);
	assert_memory_equal(v.ptr, "first\0x", 7);

	/* deleted, then added again */
	assert_erp_ok(c->del(c, key));
	assert_erp_ok(c->add(c, key, "third", 5, 0));
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "third");
	assert_erp_ok(c->del(c, key));
	erp_buf_dispose(&v);
}

static void test_cache__add_over_expired_and_add_ttl(void **state)
{
	erp_cache *c = *state;
	char key[64];
	unique_key(key, sizeof key, "addexp");
	erp_buf v = ERP_BUF_INIT;

	/* an expired key counts as absent */
	assert_erp_ok(c->set(c, key, "old", 3, 100));
	sleep_ms(300);
	assert_erp_ok(c->add(c, key, "new", 3, 0));
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "new");
	assert_erp_ok(c->del(c, key));

	/* add's own TTL, and a present key with a TTL keeps its value */
	assert_erp_ok(c->add(c, key, "short", 5, 150));
	assert_int_equal(c->add(c, key, "other", 5, 0), ERP_EEXISTS);
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "short");
	sleep_ms(400);
	assert_int_equal(c->get(&v, c, key), ERP_ENOTFOUND);
	assert_erp_ok(c->add(c, key, "again", 5, 0));
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "again");
	assert_erp_ok(c->del(c, key));
	erp_buf_dispose(&v);
}

#define ADD_THREADS 8

typedef struct {
	erp_cache *cache;
	const char *key;
	pthread_barrier_t *start;
	int index;
	int rc;
} add_worker;

static void *add_once(void *arg)
{
	add_worker *w = arg;
	char value[24];
	snprintf(value, sizeof value, "thread-%d", w->index);
	pthread_barrier_wait(w->start);
	w->rc = w->cache->add(w->cache, w->key, value, strlen(value), 60000);
	return NULL;
}

static void test_cache__add_concurrent_exactly_one_wins(void **state)
{
	erp_cache *c = *state;
	for (int round = 0; round < 20; round++) {
		char key[64];
		unique_key(key, sizeof key, "addrace");
		pthread_barrier_t start;
		assert_int_equal(pthread_barrier_init(&start, NULL, ADD_THREADS), 0);
		pthread_t t[ADD_THREADS];
		add_worker w[ADD_THREADS];
		for (int i = 0; i < ADD_THREADS; i++) {
			w[i] = (add_worker){ c, key, &start, i, 1 };
			assert_int_equal(pthread_create(&t[i], NULL, add_once, &w[i]), 0);
		}
		int winner = -1, wins = 0;
		for (int i = 0; i < ADD_THREADS; i++) {
			pthread_join(t[i], NULL);
			if (w[i].rc == ERP_OK) {
				wins++;
				winner = i;
			} else {
				assert_int_equal(w[i].rc, ERP_EEXISTS);
			}
		}
		pthread_barrier_destroy(&start);
		assert_int_equal(wins, 1);
		char expect[24];
		snprintf(expect, sizeof expect, "thread-%d", winner);
		erp_buf v = ERP_BUF_INIT;
		assert_erp_ok(c->get(&v, c, key));
		assert_string_equal(v.ptr, expect);
		erp_buf_dispose(&v);
		assert_erp_ok(c->del(c, key));
	}
}

#ifdef ERP_HAVE_REDIS
/* ---- Redis only: URLs, and resilience against a server of our own ------ */

static const erp_cache_backend *redis_backend(void)
{
	const erp_cache_backend *b = erp__cache_backend_find("redis");
	assert_non_null(b);
	return b;
}

static erp_cache *redis_open(const char *url, int pool_size)
{
	erp_store_options opts = ERP_STORE_OPTIONS_INIT;
	opts.pool_size = pool_size;
	erp_cache *c = NULL;
	assert_erp_ok(redis_backend()->open(&c, url, &opts));
	assert_non_null(c);
	return c;
}

/* A redis-server child: port, password, pid. */
typedef struct own_redis {
	int port;
	const char *password;
	pid_t pid;
	char endpoint[32];  /* "127.0.0.1:PORT" */
} own_redis;

static own_redis *running; /* killed by the teardown, whatever happens */

static int have_redis_server(void)
{
	const char *path = getenv("PATH");
	if (!path)
		return 0;
	char *copy = strdup(path), *save = NULL;
	int found = 0;
	for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char file[4096];
		snprintf(file, sizeof file, "%s/redis-server", *dir ? dir : ".");
		found = access(file, X_OK) == 0;
	}
	free(copy);
	return found;
}

/* A loopback TCP port that nothing listens on right now. */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = 0;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t len = sizeof a;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static int port_accepts(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

/* The server of the test under way: static, so that the teardown can still
 * kill it after a failed assertion has left the test's stack. */
static own_redis the_server;

static own_redis *redis_prepare(int port, const char *password)
{
	own_redis *r = &the_server;
	memset(r, 0, sizeof *r);
	r->port = port;
	r->password = password;
	r->pid = -1;
	snprintf(r->endpoint, sizeof r->endpoint, "127.0.0.1:%d", port);
	return r;
}

/* Odd while the main thread forks a redis-server: fork stops every thread
 * of the process for as long as it copies the address space, which under
 * valgrind can take most of a second; calls that overlap it are not timed. */
static atomic_int forking;

/* Starts redis-server on r->port and waits (at most 10 s) until it accepts. */
static void redis_start(own_redis *r, const char *extra_name, const char *extra_value)
{
	char port[16];
	snprintf(port, sizeof port, "%d", r->port);
	atomic_fetch_add(&forking, 1);
	pid_t pid = fork();
	if (pid != 0)
		atomic_fetch_add(&forking, 1);
	assert_true(pid >= 0);
	if (pid == 0) {
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
#endif
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		const char *argv[32];
		int n = 0;
		argv[n++] = "redis-server";
		argv[n++] = "--port";
		argv[n++] = port;
		argv[n++] = "--bind";
		argv[n++] = "127.0.0.1";
		argv[n++] = "--save";
		argv[n++] = "";
		argv[n++] = "--appendonly";
		argv[n++] = "no";
		argv[n++] = "--dir";
		argv[n++] = "/tmp";
		argv[n++] = "--daemonize";
		argv[n++] = "no";
		if (r->password) {
			argv[n++] = "--requirepass";
			argv[n++] = r->password;
		}
		if (extra_name) {
			argv[n++] = extra_name;
			argv[n++] = extra_value;
		}
		argv[n] = NULL;
		execvp("redis-server", (char *const *)argv);
		_exit(127);
	}
	r->pid = pid;
	running = r;
	int64_t deadline = now_ms() + 10000;
	while (!port_accepts(r->port)) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			r->pid = -1;
			fail_msg("redis-server on port %d exited before it accepted connections", r->port);
		}
		if (now_ms() > deadline)
			fail_msg("redis-server on port %d did not start within 10 s", r->port);
		sleep_ms(20);
	}
}

static void redis_kill(own_redis *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
		r->pid = -1;
	}
}

static int kill_running(void **state)
{
	(void)state;
	if (running)
		redis_kill(running);
	running = NULL;
	return 0;
}

#define SKIP_WITHOUT_REDIS_SERVER()                                                        \
	do {                                                                               \
		if (!have_redis_server()) {                                                \
			fprintf(stderr, "no redis-server in PATH: skipping this test\n"); \
			skip();                                                            \
		}                                                                          \
	} while (0)

static void assert_message_has(const char *needle)
{
	const char *m = erp_error_last()->message;
	if (!strstr(m, needle))
		fail_msg("expected \"%s\" in the error message: %s", needle, m);
}

static void assert_message_lacks(const char *needle)
{
	const char *m = erp_error_last()->message;
	if (strstr(m, needle))
		fail_msg("the error message must not contain \"%s\": %s", needle, m);
}

/* Calls get, set or incr (by i); asserts ERP_EBACKEND within ~1 s. */
static void assert_fails_fast(erp_cache *c, const char *key, int i, const char *endpoint)
{
	erp_buf v = ERP_BUF_INIT;
	int64_t n;
	int64_t t0 = now_ms();
	int rc = i % 4 == 0 ? c->get(&v, c, key)
	       : i % 4 == 1 ? c->set(c, key, "v", 1, 1000)
	       : i % 4 == 2 ? c->incr(&n, c, key, 1, 1000)
	                    : c->add(c, key, "v", 1, 1000);
	int64_t took = now_ms() - t0;
	assert_erp_error(rc, ERP_EBACKEND, NULL);
	assert_message_has(endpoint);
	if (took > 1000)
		fail_msg("a call to an unreachable Redis took %lld ms", (long long)took);
	erp_buf_dispose(&v);
}

/* Polls until set succeeds; returns how long it took (fails after 10 s). */
static int64_t wait_until_usable(erp_cache *c, const char *key)
{
	int64_t t0 = now_ms();
	while (c->set(c, key, "back", 4, 60000) != ERP_OK) {
		assert_int_equal(erp_error_last()->code, ERP_EBACKEND);
		if (now_ms() - t0 > 10000)
			fail_msg("Redis is back but calls still fail after 10 s: %s", erp_error_last()->message);
		sleep_ms(50);
	}
	return now_ms() - t0;
}

static void test_redis__malformed_urls_are_refused(void **state)
{
	(void)state;
	const char *bad[] = {
		"redis:",
		"redis://",
		"redis:localhost",
		"rediss://localhost",
		"http://localhost",
		"redis://:@localhost",
		"redis://alice@localhost",
		"redis://:secret-pw@",
		"redis://:secret-pw@:6379",
		"redis://localhost:",
		"redis://localhost:0",
		"redis://localhost:65536",
		"redis://localhost:99999999999",
		"redis://localhost:63a9",
		"redis://localhost/16",
		"redis://localhost/-1",
		"redis://localhost/x",
		"redis://localhost/0/1",
		"redis://::1:6379",
		"redis://[::1",
		"redis://[::1]x",
		"redis://[]:6379",
		"redis://[zz::1]",
		"redis://local host",
		"redis://local\thost",
		"redis://loc!host",
		"redis://localhost#frag",
		"redis://:p%zzw@localhost",
		"redis://:p%0@localhost",
		"redis://:p%00w@localhost",
		"redis://localhost?connect_timeout_ms=0",
		"redis://localhost?connect_timeout_ms=",
		"redis://localhost?connect_timeout_ms",
		"redis://localhost?command_timeout_ms=600001",
		"redis://localhost?command_timeout_ms=-1",
		"redis://localhost?command_timeout_ms=1s",
		"redis://localhost?pool=3",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		erp_cache *c = (erp_cache *)&c; /* must be set to NULL */
		int rc = redis_backend()->open(&c, bad[i], NULL);
		if (rc != ERP_EINVALID)
			fail_msg("URL %s: expected ERP_EINVALID, got %s", bad[i], erp_error_name(rc));
		assert_erp_error(rc, ERP_EINVALID, "cache_url");
		assert_null(c);
		assert_message_lacks("secret-pw");
		assert_true(strlen(erp_error_last()->message) > 20);
	}
	erp_cache *c = NULL;
	assert_erp_error(redis_backend()->open(&c, NULL, NULL), ERP_EINVALID, "cache_url");

	/* The core refuses them the same way through erp_store_open. */
	erp_store_options opts = ERP_STORE_OPTIONS_INIT;
	opts.cache_url = "redis://localhost:0";
	erp_store *store = NULL;
	assert_erp_error(erp_store_open(&store, "sqlite::memory:", &opts), ERP_EINVALID, "cache_url");
	assert_null(store);
}

static void test_redis__well_formed_urls(void **state)
{
	(void)state;
	erp__redis_url u;
	assert_erp_ok(erp__redis_url_parse(&u, "redis://localhost"));
	assert_string_equal(u.host, "localhost");
	assert_int_equal(u.port, 6379);
	assert_int_equal(u.db, 0);
	assert_null(u.user);
	assert_null(u.password);
	assert_int_equal(u.connect_timeout_ms, 250);
	assert_int_equal(u.command_timeout_ms, 500);
	assert_string_equal(u.endpoint, "localhost:6379");
	erp__redis_url_free(&u);

	assert_erp_ok(erp__redis_url_parse(&u, "REDIS://:p%40ss%3Aw%2Fd@10.1.2.3:6380/15?connect_timeout_ms=100&command_timeout_ms=2000"));
	assert_string_equal(u.host, "10.1.2.3");
	assert_int_equal(u.port, 6380);
	assert_int_equal(u.db, 15);
	assert_null(u.user);
	assert_string_equal(u.password, "p@ss:w/d");
	assert_int_equal(u.connect_timeout_ms, 100);
	assert_int_equal(u.command_timeout_ms, 2000);
	erp__redis_url_free(&u);

	assert_erp_ok(erp__redis_url_parse(&u, "redis://alice:s3cret@[::1]:7000/"));
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.user, "alice");
	assert_string_equal(u.password, "s3cret");
	assert_int_equal(u.port, 7000);
	assert_int_equal(u.db, 0);
	assert_string_equal(u.endpoint, "[::1]:7000");
	erp__redis_url_free(&u);

	/* '@' in a password, unencoded: the userinfo ends at the last '@'. */
	assert_erp_ok(erp__redis_url_parse(&u, "redis://:a@b@redis.example.com/3"));
	assert_string_equal(u.password, "a@b");
	assert_string_equal(u.host, "redis.example.com");
	assert_int_equal(u.db, 3);
	erp__redis_url_free(&u);

	/* Opening needs no server: nothing is connected until the first call. */
	erp_cache *c = redis_open("redis://127.0.0.1:1/2?connect_timeout_ms=50", 0);
	assert_string_equal(c->name, "redis");
	c->close(c);
}

/* (a) Killed mid-test: calls fail fast; restarted: calls work again. */
static void test_redis__killed_then_restarted(void **state)
{
	(void)state;
	SKIP_WITHOUT_REDIS_SERVER();
	own_redis *r = redis_prepare(free_port(), "kill-test-pw");
	redis_start(r, NULL, NULL);
	char url[160], key[64];
	snprintf(url, sizeof url, "redis://:%s@127.0.0.1:%d/3", r->password, r->port);
	erp_cache *c = redis_open(url, 2);
	unique_key(key, sizeof key, "kill");
	erp_buf v = ERP_BUF_INIT;
	int64_t n;
	assert_erp_ok(c->set(c, key, "before", 6, 60000));
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "before");

	redis_kill(r);
	int64_t t0 = now_ms();
	for (int i = 0; now_ms() - t0 < 1500 || i < 8; i++) {
		assert_fails_fast(c, key, i, r->endpoint);
		sleep_ms(i % 2 ? 0 : 60);
	}
	if (c->ping) {
		assert_erp_error(c->ping(c), ERP_EBACKEND, NULL);
		assert_message_has(r->endpoint);
	}

	redis_start(r, NULL, NULL);
	int64_t took = wait_until_usable(c, key);
	assert_true(took < 5000); /* back-off is 2 s at most */
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "back");
	char counter[64];
	unique_key(counter, sizeof counter, "kill-n");
	assert_erp_ok(c->incr(&n, c, counter, 2, 60000));
	assert_int_equal(n, 2);
	assert_erp_ok(c->ping(c));

	/* Restarted while idle: the first call after it succeeds, on a new
	 * connection (the idle ones were closed by the old server). */
	redis_kill(r);
	redis_start(r, NULL, NULL);
	assert_int_equal(c->get(&v, c, key), ERP_ENOTFOUND); /* no persistence */
	assert_erp_ok(c->set(c, key, "after", 5, 60000));

	c->close(c);
	redis_kill(r);
	running = NULL;
	erp_buf_dispose(&v);
}

typedef struct {
	erp_cache *cache;
	atomic_int *stop;
	int ok, down, other;
	int64_t slowest_ms;
	int64_t last_ok_ms;
	char slowest[200];
} load_worker;

static void *load(void *arg)
{
	load_worker *w = arg;
	char key[64];
	unique_key(key, sizeof key, "load");
	erp_buf v = ERP_BUF_INIT;
	for (int i = 0; !atomic_load(w->stop); i++) {
		int64_t n, t0 = now_ms();
		int epoch = atomic_load(&forking);
		int rc = i % 3 == 0 ? w->cache->set(w->cache, key, "value", 5, 60000)
		       : i % 3 == 1 ? w->cache->get(&v, w->cache, key)
		                    : w->cache->incr(&n, w->cache, key, 1, 60000);
		int64_t took = now_ms() - t0;
		if (epoch % 2 == 0 && atomic_load(&forking) == epoch && took > w->slowest_ms) {
			w->slowest_ms = took;
			snprintf(w->slowest, sizeof w->slowest, "%s: %s", erp_error_name(rc),
			         rc == ERP_OK ? "" : erp_error_last()->message);
		}
		if (rc == ERP_OK || rc == ERP_ENOTFOUND || (i % 3 == 2 && rc == ERP_EINVALID)) {
			w->ok++; /* incr on "value" is ERP_EINVALID: Redis answered */
			w->last_ok_ms = now_ms();
		} else if (rc == ERP_EBACKEND) {
			w->down++;
		} else {
			w->other++;
		}
		sleep_ms(1); /* a busy loop would starve other threads under valgrind */
	}
	erp_buf_dispose(&v);
	return NULL;
}

/* (a) under load: threads keep calling while Redis is killed and restarted. */
static void test_redis__killed_under_load(void **state)
{
	(void)state;
	SKIP_WITHOUT_REDIS_SERVER();
	own_redis *r = redis_prepare(free_port(), "load-pw");
	redis_start(r, NULL, NULL);
	char url[160];
	snprintf(url, sizeof url, "redis://:%s@127.0.0.1:%d", r->password, r->port);
	erp_cache *c = redis_open(url, 3);
	atomic_int stop = 0;
	pthread_t t[6];
	load_worker w[6];
	for (int i = 0; i < 6; i++) {
		w[i] = (load_worker){ c, &stop, 0, 0, 0, 0, 0, "" };
		assert_int_equal(pthread_create(&t[i], NULL, load, &w[i]), 0);
	}
	sleep_ms(300);
	redis_kill(r);
	sleep_ms(700);
	redis_start(r, NULL, NULL);
	int64_t restarted = now_ms();
	sleep_ms(3000); /* the back-off is 2 s at most */
	atomic_store(&stop, 1);
	for (int i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
	}
	for (int i = 0; i < 6; i++) {
		/* no other outcome, recovered after the restart, no slow call */
		if (w[i].other || w[i].last_ok_ms <= restarted || w[i].slowest_ms > 1000)
			fail_msg("worker %d: %d ok, %d ERP_EBACKEND, %d other; slowest call %lld ms (%s); "
			         "last success %lld ms after the restart",
			         i, w[i].ok, w[i].down, w[i].other, (long long)w[i].slowest_ms, w[i].slowest,
			         (long long)(w[i].last_ok_ms - restarted));
	}
	int down = 0;
	for (int i = 0; i < 6; i++)
		down += w[i].down;
	assert_true(down > 0);
	c->close(c);
	redis_kill(r);
	running = NULL;
}

/* (b) Opened while Redis is down: works once it starts. */
static void test_redis__opened_before_redis_starts(void **state)
{
	(void)state;
	SKIP_WITHOUT_REDIS_SERVER();
	own_redis *r = redis_prepare(free_port(), NULL);
	char url[160], key[64];
	snprintf(url, sizeof url, "redis://127.0.0.1:%d", r->port);
	erp_cache *c = redis_open(url, 0);
	unique_key(key, sizeof key, "late");
	for (int i = 0; i < 6; i++)
		assert_fails_fast(c, key, i, r->endpoint);

	redis_start(r, NULL, NULL);
	int64_t took = wait_until_usable(c, key);
	assert_true(took < 5000);
	erp_buf v = ERP_BUF_INIT;
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "back");
	assert_erp_ok(c->ping(c));
	erp_buf_dispose(&v);
	c->close(c);
	redis_kill(r);
	running = NULL;
}

/* (c) Wrong password or database: ERP_EBACKEND, a clear message, never the password. */
static void test_redis__wrong_password_or_db(void **state)
{
	(void)state;
	SKIP_WITHOUT_REDIS_SERVER();
	own_redis *r = redis_prepare(free_port(), "right-pw");
	redis_start(r, "--databases", "4");
	char url[160], key[64];
	unique_key(key, sizeof key, "auth");
	erp_buf v = ERP_BUF_INIT;

	snprintf(url, sizeof url, "redis://:wrong-pw@127.0.0.1:%d", r->port);
	erp_cache *c = redis_open(url, 0); /* opens: the URL is well-formed */
	assert_erp_error(c->set(c, key, "x", 1, 0), ERP_EBACKEND, NULL);
	assert_message_has(r->endpoint);
	assert_message_has("AUTH");
	assert_message_has("WRONGPASS");
	assert_message_lacks("wrong-pw");
	int64_t t0 = now_ms();
	assert_erp_error(c->get(&v, c, key), ERP_EBACKEND, NULL); /* in the back-off */
	assert_true(now_ms() - t0 < 1000);
	assert_message_has("AUTH");
	c->close(c);

	/* No password at all: Redis answers NOAUTH. */
	snprintf(url, sizeof url, "redis://127.0.0.1:%d", r->port);
	c = redis_open(url, 0);
	assert_erp_error(c->get(&v, c, key), ERP_EBACKEND, NULL);
	assert_message_has("NOAUTH");
	c->close(c);

	/* A database the server does not have. */
	snprintf(url, sizeof url, "redis://:right-pw@127.0.0.1:%d/7", r->port);
	c = redis_open(url, 0);
	assert_erp_error(c->get(&v, c, key), ERP_EBACKEND, NULL);
	assert_message_has("SELECT");
	c->close(c);

	/* The right one, as the default user of Redis 6 ACLs, and plainly. */
	snprintf(url, sizeof url, "redis://default:right-pw@127.0.0.1:%d/2", r->port);
	c = redis_open(url, 0);
	assert_erp_ok(c->set(c, key, "acl", 3, 60000));
	c->close(c);
	snprintf(url, sizeof url, "redis://:right-pw@127.0.0.1:%d/2", r->port);
	c = redis_open(url, 0);
	assert_erp_ok(c->get(&v, c, key));
	assert_string_equal(v.ptr, "acl");
	c->close(c);

	redis_kill(r);
	running = NULL;
	erp_buf_dispose(&v);
}

/* A server that accepts connections and never answers: the command timeout. */
static void test_redis__silent_server_times_out(void **state)
{
	(void)state;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 16), 0); /* the kernel completes connects; nobody reads */
	socklen_t len = sizeof a;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	int port = ntohs(a.sin_port);

	char url[160], endpoint[32], key[64];
	snprintf(url, sizeof url, "redis://127.0.0.1:%d?connect_timeout_ms=100&command_timeout_ms=200", port);
	snprintf(endpoint, sizeof endpoint, "127.0.0.1:%d", port);
	unique_key(key, sizeof key, "silent");
	erp_cache *c = redis_open(url, 0);
	erp_buf v = ERP_BUF_INIT;
	for (int i = 0; i < 3; i++) {
		int64_t t0 = now_ms();
		assert_erp_error(c->get(&v, c, key), ERP_EBACKEND, NULL);
		int64_t took = now_ms() - t0;
		assert_message_has(endpoint);
		assert_message_has("no reply within 200 ms");
		assert_true(took >= 150 && took < 1000);
	}
	c->close(c);

	/* With a password, the timeout strikes during AUTH, at connect. */
	snprintf(url, sizeof url, "redis://:pw@127.0.0.1:%d?command_timeout_ms=100", port);
	c = redis_open(url, 0);
	assert_erp_error(c->get(&v, c, key), ERP_EBACKEND, NULL);
	assert_message_has("AUTH: no reply within 100 ms");
	c->close(c);
	close(fd);
}
/* A server that accepts and closes at once: for the SIGPIPE test. */
static void *accept_and_close(void *arg)
{
	int fd = *(int *)arg;
	for (;;) {
		int c = accept(fd, NULL, NULL);
		if (c < 0)
			return NULL;
		close(c);
	}
}

/* Writing to a connection the server has closed raises SIGPIPE, which kills
 * a process that has not ignored it: the backend must keep it away (and
 * leave the thread's signal mask as it was). A large value makes hiredis
 * write twice after the server's FIN and RST, which is what raises it. */
static void test_redis__peer_closing_mid_write_raises_no_sigpipe(void **state)
{
	(void)state;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 16), 0);
	socklen_t len = sizeof a;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	pthread_t server;
	assert_int_equal(pthread_create(&server, NULL, accept_and_close, &fd), 0);

	char url[128], key[64];
	snprintf(url, sizeof url, "redis://127.0.0.1:%d", ntohs(a.sin_port));
	unique_key(key, sizeof key, "sigpipe");
	erp_cache *c = redis_open(url, 0);
	size_t n = (size_t)8 << 20;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	for (int i = 0; i < 5; i++) {
		assert_erp_error(c->set(c, key, big, n, 0), ERP_EBACKEND, NULL);
		sigset_t mask, pending;
		assert_int_equal(pthread_sigmask(SIG_BLOCK, NULL, &mask), 0);
		assert_false(sigismember(&mask, SIGPIPE)); /* the mask is restored */
		assert_int_equal(sigpending(&pending), 0);
		assert_false(sigismember(&pending, SIGPIPE)); /* and nothing left behind */
		sleep_ms(300); /* past the back-off, if the connect failed */
	}
	free(big);
	c->close(c);
	shutdown(fd, SHUT_RDWR); /* wakes accept() */
	close(fd);
	pthread_join(server, NULL);
}
#endif /* ERP_HAVE_REDIS */

int main(int argc, char **argv)
{
	const char *which = argc > 1 ? argv[1] : "mem";
	if (strcmp(which, "mem") == 0) {
		cache_url = "mem:";
	} else if (strcmp(which, "redis") == 0) {
#ifndef ERP_HAVE_REDIS
		fprintf(stderr, "this liberp is built without the Redis cache backend: skipping\n");
		return ERP_TEST_SKIP;
#else
		cache_url = getenv("ERP_TEST_REDIS_URL");
		if (!cache_url || !*cache_url) {
			fprintf(stderr, "ERP_TEST_REDIS_URL is not set: skipping the Redis cache run\n");
			return ERP_TEST_SKIP;
		}
#endif
	} else {
		fprintf(stderr, "usage: test_cache mem|redis\n");
		return 2;
	}
	erp_test_backend_init("sqlite");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache__set_get_del),
		cmocka_unit_test(test_cache__ttl_expires),
		cmocka_unit_test(test_cache__incr_counts_and_keeps_first_expiry),
		cmocka_unit_test(test_cache__incr_is_atomic_across_threads),
		cmocka_unit_test(test_cache__bounded_memory_evicts_least_recent),
		cmocka_unit_test(test_cache__miss_raises_nothing),
		cmocka_unit_test(test_cache__empty_and_large_values),
		cmocka_unit_test(test_cache__argument_errors),
		cmocka_unit_test(test_cache__version_and_flags),
		cmocka_unit_test(test_cache__incr_overflow_and_lasting_keys),
		cmocka_unit_test(test_cache__add_stores_only_when_absent),
		cmocka_unit_test(test_cache__add_over_expired_and_add_ttl),
		cmocka_unit_test(test_cache__add_concurrent_exactly_one_wins),
	};
	int failed = cmocka_run_group_tests_name(which, tests, cache_setup, cache_teardown);
#ifdef ERP_HAVE_REDIS
	if (strcmp(which, "redis") == 0) {
		const struct CMUnitTest redis_tests[] = {
			cmocka_unit_test(test_redis__malformed_urls_are_refused),
			cmocka_unit_test(test_redis__well_formed_urls),
			cmocka_unit_test_teardown(test_redis__killed_then_restarted, kill_running),
			cmocka_unit_test_teardown(test_redis__killed_under_load, kill_running),
			cmocka_unit_test_teardown(test_redis__opened_before_redis_starts, kill_running),
			cmocka_unit_test_teardown(test_redis__wrong_password_or_db, kill_running),
			cmocka_unit_test(test_redis__silent_server_times_out),
			cmocka_unit_test(test_redis__peer_closing_mid_write_raises_no_sigpipe),
		};
		failed += cmocka_run_group_tests_name("redis backend", redis_tests, NULL, NULL);
	}
#endif
	return failed ? 1 : 0;
}
