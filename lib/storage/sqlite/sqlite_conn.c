/* Opening and configuring one SQLite connection (sqlite_conn.h). */
#include "sqlite_conn.h"
#include "sqlite_error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MEMORY_NAME ":memory:"

/* The text of an errno value, thread-safely (XSI strerror_r). */
static const char *errno_text(char *buf, size_t cap, int err)
{
	if (err == 0 || strerror_r(err, buf, cap) != 0)
		return NULL;
	return buf;
}

/*
 * Why a file could not be opened, when SQLite's own words would mislead
 * (its errno is often the one of a last read-only attempt). NULL when
 * there is nothing better to say.
 */
static const char *path_hint(char *buf, size_t cap, int rc, const char *path)
{
	if (!path)
		return NULL;
	if (rc == SQLITE_READONLY_DIRECTORY)
		return "its directory is not writable, and SQLite creates the -wal and -shm files next to the database";
	if ((rc & 0xff) != SQLITE_CANTOPEN)
		return NULL;
	char *dir = strdup(path);
	if (!dir)
		return NULL;
	char *slash = strrchr(dir, '/');
	if (!slash) {
		free(dir);
		dir = strdup(".");
		if (!dir)
			return NULL;
	} else if (slash == dir) {
		slash[1] = '\0';
	} else {
		*slash = '\0';
	}
	const char *hint = NULL;
	struct stat st;
	if (stat(dir, &st) != 0) {
		char sys[128];
		snprintf(buf, cap, "directory '%.300s': %s", dir,
		         strerror_r(errno, sys, sizeof sys) == 0 ? sys : "cannot be reached");
		hint = buf;
	} else if (!S_ISDIR(st.st_mode)) {
		snprintf(buf, cap, "'%.300s' is not a directory", dir);
		hint = buf;
	} else if (stat(path, &st) != 0 && errno == ENOENT && access(dir, W_OK | X_OK) != 0) {
		snprintf(buf, cap, "cannot create a file in directory '%.300s': permission denied", dir);
		hint = buf;
	}
	free(dir);
	return hint;
}

/*
 * Raises ERP_EBACKEND (ERP_ERROR for SQLITE_NOMEM) for a connection that
 * could not be set up: "<doing> '<path>': <sqlite's reason> (<errno text>)".
 */
static int open_failed(sqlite3 *db, int rc, const char *path, const char *doing)
{
	char reason[1024], sys[128], hint[512];
	const char *errstr = NULL;
	const char *detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	int code = (rc & 0xff) == SQLITE_NOMEM ? ERP_ERROR : ERP_EBACKEND;
	errstr = path_hint(hint, sizeof hint, rc, path);
	if (!errstr && db && (rc & 0xff) == SQLITE_CANTOPEN)
		errstr = errno_text(sys, sizeof sys, sqlite3_system_errno(db));
	if (errstr)
		snprintf(reason, sizeof reason, "%s (%s)", detail, errstr);
	else
		snprintf(reason, sizeof reason, "%s", detail);
	char what[1024];
	snprintf(what, sizeof what, "%s '%.400s'", doing, path ? path : MEMORY_NAME);
	return erp__sqlite_fail_detail(code, rc, what, reason);
}

/* Runs a setup statement and, when asked, copies the text of its first column. */
static int setup_step(sqlite3 *db, const char *sql, char *first, size_t cap)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if (first && cap)
		first[0] = '\0';
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const unsigned char *text = sqlite3_column_text(stmt, 0);
		if (first && cap && text && !first[0])
			snprintf(first, cap, "%s", (const char *)text);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int configure(erp__sqlite_conn *conn, const char *path, const erp__sqlite_conn_config *config)
{
	sqlite3 *db = conn->db;
	char pragma[64];
	int rc;

	sqlite3_extended_result_codes(db, 1);
	/* SQLite falls back to read-only when the OS refuses writing. */
	if (conn->kind != ERP__SQLITE_MEMORY && sqlite3_db_readonly(db, "main") == 1) {
		char what[512];
		snprintf(what, sizeof what, "cannot open database '%.400s' for writing", path);
		int rofs = access(path, W_OK) != 0 && errno == EROFS;
		return erp__sqlite_fail_detail(ERP_EBACKEND, SQLITE_READONLY, what,
		                               rofs ? "the file system is read-only" :
		                                      "the file is read-only (permission denied)");
	}
	sqlite3_busy_timeout(db, config->busy_timeout_ms);

	/* A cheap read of page 1: "file is not a database" surfaces here. */
	rc = setup_step(db, "SELECT count(*) FROM sqlite_master", NULL, 0);
	if (rc != SQLITE_OK)
		return open_failed(db, rc, path, "cannot read database");

	if (conn->kind == ERP__SQLITE_WRITER) {
		rc = setup_step(db, "PRAGMA journal_mode=WAL", NULL, 0);
		if (rc != SQLITE_OK)
			return open_failed(db, rc, path, "cannot set journal_mode=WAL on");
		/*
		 * A file system without shared memory may refuse WAL: the
		 * rollback journal is then kept. Still correct (readers and the
		 * writer then wait on each other through busy_timeout), so not
		 * an error.
		 */
		/*
		 * A checkpoint every ERP__SQLITE_CHECKPOINT_PAGES pages of WAL
		 * rather than SQLite's 1000: a ledger batch dirties index pages
		 * all over, and the same hot pages are copied back to the file
		 * once per checkpoint rather than once per few commits. The
		 * file is cut back to that size after each checkpoint.
		 */
		snprintf(pragma, sizeof pragma, "PRAGMA wal_autocheckpoint=%d", ERP__SQLITE_CHECKPOINT_PAGES);
		rc = setup_step(db, pragma, NULL, 0);
		if (rc == SQLITE_OK) {
			snprintf(pragma, sizeof pragma, "PRAGMA journal_size_limit=%d", ERP__SQLITE_CHECKPOINT_PAGES * 4096);
			rc = setup_step(db, pragma, NULL, 0);
		}
		if (rc != SQLITE_OK)
			return open_failed(db, rc, path, "cannot set the WAL checkpoint on");
	}
	if (conn->kind != ERP__SQLITE_READER) {
		snprintf(pragma, sizeof pragma, "PRAGMA synchronous=%s", config->sync_full ? "FULL" : "NORMAL");
		rc = setup_step(db, pragma, NULL, 0);
		if (rc != SQLITE_OK)
			return open_failed(db, rc, path, "cannot set synchronous on");
	}
	rc = setup_step(db, "PRAGMA foreign_keys=ON", NULL, 0);
	if (rc != SQLITE_OK)
		return open_failed(db, rc, path, "cannot set foreign_keys on");
	/*
	 * The page cache: SQLite's default of 2 MB is a small fraction of a
	 * ledger's index working set (each line adds to an index by account,
	 * whose leaves a batch touches all over), so a growing store would
	 * read its hot pages back from the OS for every batch. The cache grows
	 * only as pages are used, so a small store never takes this much.
	 */
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%d",
	         conn->kind == ERP__SQLITE_READER ? ERP__SQLITE_READER_CACHE_KIB : ERP__SQLITE_WRITER_CACHE_KIB);
	rc = setup_step(db, pragma, NULL, 0);
	if (rc != SQLITE_OK)
		return open_failed(db, rc, path, "cannot set cache_size on");
	return erp__sqlite_stmt_cache_init(&conn->cache, ERP__SQLITE_STMT_CACHE_CAPACITY);
}

