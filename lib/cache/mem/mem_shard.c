/*
 * One shard of the mem: cache (see mem_shard.h).
 *
 * The table chains entries through entry->hnext; the LRU list links them
 * through entry->newer / entry->older. Entries taken out under the lock
 * (evicted, replaced, expired, deleted) are chained through hnext into a
 * local "dead" list and freed once the lock is released.
 */
#include "mem_shard.h"

#include <erp/errors.h>
#include <erp/sys/backend.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache_errors.h"
#include "mem_clock.h"
#include "mem_decimal.h"

#define INITIAL_BUCKETS 16

#define NAME "mem" /* erp_cache.name, for cache_errors.h */

/* --- LRU list ------------------------------------------------------------ */

static void lru_unlink(erp__mem_shard *s, erp__mem_entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		s->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		s->oldest = e->newer;
	e->newer = NULL;
	e->older = NULL;
}

static void lru_push(erp__mem_shard *s, erp__mem_entry *e)
{
	e->newer = NULL;
	e->older = s->newest;
	if (s->newest)
		s->newest->newer = e;
	else
		s->oldest = e;
	s->newest = e;
}

static void lru_touch(erp__mem_shard *s, erp__mem_entry *e)
{
	if (s->newest != e) {
		lru_unlink(s, e);
		lru_push(s, e);
	}
}

/* --- hash table ------------------------------------------------------------ */

/* The link that points at the entry for this key, or NULL when absent. */
static erp__mem_entry **find_slot(erp__mem_shard *s, uint64_t hash, const char *key, size_t klen)
{
	erp__mem_entry **slot = &s->buckets[hash & (s->nbuckets - 1)];
	for (; *slot; slot = &(*slot)->hnext) {
		const erp__mem_entry *e = *slot;
		if (e->hash == hash && e->klen == klen &&
		    memcmp(erp__mem_entry_key(e), key, klen) == 0)
			return slot;
	}
	return NULL;
}

/* The link that points at an entry known to be in the table. */
static erp__mem_entry **slot_of(erp__mem_shard *s, const erp__mem_entry *e)
{
	erp__mem_entry **slot = &s->buckets[e->hash & (s->nbuckets - 1)];
	while (*slot != e)
		slot = &(*slot)->hnext;
	return slot;
}

/* Doubles the bucket array once the load factor passes 1. On allocation
 * failure the table keeps its size: chains get longer, nothing breaks. */
static void maybe_grow(erp__mem_shard *s)
{
	if (s->count <= s->nbuckets || s->nbuckets > SIZE_MAX / 2 / sizeof *s->buckets)
		return;
	size_t n = s->nbuckets * 2;
	erp__mem_entry **nb = calloc(n, sizeof *nb);
	if (!nb)
		return;
	for (size_t i = 0; i < s->nbuckets; i++) {
		erp__mem_entry *e = s->buckets[i];
		while (e) {
			erp__mem_entry *next = e->hnext;
			size_t j = e->hash & (n - 1);
			e->hnext = nb[j];
			nb[j] = e;
			e = next;
		}
	}
	free(s->buckets);
	s->buckets = nb;
	s->nbuckets = n;
}

static void bury(erp__mem_entry **dead, erp__mem_entry *e)
{
	e->hnext = *dead;
	*dead = e;
}

static void free_dead(erp__mem_entry *dead)
{
	while (dead) {
		erp__mem_entry *next = dead->hnext;
		erp__mem_entry_free(dead);
		dead = next;
	}
}

/* Takes the entry at `slot` out of the table and the LRU onto `dead`. */
static void detach(erp__mem_shard *s, erp__mem_entry **slot, erp__mem_entry **dead)
{
	erp__mem_entry *e = *slot;
	*slot = e->hnext;
	lru_unlink(s, e);
	s->count--;
	s->bytes -= e->charge;
	bury(dead, e);
}

/* Adds a new entry as the most recently used. */
static void insert(erp__mem_shard *s, erp__mem_entry *e)
{
	erp__mem_entry **head = &s->buckets[e->hash & (s->nbuckets - 1)];
	e->hnext = *head;
	*head = e;
	lru_push(s, e);
	s->count++;
	s->bytes += e->charge;
	maybe_grow(s);
}

/* Puts `e` in the place of the entry at `slot`, as the most recently used;
 * the old entry goes onto `dead`. */
