/* metrics.h - the master's metrics: counters that outlive workers (what
 * exited ones had reported, per listener name), and /metrics rendered in
 * the Prometheus text format 0.0.4 */
#ifndef PREFORKD_METRICS_H
#define PREFORKD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "net/stats.h"

/* A listener's counters from workers that are gone. */
struct metrics_listener {
	char *name;
	enum listener_mode mode; /* as last configured */
	struct net_stats st;	 /* active is always 0 here */
};

/* Kept by the master for its whole life: counters only grow. */
struct metrics {
	struct metrics_listener *v;
	size_t n, cap;
	uint64_t worker_restarts;
	uint64_t reloads_ok, reloads_failed;
	bool last_reload_failed;
};

struct master;

/*
 * Adds what an exited worker last reported for listener name (its active
 * gauge left out) to the listener's retired counters. Returns 0, or -1 out
 * of memory (the counts are lost, never double-counted).
 */
int metrics_retire(struct metrics *mt, const char *name,
		   enum listener_mode mode, const struct net_stats *st);

/* Counts the end of a reload: committed (ok) or failed or rolled back. */
void metrics_reload(struct metrics *mt, bool ok);

void metrics_free(struct metrics *mt);

/*
 * Renders every metric of m as Prometheus text format 0.0.4: per listener
 * name, the retired counters plus what each live worker reported last, so
 * no counter goes down across reloads and worker restarts. Returns the
 * text (NUL-terminated, *len bytes without the NUL, no empty line), which
 * the caller frees; NULL out of memory.
 */
char *metrics_render(const struct master *m, size_t *len);

/*
 * Escapes s as a label value (backslash, double quote and newline become
 * \\, \" and \n) into buf, NUL-terminated and truncated to len. Returns
 * the length the whole escaped text needs (without the NUL).
 */
size_t metrics_escape(const char *s, char *buf, size_t len);

#endif
