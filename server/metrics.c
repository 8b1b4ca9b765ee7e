/*
 * Prometheus metrics: request counters by route pattern, method and
 * status; a latency histogram by route pattern and method; business event
 * counters; gauges. One mutex guards the series tables (a request takes it
 * once); the event counters are atomics.
 */
#include "http.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 13
static const double bounds[NBUCKETS] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	                                      0.1,    0.25,  0.5,    1,     2.5,  5 };
static const char *const bound_text[NBUCKETS] = { "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
	                                              "0.1",    "0.25",  "0.5",    "1",     "2.5",  "5" };

typedef struct series {
	char *route;
	const char *method;   /* one of methods[] */
	int status;           /* 0 for a histogram series */
	uint64_t count;
	uint64_t buckets[NBUCKETS]; /* histograms: non-cumulative counts per bucket */
	double sum;
} series;

typedef struct table {
	series *items;
	size_t n, cap;
	size_t *slots;        /* open addressing: index + 1, 0 empty */
	size_t nslots;
} table;

struct srv_metrics {
	pthread_mutex_t lock;
	table counters;   /* by route, method, status */
	table latencies;  /* by route, method */
	atomic_llong postings;
	atomic_llong moves;
};

static const char *const methods[] = { "GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS", "OTHER" };

static const char *method_label(const char *m)
{
	for (size_t i = 0; m && i < sizeof methods / sizeof methods[0] - 1; i++)
		if (strcmp(m, methods[i]) == 0)
			return methods[i];
	return m && *m ? "OTHER" : "";
}

static uint64_t hash_of(const char *route, const char *method, int status)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = route; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ (uintptr_t)method) * 1099511628211ULL;
	h = (h ^ (uint64_t)status) * 1099511628211ULL;
	return h;
}

static int rehash(table *t, size_t nslots)
{
	size_t *slots = calloc(nslots, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		series *s = &t->items[i];
		size_t k = hash_of(s->route, s->method, s->status) & (nslots - 1);
		while (slots[k])
			k = (k + 1) & (nslots - 1);
		slots[k] = i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return 0;
}

/* The series for (route, method, status), created if new; NULL when out of memory. */
static series *lookup(table *t, const char *route, const char *method, int status)
{
	uint64_t h = hash_of(route, method, status);
	if (t->nslots) {
		for (size_t k = h & (t->nslots - 1); t->slots[k]; k = (k + 1) & (t->nslots - 1)) {
			series *s = &t->items[t->slots[k] - 1];
			if (s->status == status && s->method == method && strcmp(s->route, route) == 0)
				return s;
		}
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		series *items = realloc(t->items, cap * sizeof *items);
		if (!items)
			return NULL;
		t->items = items;
		t->cap = cap;
	}
	char *copy = strdup(route);
	if (!copy)
		return NULL;
	series *s = &t->items[t->n];
	memset(s, 0, sizeof *s);
	s->route = copy;
	s->method = method;
	s->status = status;
	t->n++;
	if (2 * t->n > t->nslots) {
		if (rehash(t, t->nslots ? 2 * t->nslots : 128) != 0) {
			t->n--;
			free(copy);
			return NULL;
		}
	} else {
		size_t k = h & (t->nslots - 1);
		while (t->slots[k])
			k = (k + 1) & (t->nslots - 1);
		t->slots[k] = t->n;
	}
	return s;
}

static void table_free(table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->items[i].route);
	free(t->items);
	free(t->slots);
	memset(t, 0, sizeof *t);
}

int srv_metrics_new(srv_metrics **out)
{
	srv_metrics *m = calloc(1, sizeof *m);
	if (!m)
		return -1;
	if (pthread_mutex_init(&m->lock, NULL) != 0) {
		free(m);
		return -1;
	}
	atomic_init(&m->postings, 0);
	atomic_init(&m->moves, 0);
	*out = m;
	return 0;
}

