/* master.c - the master process: signals through signalfd, the first
 * generation, graceful and fast stop, the periodic tick (heartbeats,
 * STATUS, watchdog) */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control.h"
#include "core/log.h"
#include "master.h"
#include "master_impl.h"
#include "notify.h"
#include "proc.h"
#include "core/proctitle.h"
#include "status.h"

static size_t live_workers(const struct master *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nw; i++)
		n += m->w[i]->pid > 0;
	return n;
}

static uint32_t connections(const struct master *m)
{
	uint32_t n = 0;

	for (size_t i = 0; i < m->nw; i++)
		if (m->w[i]->pid > 0)
			n += m->w[i]->connections;
	return n;
}

static void status_text(const struct master *m, char *buf, size_t len)
{
	const struct gen *g = m->active;
	size_t n, restarting;

	if (m->phase != PHASE_RUNNING || g == NULL) {
		snprintf(buf, len, "stopping: %zu workers left", live_workers(m));
		return;
	}
	if (!m->announced) {
		snprintf(buf, len, "starting: %zu of %d workers ready (gen %u)",
			 gen_count_state(g, MW_READY), g->conf.workers, g->id);
		return;
	}
	n = (size_t)snprintf(buf, len, "%d workers (gen %u), %u connections, "
			     "%llu req/s", g->conf.workers, g->id,
			     connections(m), (unsigned long long)m->rps);
	restarting = gen_count_state(g, MW_BACKOFF);
	if (restarting > 0 && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", %zu restarting",
				      restarting);
	if (m->pending != NULL && n < len)
		snprintf(buf + n, len - n, "; reloading: gen %u starting",
			 m->pending->id);
	else if (m->last_reload[0] != '\0' && n < len)
		snprintf(buf + n, len - n, "; %s", m->last_reload);
}

/* Sends STATUS= when the text changed. */
void master_status(struct master *m)
{
	char text[sizeof(m->status)];

	status_text(m, text, sizeof(text));
	if (strcmp(text, m->status) == 0)
		return;
	memcpy(m->status, text, sizeof(text));
	notify_status(text);
}

void master_announce_ready(struct master *m)
{
	m->announced = true;
	log_notice("ready: %d workers, generation %u", m->active->conf.workers,
		   m->active->id);
	notify_ready();
	master_status(m);
}

static void master_reap(struct master *m)
{
	struct mworker *w;
	pid_t pid;
	int status;

	while ((pid = proc_reap(&status)) > 0) {
		if ((w = mworker_by_pid(m, pid)) != NULL)
			mworker_exited(w, status);
		else
			log_debug("reaped unknown child %d", (int)pid);
	}
}

void master_tell_health(struct master *m)
{
	for (size_t i = 0; i < m->nw; i++)
		mworker_tell_health(m->w[i]);
}

/* SIGTERM/SIGINT: every generation drains; SIGQUIT: every worker quits.
 * The master closes its copies of the listening sockets: once each
 * worker has closed its own (after taking what waits in the queue), new
 * connections are refused at once. */
static void master_stop(struct master *m, int sig)
{
	uint64_t timeout = QUIT_TIMEOUT_MS;

	if (m->phase == PHASE_QUITTING ||
	    (m->phase == PHASE_STOPPING && sig != SIGQUIT))
		return;
	loop_timer_cancel(m->loop, &m->drain_timer);
	if (m->phase == PHASE_RUNNING) {
		notify_stopping();
		if (m->active != NULL)
			timeout = (uint64_t)(m->active->conf.shutdown_timeout *
					     1000);
	}
	if (sig == SIGQUIT)
		timeout = QUIT_TIMEOUT_MS;
	m->phase = sig == SIGQUIT ? PHASE_QUITTING : PHASE_STOPPING;
	log_notice("%s: %zu workers", sig == SIGQUIT ? "fast stop" :
		   "graceful stop, draining", live_workers(m));
	if (!m->draining) {
		m->draining = true;
		master_tell_health(m);
	}
	m->active = m->pending = NULL;
	m->reload_queued = m->scale_queued = false;
	control_stopping(m->ctl);
	for (struct gen *g = m->gens; g != NULL; g = g->next)
		gen_retire(g, sig, timeout);
	listeners_close_all(&m->ls);
	notify_extend_timeout((timeout + 5000) * 1000);
	master_status(m);
}