int erp__sqlite_conn_open(erp__sqlite_conn **out, const char *path, erp__sqlite_conn_kind kind,
                          const erp__sqlite_conn_config *config)
{
	*out = NULL;
	erp__sqlite_conn *conn = calloc(1, sizeof *conn);
	if (!conn)
		return erp_error_set(ERP_ERROR, NULL, NULL, "out of memory (SQLite connection)");
	conn->kind = kind;

	/*
	 * NOMUTEX: the backend hands each connection to one thread at a time,
	 * so SQLite's own per-connection mutex would only cost. Readers are
	 * opened read-write too: a WAL reader may have to create the -shm file.
	 * Only the writer (or the in-memory connection) may create the file,
	 * and not for a store opened to be checked (no_migrate).
	 */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
	if (kind == ERP__SQLITE_MEMORY || (kind != ERP__SQLITE_READER && !config->no_create))
		flags |= SQLITE_OPEN_CREATE;
	if (kind == ERP__SQLITE_MEMORY)
		flags |= SQLITE_OPEN_MEMORY;
#ifdef SQLITE_OPEN_EXRESCODE
	flags |= SQLITE_OPEN_EXRESCODE;
#endif
	int rc = sqlite3_open_v2(kind == ERP__SQLITE_MEMORY ? MEMORY_NAME : path, &conn->db, flags, NULL);
	if (rc != SQLITE_OK && !(flags & SQLITE_OPEN_CREATE) && access(path, F_OK) != 0 && errno == ENOENT) {
		char what[512];
		snprintf(what, sizeof what, "no liberp store at '%.400s': the file does not exist", path);
		rc = erp__sqlite_fail_detail(ERP_EBACKEND, rc, what, "not created: the store was opened to be checked");
	} else if (rc != SQLITE_OK)
		rc = open_failed(conn->db, rc, path, "cannot open database");
	else
		rc = configure(conn, path, config);
	if (rc != ERP_OK) {
		erp__sqlite_conn_close(conn);
		return rc;
	}
	*out = conn;
	return ERP_OK;
}

void erp__sqlite_conn_close(erp__sqlite_conn *conn)
{
	if (!conn)
		return;
	erp__sqlite_stmt_cache_free(&conn->cache);
	sqlite3_close_v2(conn->db);
	free(conn);
}

int erp__sqlite_conn_run(erp__sqlite_conn *conn, const char *sql, const char *what, int *rc_out)
{
	sqlite3_stmt *stmt;
	erp__sqlite_stmt_entry *entry;
	int rc = erp__sqlite_stmt_acquire(&stmt, &entry, &conn->cache, conn->db, sql, what);
	if (rc_out)
		*rc_out = SQLITE_ERROR;
	if (rc != ERP_OK)
		return rc;
	int src;
	while ((src = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	if (rc_out)
		*rc_out = src == SQLITE_DONE ? SQLITE_OK : src;
	if (src != SQLITE_DONE)
		rc = erp__sqlite_fail(conn->db, src, what);
	erp__sqlite_stmt_release(&conn->cache, stmt, entry);
	return rc;
}

int erp__sqlite_conn_run_quiet(erp__sqlite_conn *conn, const char *sql)
{
	return sqlite3_exec(conn->db, sql, NULL, NULL, NULL);
}
