/* mworker.c - the master's worker table: start a slot's process, read its
 * channel (READY, STATS heartbeats), handle its exit, restart with backoff */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/log.h"
#include "master_impl.h"
#include "proc.h"
#include "worker/worker.h"

static void on_restart_timer(struct loop *l, struct loop_timer *t);

struct mworker *mworker_new(struct gen *g, int slot)
{
	struct master *m = g->m;
	struct mworker *w;

	if (m->nw == m->wcap) {
		size_t cap = m->wcap ? m->wcap * 2 : 16;
		struct mworker **v = realloc(m->w, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		m->w = v;
		m->wcap = cap;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->lstats = calloc(g->conf.nlisteners ? g->conf.nlisteners : 1,
			   sizeof(*w->lstats));
	if (w->lstats == NULL) {
		free(w);
		return NULL;
	}
	w->m = m;
	w->gen = g;
	w->slot = slot;
	w->chan = -1;
	w->state = MW_BACKOFF; /* no process yet */
	w->restart.fn = on_restart_timer;
	m->w[m->nw++] = w;
	g->nworkers++;
	return w;
}

static void close_chan(struct mworker *w)
{
	if (w->chan < 0)
		return;
	loop_watch_del(w->m->loop, &w->watch);
	close(w->chan);
	w->chan = -1;
}

/* Takes w out of the table and frees it; it has no process any more. */
void mworker_remove(struct mworker *w)
{
	struct master *m = w->m;

	loop_timer_cancel(m->loop, &w->restart);
	close_chan(w);
	for (size_t i = 0; i < m->nw; i++)
		if (m->w[i] == w) {
			m->w[i] = m->w[--m->nw];
			break;
		}
	w->gen->nworkers--;
	free(w->lstats);
	free(w);
}

struct mworker *mworker_by_pid(const struct master *m, pid_t pid)
{
	for (size_t i = 0; i < m->nw; i++)
		if (m->w[i]->pid == pid)
			return m->w[i];
	return NULL;
}

static void on_msg(struct mworker *w, const struct worker_msg *msg)
{
	struct master *m = w->m;

	w->last_msg_ms = loop_now(m->loop);
	if (msg->requests > w->requests)
		m->requests += msg->requests - w->requests;
	w->requests = msg->requests;
	w->connections = msg->connections;
	if (msg->type == WORKER_MSG_READY && w->state == MW_STARTING) {
		w->state = MW_READY;
		log_info("worker %d (pid %d, gen %u) ready", w->slot, (int)w->pid,
			 w->gen->id);
		if (m->draining)
			mworker_tell_health(w);
		reload_worker_ready(w->gen);
	}
}

void mworker_tell_health(struct mworker *w)
{
	struct master_msg msg = {MASTER_MSG_HEALTH, w->m->draining};

	if (w->pid > 0 && w->chan >= 0)
		send(w->chan, &msg, sizeof(msg), MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Any datagram a worker sends. */
union chan_msg {
	uint32_t type;
	struct worker_msg msg;
	struct {
		struct worker_msg_listeners h;
		struct net_stats st[WORKER_LISTENERS_PER_MSG];
	} lsn;
};

/* Keeps a LISTENERS report that matches w's configuration. */
static void on_listeners(struct mworker *w, const union chan_msg *u, size_t len)
{
	const struct worker_msg_listeners *h = &u->lsn.h;
	size_t total = w->gen->conf.nlisteners;

	if (len < sizeof(*h) || h->count > WORKER_LISTENERS_PER_MSG ||
	    len != sizeof(*h) + h->count * sizeof(h->st[0]) ||
	    h->total != total || h->first > total || h->count > total - h->first)
		return;
	memcpy(&w->lstats[h->first], u->lsn.st, h->count * sizeof(h->st[0]));
}

/* Returns the size of the datagram read into u, 0 at EOF, -1 when none. */
static ssize_t chan_recv(int fd, union chan_msg *u)
{
	ssize_t r = recv(fd, u, sizeof(*u), MSG_DONTWAIT);

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return -1;
	return r < 0 ? 0 : r;
}

/* One message per event (the watch is level-triggered): handling READY
 * may commit a reload, which changes the table under us. */
static void on_chan(struct loop *l, struct loop_watch *lw, uint32_t events)
{
	struct mworker *w = container_of(lw, struct mworker, watch);
	struct master *m = w->m;
	union chan_msg u;
	ssize_t r = chan_recv(lw->fd, &u);

	if (r < 0)
		return;
	if (r == 0) /* EOF: the worker is gone; SIGCHLD tells us how */
		close_chan(w);
	else if ((size_t)r >= sizeof(u.type) && u.type == WORKER_MSG_LISTENERS)
		on_listeners(w, &u, (size_t)r);
	else if ((size_t)r == sizeof(u.msg))
		on_msg(w, &u.msg);
	gen_sweep(m);
}

/* The worker has exited: reads the counters it sent last (the channel
 * may still hold them), adds them to the master's, then forgets them so
 * they are never counted twice. */
static void retire_stats(struct mworker *w)
{
	const struct conf *c = &w->gen->conf;
	union chan_msg u;
	ssize_t r;

	while (w->chan >= 0 && (r = chan_recv(w->chan, &u)) > 0)
		if ((size_t)r >= sizeof(u.type) && u.type == WORKER_MSG_LISTENERS)
			on_listeners(w, &u, (size_t)r);
	for (size_t i = 0; i < c->nlisteners; i++)
		if (metrics_retire(&w->m->metrics, c->listeners[i].name,
				   c->listeners[i].mode, &w->lstats[i]) < 0)
			log_error("out of memory for the metrics of %s",
				  c->listeners[i].name);
	memset(w->lstats, 0, c->nlisteners * sizeof(*w->lstats));
}

static void started(struct mworker *w, int chan)
{
	struct master *m = w->m;

	w->chan = chan;
	if (loop_watch_add(m->loop, &w->watch, chan, LOOP_IN, on_chan) < 0) {
		/* Without a channel it never gets ready: the timeout kills it. */
		log_error("worker %d: cannot watch its channel: %s", w->slot,
			  strerror(errno));
		close(chan);
		w->chan = -1;
	}
	w->state = MW_STARTING;
	w->killed = false;
	w->abort_ms = 0;
	w->started_ms = w->last_msg_ms = loop_now(m->loop);
	w->connections = 0;
	w->requests = 0;
	log_info("worker %d (pid %d, gen %u) started", w->slot, (int)w->pid,
		 w->gen->id);
}

int mworker_spawn(struct mworker *w)
{
	struct gen *g = w->gen;
	struct worker_socket *socks = NULL;
	struct worker_args a;
	char err[256] = "out of memory";
	int sv[2] = { -1, -1 };
	size_t n = 0;

	if (listeners_for_slot(&g->m->ls, &g->conf, g->id, w->slot, &socks,
			       &n) < 0)
		goto fail;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, sizeof(err), "socketpair: %s", strerror(errno));
		goto fail;
	}
	a = (struct worker_args){ &g->conf, w->slot, g->id, socks, n, sv[1] };
	if ((w->pid = proc_spawn(&a, err, sizeof(err))) < 0)
		goto fail;
	close(sv[1]);
	free(socks);
	started(w, sv[0]);
	return 0;
fail:
	log_error("cannot start worker %d (gen %u): %s", w->slot, g->id, err);
	w->pid = 0;
	if (sv[0] >= 0) {
		close(sv[0]);
		close(sv[1]);
	}
	free(socks);
	return -1;
}

/* Schedules the next start of w's slot, after the crash-loop backoff. */
void mworker_restart(struct mworker *w)
{
	uint64_t now = loop_now(w->m->loop);
	uint32_t delay = backoff_next(&w->backoff, now - w->started_ms);

	w->state = MW_BACKOFF;
	w->restarts++;
	w->m->metrics.worker_restarts++;
	log_notice("restarting worker %d in %u ms", w->slot, delay);
	loop_timer_arm(w->m->loop, &w->restart, delay);
}

static void on_restart_timer(struct loop *l, struct loop_timer *t)
{
	struct mworker *w = container_of(t, struct mworker, restart);
	struct master *m = w->m;

	if (w->state == MW_BACKOFF && mworker_spawn(w) < 0) {
		w->started_ms = loop_now(l); /* a failed start is a quick death */
		mworker_restart(w);
	}
	gen_sweep(m);
}

void mworker_exited(struct mworker *w, int status)
{
	struct master *m = w->m;
	struct gen *g = w->gen;
	bool told = w->state == MW_STOPPING || g->state == GEN_RETIRING;
	bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	char how[96];

	proc_status_str(status, how, sizeof(how));
	log_write(told && clean ? LOG_NOTICE : LOG_WARNING,
		  "worker %d (pid %d, gen %u) %s", w->slot, (int)w->pid, g->id,
		  how);
	retire_stats(w);
	close_chan(w);
	w->pid = 0;
	if (told || m->phase != PHASE_RUNNING)
		mworker_remove(w);
	else if (g == m->pending)
		reload_worker_failed(w, how);
	else
		mworker_restart(w);
}

void mworker_signal(struct mworker *w, int sig)
{
	if (w->pid > 0 && kill(w->pid, sig) < 0 && errno != ESRCH)
		log_warn("kill worker %d (pid %d): %s", w->slot, (int)w->pid,
			 strerror(errno));
}

void mworker_stop(struct mworker *w, int sig)
{
	if (w->pid == 0) {
		mworker_remove(w);
		return;
	}
	if (sig == SIGKILL) {
		if (w->killed)
			return;
		w->killed = true;
	}
	mworker_signal(w, sig);
	w->state = MW_STOPPING;
}

static void kill_hung(struct mworker *w, const char *why)
{
	log_warn("worker %d (pid %d, gen %u) %s; killing it", w->slot,
		 (int)w->pid, w->gen->id, why);
	w->killed = true;
	mworker_signal(w, SIGKILL);
}

/* A worker whose loop stopped turning gets SIGABRT first: a module's hook
 * that blocks it is then named in the worker's log (module_host.c), and
 * SIGKILL follows a second later if it is still there. */
static void stop_hung(struct mworker *w, uint64_t now, const char *why)
{
	if (w->abort_ms == 0) {
		log_warn("worker %d (pid %d, gen %u) %s; stopping it", w->slot,
			 (int)w->pid, w->gen->id, why);
		w->abort_ms = now;
		mworker_signal(w, SIGABRT);
	} else if (now - w->abort_ms >= 1000)
		kill_hung(w, "is still there a second after SIGABRT");
}

void mworker_check(struct mworker *w, uint64_t now)
{
	double timeout = w->gen->conf.worker_timeout;
	char why[80];

	if (w->pid == 0 || w->killed || w->gen == w->m->pending)
		return;
	if (w->state == MW_STARTING && now - w->started_ms > READY_TIMEOUT_MS) {
		snprintf(why, sizeof(why), "was not ready after %d s",
			 READY_TIMEOUT_MS / 1000);
		kill_hung(w, why);
	} else if (w->state == MW_READY && timeout > 0 &&
		   now - w->last_msg_ms > (uint64_t)(timeout * 1000)) {
		snprintf(why, sizeof(why), "sent no heartbeat for %.0f s",
			 (double)(now - w->last_msg_ms) / 1000);
		stop_hung(w, now, why);
	}
}