static void replace(erp__mem_shard *s, erp__mem_entry **slot, erp__mem_entry *e, erp__mem_entry **dead)
{
	erp__mem_entry *old = *slot;
	e->hnext = old->hnext;
	*slot = e;
	lru_unlink(s, old);
	lru_push(s, e);
	s->bytes = s->bytes - old->charge + e->charge;
	bury(dead, old);
}

/* Evicts from the LRU tail until within budget. The entry just stored is at
 * the head and its charge is within the budget, so it always survives. */
static void evict(erp__mem_shard *s, erp__mem_entry **dead)
{
	while (s->bytes > s->budget && s->oldest)
		detach(s, slot_of(s, s->oldest), dead);
}

static int expired(const erp__mem_entry *e)
{
	return e->expires_ms != 0 && erp__mem_clock_ms() >= e->expires_ms;
}

static int64_t deadline(int64_t ttl_ms)
{
	return ttl_ms > 0 ? erp__mem_clock_deadline(erp__mem_clock_ms(), ttl_ms) : 0;
}

/* --- shard ------------------------------------------------------------------ */

int erp__mem_shard_init(erp__mem_shard *shard, size_t budget)
{
	memset(shard, 0, sizeof *shard);
	shard->buckets = calloc(INITIAL_BUCKETS, sizeof *shard->buckets);
	if (!shard->buckets)
		return erp__cache_oom(NAME);
	if (pthread_mutex_init(&shard->lock, NULL) != 0) {
		free(shard->buckets);
		shard->buckets = NULL;
		return erp_error_set(ERP_ERROR, NULL, NULL, "mem cache: cannot create a mutex");
	}
	shard->nbuckets = INITIAL_BUCKETS;
	shard->budget = budget;
	return ERP_OK;
}

void erp__mem_shard_fini(erp__mem_shard *shard)
{
	erp__mem_entry *e = shard->newest;
	while (e) {
		erp__mem_entry *older = e->older;
		erp__mem_entry_free(e);
		e = older;
	}
	free(shard->buckets);
	pthread_mutex_destroy(&shard->lock);
	memset(shard, 0, sizeof *shard);
}

int erp__mem_shard_get(erp_buf *out, erp__mem_shard *shard, uint64_t hash,
                       const char *key, size_t klen)
{
	erp__mem_entry *dead = NULL;
	int rc = ERP_ENOTFOUND;

	pthread_mutex_lock(&shard->lock);
	erp__mem_entry **slot = find_slot(shard, hash, key, klen);
	if (slot && expired(*slot)) {
		detach(shard, slot, &dead);
	} else if (slot) {
		erp__mem_entry *e = *slot;
		lru_touch(shard, e);
		/* Copied under the lock: once it is released, e may be evicted. */
		rc = erp_buf_set(out, erp__mem_entry_value(e), e->vlen);
	}
	pthread_mutex_unlock(&shard->lock);

	free_dead(dead);
	if (rc != ERP_OK && rc != ERP_ENOTFOUND) /* erp_buf_set's only failure */
		return erp__cache_oom(NAME);
	return rc;
}

int erp__mem_shard_set(erp__mem_shard *shard, uint64_t hash, const char *key, size_t klen,
                       const char *value, size_t vlen, int64_t ttl_ms)
{
	erp__mem_entry *e = NULL, *dead = NULL;
	int oom = 0;

	/* Allocate and copy before taking the lock. The budget never changes
	 * after init, so reading it unlocked is safe. */
	if (erp__mem_entry_charge(klen, vlen) <= shard->budget) {
		e = erp__mem_entry_new(hash, key, klen, value, vlen, deadline(ttl_ms));
		oom = e == NULL;
	}

	pthread_mutex_lock(&shard->lock);
	erp__mem_entry **slot = find_slot(shard, hash, key, klen);
	if (e) {
		if (slot)
			replace(shard, slot, e, &dead);
		else
			insert(shard, e);
		evict(shard, &dead);
	} else if (slot) {
		/* Not storing the new value: never leave the old one behind. */
		detach(shard, slot, &dead);
	}
	pthread_mutex_unlock(&shard->lock);

	free_dead(dead);
	if (oom)
		return erp__cache_oom(NAME);
	return ERP_OK;
}

