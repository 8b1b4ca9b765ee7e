/*
 * Each backend's own ways to fail: unopenable files, corrupt databases,
 * a full disk and a read-only file system (SQLite on a tmpfs of its own,
 * mounted when run as root, else skipped), refused credentials,
 * unreachable or silent servers, missing rights, server restarts; and, on
 * PostgreSQL, row-level security as a second wall behind the core's
 * tenant filter. The same faults under erp-server: tests/faults.
 */
#include "conformance.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void skip_unless(const char *backend)
{
	if (!erp_test_backend_is(backend))
		skip();
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- SQLite ---------------------------------------------------------- */

void test_faults__sqlite_unopenable_paths(void **state)
{
	(void)state;
	skip_unless("sqlite");
	erp_store *s = NULL;
	assert_erp_error(erp_store_open(&s, "sqlite:/nonexistent-dir-erp/x.db", NULL), ERP_EBACKEND, NULL);
	assert_non_null(strstr(erp_error_last()->message, "/nonexistent-dir-erp/x.db"));
	assert_erp_error(erp_store_open(&s, "sqlite:/tmp", NULL), ERP_EBACKEND, NULL);
	assert_null(s);
}

void test_faults__sqlite_file_that_is_not_a_database(void **state)
{
	(void)state;
	skip_unless("sqlite");
	char *url = erp_test_url_fresh();
	FILE *fp = fopen(url + 7, "w");
	assert_non_null(fp);
	for (int i = 0; i < 200; i++)
		fputs("this is a text file, not a database\n", fp);
	fclose(fp);
	erp_store *s = NULL;
	assert_erp_error(erp_store_open(&s, url, NULL), ERP_EBACKEND, NULL);
	assert_null(s);
	erp_test_url_drop(url);
}

void test_faults__sqlite_corrupt_database_is_reported_never_crashes(void **state)
{
	(void)state;
	skip_unless("sqlite");
	char *url = erp_test_url_fresh();
	erp_store *s = NULL;
	erp_store_options opts = erp_test_store_options();
	assert_erp_ok(erp_store_open(&s, url, &opts));
	char tenant[37];
	erp_test_tenant(tenant, s);
	erp_store_close(s);
	/* Scribble over the header of every page but the first (the file header stays valid). */
	FILE *fp = fopen(url + 7, "r+b");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long size = ftell(fp);
	for (long off = 4096; off < size; off += 4096) {
		fseek(fp, off, SEEK_SET);
		fputs("garbage garbage garbage garbage garbage garbage", fp);
	}
	fclose(fp);
	s = NULL;
	int rc = erp_store_open(&s, url, &opts);
	if (rc == ERP_OK) {
		erp_buf report = ERP_BUF_INIT;
		rc = erp_store_verify(&report, s);
		assert_true(rc == ERP_EBACKEND || rc == ERP_ERROR);
		assert_non_null(strstr(report.ptr, "\"ok\":false"));
		erp_buf_dispose(&report);
		erp_store_close(s);
	} else {
		assert_erp_error(rc, ERP_EBACKEND, NULL);
	}
	erp_test_url_drop(url);
}

void test_faults__sqlite_memory_store_works(void **state)
{
	(void)state;
	skip_unless("sqlite");
	erp_store *s = NULL;
	erp_store_options opts = erp_test_store_options();
	assert_erp_ok(erp_store_open(&s, "sqlite::memory:", &opts));
	char tenant[37];
	erp_test_tenant(tenant, s);
	erp_ctx *ctx = erp_test_ctx(s, tenant, ERP_ROLE_ADMIN);
	assert_erp_ok(erp_setting_set(ctx, "k", "v"));
	erp_ctx_free(ctx);
	erp_store_close(s);
}

/* ---- SQLite on a small file system of its own ------------------------ */

#define FAULTS_PASSWORD "correct horse battery"

/* A tmpfs of `bytes` on a new directory; NULL (the reason on stderr) when it cannot be mounted. */
static char *small_fs_mount(size_t bytes)
{
	char tmpl[] = "/tmp/erp-faults-XXXXXX";
	if (!mkdtemp(tmpl))
		return NULL;
	char opts[64];
	snprintf(opts, sizeof opts, "size=%zu,mode=0755", bytes);
	if (mount("tmpfs", tmpl, "tmpfs", 0, opts) != 0) {
		fprintf(stderr, "cannot mount a tmpfs on %s (%s): needs root; skipped\n", tmpl, strerror(errno));
		rmdir(tmpl);
		return NULL;
	}
	char *dir = strdup(tmpl);
	assert_non_null(dir);
	return dir;
}

static void small_fs_remount(const char *dir, unsigned long flags)
{
	assert_int_equal(mount("tmpfs", dir, "tmpfs", MS_REMOUNT | flags, NULL), 0);
}

static void small_fs_unmount(char *dir)
{
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	free(dir);
}

/* Writes DIR/filler until the file system refuses for lack of space. */
static void small_fs_fill(const char *dir)
{
	char path[256], block[4096];
	snprintf(path, sizeof path, "%s/filler", dir);
	memset(block, 0xa5, sizeof block);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	assert_true(fd >= 0);
	while (write(fd, block, sizeof block) > 0)
		;
	assert_int_equal(errno, ENOSPC);
	close(fd);
}

static void small_fs_free(const char *dir)
{
	char path[256];
	snprintf(path, sizeof path, "%s/filler", dir);
	assert_int_equal(unlink(path), 0);
}

void test_faults__sqlite_disk_full_refuses_whole_writes_then_recovers(void **state)
{
	(void)state;
	skip_unless("sqlite");
	char *dir = small_fs_mount(4u << 20);
	if (!dir)
		skip();
	char url[256], tenant[37], u[16], email[96], key[32];
	snprintf(url, sizeof url, "sqlite:%s/erp.db", dir);
	erp_store_options opts = erp_test_store_options();
	opts.session_idle_ms = 1000; /* a resume touches the session every 100 ms */
	erp_store *s = NULL;
	assert_erp_ok(erp_store_open(&s, url, &opts));
	erp_test_tenant(tenant, s);
	erp_ctx *ctx = erp_test_ctx(s, tenant, ERP_ROLE_ADMIN);
	erp_test_unique(u);
	snprintf(email, sizeof email, "full.%s@example.com", u);
	erp_buf id = ERP_BUF_INIT, token = ERP_BUF_INIT, v = ERP_BUF_INIT;
	assert_erp_ok(erp_invitation_create(&token, NULL, ctx, email, ERP_ROLE_ADMIN, 0));
	assert_erp_ok(erp_invitation_accept_password(NULL, &id, s, token.ptr, "Full Disk", FAULTS_PASSWORD));
	erp_buf_dispose(&token);
	assert_erp_ok(erp_session_login(&token, NULL, s, email, FAULTS_PASSWORD, tenant, NULL));
	assert_erp_ok(erp_setting_set(ctx, "before", "full"));
	int64_t settings_before = erp_test_count(s, tenant, "{system.settings}");
	int64_t audit_before = erp_test_count(s, tenant, "{system.audit_log}");

	small_fs_fill(dir);
	/* Write until refused: the WAL file may still have room. */
	int rc = ERP_OK, written = 0;
	while (rc == ERP_OK && written < 20000) {
		snprintf(key, sizeof key, "k%d", written);
		rc = erp_setting_set(ctx, key, "a value long enough to use the space up in a reasonable number of writes");
		if (rc == ERP_OK)
			written++;
	}
	assert_erp_error(rc, ERP_EBACKEND, NULL);
	if (!strstr(erp_error_last()->message, "full"))
		fail_msg("the error does not say the disk is full: %s", erp_error_last()->message);
	/* All or nothing: the refused setting and its audit row are absent, the others all there. */
	assert_erp_error(erp_setting_get(&v, ctx, key), ERP_ENOTFOUND, NULL);
	assert_int_equal(erp_test_count(s, tenant, "{system.settings}") - settings_before, written);
	assert_int_equal(erp_test_count(s, tenant, "{system.audit_log}") - audit_before, written);
	assert_erp_error(erp_setting_set(ctx, key, "x"), ERP_EBACKEND, NULL);
	/* Reads work, and so does a session whose touch (a write) is due. */
	assert_erp_ok(erp_setting_get(&v, ctx, "before"));
	assert_string_equal(v.ptr, "full");
	usleep(200 * 1000);
	erp_ctx *resumed = NULL;
	assert_erp_ok(erp_session_resume(&resumed, s, token.ptr));
	erp_ctx_free(resumed);
	erp_buf health = ERP_BUF_INIT;
	assert_erp_ok(erp_store_health(&health, s));
	erp_buf_dispose(&health);

	small_fs_free(dir);
	assert_erp_ok(erp_setting_set(ctx, key, "after"));
	assert_erp_ok(erp_store_verify(NULL, s));
	erp_buf_dispose(&id);
	erp_buf_dispose(&token);
	erp_buf_dispose(&v);
	erp_ctx_free(ctx);
	erp_store_close(s);
	small_fs_unmount(dir);
}

/*
 * A database that may not be written: on a file system remounted read-only
 * (as root, who ignores file modes) or by mode 0444 (otherwise). A store is
 * opened for writing or not at all, so the open is refused, naming the file
 * and the reason; nothing changes; writable again, it opens and verifies.
 */
void test_faults__sqlite_read_only_database_is_refused_naming_it(void **state)
{
	(void)state;
	skip_unless("sqlite");
	int as_root = geteuid() == 0;
	char *dir = NULL, *fresh = NULL, url[256];
	if (as_root) {
		if (!(dir = small_fs_mount(8u << 20)))
			skip();
		snprintf(url, sizeof url, "sqlite:%s/erp.db", dir);
	} else {
		fresh = erp_test_url_fresh();
		snprintf(url, sizeof url, "%s", fresh);
	}
	const char *path = url + strlen("sqlite:");
	erp_store_options opts = erp_test_store_options();
	erp_store *s = NULL;
	assert_erp_ok(erp_store_open(&s, url, &opts));
	char tenant[37];
	erp_test_tenant(tenant, s);
	erp_store_close(s);
	if (as_root)
		small_fs_remount(dir, MS_RDONLY);
	else
		assert_int_equal(chmod(path, 0444), 0);

	s = NULL;
	assert_erp_error(erp_store_open(&s, url, &opts), ERP_EBACKEND, NULL);
	assert_null(s);
	const char *m = erp_error_last()->message;
	const char *why = as_root ? "the file system is read-only" : "the file is read-only (permission denied)";
	if (!strstr(m, path) || !strstr(m, why))
		fail_msg("the error does not name the file and \"%s\": %s", why, m);

	if (as_root)
		small_fs_remount(dir, 0);
	else
		assert_int_equal(chmod(path, 0644), 0);
	assert_erp_ok(erp_store_open(&s, url, &opts));
	assert_int_equal(erp_test_scalar(s, NULL, "SELECT count(*) FROM {auth.tenants}"), 1);
	assert_erp_ok(erp_store_verify(NULL, s));
	erp_store_close(s);
	if (as_root)
		small_fs_unmount(dir);
	else
		erp_test_url_drop(fresh);
}

/* ---- PostgreSQL ------------------------------------------------------ */

/* The test URL with its password replaced. */
static char *pg_url_with_password(const char *password)
{
	const char *base = getenv("ERP_TEST_PG_URL");
	const char *at = strchr(base, '@');
	const char *colon = strchr(base + strlen("postgresql://"), ':');
	assert_non_null(at);
	assert_true(colon && colon < at);
	char *url = malloc(strlen(base) + strlen(password) + 1);
	assert_non_null(url);
	sprintf(url, "%.*s%s%s", (int)(colon - base + 1), base, password, at);
	return url;
}

void test_faults__pg_wrong_password_is_eauth(void **state)
{
	(void)state;
	skip_unless("postgresql");
	char *url = pg_url_with_password("definitely-wrong");
	erp_store *s = NULL;
	assert_erp_error(erp_store_open(&s, url, NULL), ERP_EAUTH, NULL);
	assert_null(s);
	free(url);
}

void test_faults__pg_refused_port_is_ebackend_at_once(void **state)
{
	(void)state;
	skip_unless("postgresql");
	/* Find a port nobody listens on: bind one, then close it. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	getsockname(fd, (struct sockaddr *)&a, &len);
	close(fd);
	char url[128];
	snprintf(url, sizeof url, "postgresql://erp:erp@127.0.0.1:%d/erp_test", ntohs(a.sin_port));
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	erp_store *s = NULL;
	assert_erp_error(erp_store_open(&s, url, NULL), ERP_EBACKEND, NULL);
	assert_true(seconds_since(&t0) < 5.0);
	assert_null(s);
}

void test_faults__pg_silent_server_times_out(void **state)
{
	(void)state;
	skip_unless("postgresql");
	/* A listener that accepts connections and never says a word. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 8), 0);
	getsockname(fd, (struct sockaddr *)&a, &len);
	char url[128];
	snprintf(url, sizeof url, "postgresql://erp:erp@127.0.0.1:%d/erp_test", ntohs(a.sin_port));
	erp_store_options opts = ERP_STORE_OPTIONS_INIT;
	opts.connect_timeout_s = 2;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	erp_store *s = NULL;
	assert_erp_error(erp_store_open(&s, url, &opts), ERP_EBACKEND, NULL);
	double took = seconds_since(&t0);
	close(fd);
	if (took > 8.0)
		fail_msg("connect took %.1f s with a 2 s timeout", took);
	assert_null(s);
}

void test_faults__pg_malformed_url_is_einvalid(void **state)
{
	(void)state;
	skip_unless("postgresql");
	erp_store *s = NULL;
	assert_erp_error(erp_store_open(&s, "postgresql://erp:erp@127.0.0.1:notaport/x", NULL), ERP_EINVALID, "url");
	assert_erp_error(erp_store_open(&s, "postgresql://[::1/x", NULL), ERP_EINVALID, "url");
	assert_null(s);
}

void test_faults__pg_row_level_security_filters_without_the_core(void **state)
{
	erp_conformance_fixture *f = *state;
	skip_unless("postgresql");
	char a[37], b[37];
	erp_test_tenant(a, f->store);
	erp_test_tenant(b, f->store);
	erp_ctx *ca = erp_test_ctx(f->store, a, ERP_ROLE_ADMIN);
	erp_ctx *cb = erp_test_ctx(f->store, b, ERP_ROLE_ADMIN);
	assert_erp_ok(erp_setting_set(ca, "a.only", "1"));
	assert_erp_ok(erp_setting_set(ca, "a.too", "2"));
	assert_erp_ok(erp_setting_set(cb, "b.only", "3"));
	/* No tenant filter in the SQL: the database alone hides B's rows from A. */
	assert_int_equal(erp_test_scalar(f->store, a, "SELECT count(*) FROM {system.settings}"), 2);
	assert_int_equal(erp_test_scalar(f->store, b, "SELECT count(*) FROM {system.settings}"), 1);
	assert_int_equal(erp_test_scalar(f->store, a, "SELECT count(*) FROM {system.audit_log}"), 2);
	/* Inside a tenant, the registry shows that tenant only. */
	assert_int_equal(erp_test_scalar(f->store, a, "SELECT count(*) FROM {auth.tenants}"), 1);
	assert_true(erp_test_scalar(f->store, NULL, "SELECT count(*) FROM {auth.tenants}") >= 2);
	/* Store-level work sees no tenant rows at all. */
	assert_int_equal(erp_test_scalar(f->store, NULL, "SELECT count(*) FROM {system.settings}"), 0);
	/* Writing a row for another tenant is refused by the policy. */
	char sql[300];
	snprintf(sql, sizeof sql,
	         "INSERT INTO {system.settings} (tenant_id, key, value, created_at, created_by, updated_at, updated_by) "
	         "VALUES ('%s', 'planted', 'x', now(), 'm', now(), 'm')", b);
	assert_true(erp_test_exec(f->store, a, sql) != ERP_OK);
	assert_int_equal(erp_test_scalar(f->store, b, "SELECT count(*) FROM {system.settings}"), 1);
	erp_ctx_free(ca);
	erp_ctx_free(cb);
}

void test_faults__pg_loose_reads_leave_no_scope_behind(void **state)
{
	(void)state;
	skip_unless("postgresql");
	/* One connection, so every transaction reuses the session a loose read scoped. */
	char *url = erp_test_url_fresh();
	erp_store_options opts = erp_test_store_options();
	opts.pool_size = 1;
	erp_store *s = NULL;
	assert_erp_ok(erp_store_open(&s, url, &opts));
	char a[37], b[37];
	erp_test_tenant(a, s);
	erp_test_tenant(b, s);
	erp_ctx *ca = erp_test_ctx(s, a, ERP_ROLE_READONLY), *wa = erp_test_ctx(s, a, ERP_ROLE_ADMIN);
	erp_ctx *wb = erp_test_ctx(s, b, ERP_ROLE_ADMIN);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_entity_create(&out, wa, "core.uom", "{\"name\":\"unit\",\"precision\":0}"));
	char id[37];
	memcpy(id, strstr(out.ptr, "\"id\":\"") + 6, 36);
	id[36] = '\0';
	assert_erp_ok(erp_entity_get(&out, ca, "core.uom", id)); /* a loose read: scopes the session to A, read-only */
	/* Store-level work after it sees no tenant rows, and runs as the login role. */
	assert_int_equal(erp_test_scalar(s, NULL, "SELECT count(*) FROM {core.uoms}"), 0);
	/* A write for B after it writes as B, and A's row stays invisible to B. */
	assert_erp_ok(erp_entity_create(&out, wb, "core.uom", "{\"name\":\"unit\",\"precision\":0}"));
	assert_erp_error(erp_entity_get(&out, wb, "core.uom", id), ERP_ENOTFOUND, "id");
	assert_int_equal(erp_test_scalar(s, b, "SELECT count(*) FROM {core.uoms}"), 1);
	/* And a readonly loose read cannot be followed by a write that inherits its role. */
	assert_erp_ok(erp_entity_get(&out, ca, "core.uom", id));
	assert_erp_ok(erp_entity_create(&out, wa, "core.uom", "{\"name\":\"box\",\"precision\":0}"));
	erp_buf_dispose(&out);
	erp_ctx_free(ca);
	erp_ctx_free(wa);
	erp_ctx_free(wb);
	erp_store_close(s);
	erp_test_url_drop(url);
}

