/* metrics.c - the master's metrics: per-listener counters that outlive
 * workers, and their rendering in the Prometheus text format 0.0.4 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master_impl.h"
#include "metrics.h"

/* The text being rendered; oom once an allocation failed. */
struct out {
	char *p;
	size_t len, cap;
	bool oom;
};

static void out_printf(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= o->cap - o->len) {
		size_t cap = o->cap * 2 > o->len + (size_t)n + 1
				 ? o->cap * 2
				 : o->len + (size_t)n + 1;
		char *p = realloc(o->p, cap);
		if (p == NULL) {
			o->oom = true;
			return;
		}
		o->p = p;
		o->cap = cap;
		va_start(ap, fmt);
		n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
	}
	if (n < 0)
		o->oom = true;
	else
		o->len += (size_t)n;
}

size_t metrics_escape(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		char e = *s == '\\'   ? '\\'
			 : *s == '"'  ? '"'
			 : *s == '\n' ? 'n'
				      : 0;
		char two[2] = {e != 0 ? '\\' : *s, e};
		for (int k = 0; k < (e != 0 ? 2 : 1); k++, n++)
			if (n + 1 < len)
				buf[n] = two[k];
	}
	if (len > 0)
		buf[n < len ? n : len - 1] = '\0';
	return n;
}

