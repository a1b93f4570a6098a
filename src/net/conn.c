/* conn.c - connections shared by all modes: accept, buffers, backpressure,
 * timeouts, one close path */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "conn_proxy.h"
#include "core/log.h"

#define CONNS_PER_SLAB 256
#define LINGER_MS 2000
#define LEVEL_ACCEPTS_PER_EVENT 16
#define IOV_MAX_APPEND 64
#define LISTENER_CLOSE_ACCEPTS 4096

static void conn_on_event(struct loop *l, struct loop_watch *w, uint32_t ev);

static uint32_t edge_bit(const struct conn *c)
{
	return c->lsn->conf->trigger == TRIGGER_EDGE ? LOOP_EDGE : 0;
}

static int open_reserve(void)
{
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int server_init(struct server *s, struct loop *loop, const struct conf *conf)
{
	memset(s, 0, sizeof(*s));
	s->loop = loop;
	s->conf = conf;
	buf_pool_init(&s->pool, BUF_POOL_SIZE, 256);
	s->scratch_size = SCRATCH_SIZE;
	s->scratch = malloc(s->scratch_size);
	s->reserve_fd = open_reserve();
	return s->scratch != NULL && s->reserve_fd >= 0 ? 0 : -1;
}

void server_free(struct server *s)
{
	buf_pool_clear(&s->pool);
	free(s->scratch);
	if (s->reserve_fd >= 0)
		close(s->reserve_fd);
	for (size_t i = 0; i < s->nslabs; i++)
		free(s->slabs[i]);
	free(s->slabs);
	conn_proxy_free_all(s);
}

void server_each_conn(struct server *s, void (*fn)(struct conn *c))
{
	for (size_t i = 0; i < s->nslabs; i++)
		for (int k = 0; k < CONNS_PER_SLAB; k++)
			if (s->slabs[i][k].lsn != NULL &&
			    !(s->slabs[i][k].flags & CONN_CLOSED))
				fn(&s->slabs[i][k]);
}

/* Conns come from slabs threaded on a free list: no per-conn malloc
 * header, and an idle conn costs sizeof(struct conn) of memory. */
static struct conn *conn_alloc(struct server *s)
{
	struct conn *c;

	if (s->free_conns == NULL) {
		struct conn *slab = calloc(CONNS_PER_SLAB, sizeof(*slab));
		void *v = slab == NULL ? NULL
				       : realloc(s->slabs, (s->nslabs + 1) *
								   sizeof(*s->slabs));
		if (v == NULL) {
			free(slab);
			return NULL;
		}
		s->slabs = v;
		s->slabs[s->nslabs++] = slab;
		for (int i = CONNS_PER_SLAB - 1; i >= 0; i--) {
			slab[i].proto = s->free_conns;
			s->free_conns = &slab[i];
		}
	}
	c = s->free_conns;
	s->free_conns = c->proto;
	memset(c, 0, sizeof(*c));
	return c;
}

static void conn_release(struct server *s, struct conn *c)
{
	c->lsn = NULL; /* marks it free for server_each_conn */
	c->proto = s->free_conns;
	s->free_conns = c;
}

static void timeouts_fire(struct loop *l, struct loop_timer *t);

void conn_begin(struct conn *c)
{
	const struct mode *mode = c->lsn->mode;
	uint32_t ev = LOOP_IN | LOOP_RDHUP | edge_bit(c);

	c->watch.fn = conn_on_event;
	if (c->watch.events != ev) {
		c->watch.events = ev;
		if (!(c->flags & CONN_UNWATCHED) &&
		    loop_watch_mod(c->lsn->srv->loop, &c->watch, ev) < 0) {
			conn_close(c, "epoll_ctl failed");
			return;
		}
	}
	if (mode->on_open != NULL)
		mode->on_open(c);
	if (!(c->flags & CONN_CLOSED) && conn_can_read(c))
		mode->on_read(c);
}

/* A client usually writes as soon as it is connected, so the first read
 * is tried at once, before the socket is registered: an exchange that ends
 * there (Connection: close) costs no epoll_ctl and no wakeup at all. */
static void conn_open(struct listener *lsn, int fd, const struct sockaddr *peer)
{
	struct server *s = lsn->srv;
	struct conn *c = conn_alloc(s);

	if (c == NULL) {
		log_error("out of memory for a connection on %s", lsn->conf->name);
		close(fd);
		return;
	}
	c->lsn = lsn;
	c->timeout = CONN_T_NONE;
	c->watch.fd = fd;
	c->watch.events = LOOP_IN | LOOP_RDHUP | edge_bit(c);
	c->watch.fn = conn_on_event;
	c->flags = CONN_READABLE | CONN_UNWATCHED;
	s->nconns++;
	lsn->stats.accepted++;
	lsn->stats.active++;
	if (conn_proxy_wanted(lsn, peer))
		conn_proxy_start(c);
	else
		conn_begin(c);
	if (c->flags & CONN_CLOSED)
		return;
	c->flags &= (uint8_t)~CONN_UNWATCHED;
	if (loop_watch_add(s->loop, &c->watch, fd, c->watch.events,
			   c->watch.fn) < 0)
		conn_close(c, "epoll_ctl add failed");
}

void conn_shutdown(struct conn *c)
{
	/* Still reading its header: its mode hears of the drain when it
	 * starts (conn_proxy.c), or proxy_protocol_timeout closes it. */
	if (!conn_proxy_pending(c) && c->lsn->mode->on_shutdown != NULL)
		c->lsn->mode->on_shutdown(c);
}

void conn_close(struct conn *c, const char *reason)
{
	struct server *s = c->lsn->srv;

	if (c->flags & CONN_CLOSED)
		return;
	c->flags |= CONN_CLOSED;
	log_debug("%s: fd %d: %s", c->lsn->conf->name, c->watch.fd, reason);
	if (c->lsn->mode->on_close != NULL && !conn_proxy_pending(c))
		c->lsn->mode->on_close(c);
	if (c->lsn->conf->proxy_protocol != CONF_PROXY_OFF)
		conn_proxy_forget(c);
	tnode_unlink(&c->tnode);
	/* close() takes the fd out of epoll (it is never shared): only the
	 * batch's pending events need forgetting, no epoll_ctl. */
	loop_watch_forget(s->loop, &c->watch);
	close(c->watch.fd);
	buf_put(&s->pool, c->in);
	buf_put(&s->pool, c->out);
	c->in = c->out = NULL;
	c->lsn->stats.active--;
	if (c->holds == 0)
		conn_release(s, c);
	s->nconns--;
	if (s->nconns == 0 && s->on_idle != NULL)
		s->on_idle(s);
}

int conn_pause_input(struct conn *c, bool pause)
{
	uint32_t ev = pause ? LOOP_RDHUP : LOOP_IN | LOOP_RDHUP;

	/* Edge mode never spins on input it leaves unread; while output is
	 * pending the socket is watched for room only. */
	if (edge_bit(c) || c->out != NULL)
		return 0;
	if (c->flags & CONN_UNWATCHED) {
		c->watch.events = ev;
		return 0;
	}
	if (loop_watch_mod(c->lsn->srv->loop, &c->watch, ev) < 0) {
		conn_close(c, "epoll_ctl failed");
		return -1;
	}
	return 0;
}

bool conn_peer_gone(struct conn *c)
{
	char b;

	if (c->flags & CONN_CLOSED)
		return true;
	if (c->flags & CONN_PEER_EOF)
		return c->in == NULL;
	return recv(c->watch.fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

void conn_hold(struct conn *c)
{
	c->holds++;
}

void conn_unhold(struct conn *c)
{
	if (--c->holds > 0 || !(c->flags & CONN_CLOSED))
		return;
	if (c->lsn->mode->on_release != NULL)
		c->lsn->mode->on_release(c);
	conn_release(c->lsn->srv, c);
}

void conn_set_timeout(struct conn *c, enum conn_timeout which)
{
	struct listener *lsn = c->lsn;

	c->timeout = (uint8_t)which;
	if (which == CONN_T_NONE) {
		tnode_unlink(&c->tnode);
		return;
	}
	tlist_touch(&lsn->timeouts[which].list, &c->tnode,
		    loop_now(lsn->srv->loop));
	if (lsn->timeouts[which].timer.heap_index == 0)
		loop_timer_arm(lsn->srv->loop, &lsn->timeouts[which].timer,
			       lsn->timeouts[which].list.timeout);
}

static const char *const timeout_reasons[CONN_T_COUNT] = {
	[CONN_T_IDLE] = "idle timeout",
	[CONN_T_KEEPALIVE] = "keep-alive timeout",
	[CONN_T_HEADER] = "header timeout",
	[CONN_T_SEND] = "send timeout",
	[CONN_T_LINGER] = "linger timeout",
	[CONN_T_PROXY] = "PROXY header timeout",
};

/* Expires every conn past its deadline in one queue, then re-arms for the
 * next one. The timer may fire early (its head was touched): no harm. */
static void timeouts_fire(struct loop *l, struct loop_timer *t)
{
	struct conn_tq *q = container_of(t, struct conn_tq, timer);
	enum conn_timeout which = (enum conn_timeout)(q - q->lsn->timeouts);
	const struct mode *mode = q->lsn->mode;
	uint64_t now = loop_now(l), next;
	struct tnode *n;

	while ((n = tlist_expired(&q->list, now)) != NULL) {
		struct conn *c = container_of(n, struct conn, tnode);
		tnode_unlink(n);
		c->timeout = CONN_T_NONE;
		if (which == CONN_T_PROXY)
			conn_proxy_timeout(c);
		else if (which != CONN_T_LINGER && mode->on_timeout != NULL)
			mode->on_timeout(c, which);
		else
			conn_close(c, timeout_reasons[which]);
	}
	next = tlist_next_deadline(&q->list);
	if (next != UINT64_MAX)
		loop_timer_arm(l, t, next - now);
}

ssize_t conn_read(struct conn *c, char *buf, size_t len)
{
	ssize_t n;

	if (!(c->flags & CONN_READABLE))
		return 0;
	n = read(c->watch.fd, buf, len);
	if (n > 0) {
		c->lsn->stats.rx_bytes += (uint64_t)n;
		/* Level mode reads once per event. In edge mode a short read
		 * proves the socket drained (new data brings a new event),
		 * unless the peer's FIN came with it: then read on to see EOF. */
		if (edge_bit(c) == 0 ||
		    ((size_t)n < len && !(c->flags & CONN_PEER_EOF)))
			c->flags &= (uint8_t)~CONN_READABLE;
		return n;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		c->flags &= (uint8_t)~CONN_READABLE;
		return 0;
	}
	conn_close(c, n == 0 ? "closed by peer" : strerror(errno));
	return -1;
}

/* Switches between waiting for input and waiting for the socket to drain. */
static int conn_wait_output(struct conn *c, bool blocked)
{
	uint32_t ev = edge_bit(c) | (blocked ? LOOP_OUT : LOOP_IN | LOOP_RDHUP);

	if (c->flags & CONN_UNWATCHED) {
		c->watch.events = ev; /* conn_open registers it with these */
		return 0;
	}
	if (loop_watch_mod(c->lsn->srv->loop, &c->watch, ev) < 0) {
		conn_close(c, "epoll_ctl failed");
		return -1;
	}
	return 0;
}

/* Keeps what the socket did not take, from byte skip of iov on. */
static int conn_stash(struct conn *c, const struct iovec *iov, int iovcnt,
		      size_t skip)
{
	size_t total = 0;
	struct buf *b;

	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	total -= skip;
	b = buf_get(&c->lsn->srv->pool, total);
	if (b == NULL) {
		conn_close(c, "out of memory for output");
		return -1;
	}
	for (int i = 0; i < iovcnt; i++) {
		size_t off = skip < iov[i].iov_len ? skip : iov[i].iov_len;
		memcpy(b->data + b->len, (const char *)iov[i].iov_base + off,
		       iov[i].iov_len - off);
		b->len += iov[i].iov_len - off;
		skip -= off;
	}
	c->out = b;
	conn_set_timeout(c, CONN_T_SEND);
	return conn_wait_output(c, true);
}

/* Output while some is already pending queues behind it, in order. */
static int conn_append(struct conn *c, const struct iovec *iov, int iovcnt)
{
	struct iovec all[1 + IOV_MAX_APPEND];
	struct buf *old = c->out;
	int n = 0;

	if (iovcnt > IOV_MAX_APPEND) {
		conn_close(c, "too much output queued at once");
		return -1;
	}
	all[n].iov_base = old->data + old->off;
	all[n++].iov_len = buf_used(old);
	for (int i = 0; i < iovcnt; i++)
		all[n++] = iov[i];
	c->out = NULL;
	if (conn_stash(c, all, n, 0) < 0) {
		buf_put(&c->lsn->srv->pool, old);
		return -1;
	}
	buf_put(&c->lsn->srv->pool, old);
	return 0;
}

int conn_writev(struct conn *c, const struct iovec *iov, int iovcnt)
{
	size_t total = 0;
	ssize_t n;

	if (c->out != NULL)
		return conn_append(c, iov, iovcnt);
	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	/* The last answer before a close waits in the kernel (MSG_MORE) for
	 * the FIN that the close sends: both leave in one segment, so the
	 * client is woken once and acknowledges once, not twice. */
	int flags = MSG_NOSIGNAL | ((c->flags & CONN_DONE) ? MSG_MORE : 0);
	do
		n = iovcnt == 1 ? send(c->watch.fd, iov[0].iov_base, total, flags)
				: sendmsg(c->watch.fd, &(struct msghdr){
					.msg_iov = (struct iovec *)iov,
					.msg_iovlen = (size_t)iovcnt }, flags);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno != EAGAIN) {
		conn_close(c, strerror(errno));
		return -1;
	}
	if (n > 0)
		c->lsn->stats.tx_bytes += (uint64_t)n;
	if (n == (ssize_t)total)
		return 0;
	return conn_stash(c, iov, iovcnt, n < 0 ? 0 : (size_t)n);
}

int conn_wait_writable(struct conn *c)
{
	c->flags |= CONN_WANT_WRITE;
	conn_set_timeout(c, CONN_T_SEND);
	return conn_wait_output(c, true);
}

/* Writes pending output; returns 1 when all is out, 0 when the socket is
 * full again, -1 when c was closed. */
static int conn_flush(struct conn *c)
{
	struct buf *b = c->out;

	while (buf_used(b) > 0) {
		ssize_t n = write(c->watch.fd, b->data + b->off, buf_used(b));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0) {
			conn_close(c, strerror(errno));
			return -1;
		}
		b->off += (size_t)n;
		c->lsn->stats.tx_bytes += (uint64_t)n;
		conn_set_timeout(c, CONN_T_SEND); /* progress restarts it */
	}
	buf_put(&c->lsn->srv->pool, b);
	c->out = NULL;
	conn_set_timeout(c, CONN_T_NONE);
	return conn_wait_output(c, false) < 0 ? -1 : 1;
}

static void conn_on_event(struct loop *l, struct loop_watch *w, uint32_t ev)
{
	struct conn *c = container_of(w, struct conn, watch);
	const struct mode *mode = c->lsn->mode;

	if (ev & (LOOP_IN | LOOP_HUP | LOOP_ERR))
		c->flags |= CONN_READABLE;
	if (ev & LOOP_RDHUP)
		c->flags |= CONN_PEER_EOF;
	if (c->flags & CONN_WANT_WRITE) {
		if (!(ev & (LOOP_OUT | LOOP_HUP | LOOP_ERR)))
			return;
		c->flags &= (uint8_t)~CONN_WANT_WRITE;
		conn_set_timeout(c, CONN_T_NONE);
		if (conn_wait_output(c, false) == 0)
			mode->on_drained(c);
		return;
	}
	if (c->out != NULL) {
		int r = conn_flush(c);
		if (r <= 0)
			return;
		if (c->flags & CONN_DONE) {
			conn_finish(c);
			return;
		}
		if (mode->on_drained != NULL)
			mode->on_drained(c);
		return;
	}
	if (c->flags & CONN_LINGER) {
		while (conn_read(c, c->lsn->srv->scratch,
				 c->lsn->srv->scratch_size) > 0)
			;
		return;
	}
	if (c->flags & CONN_READABLE)
		mode->on_read(c);
}

void conn_finish(struct conn *c)
{
	if (c->out != NULL) {
		c->flags |= CONN_DONE; /* finish once the output is out */
		return;
	}
	/* Edge mode saw the socket drained and nothing more is expected:
	 * a plain close sends FIN after the answer, and no reset. */
	if (edge_bit(c) && !(c->flags & (CONN_READABLE | CONN_UNREAD)) &&
	    c->in == NULL) {
		conn_close(c, "done");
		return;
	}
	if (shutdown(c->watch.fd, SHUT_WR) < 0) {
		conn_close(c, "done");
		return;
	}
	c->flags |= CONN_LINGER;
	conn_set_timeout(c, CONN_T_LINGER);
	/* Discard whatever already arrived; EOF closes. */
	c->flags |= CONN_READABLE;
	while (conn_read(c, c->lsn->srv->scratch, c->lsn->srv->scratch_size) > 0)
		;
}

static void listener_resume(struct loop *l, struct loop_timer *t)
{
	struct listener *lsn = container_of(t, struct listener, resume);

	if (!lsn->srv->draining)
		loop_watch_add(l, &lsn->watch, lsn->watch.fd, lsn->watch.events,
			       lsn->watch.fn);
}

/* Out of descriptors: give up the reserve to accept-and-close one client,
 * so the queue moves and we do not spin on a listener that stays ready.
 * Returns 0 when one was handled, -1 when accepting pauses for a while. */
static int accept_emfile(struct listener *lsn, int err)
{
	struct server *s = lsn->srv;
	uint64_t now = loop_now(s->loop);
	int fd;

	if (now - s->last_emfile_log >= 1000) {
		log_warn("%s: accept: %s; closing new connections until "
			 "descriptors free up", lsn->conf->name, strerror(err));
		s->last_emfile_log = now;
	}
	if (s->reserve_fd < 0) {
		s->reserve_fd = open_reserve();
		/* No reserve either: stop listening for 100 ms. */
		loop_watch_del(s->loop, &lsn->watch);
		loop_timer_arm(s->loop, &lsn->resume, 100);
		return -1;
	}
	close(s->reserve_fd);
	fd = accept4(lsn->watch.fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0) {
		lsn->stats.rejected++;
		close(fd);
	}
	s->reserve_fd = open_reserve();
	return fd >= 0 ? 0 : -1;
}

static void accept_over_limit(struct listener *lsn, int fd)
{
	struct server *s = lsn->srv;
	uint64_t now = loop_now(s->loop);

	if (now - s->last_limit_log >= 1000) {
		log_warn("%s: max_connections (%d) reached; closing new "
			 "connections", lsn->conf->name, s->conf->max_connections);
		s->last_limit_log = now;
	}
	lsn->stats.rejected++;
	if (lsn->mode->on_refuse != NULL)
		lsn->mode->on_refuse(lsn, fd);
	close(fd);
}

/* Accepts up to budget connections (-1: until EAGAIN). */
static void listener_accept(struct listener *lsn, int budget)
{
	struct server *s = lsn->srv;
	struct loop_watch *w = &lsn->watch;

	/* The peer's address is asked for only when it decides whether a
	 * PROXY header is due. */
	bool want_peer = lsn->conf->nproxy_from > 0;

	while (budget-- != 0 && !s->draining) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = accept4(w->fd, want_peer ? (struct sockaddr *)&ss : NULL,
				 want_peer ? &sl : NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				if (accept_emfile(lsn, errno) < 0)
					return;
				continue;
			}
			if (errno != EAGAIN)
				log_error("%s: accept: %s", lsn->conf->name,
					  strerror(errno));
			return;
		}
		if (s->nconns >= (uint32_t)s->conf->max_connections)
			accept_over_limit(lsn, fd);
		else
			conn_open(lsn, fd,
				  want_peer ? (struct sockaddr *)&ss : NULL);
	}
}