void srv_metrics_free(srv_metrics *m)
{
	if (!m)
		return;
	table_free(&m->counters);
	table_free(&m->latencies);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

void srv_metrics_request_method(srv_metrics *m, const char *method, const char *route, int status, double seconds)
{
	if (!m)
		return;
	const char *ml = method_label(method);
	if (!route || !*route)
		route = "unmatched";
	if (seconds < 0)
		seconds = 0;
	pthread_mutex_lock(&m->lock);
	series *c = lookup(&m->counters, route, ml, status);
	if (c)
		c->count++;
	series *h = lookup(&m->latencies, route, ml, 0);
	if (h) {
		h->count++;
		h->sum += seconds;
		for (int b = 0; b < NBUCKETS; b++)
			if (seconds <= bounds[b]) {
				h->buckets[b]++;
				break;
			}
	}
	pthread_mutex_unlock(&m->lock);
}

void srv_metrics_request(srv_metrics *m, const char *route, int status, double seconds)
{
	srv_metrics_request_method(m, NULL, route, status, seconds);
}

void srv_metrics_event(srv_metrics *m, const char *what, int64_t n)
{
	if (!m || !what || n <= 0)
		return;
	if (strcmp(what, "postings") == 0)
		atomic_fetch_add(&m->postings, n);
	else if (strcmp(what, "moves") == 0)
		atomic_fetch_add(&m->moves, n);
}

/* A label value, escaped as the exposition format wants (\\, \", \n). */
static void put_label(FILE *f, const char *v)
{
	for (const char *p = v; *p; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', f), fputc(*p, f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
}

static void put_labels(FILE *f, const series *s)
{
	fputs("route=\"", f);
	put_label(f, s->route);
	fputc('"', f);
	if (*s->method)
		fprintf(f, ",method=\"%s\"", s->method);
}

char *srv_metrics_render(srv_metrics *m, const srv_state *srv)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;

	fputs("# HELP erp_http_requests_total HTTP requests answered, by route pattern, method and status.\n"
	      "# TYPE erp_http_requests_total counter\n",
	      f);
	if (m) {
		pthread_mutex_lock(&m->lock);
		for (size_t i = 0; i < m->counters.n; i++) {
			const series *s = &m->counters.items[i];
			fputs("erp_http_requests_total{", f);
			put_labels(f, s);
			fprintf(f, ",status=\"%d\"} %llu\n", s->status, (unsigned long long)s->count);
		}
		fputs("# HELP erp_http_request_duration_seconds Time from the request line to the answer being queued.\n"
		      "# TYPE erp_http_request_duration_seconds histogram\n",
		      f);
		for (size_t i = 0; i < m->latencies.n; i++) {
			const series *s = &m->latencies.items[i];
			uint64_t cum = 0;
			for (int b = 0; b < NBUCKETS; b++) {
				cum += s->buckets[b];
				fputs("erp_http_request_duration_seconds_bucket{", f);
				put_labels(f, s);
				fprintf(f, ",le=\"%s\"} %llu\n", bound_text[b], (unsigned long long)cum);
			}
			fputs("erp_http_request_duration_seconds_bucket{", f);
			put_labels(f, s);
			fprintf(f, ",le=\"+Inf\"} %llu\n", (unsigned long long)s->count);
			fputs("erp_http_request_duration_seconds_sum{", f);
			put_labels(f, s);
			fprintf(f, "} %.9g\n", s->sum);
			fputs("erp_http_request_duration_seconds_count{", f);
			put_labels(f, s);
			fprintf(f, "} %llu\n", (unsigned long long)s->count);
		}
		pthread_mutex_unlock(&m->lock);
	} else {
		fputs("# HELP erp_http_request_duration_seconds Time from the request line to the answer being queued.\n"
		      "# TYPE erp_http_request_duration_seconds histogram\n",
		      f);
	}
	fprintf(f,
	        "# HELP erp_postings_total Journal entries posted through the server.\n"
	        "# TYPE erp_postings_total counter\n"
	        "erp_postings_total %lld\n"
	        "# HELP erp_stock_moves_total Stock moves made through the server.\n"
	        "# TYPE erp_stock_moves_total counter\n"
	        "erp_stock_moves_total %lld\n",
	        m ? (long long)atomic_load(&m->postings) : 0LL, m ? (long long)atomic_load(&m->moves) : 0LL);
	if (srv) {
		fprintf(f,
		        "# HELP erp_http_in_flight Requests being handled now.\n"
		        "# TYPE erp_http_in_flight gauge\n"
		        "erp_http_in_flight %d\n"
		        "# HELP erp_store_pool_size Storage connections configured (POOL_SIZE).\n"
		        "# TYPE erp_store_pool_size gauge\n"
		        "erp_store_pool_size %d\n"
		        "# HELP process_start_time_seconds Start time of the process since the Unix epoch in seconds.\n"
		        "# TYPE process_start_time_seconds gauge\n"
		        "process_start_time_seconds %.3f\n",
		        atomic_load(&((srv_state *)srv)->in_flight), srv->cfg.pool_size, (double)srv->started_ms / 1000.0);
	}
	fprintf(f,
	        "# HELP erp_build_info The liberp version the server runs.\n"
	        "# TYPE erp_build_info gauge\n"
	        "erp_build_info{version=\"%s\"} 1\n",
	        erp_version());
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
