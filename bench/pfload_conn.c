/* pfload_conn.c - connections and the epoll loop: connect, read, write,
 * timeouts, and the one door through which a connection fails */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "pfload.h"

#define MAX_CONNECTING 256		/* connects in progress at once */
#define RETRY_NS (10 * 1000000ull)	/* pause after a failed connect */
#define TICK_BUSY_NS (10 * 1000000ull)
#define TICK_NS (100 * 1000000ull)
#define PER_SOURCE 16384		/* connections per source address */

static volatile sig_atomic_t stop_flag;

static void conn_start(struct pf *pf, struct conn *c);

static void on_signal(int sig)
{
	stop_flag = sig;
}

uint64_t conn_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void conn_watch(struct pf *pf, struct conn *c, int op, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };

	if (epoll_ctl(pf->ep, op, c->fd, &e) < 0)
		perror("pfload: epoll_ctl");
}

static void conn_set_out(struct pf *pf, struct conn *c, bool on)
{
	if (c->want_out == on)
		return;
	c->want_out = on;
	conn_watch(pf, c, EPOLL_CTL_MOD, EPOLLIN | (on ? EPOLLOUT : 0));
}

/* Forgets everything about the connection but its slot and ring. */
static void conn_reset(struct conn *c)
{
	unsigned idx = c->idx;
	uint64_t *sent = c->sent;
	char *pend = c->pend;

	memset(c, 0, sizeof(*c));
	c->idx = idx;
	c->sent = sent;
	c->pend = pend;
	c->fd = -1;
}

/* Closes c; unless in idle mode, reconnects after delay ns. */
static void conn_close(struct pf *pf, struct conn *c, uint64_t delay)
{
	if (c->state == CS_CONNECTING)
		pf->connecting--;
	if (c->held)
		pf->held--;
	if (c->fd >= 0)
		close(c->fd);
	conn_reset(c);
	if (pf->o.mode == MODE_IDLE) {
		c->state = CS_DONE;
		pf->done++;
		return;
	}
	c->state = CS_WAIT;
	c->since = pf->now + delay;
	pf->waiting++;
	if (delay == 0)
		conn_start(pf, c);
}

/* Requests (or round trips) started on c and not finished. */
static unsigned conn_lost(const struct conn *c)
{
	return c->outstanding + (c->active ? 1 : 0);
}

/* The one door for failures: counts e once, charges one request of the
 * budget to it, gives the other unfinished ones back, and closes c. */
void conn_fail(struct pf *pf, struct conn *c, enum pf_err e)
{
	unsigned lost = conn_lost(c);

	pf->err[e]++;
	pf->inflight -= lost;
	if (pf->limited && lost > 0)
		pf->budget += lost - 1;
	else if (pf->limited && pf->budget > 0)
		pf->budget--;
	conn_close(pf, c, e == ERR_CONNECT ? RETRY_NS : 0);
}

/* Closes c without an error (the server said it would close, or -C);
 * its unfinished requests go back to the budget. */
void conn_finish(struct pf *pf, struct conn *c)
{
	unsigned lost = conn_lost(c);

	pf->inflight -= lost;
	if (pf->limited)
		pf->budget += lost;
	conn_close(pf, c, 0);
}

/* Writes up to len bytes; returns how many, or -1 when c failed (closed).
 * Registers for EPOLLOUT exactly while bytes remain. */
ssize_t conn_send(struct pf *pf, struct conn *c, const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(c->fd, buf + done, len - done, MSG_NOSIGNAL);
		if (n > 0) {
			done += (size_t)n;
		} else if (n < 0 && errno == EAGAIN) {
			break;
		} else if (n < 0 && errno != EINTR) {
			conn_fail(pf, c, ERR_RESET);
			return -1;
		}
	}
	conn_set_out(pf, c, done < len);
	return (ssize_t)done;
}

/* Idle mode: c now counts as held; its latency is the time to get there. */
void conn_hold(struct pf *pf, struct conn *c)
{
	c->held = true;
	pf->held++;
	pf->ok++;
	hist_add(&pf->hist, (pf->now - c->since) / 1000);
}

/* Binds c's socket to a source address of its own block of PER_SOURCE. */
static int conn_bind_source(struct conn *c)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1;

	sa.sin_addr.s_addr = htonl(0x7f000002u + c->idx / PER_SOURCE);
	setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
		   sizeof(one));
	return bind(c->fd, (struct sockaddr *)&sa, sizeof(sa));
}