static void listener_on_event(struct loop *l, struct loop_watch *w,
			      uint32_t ev)
{
	struct listener *lsn = container_of(w, struct listener, watch);

	/* Edge: until EAGAIN, as no new event comes before it. */
	listener_accept(lsn, lsn->conf->trigger == TRIGGER_EDGE
				 ? -1
				 : LEVEL_ACCEPTS_PER_EVENT);
}

int listener_start(struct server *s, struct listener *lsn)
{
	const struct listener_conf *lc = lsn->conf;
	double secs[CONN_T_COUNT] = {
		[CONN_T_IDLE] = lc->idle_timeout,
		[CONN_T_SEND] = lc->send_timeout,
		[CONN_T_LINGER] = LINGER_MS / 1000.0,
		[CONN_T_PROXY] = lc->proxy_timeout,
	};
	uint32_t ev = LOOP_IN | (lc->trigger == TRIGGER_EDGE ? LOOP_EDGE : 0);

	lsn->srv = s;
	if (lsn->mode->timeouts != NULL)
		lsn->mode->timeouts(lc, secs);
	for (int i = 0; i < CONN_T_COUNT; i++) {
		tlist_init(&lsn->timeouts[i].list, (uint64_t)(secs[i] * 1000));
		lsn->timeouts[i].timer.fn = timeouts_fire;
		lsn->timeouts[i].timer.heap_index = 0;
		lsn->timeouts[i].lsn = lsn;
	}
	lsn->resume.fn = listener_resume;
	lsn->resume.heap_index = 0;
	return loop_watch_add(s->loop, &lsn->watch, lsn->watch.fd, ev,
			      listener_on_event);
}

void listener_stop(struct listener *lsn)
{
	loop_timer_cancel(lsn->srv->loop, &lsn->resume);
	loop_watch_del(lsn->srv->loop, &lsn->watch);
}

void listener_close(struct listener *lsn)
{
	if (lsn->watch.fd < 0)
		return;
	/* Bounded: a flood must not keep the drain from starting. */
	if (!lsn->srv->draining)
		listener_accept(lsn, LISTENER_CLOSE_ACCEPTS);
	listener_stop(lsn);
	close(lsn->watch.fd);
	lsn->watch.fd = -1;
}
