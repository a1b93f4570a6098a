/* conn_proxy.c - the PROXY protocol phase of a connection: reads and
 * consumes the header before the mode sees a byte, keeps the client
 * address it announced, counts and logs rejections */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn_proxy.h"
#include "core/log.h"
#include "proxy.h"

_Static_assert((int)CONF_PROXY_V1 == (int)PROXY_V1 &&
		   (int)CONF_PROXY_V2 == (int)PROXY_V2 &&
		   (int)CONF_PROXY_ANY == (int)PROXY_ANY,
	       "conf_proxy spells proxy_versions");
_Static_assert(STATS_PROXY_REASONS == PROXY_REASON_COUNT,
	       "one counter per reason");

#define PEERS_MIN_BUCKETS 64
#define LOG_INTERVAL_MS	  1000

struct proxy_peer {
	struct proxy_peer *next;
	const struct conn *c;
	struct sockaddr_storage addr;
	socklen_t len;
};

static void on_event(struct loop *l, struct loop_watch *w, uint32_t ev);

static size_t bucket_of(const struct conn *c, size_t nbuckets)
{
	uint64_t h = (uint64_t)(uintptr_t)c * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 32) & (nbuckets - 1);
}

static struct proxy_peer **peer_find(struct proxy_peers *p,
				     const struct conn *c)
{
	struct proxy_peer **e;

	if (p->nbuckets == 0)
		return NULL;
	for (e = &p->buckets[bucket_of(c, p->nbuckets)]; *e != NULL;
	     e = &(*e)->next)
		if ((*e)->c == c)
			return e;
	return NULL;
}

/* Doubles the table (or makes the first one). 0, or -1 out of memory. */
static int peers_grow(struct proxy_peers *p)
{
	size_t nb = p->nbuckets ? 2 * p->nbuckets : PEERS_MIN_BUCKETS;
	struct proxy_peer **v = calloc(nb, sizeof(*v));

	if (v == NULL)
		return -1;
	for (size_t i = 0; i < p->nbuckets; i++)
		while (p->buckets[i] != NULL) {
			struct proxy_peer *e = p->buckets[i];
			p->buckets[i] = e->next;
			e->next = v[bucket_of(e->c, nb)];
			v[bucket_of(e->c, nb)] = e;
		}
	free(p->buckets);
	p->buckets = v;
	p->nbuckets = nb;
	return 0;
}

/* Keeps sa as c's client address. 0, or -1 out of memory. */
static int peer_store(struct proxy_peers *p, const struct conn *c,
		      const struct sockaddr_storage *sa)
{
	struct proxy_peer *e;

	if (p->n >= p->nbuckets && peers_grow(p) < 0)
		return -1;
	if ((e = malloc(sizeof(*e))) == NULL)
		return -1;
	e->c = c;
	e->addr = *sa;
	e->len = sa->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					   : sizeof(struct sockaddr_in);
	e->next = p->buckets[bucket_of(c, p->nbuckets)];
	p->buckets[bucket_of(c, p->nbuckets)] = e;
	p->n++;
	return 0;
}

void conn_proxy_forget(struct conn *c)
{
	struct proxy_peers *p = &c->lsn->srv->peers;
	struct proxy_peer **e = peer_find(p, c), *dead;

	if (e == NULL)
		return;
	dead = *e;
	*e = dead->next;
	free(dead);
	p->n--;
}

void conn_proxy_free_all(struct server *s)
{
	for (size_t i = 0; i < s->peers.nbuckets; i++)
		while (s->peers.buckets[i] != NULL) {
			struct proxy_peer *e = s->peers.buckets[i];
			s->peers.buckets[i] = e->next;
			free(e);
		}
	free(s->peers.buckets);
	memset(&s->peers, 0, sizeof(s->peers));
}

int conn_peer(const struct conn *c, struct sockaddr_storage *ss, socklen_t *sl)
{
	if (c->lsn->conf->proxy_protocol != CONF_PROXY_OFF) {
		struct proxy_peer **e = peer_find(&c->lsn->srv->peers, c);
		if (e != NULL) {
			*ss = (*e)->addr;
			*sl = (*e)->len;
			return 0;
		}
	}
	*sl = sizeof(*ss);
	return getpeername(c->watch.fd, (struct sockaddr *)ss, sl);
}

bool conn_proxy_wanted(const struct listener *lsn, const struct sockaddr *peer)
{
	const struct listener_conf *lc = lsn->conf;

	if (lc->proxy_protocol == CONF_PROXY_OFF)
		return false;
	if (lc->nproxy_from == 0)
		return true;
	return peer != NULL &&
	       cidr_match_list(lc->proxy_from, lc->nproxy_from, peer);
}