void test_faults__pg_server_restart_between_calls(void **state)
{
	erp_conformance_fixture *f = *state;
	skip_unless("postgresql");
	const char *restart = getenv("ERP_TEST_PG_RESTART");
	if (!restart || !*restart) {
		fprintf(stderr, "ERP_TEST_PG_RESTART is not set: cannot restart the server\n");
		skip();
	}
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	erp_ctx *ctx = erp_test_ctx(f->store, tenant, ERP_ROLE_ADMIN);
	assert_erp_ok(erp_setting_set(ctx, "before", "restart"));
	assert_int_equal(system(restart), 0);
	assert_erp_ok(erp_setting_set(ctx, "after", "restart"));
	erp_buf v = ERP_BUF_INIT;
	assert_erp_ok(erp_setting_get(&v, ctx, "before"));
	assert_string_equal(v.ptr, "restart");
	erp_buf_dispose(&v);
	erp_ctx_free(ctx);
}

void test_faults__pg_role_without_rights_is_a_clear_error(void **state)
{
	(void)state;
	skip_unless("postgresql");
	char u[16], role[32], sql[160];
	erp_test_unique(u);
	snprintf(role, sizeof role, "erp_nr_%s", u);
	char *url = erp_test_url_fresh();
	/* A login role that may connect but create nothing. */
	snprintf(sql, sizeof sql, "CREATE ROLE %s LOGIN PASSWORD 'pw'", role);
	assert_erp_ok(erp_test_exec_admin(sql));
	char *slash = strrchr(url, '/');
	const char *port = strrchr(getenv("ERP_TEST_PG_URL"), ':');
	char norights[256];
	snprintf(norights, sizeof norights, "postgresql://%s:pw@127.0.0.1%.*s/%s", role,
	         (int)(strchr(port, '/') - port), port, slash + 1);
	erp_store *s = NULL;
	int rc = erp_store_open(&s, norights, NULL);
	assert_true(rc == ERP_EBACKEND || rc == ERP_EPERM);
	assert_non_null(strstr(erp_error_last()->message, "permission denied"));
	assert_null(s);
	snprintf(sql, sizeof sql, "DROP ROLE %s", role);
	erp_test_url_drop(url);
	assert_erp_ok(erp_test_exec_admin(sql));
}

ERP_CONFORMANCE_GROUP(90, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