static void conn_start(struct pf *pf, struct conn *c)
{
	int one = 1;

	if (c->state == CS_WAIT)
		pf->waiting--;
	c->state = CS_IDLE;
	if (pf->limited && pf->budget == 0)
		return;
	if (pf->connecting >= MAX_CONNECTING) {
		c->state = CS_WAIT;
		c->since = pf->now;
		pf->waiting++;
		return;
	}
	c->since = pf->now;
	c->fd = socket(pf->o.addr.ss_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || (pf->spread && conn_bind_source(c) < 0)) {
		conn_fail(pf, c, ERR_CONNECT);
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->state = CS_CONNECTING;
	pf->connecting++;
	if (connect(c->fd, (struct sockaddr *)&pf->o.addr, pf->o.addrlen) < 0 &&
	    errno != EINPROGRESS) {
		conn_fail(pf, c, ERR_CONNECT);
		return;
	}
	c->want_out = true;
	conn_watch(pf, c, EPOLL_CTL_ADD, EPOLLIN | EPOLLOUT);
}

/* Starts the connections not started yet, as far as pacing allows. */
static void conn_start_pending(struct pf *pf)
{
	while (pf->cursor < pf->o.conns && pf->connecting < MAX_CONNECTING)
		conn_start(pf, &pf->conns[pf->cursor++]);
}

static void conn_connected(struct pf *pf, struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
		conn_fail(pf, c, ERR_CONNECT);
		conn_start_pending(pf);
		return;
	}
	pf->connecting--;
	c->state = CS_OPEN;
	conn_start_pending(pf);
	switch (pf->o.mode) {
	case MODE_HTTP: http_open(pf, c); break;
	case MODE_ECHO: echo_open(pf, c); break;
	case MODE_IDLE:
		if (pf->o.warm) {
			http_open(pf, c);
			break;
		}
		conn_set_out(pf, c, false);
		conn_hold(pf, c);
		break;
	}
}

static int conn_got(struct pf *pf, struct conn *c, size_t len)
{
	if (pf->o.mode == MODE_ECHO)
		return echo_read(pf, c, pf->rbuf, len);
	if (c->held)
		return 0; /* idle: whatever the server says is ignored */
	return http_read(pf, c, pf->rbuf, len);
}

static int conn_eof(struct pf *pf, struct conn *c)
{
	if (pf->o.mode == MODE_ECHO)
		return echo_eof(pf, c);
	if (c->held) {
		conn_fail(pf, c, ERR_CLOSED);
		return -1;
	}
	return http_eof(pf, c);
}

/* One read; an incomplete response head saved last time goes first. */
static int conn_readable(struct pf *pf, struct conn *c)
{
	size_t off = c->npend;
	ssize_t n;

	if (off)
		memcpy(pf->rbuf, c->pend, off);
	n = recv(c->fd, pf->rbuf + off, pf->rbufsz - off, 0);
	if (n > 0) {
		c->npend = 0;
		return conn_got(pf, c, off + (size_t)n);
	}
	if (n == 0)
		return conn_eof(pf, c);
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	conn_fail(pf, c, ERR_RESET);
	return -1;
}

static void conn_event(struct pf *pf, struct conn *c, uint32_t ev)
{
	if (c->state == CS_CONNECTING) {
		conn_connected(pf, c);
		return;
	}
	if (c->state != CS_OPEN)
		return;
	if ((ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) &&
	    conn_readable(pf, c) < 0)
		return;
	if ((ev & EPOLLOUT) && c->state == CS_OPEN) {
		if (pf->o.mode == MODE_ECHO)
			echo_write(pf, c);
		else
			http_write(pf, c);
	}
}

/* Send time of c's oldest unfinished operation, 0 when there is none. */
static uint64_t conn_oldest(const struct conn *c)
{
	if (c->active)
		return c->msg_start;
	if (c->outstanding)
		return c->sent[c->ring_head];
	return 0;
}

/* Retries waiting connections and fails the ones that took too long. */
static void conn_tick(struct pf *pf)
{
	uint64_t limit = (uint64_t)(pf->o.timeout * NS_PER_SEC), t;

	for (unsigned i = 0; i < pf->cursor; i++) {
		struct conn *c = &pf->conns[i];
		switch (c->state) {
		case CS_WAIT:
			if (pf->now >= c->since)
				conn_start(pf, c);
			break;
		case CS_CONNECTING:
			if (pf->now - c->since > limit)
				conn_fail(pf, c, ERR_CONNECT);
			break;
		case CS_OPEN:
			t = conn_oldest(c);
			if (t && pf->now - t > limit)
				conn_fail(pf, c, ERR_TIMEOUT);
			break;
		default: break;
		}
	}
	conn_start_pending(pf);
}