static void on_drain_timer(struct loop *l, struct loop_timer *t)
{
	struct master *m = container_of(t, struct master, drain_timer);

	(void)l;
	log_notice("drain_delay is over");
	master_stop(m, SIGTERM);
	gen_sweep(m);
}

/* SIGTERM/SIGINT with drain_delay: health checks fail at once while
 * serving goes on, so balancers take the instance out before it stops
 * accepting; then master_stop. A second SIGTERM meanwhile changes
 * nothing; SIGQUIT stops at once. */
static void master_term(struct master *m)
{
	double delay = m->active != NULL ? m->active->conf.drain_delay : 0;

	if (m->phase != PHASE_RUNNING || delay <= 0) {
		master_stop(m, SIGTERM);
		return;
	}
	if (m->drain_timer.heap_index != 0)
		return;
	log_notice("graceful stop: health fails now, draining in %.3g s "
		   "(drain_delay)", delay);
	notify_stopping();
	notify_extend_timeout(
	    (uint64_t)((delay + m->active->conf.shutdown_timeout + 5) * 1e6));
	m->draining = true;
	master_tell_health(m);
	m->drain_timer.fn = on_drain_timer;
	loop_timer_arm(m->loop, &m->drain_timer, (uint64_t)(delay * 1000));
	master_status(m);
}

static void master_reopen(struct master *m)
{
	log_notice("reopening log files");
	for (size_t i = 0; i < m->nw; i++)
		mworker_signal(m->w[i], SIGUSR1);
}

/* SIGTTIN / SIGTTOU: scale +1 / -1, nobody waiting for the result. */
static void master_scale_signal(struct master *m, int delta, uint32_t pid)
{
	int want = reload_scale_target(m, delta);

	if (m->phase != PHASE_RUNNING)
		return;
	if (want < 1 || want > MAX_SCALE) {
		log_warn("SIG%s from pid %u: %d workers is out of 1..%d",
			 delta > 0 ? "TTIN" : "TTOU", pid, want, MAX_SCALE);
		return;
	}
	log_notice("SIG%s from pid %u: scale to %d workers",
		   delta > 0 ? "TTIN" : "TTOU", pid, want);
	reload_scale(m, delta, 0);
}

static void on_signal(struct loop *l, struct loop_watch *lw, uint32_t events)
{
	struct master *m = container_of(lw, struct master, sigwatch);
	struct signalfd_siginfo si;

	while (read(lw->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD: master_reap(m); break;
		case SIGHUP: reload_request(m); break;
		case SIGTERM:
		case SIGINT:
		case SIGQUIT:
			/* Who asked: a stop nobody expected can be traced. */
			log_notice("SIG%s from pid %u", sigabbrev_np((int)si.ssi_signo),
				   si.ssi_pid);
			if (si.ssi_signo == SIGQUIT)
				master_stop(m, SIGQUIT);
			else
				master_term(m);
			break;
		case SIGUSR1: master_reopen(m); break;
		case SIGTTIN:
		case SIGTTOU:
			master_scale_signal(m, si.ssi_signo == SIGTTIN ? 1 : -1,
					    si.ssi_pid);
			break;
		}
		gen_sweep(m);
	}
}

/* While stopping, how long until the last SIGKILL deadline. */
static uint64_t stop_remaining_ms(const struct master *m)
{
	uint64_t now = loop_now(m->loop), last = now;

	for (const struct gen *g = m->gens; g != NULL; g = g->next)
		if (g->timer.heap_index != 0 && g->timer.deadline_ms > last)
			last = g->timer.deadline_ms;
	return last - now;
}

static void on_tick(struct loop *l, struct loop_timer *t)
{
	struct master *m = container_of(t, struct master, tick);
	uint64_t now = loop_now(l);

	for (size_t i = 0; i < m->nw; i++)
		mworker_check(m->w[i], now);
	if (now > m->tick_ms) {
		m->rps = (m->requests - m->tick_requests) * 1000 /
			 (now - m->tick_ms);
		m->tick_requests = m->requests;
		m->tick_ms = now;
	}
	/* Only while a SIGKILL deadline is ahead: once it has passed, a worker
	 * that still will not die is systemd's TimeoutStopSec business. */
	if (m->phase != PHASE_RUNNING && stop_remaining_ms(m) > 0)
		notify_extend_timeout((stop_remaining_ms(m) + 5000) * 1000);
	master_status(m);
	loop_timer_arm(l, t, TICK_MS);
	gen_sweep(m);
}

