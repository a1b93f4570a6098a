/* worker.c - one worker process: its event loop over its own sockets,
 * signals through signalfd, readiness and heartbeat to the master */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "affinity.h"
#include "core/log.h"
#include "modes.h"
#include "net/conn.h"
#include "sandbox.h"
#include "worker.h"

struct worker {
	const struct worker_args *args;
	struct loop *loop;
	struct server srv;
	struct listener *listeners;
	size_t nlisteners;
	struct loop_watch sig_watch, chan_watch;
	struct loop_timer stats_timer;
	struct net_stats *lstats; /* per configured listener, for LISTENERS */
	int status;
};

static void worker_send(struct worker *w, uint32_t type)
{
	struct worker_msg m = { type, w->srv.nconns, w->srv.requests };

	if (w->args->channel_fd >= 0)
		send(w->args->channel_fd, &m, sizeof(m), MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Sums each listener's sockets, then sends the sums in datagrams of at
 * most WORKER_LISTENERS_PER_MSG listeners. */
static void worker_send_listeners(struct worker *w)
{
	const struct worker_args *a = w->args;
	size_t total = a->conf->nlisteners, per = WORKER_LISTENERS_PER_MSG;
	struct {
		struct worker_msg_listeners h;
		struct net_stats st[WORKER_LISTENERS_PER_MSG];
	} m;

	if (a->channel_fd < 0 || w->lstats == NULL)
		return;
	memset(w->lstats, 0, total * sizeof(*w->lstats));
	for (size_t i = 0; i < w->nlisteners; i++)
		stats_add(&w->lstats[a->socks[i].listener], &w->listeners[i].stats);
	for (size_t first = 0; first < total; first += per) {
		size_t n = total - first < per ? total - first : per;
		m.h = (struct worker_msg_listeners){ WORKER_MSG_LISTENERS,
			(uint32_t)first, (uint32_t)n, (uint32_t)total };
		memcpy(m.st, &w->lstats[first], n * sizeof(m.st[0]));
		send(a->channel_fd, &m, sizeof(m.h) + n * sizeof(m.st[0]),
		     MSG_DONTWAIT | MSG_NOSIGNAL);
	}
}

static void stats_tick(struct loop *l, struct loop_timer *t)
{
	struct worker *w = container_of(t, struct worker, stats_timer);

	worker_send_listeners(w);
	worker_send(w, WORKER_MSG_STATS);
	modes_flush();
	loop_timer_arm(l, t, 1000);
}

static void worker_idle(struct server *s)
{
	if (s->draining)
		loop_stop(s->loop);
}

/* Stops accepting and lets every connection finish; the loop ends when
 * the last one closes (the master kills us at shutdown_timeout). The
 * listening sockets are closed (after taking what already waits in their
 * queues), so once the master closes its copies too, new connections are
 * refused at once instead of queueing for nobody. */
static void worker_drain(struct worker *w)
{
	if (w->srv.draining)
		return;
	for (size_t i = 0; i < w->nlisteners; i++)
		listener_close(&w->listeners[i]);
	log_info("draining %u connections", w->srv.nconns);
	w->srv.draining = true;
	server_each_conn(&w->srv, conn_shutdown);
	if (w->srv.nconns == 0)
		loop_stop(w->loop);
}

static void on_signal(struct loop *l, struct loop_watch *lw, uint32_t ev)
{
	struct worker *w = container_of(lw, struct worker, sig_watch);
	struct signalfd_siginfo si;

	while (read(lw->fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT: worker_drain(w); break;
		case SIGQUIT: loop_stop(l); break;
		case SIGUSR1: modes_reopen(); break;
		}
	}
}

/* The master keeps the other end; EOF means it is gone: stop at once. */
static void on_channel(struct loop *l, struct loop_watch *lw, uint32_t ev)
{
	struct worker *w = container_of(lw, struct worker, chan_watch);
	struct master_msg msg;
	ssize_t n = recv(lw->fd, &msg, sizeof(msg), MSG_DONTWAIT);

	if (n == (ssize_t)sizeof(msg) && msg.type == MASTER_MSG_HEALTH) {
		if (w->srv.unhealthy != (msg.unhealthy != 0))
			log_info("health: %s", msg.unhealthy ? "draining" : "ok");
		w->srv.unhealthy = msg.unhealthy != 0;
		return;
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		log_warn("the master is gone; exiting");
		loop_watch_del(l, lw);
		loop_stop(l);
		w->status = WORKER_EXIT_OK;
	}
}

static int setup_signals(struct worker *w)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGUSR1);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		log_error("signalfd: %s", strerror(errno));
		return -1;
	}
	if (loop_watch_add(w->loop, &w->sig_watch, fd, LOOP_IN, on_signal) < 0) {
		close(fd);
		return -1;
	}
	return 0;
}