/* "# HELP" and "# TYPE", once per family, before its samples. */
static void family(struct out *o, const char *name, const char *type,
		   const char *help)
{
	out_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* ---- Counters that outlive workers ------------------------------------ */

static struct metrics_listener *find(struct metrics_listener *v, size_t n,
				     const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

int metrics_retire(struct metrics *mt, const char *name,
		   enum listener_mode mode, const struct net_stats *st)
{
	struct metrics_listener *l = find(mt->v, mt->n, name);
	struct net_stats add = *st;

	if (l == NULL) {
		if (mt->n == mt->cap) {
			size_t cap = mt->cap ? mt->cap * 2 : 8;
			void *v = realloc(mt->v, cap * sizeof(*mt->v));
			if (v == NULL)
				return -1;
			mt->v = v;
			mt->cap = cap;
		}
		l = &mt->v[mt->n];
		memset(l, 0, sizeof(*l));
		if ((l->name = strdup(name)) == NULL)
			return -1;
		mt->n++;
	}
	l->mode = mode;
	add.active = 0; /* a gauge: a worker that is gone has none open */
	stats_add(&l->st, &add);
	return 0;
}

void metrics_reload(struct metrics *mt, bool ok)
{
	if (ok)
		mt->reloads_ok++;
	else
		mt->reloads_failed++;
	mt->last_reload_failed = !ok;
}

void metrics_free(struct metrics *mt)
{
	for (size_t i = 0; i < mt->n; i++)
		free(mt->v[i].name);
	free(mt->v);
	memset(mt, 0, sizeof(*mt));
}

/* ---- Totals per listener ------------------------------------------------ */

struct totals {
	struct metrics_listener *v; /* names borrowed from m */
	size_t n;
};

static void totals_add(struct totals *t, const char *name,
		       enum listener_mode mode, const struct net_stats *st)
{
	struct metrics_listener *l = find(t->v, t->n, name);

	if (l == NULL) {
		l = &t->v[t->n++];
		memset(l, 0, sizeof(*l));
		l->name = (char *)name;
		l->mode = mode;
	}
	if (st != NULL)
		stats_add(&l->st, st);
}

/* Every listener ever served: the active configuration's first, in its
 * order, then those only retired ones or other generations know. */
static int totals_collect(const struct master *m, struct totals *t)
{
	const struct gen *a = m->active;
	size_t cap = m->metrics.n + (a != NULL ? a->conf.nlisteners : 0);

	for (size_t i = 0; i < m->nw; i++)
		cap += m->w[i]->gen->conf.nlisteners;
	t->n = 0;
	if ((t->v = calloc(cap ? cap : 1, sizeof(*t->v))) == NULL)
		return -1;
	for (size_t i = 0; a != NULL && i < a->conf.nlisteners; i++)
		totals_add(t, a->conf.listeners[i].name,
			   a->conf.listeners[i].mode, NULL);
	for (size_t i = 0; i < m->metrics.n; i++)
		totals_add(t, m->metrics.v[i].name, m->metrics.v[i].mode,
			   &m->metrics.v[i].st);
	for (size_t i = 0; i < m->nw; i++) {
		const struct mworker *w = m->w[i];
		const struct conf *c = &w->gen->conf;
		for (size_t k = 0; w->lstats != NULL && k < c->nlisteners; k++)
			totals_add(t, c->listeners[k].name,
				   c->listeners[k].mode, &w->lstats[k]);
	}
	return 0;
}

/* ---- Families ------------------------------------------------------------ */

static void render_process(struct out *o, const struct master *m)
{
	static const char *const states[] = {
	    [MW_STARTING] = "starting",
	    [MW_READY] = "ready",
	    [MW_BACKOFF] = "backoff",
	    [MW_STOPPING] = "draining",
	};
	size_t count[4] = {0};
	char v[128];

	metrics_escape(PACKAGE_VERSION, v, sizeof(v));
	family(o, "preforkd_build_info", "gauge",
	       "Always 1; the version of preforkd as a label.");
	out_printf(o, "preforkd_build_info{version=\"%s\"} 1\n", v);
	family(
	    o, "preforkd_generation", "gauge",
	    "The generation of workers serving (1 at start, +1 per reload).");
	out_printf(o, "preforkd_generation %u\n",
		   m->active != NULL ? m->active->id : m->last_gen);
	for (size_t i = 0; i < m->nw; i++)
		count[m->w[i]->state]++;
	family(o, "preforkd_workers", "gauge",
	       "Worker slots of every generation, by state.");
	for (size_t s = 0; s < 4; s++)
		out_printf(o, "preforkd_workers{state=\"%s\"} %zu\n", states[s],
			   count[s]);
	family(o, "preforkd_worker_restarts_total", "counter",
	       "Workers restarted after they exited unasked.");
	out_printf(o, "preforkd_worker_restarts_total %llu\n",
		   (unsigned long long)m->metrics.worker_restarts);
	family(o, "preforkd_reloads_total", "counter",
	       "Reloads, by result (failed: refused or rolled back).");
	out_printf(o,
		   "preforkd_reloads_total{result=\"ok\"} %llu\n"
		   "preforkd_reloads_total{result=\"failed\"} %llu\n",
		   (unsigned long long)m->metrics.reloads_ok,
		   (unsigned long long)m->metrics.reloads_failed);
	family(o, "preforkd_config_last_reload_successful", "gauge",
	       "1 unless the last reload failed.");
	out_printf(o, "preforkd_config_last_reload_successful %d\n",
		   !m->metrics.last_reload_failed);
}

/* A family with one sample per listener (per http listener when http) of
 * the field at off. Listener names need no escaping: they are letters,
 * digits, '-' and '_' (the configuration checks). */
struct series {
	const char *name, *type, *help;
	size_t off; /* offsetof(struct net_stats, ...) */
	bool http;  /* only for http listeners */
};

static const struct series listener_series[] = {
    {"preforkd_connections_accepted_total", "counter",
     "Connections accepted for serving.", offsetof(struct net_stats, accepted),
     false},
    {"preforkd_connections_active", "gauge", "Connections open now.",
     offsetof(struct net_stats, active), false},
    {"preforkd_connections_rejected_total", "counter",
     "Connections closed at once: over max_connections or out of "
     "descriptors.",
     offsetof(struct net_stats, rejected), false},
    {"preforkd_received_bytes_total", "counter", "Bytes read from clients.",
     offsetof(struct net_stats, rx_bytes), false},
    {"preforkd_sent_bytes_total", "counter", "Bytes written to clients.",
     offsetof(struct net_stats, tx_bytes), false},
    {"preforkd_http_requests_total", "counter",
     "HTTP requests answered (malformed ones included).",
     offsetof(struct net_stats, requests), true},
};

static uint64_t field(const struct net_stats *st, size_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)st + off, sizeof(v));
	return v;
}

static void render_series(struct out *o, const struct totals *t,
			  const struct series *s)
{
	family(o, s->name, s->type, s->help);
	for (size_t i = 0; i < t->n; i++)
		if (!s->http || t->v[i].mode == MODE_HTTP)
			out_printf(
			    o, "%s{listener=\"%s\"} %llu\n", s->name,
			    t->v[i].name,
			    (unsigned long long)field(&t->v[i].st, s->off));
}

static void render_responses(struct out *o, const struct totals *t)
{
	family(o, "preforkd_http_responses_total", "counter",
	       "HTTP responses, by status class.");
	for (size_t i = 0; i < t->n; i++)
		for (int c = 0; c < 5 && t->v[i].mode == MODE_HTTP; c++)
			out_printf(o,
				   "preforkd_http_responses_total{listener="
				   "\"%s\",code=\"%dxx\"} %llu\n",
				   t->v[i].name, c + 1,
				   (unsigned long long)t->v[i].st.responses[c]);
}