/* Healthy: no running worker has missed its heartbeats. */
static bool master_healthy(const struct master *m)
{
	uint64_t now = loop_now(m->loop);

	for (size_t i = 0; i < m->nw; i++) {
		const struct mworker *w = m->w[i];
		double timeout = w->gen->conf.worker_timeout;
		if (w->state == MW_READY && w->pid > 0 && timeout > 0 &&
		    now - w->last_msg_ms > (uint64_t)(timeout * 1000))
			return false;
	}
	return true;
}

static void on_watchdog(struct loop *l, struct loop_timer *t)
{
	struct master *m = container_of(t, struct master, watchdog);

	if (master_healthy(m))
		notify_watchdog();
	loop_timer_arm(l, t, m->watchdog_ms);
}

static int setup_signals(struct master *m)
{
	static const int sigs[] = {SIGHUP,  SIGTERM, SIGINT,  SIGQUIT,
				   SIGUSR1, SIGTTIN, SIGTTOU, SIGCHLD};
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	m->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (m->sigfd < 0)
		return -1;
	return loop_watch_add(m->loop, &m->sigwatch, m->sigfd, LOOP_IN,
			      on_signal);
}

static int master_setup(struct master *m)
{
	char err[128];
	uint64_t usec;

	m->sigfd = -1;
	if ((m->loop = loop_new(err, sizeof(err))) == NULL) {
		log_error("%s", err);
		return -1;
	}
	if (setup_signals(m) < 0) {
		log_error("signals: %s", strerror(errno));
		return -1;
	}
	m->tick.fn = on_tick;
	m->tick_ms = m->started_ms = loop_now(m->loop);
	loop_timer_arm(m->loop, &m->tick, TICK_MS);
	if ((usec = notify_watchdog_usec()) > 0) {
		/* Twice per interval, as sd_watchdog_enabled(3) advises. */
		m->watchdog_ms = usec / 2000 ? usec / 2000 : 1;
		m->watchdog.fn = on_watchdog;
		loop_timer_arm(m->loop, &m->watchdog, m->watchdog_ms);
	}
	return 0;
}

/* Binds every listener (before any worker starts), then forks. */
static int master_start(struct master *m, struct conf *c)
{
	struct gen *g = gen_new(m, c);
	char err[320];

	if (g == NULL) {
		log_error("out of memory");
		return -1;
	}
	m->active = g;
	if (g->conf.user != NULL && geteuid() != 0)
		log_warn("not running as root: user \"%s\" is ignored",
			 g->conf.user);
	/* Before any worker: a live master on the socket stops this one. */
	if ((m->ctl = control_open(m, &g->conf, err, sizeof(err))) == NULL) {
		log_error("%s", err);
		return -1;
	}
	log_notice("starting %d workers for %zu listeners (%s)",
		   g->conf.workers, g->conf.nlisteners, g->conf.path);
	if (status_apply(m, &g->conf.status, err, sizeof(err)) < 0) {
		log_error("status: %s", err);
		return -1;
	}
	if (gen_start(g, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return -1;
	}
	master_status(m);
	return 0;
}

/* Kills what is left (after an error) and frees everything. */
static void master_cleanup(struct master *m)
{
	while (m->nw > 0) {
		struct mworker *w = m->w[m->nw - 1];
		if (w->pid > 0) {
			kill(w->pid, SIGKILL);
			waitpid(w->pid, NULL, 0);
		}
		mworker_remove(w);
	}
	while (m->gens != NULL) {
		struct gen *g = m->gens;
		m->gens = g->next;
		g->state = GEN_RETIRING;
		listeners_release(&m->ls, g->id);
		conf_free(&g->conf);
		free(g);
	}
	free(m->w);
	control_close(m->ctl);
	status_close(m);
	metrics_free(&m->metrics);
	listeners_close_all(&m->ls);
	if (m->sigfd >= 0)
		close(m->sigfd);
	loop_free(m->loop);
}

int master_run(struct conf *c, int argc, char **argv)
{
	struct master m = { 0 };
	int rc = 1;

	proctitle_init(argc, argv);
	proctitle_set("preforkd: master");
	log_set_role("master");
	if (master_setup(&m) < 0 || master_start(&m, c) < 0)
		goto out;
	if (loop_run(m.loop) < 0) {
		log_error("epoll_wait: %s", strerror(errno));
		goto out;
	}
	log_notice("stopped");
	rc = 0;
out:
	master_cleanup(&m);
	return rc;
}
