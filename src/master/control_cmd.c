/* control_cmd.c - the control socket's commands: what each one does to the
 * master and what it answers (DESIGN.md "Control socket") */
#include "config.h"

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control_impl.h"
#include "metrics.h"
#include "core/log.h"
#include "master_impl.h"

static const char *state_name(const struct master *m)
{
	if (m->phase != PHASE_RUNNING)
		return "stopping";
	if (!m->announced)
		return "starting";
	if (m->pending != NULL)
		return "reloading";
	return "running";
}

/* The same text as the status listener's /metrics. */
static void show_metrics(struct ctl_conn *c, struct master *m)
{
	size_t len;
	char *text = metrics_render(m, &len);

	if (text == NULL) {
		ctl_reply(c, "internal");
		ctl_line(c, "out of memory");
	} else {
		ctl_reply(c, NULL);
		ctl_lines(c, text);
		free(text);
	}
	ctl_send(c);
}

static void show_info(struct ctl_conn *c, struct master *m)
{
	const struct gen *g = m->active;
	uint64_t now = loop_now(m->loop);
	uint32_t conns = 0;

	for (size_t i = 0; i < m->nw; i++)
		if (m->w[i]->pid > 0)
			conns += m->w[i]->connections;
	ctl_reply(c, NULL);
	ctl_line(c, "pid: %d", (int)getpid());
	ctl_line(c, "version: %s", PACKAGE_VERSION);
	ctl_line(c, "uptime_seconds: %llu",
		 (unsigned long long)((now - m->started_ms) / 1000));
	ctl_line(c, "state: %s", state_name(m));
	ctl_line(c, "health: %s", m->draining ? "draining" : "ok");
	ctl_line(c, "generation: %u", g != NULL ? g->id : 0);
	ctl_line(c, "workers: %d", g != NULL ? g->conf.workers : 0);
	ctl_line(c, "workers_config: %d", g != NULL ? g->file_workers : 0);
	ctl_line(c, "workers_ready: %zu",
		 g != NULL ? gen_count_state(g, MW_READY) : 0);
	ctl_line(c, "connections: %u", conns);
	ctl_line(c, "requests_total: %llu", (unsigned long long)m->requests);
	ctl_line(c, "reloads_ok: %u", m->reloads_ok);
	ctl_line(c, "reloads_failed: %u", m->reloads_failed);
	ctl_line(c, "last_reload: %s",
		 m->last_result[0] != '\0' ? m->last_result : "never");
	ctl_line(c, "config: %s", g != NULL ? g->conf.path : "-");
	ctl_send(c);
}

static const char *worker_state(const struct mworker *w)
{
	if (w->gen->state == GEN_RETIRING)
		return "draining";
	switch (w->state) {
	case MW_STARTING: return "starting";
	case MW_READY: return "ready";
	case MW_BACKOFF: return "backoff";
	case MW_STOPPING: break;
	}
	return "draining";
}

/* The one CPU process pid may run on, as text; "-" when it may run on
 * more (not pinned) or is not running. */
static const char *proc_cpu(pid_t pid, char *buf, size_t len)
{
	cpu_set_t set;

	if (pid <= 0 || sched_getaffinity(pid, sizeof(set), &set) < 0 ||
	    CPU_COUNT(&set) != 1)
		return "-";
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			snprintf(buf, len, "%d", cpu);
	return buf;
}

static void proc_rows(struct ctl_conn *c, const struct master *m,
		      const struct gen *g, uint64_t now)
{
	for (int slot = 0; slot <= MAX_SCALE; slot++) {
		bool more = false;
		char cpu[16];
		for (size_t i = 0; i < m->nw; i++) {
			const struct mworker *w = m->w[i];
			if (w->gen != g)
				continue;
			more |= w->slot > slot;
			if (w->slot != slot)
				continue;
			ctl_line(
			    c, "%d %u %d %s %llu %u %u %llu %s", w->slot, g->id,
			    (int)w->pid, worker_state(w),
			    w->pid > 0
				? (unsigned long long)(now - w->started_ms) /
				      1000
				: 0ULL,
			    w->restarts, w->connections,
			    (unsigned long long)w->requests,
			    proc_cpu(w->pid, cpu, sizeof(cpu)));
		}
		if (!more)
			break;
	}
}

/* A header, then the active generation, then the others newest first. */
static void show_proc(struct ctl_conn *c, struct master *m)
{
	uint64_t now = loop_now(m->loop);

	ctl_reply(c, NULL);
	ctl_line(c, "slot generation pid state uptime restarts connections "
		    "requests cpu");
	if (m->active != NULL)
		proc_rows(c, m, m->active, now);
	for (const struct gen *g = m->gens; g != NULL; g = g->next)
		if (g != m->active)
			proc_rows(c, m, g, now);
	ctl_send(c);
}

