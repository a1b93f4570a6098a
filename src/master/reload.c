/* reload.c - reload and scale policy: build the new configuration (the
 * file's, or the running one with another worker count), start a whole new
 * generation, and only when all of it is ready retire the old one; any
 * failure leaves the old generation serving. Each reload or scale has a
 * serial; control clients waiting for it get its result. */
#include "config.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "control.h"
#include "core/log.h"
#include "master_impl.h"
#include "notify.h"
#include "worker/modes.h"
#include "status.h"

static void reload_start(struct master *m);
static void scale_start(struct master *m);

static uint64_t drain_ms(const struct gen *g)
{
	return (uint64_t)(g->conf.shutdown_timeout * 1000);
}

/* The wall clock as "10:42:07" (iso false) or "2026-12-01T10:42:07+0100". */
static void clock_str(char *buf, size_t len, bool iso)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	if (iso)
		strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm);
	else
		strftime(buf, len, "%H:%M:%S", &tm);
}

/* The runtime worker count, after a reload or scale that did not take
 * effect: what the active generation runs when that differs from the file
 * (unless a scale waits to run, whose count stands). */
static void scale_settle(struct master *m)
{
	const struct gen *a = m->active;

	if (m->scale_queued || a == NULL)
		return;
	m->scale_workers =
	    a->conf.workers != a->file_workers ? a->conf.workers : 0;
	m->scale_file_workers = a->file_workers;
}

/* Ends a reload or scale either way: tells its waiters, READY=1, STATUS,
 * then the queued one (a reload first: it applies a queued scale too). */
static void reload_finish(struct master *m, const struct reload_result *r)
{
	control_reload_done(m->ctl, r);
	notify_ready();
	master_status(m);
	if (m->phase != PHASE_RUNNING)
		return;
	if (m->reload_queued) {
		m->reload_queued = false;
		reload_start(m);
	} else if (m->scale_queued) {
		m->scale_queued = false;
		scale_start(m);
	}
}

static void reload_failed(struct master *m, unsigned serial, const char *token,
			  const char *reason, const char *lines)
{
	struct reload_result r = {
	    .serial = serial, .err = token, .text = lines};
	char when[32];

	r.gen = m->active != NULL ? m->active->id : 0;
	r.workers = m->active != NULL ? m->active->conf.workers : 0;
	log_error("reload failed: %s", reason);
	metrics_reload(&m->metrics, false);
	snprintf(m->last_reload, sizeof(m->last_reload), "reload failed: %s",
		 reason);
	clock_str(when, sizeof(when), true);
	snprintf(m->last_result, sizeof(m->last_result), "%s failed: %s: %s",
		 when, token, reason);
	m->reloads_failed++;
	scale_settle(m);
	reload_finish(m, &r);
}

/* The pending generation failed: stop it, the active one keeps serving. */
static void reload_rollback(struct master *m, const char *token,
			    const char *reason)
{
	struct gen *g = m->pending;

	m->pending = NULL;
	gen_retire(g, SIGTERM, drain_ms(g));
	reload_failed(m, g->serial, token, reason, reason);
}

static void on_ready_timeout(struct loop *l, struct loop_timer *t)
{
	struct gen *g = container_of(t, struct gen, timer);
	struct master *m = g->m;
	char reason[160];

	if (g == m->pending) {
		snprintf(reason, sizeof(reason),
			 "generation %u: %zu of %d workers were not ready "
			 "after %d s",
			 g->id, g->conf.workers - gen_count_state(g, MW_READY),
			 g->conf.workers, READY_TIMEOUT_MS / 1000);
		reload_rollback(m, "timeout", reason);
	}
	gen_sweep(m);
}

