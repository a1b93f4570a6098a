/* gen.c - generations of workers: start one with its configuration and
 * sockets, retire it (drain, then SIGKILL at a deadline), free it once its
 * last worker is gone */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "master_impl.h"
#include "privs.h"

struct gen *gen_new(struct master *m, struct conf *c)
{
	struct gen *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	g->m = m;
	g->id = ++m->last_gen;
	g->state = GEN_STARTING;
	g->conf = *c;
	memset(c, 0, sizeof(*c)); /* ours now */
	g->next = m->gens;
	m->gens = g;
	g->file_workers = g->conf.workers;
	g->started_ms = loop_now(m->loop);
	return g;
}

/* The master holds every socket and two channel ends per worker. */
static void raise_master_nofile(struct master *m, const struct conf *c)
{
	size_t need = 64 + listeners_count(&m->ls) + 2 * m->nw +
		      (c->nlisteners + 2) * (size_t)c->workers;
	char err[160];

	if (privs_raise_nofile((rlim_t)need, err, sizeof(err)) < 0)
		log_warn("%s", err);
}

/* Returns 0, -1 when a listener cannot be bound (err names it), or -2
 * when a worker cannot be started. */
int gen_start(struct gen *g, char *err, size_t errlen)
{
	struct master *m = g->m;

	raise_master_nofile(m, &g->conf);
	if (listeners_acquire(&m->ls, &g->conf, g->id, err, errlen) < 0)
		return -1;
	for (int slot = 0; slot < g->conf.workers; slot++) {
		struct mworker *w = mworker_new(g, slot);
		if (w == NULL) {
			snprintf(err, errlen, "out of memory");
			return -2;
		}
		if (mworker_spawn(w) < 0) {
			snprintf(err, errlen, "cannot start worker %d", slot);
			return -2;
		}
	}
	log_info("generation %u: %d workers starting", g->id, g->conf.workers);
	return 0;
}

size_t gen_count_state(const struct gen *g, enum mworker_state st)
{
	const struct master *m = g->m;
	size_t n = 0;

	for (size_t i = 0; i < m->nw; i++)
		if (m->w[i]->gen == g && m->w[i]->state == st)
			n++;
	return n;
}

bool gen_all_ready(const struct gen *g)
{
	return gen_count_state(g, MW_READY) == (size_t)g->conf.workers;
}

static void on_kill_deadline(struct loop *l, struct loop_timer *t)
{
	struct gen *g = container_of(t, struct gen, timer);
	struct master *m = g->m;

	for (size_t i = 0; i < m->nw; i++) {
		struct mworker *w = m->w[i];
		if (w->gen != g || w->pid == 0 || w->killed)
			continue;
		log_warn("worker %d (pid %d, gen %u) still running at the "
			 "deadline; killing it",
			 w->slot, (int)w->pid, g->id);
		mworker_stop(w, SIGKILL);
	}
	gen_sweep(m);
}

/* Arms the SIGKILL deadline, unless an earlier one is already armed. */
static void arm_deadline(struct gen *g, uint64_t timeout_ms)
{
	struct loop *l = g->m->loop;
	uint64_t deadline = loop_now(l) + timeout_ms;

	if (g->timer.heap_index != 0 && g->timer.fn == on_kill_deadline &&
	    g->timer.deadline_ms <= deadline)
		return;
	g->timer.fn = on_kill_deadline;
	loop_timer_arm(l, &g->timer, timeout_ms);
}

void gen_retire(struct gen *g, int sig, uint64_t timeout_ms)
{
	struct master *m = g->m;

	if (g->state != GEN_RETIRING && g->nworkers > 0)
		log_info("generation %u: stopping %zu workers", g->id,
			 g->nworkers);
	g->state = GEN_RETIRING;
	/* Backwards: removing entry i moves the last one, already seen, to i. */
	for (size_t i = m->nw; i-- > 0;)
		if (m->w[i]->gen == g)
			mworker_stop(m->w[i], sig);
	arm_deadline(g, timeout_ms);
}

static void gen_free(struct gen *g)
{
	struct master *m = g->m;

	loop_timer_cancel(m->loop, &g->timer);
	listeners_release(&m->ls, g->id);
	log_info("generation %u is gone", g->id);
	conf_free(&g->conf);
	free(g);
}

void gen_sweep(struct master *m)
{
	struct gen **p = &m->gens;

	while (*p != NULL) {
		struct gen *g = *p;
		if (g->state == GEN_RETIRING && g->nworkers == 0) {
			*p = g->next;
			gen_free(g);
		} else {
			p = &g->next;
		}
	}
	if (m->phase != PHASE_RUNNING && m->gens == NULL)
		loop_stop(m->loop);
}
