/* status.c - the status listener: /metrics, /livez and /readyz over
 * HTTP/1.1 with Connection: close, served by the master's loop from what
 * it already knows, with non-blocking sockets and bounded clients */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/sock.h"
#include "master_impl.h"
#include "metrics.h"
#include "status.h"

#define ACCEPTS_PER_EVENT 16
#define BACKLOG		  64

struct status_server;

/* One client: its request head, then its answer. */
struct status_client {
	struct status_server *srv;
	struct loop_watch watch; /* watch.fd is the socket, -1: a free slot */
	struct loop_timer timer;
	char in[STATUS_MAX_REQUEST];
	size_t inlen;
	char *out; /* the answer, whole; NULL until there is one */
	size_t outlen, outoff;
};

struct status_server {
	struct master *m;
	struct loop_watch watch; /* the listening socket */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool allow_remote;
	uint64_t last_refuse_log, last_busy_log;
	struct status_client clients[STATUS_MAX_CLIENTS];
};

/* ---- Pure parts -----------------------------------------------------------
 */

enum status_route status_route(const struct http_request *req)
{
	static const struct {
		const char *path;
		enum status_route route;
	} paths[] = {{"/metrics", STATUS_METRICS},
		     {"/livez", STATUS_LIVEZ},
		     {"/readyz", STATUS_READYZ}};
	const char *q = memchr(req->target, '?', req->target_len);
	size_t len = q != NULL ? (size_t)(q - req->target) : req->target_len;

	if (req->meth != HTTP_GET)
		return STATUS_BAD_METHOD;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (strlen(paths[i].path) == len &&
		    memcmp(paths[i].path, req->target, len) == 0)
			return paths[i].route;
	return STATUS_NOT_FOUND;
}

bool status_peer_allowed(const struct sockaddr *sa, bool allow_remote)
{
	static const unsigned char mapped[12] = {[10] = 0xff, [11] = 0xff};

	if (allow_remote)
		return true;
	if (sa->sa_family == AF_INET)
		return ((const unsigned char *)&(
			    (const struct sockaddr_in *)(const void *)sa)
			    ->sin_addr)[0] == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (memcmp(a->s6_addr, mapped, 12) == 0 &&
			a->s6_addr[12] == 127);
	}
	return false;
}

const char *status_not_ready(const struct master *m)
{
	if (m->phase != PHASE_RUNNING)
		return "stopping";
	if (!m->announced)
		return "starting";
	if (m->draining)
		return "draining";
	return NULL;
}

/* ---- Clients --------------------------------------------------------------
 */

static void client_close(struct status_client *c)
{
	struct loop *l = c->srv->m->loop;

	loop_timer_cancel(l, &c->timer);
	loop_watch_del(l,
		       &c->watch); /* a worker forked meanwhile may share it */
	close(c->watch.fd);
	c->watch.fd = -1;
	free(c->out);
	c->out = NULL;
}

/* Writes what is left of the answer; once it is out, stops writing (FIN)
 * and discards input until the peer closes, so no reset destroys it. */
static void client_write(struct status_client *c)
{
	struct loop *l = c->srv->m->loop;

	while (c->outoff < c->outlen) {
		ssize_t n = send(c->watch.fd, c->out + c->outoff,
				 c->outlen - c->outoff, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (loop_watch_mod(l, &c->watch, LOOP_OUT) < 0)
				client_close(c);
			return;
		}
		if (n < 0) {
			client_close(c);
			return;
		}
		c->outoff += (size_t)n;
	}
	if (shutdown(c->watch.fd, SHUT_WR) < 0 ||
	    loop_watch_mod(l, &c->watch, LOOP_IN | LOOP_RDHUP) < 0)
		client_close(c);
}

