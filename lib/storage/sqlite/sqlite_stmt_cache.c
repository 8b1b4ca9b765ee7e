/* The per-connection prepared-statement cache (sqlite_stmt_cache.h). */
#include "sqlite_stmt_cache.h"
#include "sqlite_error.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct erp__sqlite_stmt_entry {
	char *sql;                      /* The key, owned. */
	size_t len;                     /* strlen(sql). */
	uint64_t hash;                  /* hash_sql(sql). */
	sqlite3_stmt *stmt;             /* Owned; finalized with the entry. */
	int in_use;                     /* Between acquire and release. */
	erp__sqlite_stmt_entry *chain;  /* Next in the bucket. */
	erp__sqlite_stmt_entry *newer;  /* LRU neighbours. */
	erp__sqlite_stmt_entry *older;
};

/* FNV-1a, 64 bits. */
static uint64_t hash_sql(const char *sql, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)sql[i];
		h *= 0x100000001b3u;
	}
	return h;
}

int erp__sqlite_stmt_cache_init(erp__sqlite_stmt_cache *cache, size_t capacity)
{
	size_t n = 16;
	memset(cache, 0, sizeof *cache);
	if (capacity == 0)
		capacity = ERP__SQLITE_STMT_CACHE_CAPACITY;
	while (n < capacity * 2)
		n *= 2;
	cache->buckets = calloc(n, sizeof *cache->buckets);
	if (!cache->buckets)
		return erp_error_set(ERP_ERROR, NULL, NULL, "out of memory (SQLite statement cache)");
	cache->nbuckets = n;
	cache->capacity = capacity;
	return ERP_OK;
}

static void lru_unlink(erp__sqlite_stmt_cache *cache, erp__sqlite_stmt_entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		cache->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		cache->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru_push_newest(erp__sqlite_stmt_cache *cache, erp__sqlite_stmt_entry *e)
{
	e->newer = NULL;
	e->older = cache->newest;
	if (cache->newest)
		cache->newest->newer = e;
	cache->newest = e;
	if (!cache->oldest)
		cache->oldest = e;
}

static void entry_destroy(erp__sqlite_stmt_entry *e)
{
	sqlite3_finalize(e->stmt);
	free(e->sql);
	free(e);
}

/* Removes `e` from its chain and the LRU list and destroys it. */
static void entry_evict(erp__sqlite_stmt_cache *cache, erp__sqlite_stmt_entry *e)
{
	erp__sqlite_stmt_entry **pp = &cache->buckets[e->hash & (cache->nbuckets - 1)];
	while (*pp != e)
		pp = &(*pp)->chain;
	*pp = e->chain;
	lru_unlink(cache, e);
	cache->count--;
	entry_destroy(e);
}

void erp__sqlite_stmt_cache_free(erp__sqlite_stmt_cache *cache)
{
	erp__sqlite_stmt_entry *e = cache->newest;
	while (e) {
		erp__sqlite_stmt_entry *older = e->older;
		entry_destroy(e);
		e = older;
	}
	free(cache->buckets);
	memset(cache, 0, sizeof *cache);
}

/* True when `s` holds nothing but blanks, ';' and comments. */
static int sql_is_blank(const char *s)
{
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\f' || *s == '\v' || *s == ';')
			s++;
		if (s[0] == '-' && s[1] == '-') {
			s += strcspn(s, "\n");
		} else if (s[0] == '/' && s[1] == '*') {
			const char *end = strstr(s + 2, "*/");
			if (!end)
				return 1; /* SQLite ends an unclosed comment at the end of input. */
			s = end + 2;
		} else {
			return *s == '\0';
		}
	}
}