/* Buckets cumulative, +Inf equal to _count; seconds as base unit. */
static void render_histogram(struct out *o, const struct totals *t)
{
	static const uint32_t le[STATS_NBUCKETS] = STATS_BUCKETS_HALF_MS;
	const char *name = "preforkd_request_duration_seconds";

	family(o, name, "histogram",
	       "From the read that began a request to its answer being "
	       "queued, in whole milliseconds of the worker's loop clock.");
	for (size_t i = 0; i < t->n; i++) {
		const struct metrics_listener *l = &t->v[i];
		uint64_t sum = 0;
		if (l->mode != MODE_HTTP)
			continue;
		for (int b = 0; b < STATS_NBUCKETS; b++) {
			sum += l->st.hist[b];
			out_printf(
			    o, "%s_bucket{listener=\"%s\",le=\"%g\"} %llu\n",
			    name, l->name, le[b] / 2000.0,
			    (unsigned long long)sum);
		}
		sum += l->st.hist[STATS_NBUCKETS];
		out_printf(o,
			   "%s_bucket{listener=\"%s\",le=\"+Inf\"} %llu\n"
			   "%s_sum{listener=\"%s\"} %.3f\n"
			   "%s_count{listener=\"%s\"} %llu\n",
			   name, l->name, (unsigned long long)sum, name,
			   l->name, (double)l->st.duration_ms / 1000.0, name,
			   l->name, (unsigned long long)sum);
	}
}

/* Listeners of other modes than echo and http hand messages to modules. */
static void render_messages(struct out *o, const struct totals *t)
{
	static const char *const reasons[STATS_PROXY_REASONS] =
	    STATS_PROXY_REASON_NAMES;

	family(o, "preforkd_messages_total", "counter",
	       "Messages handed to a module's handler.");
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].mode != MODE_HTTP && t->v[i].mode != MODE_ECHO)
			out_printf(o,
				   "preforkd_messages_total{listener=\"%s\"} "
				   "%llu\n",
				   t->v[i].name,
				   (unsigned long long)t->v[i].st.messages);
	family(
	    o, "preforkd_proxy_protocol_errors_total", "counter",
	    "Connections closed for a bad PROXY protocol header, by reason.");
	for (size_t i = 0; i < t->n; i++)
		for (int r = 0; r < STATS_PROXY_REASONS; r++)
			if (reasons[r] != NULL)
				out_printf(
				    o,
				    "preforkd_proxy_protocol_errors_total"
				    "{listener=\"%s\",reason=\"%s\"} %llu\n",
				    t->v[i].name, reasons[r],
				    (unsigned long long)t->v[i]
					.st.proxy_errors[r]);
}

/* Per worker: these restart from 0 with the worker (no pid label). */
static void render_workers(struct out *o, const struct master *m)
{
	family(o, "preforkd_worker_connections", "gauge",
	       "Connections open in one worker.");
	for (size_t i = 0; i < m->nw; i++)
		if (m->w[i]->pid > 0)
			out_printf(o,
				   "preforkd_worker_connections{slot=\"%d\","
				   "generation=\"%u\"} %u\n",
				   m->w[i]->slot, m->w[i]->gen->id,
				   m->w[i]->connections);
	family(o, "preforkd_worker_requests_total", "counter",
	       "Requests one worker served since it started.");
	for (size_t i = 0; i < m->nw; i++)
		if (m->w[i]->pid > 0)
			out_printf(o,
				   "preforkd_worker_requests_total{slot=\"%d\","
				   "generation=\"%u\"} %llu\n",
				   m->w[i]->slot, m->w[i]->gen->id,
				   (unsigned long long)m->w[i]->requests);
}

char *metrics_render(const struct master *m, size_t *len)
{
	struct out o = {.cap = 8192};
	struct totals t = {0};

	if ((o.p = malloc(o.cap)) == NULL || totals_collect(m, &t) < 0) {
		free(o.p);
		return NULL;
	}
	render_process(&o, m);
	for (size_t i = 0;
	     i < sizeof(listener_series) / sizeof(listener_series[0]); i++)
		render_series(&o, &t, &listener_series[i]);
	render_responses(&o, &t);
	render_histogram(&o, &t);
	render_messages(&o, &t);
	render_workers(&o, m);
	free(t.v);
	if (o.oom) {
		free(o.p);
		return NULL;
	}
	*len = o.len;
	return o.p;
}