/* Queues the whole answer (head and body) and starts writing it. */
static void client_answer(struct status_client *c, int code, const char *reason,
			  const char *ctype, const char *extra,
			  const char *body, size_t blen)
{
	char head[320];
	int hlen =
	    snprintf(head, sizeof(head),
		     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
		     "Content-Length: %zu\r\n%sConnection: close\r\n\r\n",
		     code, reason, ctype, blen, extra);

	if (hlen < 0 || (size_t)hlen >= sizeof(head) ||
	    (c->out = malloc((size_t)hlen + blen)) == NULL) {
		client_close(c);
		return;
	}
	memcpy(c->out, head, (size_t)hlen);
	memcpy(c->out + hlen, body, blen);
	c->outlen = (size_t)hlen + blen;
	c->outoff = 0;
	client_write(c);
}

static void client_text(struct status_client *c, int code, const char *reason,
			const char *extra, const char *text)
{
	client_answer(c, code, reason, "text/plain; charset=utf-8", extra, text,
		      strlen(text));
}

static void answer_metrics(struct status_client *c)
{
	size_t len;
	char *text = metrics_render(c->srv->m, &len);

	if (text == NULL) {
		client_text(c, 503, "Service Unavailable", "",
			    "out of memory\n");
		return;
	}
	client_answer(c, 200, "OK", "text/plain; version=0.0.4; charset=utf-8",
		      "", text, len);
	free(text);
}

static void answer_readyz(struct status_client *c)
{
	const char *why = status_not_ready(c->srv->m);
	char body[32];

	if (why == NULL) {
		client_text(c, 200, "OK", "", "ready\n");
		return;
	}
	snprintf(body, sizeof(body), "%s\n", why);
	client_text(c, 503, "Service Unavailable", "", body);
}

static void client_route(struct status_client *c,
			 const struct http_request *req)
{
	switch (status_route(req)) {
	case STATUS_METRICS: answer_metrics(c); break;
	case STATUS_LIVEZ: client_text(c, 200, "OK", "", "ok\n"); break;
	case STATUS_READYZ: answer_readyz(c); break;
	case STATUS_NOT_FOUND:
		client_text(c, 404, "Not Found", "", "not found\n");
		break;
	case STATUS_BAD_METHOD:
		client_text(c, 405, "Method Not Allowed", "Allow: GET\r\n",
			    "method not allowed\n");
		break;
	}
}

