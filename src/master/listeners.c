/* listeners.c - the master's listening sockets: one SO_REUSEPORT socket per
 * listener per worker slot, kept open for as long as a live generation
 * configures the listener (closing one would reset its accept queue) */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listeners.h"
#include "core/sock.h"
#include "worker/modes.h"

/* Exactly the same address (unlike conf_same_address, no wildcard match). */
static bool same_addr(const struct sockaddr_storage *a,
		      const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port &&
	       x->sin6_scope_id == y->sin6_scope_id &&
	       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
}

static struct lsock *find(const struct listeners *ls,
			  const struct listener_conf *lc)
{
	for (size_t i = 0; i < ls->n; i++)
		if (same_addr(&ls->v[i]->addr, &lc->addr))
			return ls->v[i];
	return NULL;
}

static struct lsock *add(struct listeners *ls, const struct listener_conf *lc)
{
	struct lsock **v = realloc(ls->v, (ls->n + 1) * sizeof(*v));
	struct lsock *s;

	if (v == NULL)
		return NULL;
	ls->v = v;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->addr = lc->addr;
	s->addrlen = lc->addrlen;
	s->backlog = lc->backlog;
	ls->v[ls->n++] = s;
	return s;
}

/* Opens sockets until s has n of them. */
static int grow(struct lsock *s, size_t n, char *err, size_t errlen)
{
	int *fds;

	if (n <= s->nfds)
		return 0;
	if ((fds = realloc(s->fds, n * sizeof(*fds))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->fds = fds;
	while (s->nfds < n) {
		int fd = sock_listen(&s->addr, s->addrlen, s->backlog, err, errlen);
		if (fd < 0)
			return -1;
		if (s->defer && sock_defer_accept(fd, true, err, errlen) < 0) {
			close(fd);
			return -1;
		}
		s->fds[s->nfds++] = fd;
	}
	return 0;
}

/* Gives every socket of s this backlog and deferred-accept setting. */
static int apply(struct lsock *s, int backlog, bool defer, char *err,
		 size_t errlen)
{
	char name[64];

	if (s->backlog != backlog) {
		for (size_t i = 0; i < s->nfds; i++)
			if (listen(s->fds[i], backlog) < 0) {
				snprintf(err, errlen, "listen %s: %s",
					 sock_addr_str(&s->addr, name, sizeof(name)),
					 strerror(errno));
				return -1;
			}
		s->backlog = backlog;
	}
	if (s->defer != defer) {
		for (size_t i = 0; i < s->nfds; i++)
			if (sock_defer_accept(s->fds[i], defer, err, errlen) < 0)
				return -1;
		s->defer = defer;
	}
	return 0;
}

static int add_use(struct lsock *s, unsigned gen, int backlog, bool defer)
{
	struct lsock_use *u = realloc(s->uses, (s->nuses + 1) * sizeof(*u));

	if (u == NULL)
		return -1;
	s->uses = u;
	s->uses[s->nuses++] = (struct lsock_use){ gen, s->nfds, backlog, defer };
	return 0;
}

/* Whether another of our socket sets overlaps s's address (moving a
 * listener between "*:P" and "127.0.0.1:P" on reload). */
static bool overlaps_ours(const struct listeners *ls, const struct lsock *s)
{
	struct listener_conf a = { .addr = s->addr, .addrlen = s->addrlen };

	for (size_t i = 0; i < ls->n; i++) {
		struct listener_conf b = { .addr = ls->v[i]->addr,
					   .addrlen = ls->v[i]->addrlen };
		if (ls->v[i] != s && ls->v[i]->nfds > 0 && conf_same_address(&a, &b))
			return true;
	}
	return false;
}

static int acquire_one(struct listeners *ls, const struct listener_conf *lc,
		       int workers, unsigned gen, char *err, size_t errlen)
{
	struct lsock *s = find(ls, lc);
	/* Where the client speaks first, wake the worker when it has. */
	bool defer = modes_get(lc->mode)->client_speaks_first;

	if (s == NULL && (s = add(ls, lc)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* A new address must not be shared, through SO_REUSEPORT, with
	 * another process that listens there. */
	if (s->nfds == 0 && !overlaps_ours(ls, s) &&
	    sock_probe_free(&s->addr, s->addrlen, err, errlen) < 0)
		return -1;
	/* Recorded first, so that a failure below is undone by release. */
	if (add_use(s, gen, lc->backlog, defer) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (grow(s, (size_t)workers, err, errlen) < 0 ||
	    apply(s, lc->backlog, defer, err, errlen) < 0)
		return -1;
	s->uses[s->nuses - 1].nfds = s->nfds;
	return 0;
}

int listeners_acquire(struct listeners *ls, const struct conf *c, unsigned gen,
		      char *err, size_t errlen)
{
	char why[256];

	for (size_t i = 0; i < c->nlisteners; i++) {
		const struct listener_conf *lc = &c->listeners[i];
		if (acquire_one(ls, lc, c->workers, gen, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "listener \"%s\": %s", lc->name, why);
			listeners_release(ls, gen);
			return -1;
		}
	}
	return 0;
}

static const struct lsock_use *use_of(const struct lsock *s, unsigned gen)
{
	for (size_t i = 0; i < s->nuses; i++)
		if (s->uses[i].gen == gen)
			return &s->uses[i];
	return NULL;
}

static void drop_uses(struct lsock *s, unsigned gen)
{
	size_t k = 0;

	for (size_t i = 0; i < s->nuses; i++)
		if (s->uses[i].gen != gen)
			s->uses[k++] = s->uses[i];
	s->nuses = k;
}

/* Closes the sockets beyond what the remaining generations use, and
 * applies the newest one's settings (best effort: they served before). */
static void trim(struct lsock *s)
{
	const struct lsock_use *newest = &s->uses[0];
	size_t need = 0;
	char err[128];

	for (size_t i = 0; i < s->nuses; i++) {
		if (s->uses[i].nfds > need)
			need = s->uses[i].nfds;
		if (s->uses[i].gen > newest->gen)
			newest = &s->uses[i];
	}
	while (s->nfds > need)
		close(s->fds[--s->nfds]);
	apply(s, newest->backlog, newest->defer, err, sizeof(err));
}

static void lsock_free(struct lsock *s)
{
	for (size_t i = 0; i < s->nfds; i++)
		close(s->fds[i]);
	free(s->fds);
	free(s->uses);
	free(s);
}

void listeners_release(struct listeners *ls, unsigned gen)
{
	size_t k = 0;

	for (size_t i = 0; i < ls->n; i++) {
		struct lsock *s = ls->v[i];
		drop_uses(s, gen);
		if (s->nuses == 0) {
			lsock_free(s);
			continue;
		}
		trim(s);
		ls->v[k++] = s;
	}
	ls->n = k;
	if (k == 0) {
		free(ls->v);
		ls->v = NULL;
	}
}

/* Counts the sockets of slot, and stores them in out unless it is NULL. */
static size_t each_for_slot(const struct listeners *ls, const struct conf *c,
			    unsigned gen, int slot, struct worker_socket *out)
{
	size_t n = 0;

	for (size_t li = 0; li < c->nlisteners; li++) {
		const struct lsock *s = find(ls, &c->listeners[li]);
		const struct lsock_use *u = s ? use_of(s, gen) : NULL;
		for (size_t i = 0; u != NULL && i < u->nfds; i++) {
			if ((int)(i % (size_t)c->workers) != slot)
				continue;
			if (out != NULL)
				out[n] = (struct worker_socket){ s->fds[i], li };
			n++;
		}
	}
	return n;
}

int listeners_for_slot(const struct listeners *ls, const struct conf *c,
		       unsigned gen, int slot, struct worker_socket **out,
		       size_t *n)
{
	size_t count = each_for_slot(ls, c, gen, slot, NULL);

	*out = calloc(count ? count : 1, sizeof(**out));
	if (*out == NULL)
		return -1;
	*n = each_for_slot(ls, c, gen, slot, *out);
	return 0;
}

size_t listeners_count(const struct listeners *ls)
{
	size_t n = 0;

	for (size_t i = 0; i < ls->n; i++)
		n += ls->v[i]->nfds;
	return n;
}

void listeners_close_all(struct listeners *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		lsock_free(ls->v[i]);
	free(ls->v);
	ls->v = NULL;
	ls->n = 0;
}
