/* reload.c - reload policy: build and validate the new configuration,
 * start a whole new generation, and only when all of it is ready retire the
 * old one; any failure leaves the old generation serving */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "master_impl.h"
#include "notify.h"
#include "status.h"

static void reload_start(struct master *m);

static uint64_t drain_ms(const struct gen *g)
{
	return (uint64_t)(g->conf.shutdown_timeout * 1000);
}

static void clock_str(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

/* Ends a reload either way: READY=1, STATUS, then the queued reload. */
static void reload_finish(struct master *m)
{
	notify_ready();
	master_status(m);
	if (m->reload_queued && m->phase == PHASE_RUNNING) {
		m->reload_queued = false;
		reload_start(m);
	}
}

static void reload_failed(struct master *m, const char *reason)
{
	log_error("reload failed: %s", reason);
	metrics_reload(&m->metrics, false);
	snprintf(m->last_reload, sizeof(m->last_reload), "reload failed: %s",
		 reason);
	reload_finish(m);
}

/* The pending generation failed: stop it, the active one keeps serving. */
static void reload_rollback(struct master *m, const char *reason)
{
	struct gen *g = m->pending;

	m->pending = NULL;
	gen_retire(g, SIGTERM, drain_ms(g));
	reload_failed(m, reason);
}

static void on_ready_timeout(struct loop *l, struct loop_timer *t)
{
	struct gen *g = container_of(t, struct gen, timer);
	struct master *m = g->m;
	char reason[96];

	if (g == m->pending) {
		snprintf(reason, sizeof(reason),
			 "generation %u was not ready after %d s", g->id,
			 READY_TIMEOUT_MS / 1000);
		reload_rollback(m, reason);
	}
	gen_sweep(m);
}

/* Every error on its own line; the first one is the reason for STATUS. */
static void reload_bad_conf(struct master *m, const struct conf_errors *errs)
{
	char reason[400];

	if (errs->n == 0) {
		reload_failed(m, "invalid configuration");
		return;
	}
	if (errs->n == 1)
		snprintf(reason, sizeof(reason), "%s", errs->v[0].msg);
	else
		snprintf(reason, sizeof(reason), "%s (and %zu more errors)",
			 errs->v[0].msg, errs->n - 1);
	log_error("reload failed: %zu configuration error%s:", errs->n,
		  errs->n == 1 ? "" : "s");
	for (size_t i = 0; i < errs->n; i++)
		log_error("%s", errs->v[i].msg);
	metrics_reload(&m->metrics, false);
	snprintf(m->last_reload, sizeof(m->last_reload), "reload failed: %s",
		 reason);
	reload_finish(m);
}

static void reload_spawn(struct master *m, struct conf *c)
{
	struct gen *g = gen_new(m, c);
	char err[320];

	if (g == NULL) {
		conf_free(c);
		reload_failed(m, "out of memory");
		return;
	}
	if (gen_start(g, err, sizeof(err)) < 0) {
		gen_retire(g, SIGKILL, 0);
		reload_failed(m, err);
		return;
	}
	m->pending = g;
	g->timer.fn = on_ready_timeout;
	loop_timer_arm(m->loop, &g->timer, READY_TIMEOUT_MS);
	master_status(m);
}

static void reload_start(struct master *m)
{
	struct conf_errors errs = { 0 };
	struct conf c;

	log_notice("reloading %s", m->active->conf.path);
	notify_reloading();
	if (conf_load(m->active->conf.path, &c, &errs) < 0)
		reload_bad_conf(m, &errs);
	else
		reload_spawn(m, &c);
	conf_errors_free(&errs);
}

void reload_request(struct master *m)
{
	if (m->phase != PHASE_RUNNING || m->active == NULL)
		return;
	if (m->pending != NULL) {
		if (!m->reload_queued)
			log_notice("reload queued: generation %u is starting",
				   m->pending->id);
		m->reload_queued = true;
		return;
	}
	reload_start(m);
}

/* Every worker of the new generation is ready: it takes over. */
static void reload_commit(struct master *m)
{
	struct gen *old = m->active, *g = m->pending;
	char when[16], err[160];

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
	log_notice("reload: generation %u ready", g->id);
	if (!m->announced)
		master_announce_ready(m);
	clock_str(when, sizeof(when));
	snprintf(m->last_reload, sizeof(m->last_reload), "last reload %s ok",
		 when);
	metrics_reload(&m->metrics, true);
	reload_finish(m);
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
		 w->slot,
		 w->gen->id, how);
	reload_rollback(w->m, reason);
}