static const char *reason_of(int code)
{
	switch (code) {
	case 400: return "Bad Request";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

/* Parses what has come so far; answers once the head is complete. */
static void client_parse(struct status_client *c)
{
	const struct http_limits lim = {STATUS_MAX_REQUEST};
	struct http_request req;
	char body[64];
	int st = 400;
	int n = http_parse_request(c->in, c->inlen, &lim, &req, &st);

	if (n == HTTP_PARSE_AGAIN && c->inlen < sizeof(c->in))
		return;
	if (n == HTTP_PARSE_AGAIN)
		st = 431;
	if (n < 0) {
		snprintf(body, sizeof(body), "%d %s\n", st, reason_of(st));
		client_text(c, st, reason_of(st), "", body);
		return;
	}
	client_route(c, &req);
}

static void on_client(struct loop *l, struct loop_watch *lw, uint32_t events)
{
	struct status_client *c = container_of(lw, struct status_client, watch);
	char sink[512];
	ssize_t n;

	if (c->out != NULL && c->outoff < c->outlen) {
		client_write(c);
		return;
	}
	if (c->out != NULL) { /* answered: discard until EOF */
		while ((n = read(lw->fd, sink, sizeof(sink))) > 0)
			;
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			client_close(c);
		return;
	}
	n = read(lw->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(c);
		return;
	}
	c->inlen += (size_t)n;
	client_parse(c);
}

static void on_client_timeout(struct loop *l, struct loop_timer *t)
{
	client_close(container_of(t, struct status_client, timer));
}

/* At most one log line a second per kind of refusal. */
static bool log_due(struct status_server *s, uint64_t *last)
{
	uint64_t now = loop_now(s->m->loop);

	if (*last != 0 && now - *last < 1000)
		return false;
	*last = now;
	return true;
}

/* Over STATUS_MAX_CLIENTS: a best-effort 503, no waiting on the socket. */
static void refuse_busy(struct status_server *s, int fd)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
				   "Content-Type: text/plain; charset=utf-8\r\n"
				   "Content-Length: 5\r\nRetry-After: 1\r\n"
				   "Connection: close\r\n\r\nbusy\n";
	char sink[512];

	if (log_due(s, &s->last_busy_log))
		log_warn("status: %d clients already; refusing more",
			 STATUS_MAX_CLIENTS);
	(void)!read(fd, sink, sizeof(sink)); /* a FIN then, not a reset */
	(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
	close(fd);
}

static void client_open(struct status_server *s, int fd)
{
	struct status_client *c = NULL;

	for (size_t i = 0; i < STATUS_MAX_CLIENTS && c == NULL; i++)
		if (s->clients[i].watch.fd < 0)
			c = &s->clients[i];
	if (c == NULL) {
		refuse_busy(s, fd);
		return;
	}
	c->inlen = 0;
	if (loop_watch_add(s->m->loop, &c->watch, fd, LOOP_IN | LOOP_RDHUP,
			   on_client) < 0) {
		close(fd);
		return;
	}
	loop_timer_arm(s->m->loop, &c->timer, STATUS_TIMEOUT_MS);
}

static void on_accept(struct loop *l, struct loop_watch *lw, uint32_t events)
{
	struct status_server *s = container_of(lw, struct status_server, watch);
	char name[64];

	for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		int fd = accept4(lw->fd, (struct sockaddr *)&peer, &plen,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0 && (errno == EINTR || errno == ECONNABORTED))
			continue;
		if (fd < 0) {
			if (errno != EAGAIN)
				log_error("status: accept: %s",
					  strerror(errno));
			return;
		}
		if (status_peer_allowed((struct sockaddr *)&peer,
					s->allow_remote)) {
			client_open(s, fd);
			continue;
		}
		if (log_due(s, &s->last_refuse_log))
			log_warn("status: refused %s: not a loopback peer "
				 "(allow_remote = false)",
				 sock_addr_str(&peer, name, sizeof(name)));
		close(fd);
	}
}

/* ---- The listener ---------------------------------------------------------
 */

static struct status_server *server_open(struct master *m,
					 const struct status_conf *sc,
					 char *err, size_t errlen)
{
	struct status_server *s;
	int fd;

	if (sock_probe_free(&sc->addr, sc->addrlen, err, errlen) < 0 ||
	    (fd = sock_listen(&sc->addr, sc->addrlen, BACKLOG, err, errlen)) <
		0)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	s->m = m;
	s->addr = sc->addr;
	s->addrlen = sc->addrlen;
	for (size_t i = 0; i < STATUS_MAX_CLIENTS; i++) {
		s->clients[i].srv = s;
		s->clients[i].watch.fd = -1;
		s->clients[i].timer.fn = on_client_timeout;
	}
	if (loop_watch_add(m->loop, &s->watch, fd, LOOP_IN, on_accept) < 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		close(fd);
		free(s);
		return NULL;
	}
	return s;
}

static void server_free(struct status_server *s)
{
	for (size_t i = 0; i < STATUS_MAX_CLIENTS; i++)
		if (s->clients[i].watch.fd >= 0)
			client_close(&s->clients[i]);
	loop_watch_del(s->m->loop, &s->watch);
	close(s->watch.fd);
	free(s);
}

int status_apply(struct master *m, const struct status_conf *sc, char *err,
		 size_t errlen)
{
	struct status_server *s = m->statsrv;
	char name[64];

	if (sc->listen == NULL) {
		status_close(m);
		return 0;
	}
	if (s == NULL || s->addrlen != sc->addrlen ||
	    memcmp(&s->addr, &sc->addr, sc->addrlen) != 0) {
		/* The old socket holds the port until the new one is bound
		 * elsewhere: an address that did not change never gets here. */
		if ((s = server_open(m, sc, err, errlen)) == NULL)
			return -1;
		status_close(m);
		m->statsrv = s;
		log_info("status: listening on %s",
			 sock_addr_str(&s->addr, name, sizeof(name)));
	}
	s->allow_remote = sc->allow_remote;
	return 0;
}

void status_close(struct master *m)
{
	if (m->statsrv == NULL)
		return;
	server_free(m->statsrv);
	m->statsrv = NULL;
}