static int setup_listeners(struct worker *w)
{
	const struct worker_args *a = w->args;

	w->listeners = calloc(a->nsocks, sizeof(*w->listeners));
	w->lstats = calloc(a->conf->nlisteners, sizeof(*w->lstats));
	if (w->listeners == NULL || w->lstats == NULL)
		return -1;
	for (size_t i = 0; i < a->nsocks; i++) {
		struct listener *lsn = &w->listeners[i];
		lsn->conf = &a->conf->listeners[a->socks[i].listener];
		lsn->watch.fd = a->socks[i].fd;
		lsn->mode = modes_get(lsn->conf->mode);
		lsn->srv = &w->srv;
		w->nlisteners = i + 1;
		if (lsn->mode->listener_init != NULL &&
		    lsn->mode->listener_init(lsn) < 0)
			return -1;
		if (listener_start(&w->srv, lsn) < 0) {
			log_error("%s: epoll: %s", lsn->conf->name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int worker_setup(struct worker *w)
{
	char err[128];

	w->loop = loop_new(err, sizeof(err));
	if (w->loop == NULL) {
		log_error("%s", err);
		return -1;
	}
	if (server_init(&w->srv, w->loop, w->args->conf) < 0) {
		log_error("cannot set up the worker: %s", strerror(errno));
		return -1;
	}
	w->srv.on_idle = worker_idle;
	if (setup_signals(w) < 0 || setup_listeners(w) < 0)
		return -1;
	if (w->args->channel_fd >= 0 &&
	    loop_watch_add(w->loop, &w->chan_watch, w->args->channel_fd,
			   LOOP_IN, on_channel) < 0)
		return -1;
	w->stats_timer.fn = stats_tick;
	loop_timer_arm(w->loop, &w->stats_timer, 1000);
	return 0;
}

static void worker_cleanup(struct worker *w)
{
	for (size_t i = 0; i < w->nlisteners; i++)
		if (w->listeners[i].mode->listener_free != NULL)
			w->listeners[i].mode->listener_free(&w->listeners[i]);
	free(w->listeners);
	free(w->lstats);
	if (w->loop != NULL) {
		server_free(&w->srv);
		loop_free(w->loop);
	}
}

int worker_run(const struct worker_args *a)
{
	struct worker w = { .args = a, .status = WORKER_EXIT_OK };
	char err[160];
	int rc;

	affinity_apply(a->conf, a->slot);
	if (worker_setup(&w) < 0) {
		worker_cleanup(&w);
		return WORKER_EXIT_SETUP;
	}
	if ((rc = sandbox_enter(a->conf->seccomp, err, sizeof(err))) < 0) {
		log_error("sandbox: %s", err);
		worker_cleanup(&w);
		return WORKER_EXIT_SETUP;
	}
	if (rc > 0 && a->slot == 0)
		log_warn("%s", err);
	worker_send(&w, WORKER_MSG_READY);
	log_debug("worker %d (gen %u) serving %zu sockets", a->slot,
		  a->generation, a->nsocks);
	if (loop_run(w.loop) < 0) {
		log_error("epoll_wait: %s", strerror(errno));
		w.status = WORKER_EXIT_SETUP;
	}
	modes_flush();
	worker_send_listeners(&w); /* the last counts, before the channel closes */
	worker_cleanup(&w);
	return w.status;
}