/* Every error on its own line; the first one is the reason for STATUS. */
static void reload_bad_conf(struct master *m, unsigned serial,
			    const struct conf_errors *errs)
{
	char reason[400], lines[4096];
	size_t n = 0;

	lines[0] = '\0';
	if (errs->n == 0) {
		reload_failed(m, serial, "config", "invalid configuration",
			      "invalid configuration");
		return;
	}
	if (errs->n == 1)
		snprintf(reason, sizeof(reason), "%s", errs->v[0].msg);
	else
		snprintf(reason, sizeof(reason), "%s (and %zu more errors)",
			 errs->v[0].msg, errs->n - 1);
	log_error("reload failed: %zu configuration error%s:", errs->n,
		  errs->n == 1 ? "" : "s");
	for (size_t i = 0; i < errs->n; i++) {
		log_error("%s", errs->v[i].msg);
		if (n < sizeof(lines))
			n += (size_t)snprintf(lines + n, sizeof(lines) - n,
					      "%s\n", errs->v[i].msg);
	}
	reload_failed(m, serial, "config", reason, lines);
}

/* Starts generation c (ours now) for reload or scale serial. */
static void reload_spawn(struct master *m, unsigned serial, struct conf *c,
			 int file_workers, const char *note)
{
	struct gen *g = gen_new(m, c);
	char err[320];
	int r;

	if (g == NULL) {
		conf_free(c);
		reload_failed(m, serial, "internal", "out of memory",
			      "out of memory");
		return;
	}
	g->serial = serial;
	g->file_workers = file_workers;
	g->started_ms = loop_now(m->loop);
	snprintf(g->note, sizeof(g->note), "%s", note);
	if ((r = gen_start(g, err, sizeof(err))) < 0) {
		gen_retire(g, SIGKILL, 0);
		reload_failed(m, serial, r == -1 ? "bind" : "worker-exit", err,
			      err);
		return;
	}
	m->pending = g;
	g->timer.fn = on_ready_timeout;
	loop_timer_arm(m->loop, &g->timer, READY_TIMEOUT_MS);
	master_status(m);
}

/* The runtime count stands while the file's workers stays as it was when
 * it was set; note says what happened, for the answer. */
static void apply_scale(struct master *m, struct conf *c, char *note,
			size_t len)
{
	note[0] = '\0';
	if (m->scale_workers == 0)
		return;
	if (c->workers == m->scale_file_workers) {
		snprintf(note, len,
			 "workers: %d, set at run time (the file "
			 "says %d)",
			 m->scale_workers, c->workers);
		c->workers = m->scale_workers;
		return;
	}
	snprintf(note, len,
		 "workers: the file's %d replaces the runtime %d "
		 "(the file's workers changed from %d)",
		 c->workers, m->scale_workers, m->scale_file_workers);
	log_notice("%s", note);
	m->scale_workers = 0;
}

static void reload_start(struct master *m)
{
	struct conf_errors errs = {0};
	unsigned serial = ++m->reload_serial;
	char note[160];
	struct conf c;
	int file;

	m->scale_queued = false; /* this reload applies the runtime count */
	log_notice("reloading %s", m->active->conf.path);
	notify_reloading();
	if (conf_load(m->active->conf.path, &c, &errs) < 0) {
		reload_bad_conf(m, serial, &errs);
	} else if (modes_prepare(&c, &errs) < 0) {
		conf_free(&c);
		reload_bad_conf(m, serial, &errs);
	} else {
		file = c.workers;
		apply_scale(m, &c, note, sizeof(note));
		reload_spawn(m, serial, &c, file, note);
	}
	conf_errors_free(&errs);
}

/* The active configuration with the runtime worker count. */
static void scale_start(struct master *m)
{
	struct gen *a = m->active;
	unsigned serial = ++m->reload_serial;
	int want = m->scale_workers > 0 ? m->scale_workers : a->file_workers;
	struct reload_result r = {.serial = serial,
				  .gen = a->id,
				  .workers = a->conf.workers,
				  .text = ""};
	struct conf_errors errs = {0};
	char note[96];
	struct conf c;

	if (want == a->conf.workers) {
		r.unchanged = true;
		reload_finish(m, &r);
		return;
	}
	log_notice("scaling from %d to %d workers", a->conf.workers, want);
	notify_reloading();
	if (conf_copy(&c, &a->conf) < 0) {
		reload_failed(m, serial, "internal", "out of memory",
			      "out of memory");
		return;
	}
	c.workers = want;
	/* A module is loaded again, as a reload would: its file's contents. */
	if (modes_prepare(&c, &errs) < 0) {
		conf_free(&c);
		reload_bad_conf(m, serial, &errs);
		conf_errors_free(&errs);
		return;
	}
	conf_errors_free(&errs);
	snprintf(note, sizeof(note), "workers: %d -> %d%s", a->conf.workers,
		 want,
		 want == a->file_workers ? " (the file's count)"
					 : " (runtime count)");
	reload_spawn(m, serial, &c, a->file_workers, note);
}

