/*
 * The prepared statements of one PostgreSQL connection (see pg_stmt_cache.h).
 */
#include "pg_stmt_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A power of two, twice the bound, so chains stay short. */
#define ERP__PG_STMT_BUCKETS 1024

uint64_t erp__pg_stmt_hash(const char *sql, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)sql[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void unlink_recency(erp__pg_stmt_cache *cache, erp__pg_stmt *s)
{
	if (s->newer)
		s->newer->older = s->older;
	else
		cache->newest = s->older;
	if (s->older)
		s->older->newer = s->newer;
	else
		cache->oldest = s->newer;
	s->newer = s->older = NULL;
}

static void push_newest(erp__pg_stmt_cache *cache, erp__pg_stmt *s)
{
	s->older = cache->newest;
	s->newer = NULL;
	if (cache->newest)
		cache->newest->newer = s;
	else
		cache->oldest = s;
	cache->newest = s;
}

erp__pg_stmt *erp__pg_stmt_find(erp__pg_stmt_cache *cache, const char *sql, size_t len, uint64_t hash)
{
	erp__pg_stmt *s;

	if (!cache->buckets)
		return NULL;
	for (s = cache->buckets[hash & (ERP__PG_STMT_BUCKETS - 1)]; s; s = s->chain) {
		if (s->hash == hash && s->len == len && memcmp(s->sql, sql, len) == 0) {
			if (cache->newest != s) {
				unlink_recency(cache, s);
				push_newest(cache, s);
			}
			return s;
		}
	}
	return NULL;
}

erp__pg_stmt *erp__pg_stmt_add(erp__pg_stmt_cache *cache, const char *sql, size_t len, uint64_t hash)
{
	erp__pg_stmt *s;
	erp__pg_stmt **head;

	if (!cache->buckets) {
		cache->buckets = calloc(ERP__PG_STMT_BUCKETS, sizeof *cache->buckets);
		if (!cache->buckets)
			return NULL;
	}
	s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->sql = malloc(len + 1);
	if (!s->sql) {
		free(s);
		return NULL;
	}
	memcpy(s->sql, sql, len);
	s->sql[len] = '\0';
	s->len = len;
	s->hash = hash;
	snprintf(s->name, sizeof s->name, "erp_s%llu", ++cache->next_id);
	head = &cache->buckets[hash & (ERP__PG_STMT_BUCKETS - 1)];
	s->chain = *head;
	*head = s;
	push_newest(cache, s);
	cache->count++;
	return s;
}

erp__pg_stmt *erp__pg_stmt_oldest(const erp__pg_stmt_cache *cache)
{
	return cache->oldest;
}

void erp__pg_stmt_remove(erp__pg_stmt_cache *cache, erp__pg_stmt *stmt)
{
	erp__pg_stmt **p = &cache->buckets[stmt->hash & (ERP__PG_STMT_BUCKETS - 1)];

	while (*p != stmt)
		p = &(*p)->chain;
	*p = stmt->chain;
	unlink_recency(cache, stmt);
	cache->count--;
	free(stmt->sql);
	free(stmt);
}

void erp__pg_stmt_clear(erp__pg_stmt_cache *cache)
{
	erp__pg_stmt *s = cache->newest, *older;

	while (s) {
		older = s->older;
		free(s->sql);
		free(s);
		s = older;
	}
	if (cache->buckets)
		memset(cache->buckets, 0, ERP__PG_STMT_BUCKETS * sizeof *cache->buckets);
	cache->newest = cache->oldest = NULL;
	cache->count = 0;
}

void erp__pg_stmt_cache_free(erp__pg_stmt_cache *cache)
{
	erp__pg_stmt_clear(cache);
	free(cache->buckets);
	memset(cache, 0, sizeof *cache);
}