int erp__mem_shard_add(erp__mem_shard *shard, uint64_t hash, const char *key, size_t klen,
                       const char *value, size_t vlen, int64_t ttl_ms)
{
	erp__mem_entry *e = NULL, *dead = NULL;
	int oom = 0, present = 0;

	/* As for set: allocate and copy before taking the lock; a value that
	 * turns out not to be needed is freed after it. */
	if (erp__mem_entry_charge(klen, vlen) <= shard->budget) {
		e = erp__mem_entry_new(hash, key, klen, value, vlen, deadline(ttl_ms));
		oom = e == NULL;
	}

	pthread_mutex_lock(&shard->lock);
	erp__mem_entry **slot = find_slot(shard, hash, key, klen);
	if (slot && expired(*slot)) {
		detach(shard, slot, &dead); /* an expired entry counts as absent */
		slot = NULL;
	}
	if (slot) {
		present = 1;
		if (e)
			bury(&dead, e); /* never in the table: only freed below */
	} else if (e) {
		insert(shard, e);
		evict(shard, &dead);
	}
	pthread_mutex_unlock(&shard->lock);

	free_dead(dead);
	if (present)
		return ERP_EEXISTS;
	if (oom)
		return erp__cache_oom(NAME);
	return ERP_OK;
}

int erp__mem_shard_del(erp__mem_shard *shard, uint64_t hash, const char *key, size_t klen)
{
	erp__mem_entry *dead = NULL;

	pthread_mutex_lock(&shard->lock);
	erp__mem_entry **slot = find_slot(shard, hash, key, klen);
	if (slot)
		detach(shard, slot, &dead);
	pthread_mutex_unlock(&shard->lock);

	free_dead(dead);
	return ERP_OK;
}

/* Stores the new text of an existing counter at `slot`. */
static int incr_update(erp__mem_shard *s, erp__mem_entry **slot, const char *text, size_t tlen,
                       erp__mem_entry **dead)
{
	erp__mem_entry *e = *slot;
	if (tlen == e->vlen) {
		memcpy(erp__mem_entry_value(e), text, tlen);
		lru_touch(s, e);
		return ERP_OK;
	}
	if (erp__mem_entry_charge(e->klen, tlen) > s->budget) {
		detach(s, slot, dead);
		return ERP_OK;
	}
	erp__mem_entry *ne = erp__mem_entry_new(e->hash, erp__mem_entry_key(e), e->klen,
	                                        text, tlen, e->expires_ms);
	if (!ne)
		return ERP_ERROR;
	replace(s, slot, ne, dead);
	evict(s, dead);
	return ERP_OK;
}

/* Creates a counter that does not exist yet. */
static int incr_create(erp__mem_shard *s, uint64_t hash, const char *key, size_t klen,
                       const char *text, size_t tlen, int64_t ttl_ms, erp__mem_entry **dead)
{
	if (erp__mem_entry_charge(klen, tlen) > s->budget)
		return ERP_OK;
	erp__mem_entry *ne = erp__mem_entry_new(hash, key, klen, text, tlen, deadline(ttl_ms));
	if (!ne)
		return ERP_ERROR;
	insert(s, ne);
	evict(s, dead);
	return ERP_OK;
}

int erp__mem_shard_incr(int64_t *out, erp__mem_shard *shard, uint64_t hash, const char *key,
                        size_t klen, int64_t delta, int64_t ttl_ms)
{
	erp__mem_entry *dead = NULL;
	char text[ERP__MEM_DECIMAL_MAX];
	int64_t result = delta; /* 0 + delta, for a new key */
	int (*refuse)(const char *name) = NULL; /* raised once the lock is released */

	pthread_mutex_lock(&shard->lock);
	erp__mem_entry **slot = find_slot(shard, hash, key, klen);
	if (slot && expired(*slot)) {
		detach(shard, slot, &dead);
		slot = NULL;
	}
	if (!slot) {
		size_t tlen = erp__mem_decimal_format(text, result);
		if (incr_create(shard, hash, key, klen, text, tlen, ttl_ms, &dead) != ERP_OK)
			refuse = erp__cache_oom;
	} else {
		int64_t current;
		erp__mem_entry *e = *slot;
		if (erp__mem_decimal_parse(&current, erp__mem_entry_value(e), e->vlen) != 0) {
			refuse = erp__cache_not_integer;
		} else if (erp__mem_decimal_add(&result, current, delta) != 0) {
			refuse = erp__cache_overflow;
		} else {
			size_t tlen = erp__mem_decimal_format(text, result);
			if (incr_update(shard, slot, text, tlen, &dead) != ERP_OK)
				refuse = erp__cache_oom;
		}
	}
	pthread_mutex_unlock(&shard->lock);

	free_dead(dead);
	if (refuse)
		return refuse(NAME);
	*out = result;
	return ERP_OK;
}