bool conn_proxy_pending(const struct conn *c)
{
	return c->watch.fn == on_event;
}

/* Counts the rejection; logs it unless the client sent nothing (a
 * balancer's TCP probe), at most once a second per worker; closes. */
static void reject(struct conn *c, enum proxy_reason r)
{
	struct server *s = c->lsn->srv;
	uint64_t now = loop_now(s->loop);

	c->lsn->stats.proxy_errors[r]++;
	if (r != PROXY_EMPTY && (s->peers.last_log == 0 ||
				 now - s->peers.last_log >= LOG_INTERVAL_MS)) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		char addr[INET6_ADDRSTRLEN] = "?";

		if (getpeername(c->watch.fd, (struct sockaddr *)&ss, &sl) == 0)
			inet_ntop(ss.ss_family,
				  ss.ss_family == AF_INET6
				      ? (void *)&((struct sockaddr_in6 *)&ss)
					    ->sin6_addr
				      : (void *)&((struct sockaddr_in *)&ss)
					    ->sin_addr,
				  addr, sizeof(addr));
		log_warn("%s: closing a connection from %s: bad PROXY "
			 "protocol header (%s); at most one such message a "
			 "second",
			 c->lsn->conf->name, addr, proxy_reason_name(r));
		s->peers.last_log = now;
	}
	conn_close(c, proxy_reason_name(r));
}

void conn_proxy_timeout(struct conn *c)
{
	reject(c, PROXY_TIMEOUT);
}

/* Takes the whole header out of the socket: what follows stays there for
 * the mode. 0, or -1 when c was closed. */
static int consume(struct conn *c, size_t len)
{
	ssize_t n;

	do
		n = recv(c->watch.fd, c->lsn->srv->scratch, len, 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len) {
		conn_close(c,
			   n < 0 ? strerror(errno) : "short read of a header");
		return -1;
	}
	c->lsn->stats.rx_bytes += len;
	return 0;
}

/* Looks at what arrived without taking it (MSG_PEEK), so a header split
 * across segments is parsed again whole, and only its own bytes are ever
 * consumed. The phase watches in edge mode whatever the listener's
 * trigger: bytes left unread then bring no new event until more come. */
static void try_header(struct conn *c)
{
	enum proxy_versions versions =
	    (enum proxy_versions)c->lsn->conf->proxy_protocol;
	size_t want = versions == PROXY_V1 ? PROXY_V1_MAX_LEN : PROXY_MAX_LEN;
	struct proxy_hdr h;
	ssize_t n;
	int r;

	do
		n = recv(c->watch.fd, c->lsn->srv->scratch, want, MSG_PEEK);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		/* mode_word: the bytes seen so far, before the mode owns it */
		if (n == 0 || c->mode_word > 0)
			reject(c, c->mode_word > 0 ? PROXY_TRUNCATED
						   : PROXY_EMPTY);
		else
			conn_close(c, strerror(errno));
		return;
	}
	r = proxy_parse(c->lsn->srv->scratch, (size_t)n, versions, &h);
	if (r == PROXY_REJECT) {
		reject(c, h.reason);
		return;
	}
	if (r == PROXY_NEED_MORE) {
		if (c->flags & CONN_PEER_EOF)
			reject(c, PROXY_TRUNCATED);
		else
			c->mode_word = (uint32_t)n;
		return;
	}
	if (consume(c, h.len) < 0)
		return;
	if (h.has_addr && peer_store(&c->lsn->srv->peers, c, &h.src) < 0) {
		conn_close(c, "out of memory for a PROXY address");
		return;
	}
	c->mode_word = 0;
	conn_set_timeout(c, CONN_T_NONE);
	c->flags |= CONN_READABLE; /* the request may have come with it */
	conn_begin(c);
	/* A closed c may be released already: its lsn is gone. */
	if (!(c->flags & CONN_CLOSED) && c->lsn->srv->draining &&
	    c->lsn->mode->on_shutdown != NULL)
		c->lsn->mode->on_shutdown(c);
}

static void on_event(struct loop *l, struct loop_watch *w, uint32_t ev)
{
	struct conn *c = container_of(w, struct conn, watch);

	(void)l;
	if (ev & LOOP_RDHUP)
		c->flags |= CONN_PEER_EOF;
	try_header(c);
}

void conn_proxy_start(struct conn *c)
{
	c->watch.fn = on_event;
	c->watch.events = LOOP_IN | LOOP_RDHUP | LOOP_EDGE;
	conn_set_timeout(c, CONN_T_PROXY);
	try_header(c);
}
