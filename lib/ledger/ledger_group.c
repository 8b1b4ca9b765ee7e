/*
 * Group commit of single postings (ledger_group.h, erp__post_grouped in
 * ledger_internal.h).
 *
 * A poster queues its request. When no poster of the store is leading, it
 * leads: it takes the queued requests of the head's tenant and user (up
 * to GROUP_MAX), posts them as one batch in one transaction and hands each
 * poster its own answer. A request the batch refuses is named by the
 * error's field ("entries[i]..."): it gets that error (with the field as a
 * lone post would name it) and the rest are posted again without it. An
 * error that names no request (the store failed) is everyone's. So each
 * poster gets exactly the answer its own erp_ledger_post would give, and
 * only after the transaction that holds its entry has committed.
 */
#include "ledger_group.h"

#include "util/error.h"
#include "ledger_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_MAX 256

typedef struct waiter {
	erp_ctx *ctx;
	erp__post_request *req;
	char *id;                    /* the caller's, ERP__UUID_LEN + 1 */
	bool done;
	int rc;
	char message[1024], entity[128], field[128];
	bool has_entity, has_field;
	int64_t retry_after_ms;
	pthread_cond_t wake;         /* signalled when done, or when it is the head and may lead */
	struct waiter *next;
} waiter;

/*
 * Each waiter sleeps on a condition variable of its own: a leader wakes
 * the posters it answered and the new head of the queue (the next
 * leader), not every poster queued, as one shared condition variable
 * would (with many threads, most of every wake-up was wasted).
 */
struct erp__post_group {
	pthread_mutex_t lock;
	waiter *head, *tail;
	bool leading;
};

erp__post_group *erp__post_group_new(void)
{
	erp__post_group *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	if (pthread_mutex_init(&g->lock, NULL) != 0) {
		free(g);
		return NULL;
	}
	return g;
}

void erp__post_group_free(erp__post_group *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->lock);
	free(g);
}

static bool same_actor(const erp_ctx *a, const erp_ctx *b)
{
	return strcmp(a->tenant_id, b->tenant_id) == 0 && strcmp(a->user_id, b->user_id) == 0 && a->role == b->role;
}

/* Takes the head's request and the queued ones of the same actor, in order. */
static size_t take_batch(erp__post_group *g, waiter **batch)
{
	size_t n = 0;
	const erp_ctx *actor = g->head->ctx;
	waiter **link = &g->head, *last = NULL;
	while (*link && n < GROUP_MAX) {
		waiter *w = *link;
		if (same_actor(w->ctx, actor)) {
			batch[n++] = w;
			*link = w->next;
			w->next = NULL;
		} else {
			last = w;
			link = &w->next;
		}
	}
	g->tail = last;
	for (waiter *w = g->head; w; w = w->next)
		g->tail = w;
	return n;
}

/* Records the thread's last error as `w`'s answer; `strip` the batch's "entries[i]." prefix. */
static void answer_error(waiter *w, int rc, bool strip)
{
	const erp_error *e = erp_error_last();
	w->rc = rc;
	snprintf(w->message, sizeof w->message, "%s", e->message);
	w->has_entity = e->entity != NULL;
	if (e->entity)
		snprintf(w->entity, sizeof w->entity, "%s", e->entity);
	w->has_field = e->field != NULL;
	if (e->field) {
		const char *f = e->field;
		if (strip && strncmp(f, "entries[", 8) == 0) {
			const char *close = strchr(f, ']');
			f = close ? close + 1 : f;
			if (*f == '.')
				f++;
			w->has_field = *f != '\0';
		}
		snprintf(w->field, sizeof w->field, "%s", f);
	}
	w->retry_after_ms = e->retry_after_ms;
}

/* The index the error's field names ("entries[i]..."), or -1. */
static long named_entry(size_t n)
{
	const char *f = erp_error_last()->field;
	unsigned long i;
	if (n < 2 || !f || sscanf(f, "entries[%lu]", &i) != 1 || i >= n)
		return -1;
	return (long)i;
}

/* Posts the batch, dropping the requests it refuses one by one. */
static void run_batch(waiter **batch, size_t n)
{
	erp__post_request *reqs = calloc(n, sizeof *reqs);
	char (*ids)[ERP__UUID_LEN + 1] = calloc(n, sizeof *ids);
	waiter **live = calloc(n, sizeof *live);
	if (!reqs || !ids || !live) {
		erp__oom();
		for (size_t i = 0; i < n; i++)
			answer_error(batch[i], ERP_ERROR, false);
		free(reqs);
		free(ids);
		free(live);
		return;
	}
	memcpy(live, batch, n * sizeof *live);
	size_t k = n;
	while (k > 0) {
		for (size_t i = 0; i < k; i++)
			reqs[i] = *live[i]->req;
		int rc = erp__post_run(live[0]->ctx, reqs, k, ids);
		if (rc == ERP_OK) {
			for (size_t i = 0; i < k; i++) {
				memcpy(live[i]->id, ids[i], ERP__UUID_LEN + 1);
				live[i]->rc = ERP_OK;
			}
			break;
		}
		long bad = k == 1 ? 0 : named_entry(k);
		if (bad < 0) {
			/* not one request's fault: everyone's answer */
			for (size_t i = 0; i < k; i++)
				answer_error(live[i], rc, true);
			break;
		}
		answer_error(live[bad], rc, k > 1);
		memmove(&live[bad], &live[bad + 1], (k - (size_t)bad - 1) * sizeof *live);
		k--;
	}
	free(reqs);
	free(ids);
	free(live);
}

int erp__post_grouped(erp__post_group *g, erp_ctx *ctx, erp__post_request *req, char id[ERP__UUID_LEN + 1])
{
	waiter me;
	memset(&me, 0, sizeof me);
	me.ctx = ctx;
	me.req = req;
	me.id = id;
	waiter *batch[GROUP_MAX];
	if (pthread_cond_init(&me.wake, NULL) != 0)
		return erp__error(ERP_ERROR, NULL, NULL, "cannot create a condition variable for group commit");

	pthread_mutex_lock(&g->lock);
	if (g->tail)
		g->tail->next = &me;
	else
		g->head = &me;
	g->tail = &me;
	while (!me.done) {
		if (g->leading || !g->head) {
			pthread_cond_wait(&me.wake, &g->lock);
			continue;
		}
		g->leading = true;
		size_t n = take_batch(g, batch);
		pthread_mutex_unlock(&g->lock);
		run_batch(batch, n);
		pthread_mutex_lock(&g->lock);
		for (size_t i = 0; i < n; i++) {
			batch[i]->done = true;
			if (batch[i] != &me)
				pthread_cond_signal(&batch[i]->wake);
		}
		g->leading = false;
		if (g->head)
			pthread_cond_signal(&g->head->wake);
	}
	pthread_mutex_unlock(&g->lock);
	pthread_cond_destroy(&me.wake);
	if (me.rc != ERP_OK) {
		erp_error_set(me.rc, me.has_entity ? me.entity : NULL, me.has_field ? me.field : NULL, me.message);
		if (me.rc == ERP_ELIMIT)
			erp__limit(me.retry_after_ms, me.has_field ? me.field : NULL, me.message);
	}
	return me.rc;
}