static bool conn_should_stop(const struct pf *pf)
{
	if (stop_flag || pf->now >= pf->deadline)
		return true;
	if (pf->o.mode == MODE_IDLE)
		return pf->done == pf->o.conns;
	return pf->limited && pf->budget == 0 && pf->inflight == 0;
}

/* Idle mode: says once on stderr when every connection is up (or failed),
 * so that a script can measure the server while they are held. */
static void conn_announce(struct pf *pf)
{
	if (pf->announced || pf->o.mode != MODE_IDLE ||
	    pf->cursor < pf->o.conns || pf->connecting || pf->waiting ||
	    pf->inflight)
		return;
	pf->announced = true;
	if (!pf->o.quiet)
		fprintf(stderr, "pfload: holding %u connections\n", pf->held);
}

static int conn_wait_ms(const struct pf *pf)
{
	uint64_t until = pf->next_tick < pf->deadline ? pf->next_tick
						      : pf->deadline;

	if (until <= pf->now)
		return 0;
	return (int)((until - pf->now + 999999) / 1000000);
}

/* Raises RLIMIT_NOFILE to fit every connection (the hard limit too, when
 * allowed); a shortfall shows up later as connect errors. */
static void conn_raise_nofile(struct pf *pf)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)pf->o.conns + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= need)
		return;
	if (rl.rlim_max < need) {
		struct rlimit hard = { need, need };
		if (setrlimit(RLIMIT_NOFILE, &hard) == 0)
			return;
	}
	rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < need && !pf->o.quiet)
		fprintf(stderr, "pfload: open files limited to %lu\n",
			(unsigned long)rl.rlim_cur);
}

/* Spread source addresses when the connections would not fit in the
 * ephemeral port range of one source address. */
static void conn_plan_sources(struct pf *pf)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	unsigned lo = 32768, hi = 60999;

	if (f) {
		if (fscanf(f, "%u %u", &lo, &hi) != 2)
			lo = 32768, hi = 60999;
		fclose(f);
	}
	pf->spread = pf->o.addr.ss_family == AF_INET &&
		     pf->o.conns + 1024 > hi - lo + 1;
}

static int conn_setup(struct pf *pf)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned depth = pf->o.depth;

	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	conn_raise_nofile(pf);
	conn_plan_sources(pf);
	pf->ep = epoll_create1(EPOLL_CLOEXEC);
	pf->conns = calloc(pf->o.conns, sizeof(*pf->conns));
	pf->rbufsz = 256 * 1024;
	pf->rbuf = malloc(pf->rbufsz);
	if (pf->ep < 0 || !pf->conns || !pf->rbuf)
		return -1;
	for (unsigned i = 0; i < pf->o.conns; i++) {
		pf->conns[i].idx = i;
		pf->conns[i].fd = -1;
		if (pf->o.mode == MODE_ECHO)
			continue;
		pf->conns[i].sent = calloc(depth, sizeof(uint64_t));
		if (!pf->conns[i].sent)
			return -1;
	}
	return 0;
}

/* Runs the load until the deadline, the count, or a signal. Returns 0, or
 * -1 when it could not set up (errno set). */
int conn_run(struct pf *pf)
{
	struct epoll_event ev[512];

	if (conn_setup(pf) < 0)
		return -1;
	pf->now = pf->start = conn_now();
	pf->deadline = pf->o.duration > 0
			       ? pf->start + (uint64_t)(pf->o.duration * NS_PER_SEC)
			       : UINT64_MAX;
	pf->next_tick = pf->now + TICK_BUSY_NS;
	conn_start_pending(pf);
	while (!conn_should_stop(pf)) {
		int n = epoll_wait(pf->ep, ev, 512, conn_wait_ms(pf));
		pf->now = conn_now();
		for (int i = 0; i < n; i++)
			conn_event(pf, ev[i].data.ptr, ev[i].events);
		if (pf->now >= pf->next_tick) {
			if (pf->waiting || pf->connecting || pf->inflight)
				conn_tick(pf);
			pf->next_tick = pf->now + (pf->waiting ? TICK_BUSY_NS
							       : TICK_NS);
		}
		conn_announce(pf);
	}
	pf->end = pf->now < pf->deadline ? pf->now : pf->deadline;
	return 0;
}

/* Closes every connection and frees what conn_run allocated. */
void conn_cleanup(struct pf *pf)
{
	for (unsigned i = 0; pf->conns && i < pf->o.conns; i++) {
		if (pf->conns[i].fd >= 0)
			close(pf->conns[i].fd);
		free(pf->conns[i].sent);
		free(pf->conns[i].pend);
	}
	free(pf->conns);
	free(pf->rbuf);
	if (pf->ep >= 0)
		close(pf->ep);
}