unsigned reload_request(struct master *m)
{
	if (m->phase != PHASE_RUNNING || m->active == NULL)
		return 0;
	if (m->pending != NULL) {
		if (!m->reload_queued)
			log_notice("reload queued: generation %u is starting",
				   m->pending->id);
		m->reload_queued = true;
		return m->reload_serial + 1;
	}
	reload_start(m);
	return m->reload_serial;
}

unsigned reload_scale(struct master *m, int delta, int count)
{
	int base;

	if (m->phase != PHASE_RUNNING || m->active == NULL)
		return 0;
	base = m->scale_workers > 0 ? m->scale_workers
	       : m->pending != NULL ? m->pending->conf.workers
				    : m->active->conf.workers;
	if (delta == 0 && count == 0) { /* scale config */
		m->scale_workers = 0;
	} else {
		int want = delta != 0 ? base + delta : count;
		if (want < 1 || want > MAX_SCALE)
			return 0;
		m->scale_workers = want;
		m->scale_file_workers = m->active->file_workers;
		if (want == m->active->file_workers)
			m->scale_workers = 0;
	}
	if (m->pending != NULL) {
		m->scale_queued = true;
		return m->reload_serial + 1;
	}
	scale_start(m);
	return m->reload_serial;
}

int reload_scale_target(const struct master *m, int delta)
{
	int base = m->scale_workers > 0 ? m->scale_workers
		   : m->pending != NULL ? m->pending->conf.workers
		   : m->active != NULL	? m->active->conf.workers
					: 0;
	return base + delta;
}

/* Every worker of the new generation is ready: it takes over. */
static void reload_commit(struct master *m)
{
	struct gen *old = m->active, *g = m->pending;
	struct reload_result r = {.serial = g->serial,
				  .gen = g->id,
				  .workers = g->conf.workers,
				  .text = g->note};
	char when[32], err[160];

	loop_timer_cancel(m->loop, &g->timer);
	m->pending = NULL;
	m->active = g;
	g->state = GEN_ACTIVE;
	log_set_level(g->conf.log_level);
	/* A status address that cannot be bound keeps the old one serving. */
	if (status_apply(m, &g->conf.status, err, sizeof(err)) < 0)
		log_error("status: %s; the status listener stays as it was",
			  err);
	gen_retire(old, SIGTERM, drain_ms(g));
	r.ms = loop_now(m->loop) - g->started_ms;
	log_notice("reload: generation %u ready (%d workers in %.1f s)", g->id,
		   g->conf.workers, (double)r.ms / 1000);
	if (!m->announced)
		master_announce_ready(m);
	clock_str(when, sizeof(when), false);
	snprintf(m->last_reload, sizeof(m->last_reload), "last reload %s ok",
		 when);
	clock_str(when, sizeof(when), true);
	snprintf(m->last_result, sizeof(m->last_result), "%s ok, generation %u",
		 when, g->id);
	m->reloads_ok++;
	control_reconfigure(m->ctl, &g->conf);
	metrics_reload(&m->metrics, true);
	reload_finish(m, &r);
}

void reload_worker_ready(struct gen *g)
{
	struct master *m = g->m;

	if (!gen_all_ready(g))
		return;
	if (g == m->pending) {
		reload_commit(m);
	} else if (g == m->active && g->state == GEN_STARTING) {
		g->state = GEN_ACTIVE;
		if (!m->announced)
			master_announce_ready(m);
	}
}

void reload_worker_failed(struct mworker *w, const char *how)
{
	char reason[200];

	snprintf(reason, sizeof(reason),
		 "worker %d (gen %u) %s before the generation was ready",
		 w->slot, w->gen->id, how);
	reload_rollback(w->m, "worker-exit", reason);
}