static int prepare(sqlite3_stmt **stmt, sqlite3 *db, const char *sql, size_t len, unsigned int flags,
                   const char *what)
{
	const char *tail = NULL;
	char snippet[96], msg[256];
	*stmt = NULL;
	if (len >= INT_MAX)
		return erp_error_set(ERP_EINVALID, NULL, NULL, "SQLite: statement too long");
	/* The length includes the NUL: SQLite then need not copy the text. */
	int rc = sqlite3_prepare_v3(db, sql, (int)len + 1, flags, stmt, &tail);
	if (rc != SQLITE_OK) {
		erp__sqlite_snippet(snippet, sizeof snippet, sql);
		snprintf(msg, sizeof msg, "%s: preparing `%s`", what, snippet);
		rc = erp__sqlite_fail(db, rc, msg);
		sqlite3_finalize(*stmt);
		*stmt = NULL;
		return rc;
	}
	if (!*stmt) {
		snprintf(msg, sizeof msg, "SQLite: %s: the SQL text holds no statement", what);
		return erp_error_set(ERP_ERROR, NULL, NULL, msg);
	}
	if (tail && !sql_is_blank(tail)) {
		sqlite3_finalize(*stmt);
		*stmt = NULL;
		erp__sqlite_snippet(snippet, sizeof snippet, sql);
		snprintf(msg, sizeof msg, "SQLite: %s: `%s` holds more than one statement (use exec_script)", what,
		         snippet);
		return erp_error_set(ERP_ERROR, NULL, NULL, msg);
	}
	return ERP_OK;
}

int erp__sqlite_stmt_acquire(sqlite3_stmt **stmt, erp__sqlite_stmt_entry **entry, erp__sqlite_stmt_cache *cache,
                             sqlite3 *db, const char *sql, const char *what)
{
	size_t len = strlen(sql);
	uint64_t h = hash_sql(sql, len);
	erp__sqlite_stmt_entry **bucket = &cache->buckets[h & (cache->nbuckets - 1)];
	erp__sqlite_stmt_entry *e;
	*stmt = NULL;
	*entry = NULL;

	for (e = *bucket; e; e = e->chain) {
		if (e->hash == h && e->len == len && memcmp(e->sql, sql, len) == 0)
			break;
	}
	if (e) {
		if (e->in_use) /* Rare: the same SQL open twice. Use a one-off statement. */
			return prepare(stmt, db, sql, len, 0, what);
		e->in_use = 1;
		lru_unlink(cache, e);
		lru_push_newest(cache, e);
		*stmt = e->stmt;
		*entry = e;
		return ERP_OK;
	}

	/* Make room first: when every cached statement is in use, do not cache. */
	if (cache->count >= cache->capacity) {
		erp__sqlite_stmt_entry *victim = cache->oldest;
		while (victim && victim->in_use)
			victim = victim->newer;
		if (!victim)
			return prepare(stmt, db, sql, len, 0, what);
		entry_evict(cache, victim);
	}

	sqlite3_stmt *st;
	int rc = prepare(&st, db, sql, len, SQLITE_PREPARE_PERSISTENT, what);
	if (rc != ERP_OK)
		return rc;
	e = calloc(1, sizeof *e);
	char *key = malloc(len + 1);
	if (!e || !key) {
		free(e);
		free(key);
		sqlite3_finalize(st);
		return erp_error_set(ERP_ERROR, NULL, NULL, "out of memory (SQLite statement cache)");
	}
	memcpy(key, sql, len + 1);
	e->sql = key;
	e->len = len;
	e->hash = h;
	e->stmt = st;
	e->in_use = 1;
	e->chain = *bucket;
	*bucket = e;
	lru_push_newest(cache, e);
	cache->count++;
	*stmt = st;
	*entry = e;
	return ERP_OK;
}

void erp__sqlite_stmt_release(erp__sqlite_stmt_cache *cache, sqlite3_stmt *stmt, erp__sqlite_stmt_entry *entry)
{
	(void)cache;
	if (!stmt)
		return;
	if (!entry) {
		sqlite3_finalize(stmt);
		return;
	}
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	entry->in_use = 0;
}