static void log_peer(const struct ctl_conn *c, const char *what)
{
	log_notice("control: %s (from pid %d, uid %d)", what, (int)c->pid,
		   (int)c->uid);
}

static void stopping(struct ctl_conn *c)
{
	ctl_reply(c, "stopping");
	ctl_line(c, "the master is stopping");
	ctl_send(c);
}

static void reload(struct ctl_conn *c, struct master *m)
{
	if (m->phase != PHASE_RUNNING || m->active == NULL) {
		stopping(c);
		return;
	}
	log_peer(c, "reload");
	/* Waiting first: a reload that fails at once answers at once. */
	ctl_wait(c, m->reload_serial + 1);
	reload_request(m); /* c may be gone now */
}

static void scale(struct ctl_conn *c, struct master *m)
{
	int delta = c->cmd.cmd == CTL_CMD_SCALE_UP     ? 1
		    : c->cmd.cmd == CTL_CMD_SCALE_DOWN ? -1
						       : 0;
	int count = c->cmd.cmd == CTL_CMD_SCALE ? c->cmd.count : 0;
	int want = delta != 0 ? reload_scale_target(m, delta) : count;
	char what[64];

	if (m->phase != PHASE_RUNNING || m->active == NULL) {
		stopping(c);
		return;
	}
	if (c->cmd.cmd != CTL_CMD_SCALE_CONFIG &&
	    (want < 1 || want > MAX_SCALE)) {
		ctl_reply(c, "bad-argument");
		ctl_line(c, "scale: %d workers is out of 1..%d", want,
			 MAX_SCALE);
		ctl_send(c);
		return;
	}
	if (c->cmd.cmd == CTL_CMD_SCALE_CONFIG)
		snprintf(what, sizeof(what), "scale config");
	else
		snprintf(what, sizeof(what), "scale to %d workers", want);
	log_peer(c, what);
	ctl_wait(c, m->reload_serial + 1);
	reload_scale(m, delta, count); /* c may be gone now */
}

static void health(struct ctl_conn *c, struct master *m, bool drain)
{
	log_peer(c, drain ? "drain" : "undrain");
	m->draining = drain;
	master_tell_health(m);
	ctl_reply(c, NULL);
	ctl_line(c, "health: %s", drain ? "draining" : "ok");
	ctl_send(c);
}

/* stop, stop fast, reopen: answered first, then done as the signal. */
static void by_signal(struct ctl_conn *c, int sig, const char *what)
{
	log_peer(c, what);
	ctl_reply(c, NULL);
	ctl_line(c, "%s", what);
	ctl_send(c);
	kill(getpid(), sig); /* through the signalfd, as from outside */
}

void control_cmd_run(struct ctl_conn *c)
{
	struct master *m = c->ctl->m;

	switch (c->cmd.cmd) {
	case CTL_CMD_PING:
		ctl_reply(c, NULL);
		ctl_line(c, "pong");
		ctl_send(c);
		break;
	case CTL_CMD_SHOW_INFO: show_info(c, m); break;
	case CTL_CMD_SHOW_PROC: show_proc(c, m); break;
	case CTL_CMD_SHOW_METRICS: show_metrics(c, m); break;
	case CTL_CMD_RELOAD: reload(c, m); break;
	case CTL_CMD_SCALE:
	case CTL_CMD_SCALE_UP:
	case CTL_CMD_SCALE_DOWN:
	case CTL_CMD_SCALE_CONFIG: scale(c, m); break;
	case CTL_CMD_DRAIN: health(c, m, true); break;
	case CTL_CMD_UNDRAIN: health(c, m, false); break;
	case CTL_CMD_STOP: by_signal(c, SIGTERM, "stopping"); break;
	case CTL_CMD_STOP_FAST: by_signal(c, SIGQUIT, "stopping fast"); break;
	case CTL_CMD_REOPEN:
		by_signal(c, SIGUSR1, "reopening log files");
		break;
	}
}

void control_cmd_done(struct ctl_conn *c, const struct reload_result *r)
{
	const char *what = c->cmd.cmd == CTL_CMD_RELOAD ? "reload" : "scale";

	if (r->err != NULL) {
		ctl_reply(c, r->err);
		ctl_lines(c, r->text);
	} else if (r->unchanged) {
		ctl_reply(c, NULL);
		ctl_line(c, "%s: ok, generation %u, %d workers (no change)",
			 what, r->gen, r->workers);
	} else {
		ctl_reply(c, NULL);
		ctl_line(c, "%s: ok, generation %u, %d workers ready in %.2f s",
			 what, r->gen, r->workers, (double)r->ms / 1000);
		ctl_lines(c, r->text);
	}
	ctl_send(c);
}
