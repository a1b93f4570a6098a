/* listeners.h - the master's listening sockets: one SO_REUSEPORT socket per
 * listener per worker slot, kept open for as long as a live generation
 * configures the listener (closing one would reset its accept queue) */
#ifndef PREFORKD_LISTENERS_H
#define PREFORKD_LISTENERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "conf/conf.h"
#include "worker/worker.h"

/* What one generation uses of a socket set. */
struct lsock_use {
	unsigned gen;
	size_t nfds;	/* sockets 0..nfds-1 serve this generation */
	int backlog;
	bool defer;	/* TCP_DEFER_ACCEPT (HTTP listeners) */
};

/* The sockets of one address, shared by every generation that listens
 * on it. */
struct lsock {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int backlog; /* as last given to listen() */
	bool defer;  /* TCP_DEFER_ACCEPT as last set */
	int *fds;
	size_t nfds;
	struct lsock_use *uses;
	size_t nuses;
};

struct listeners {
	struct lsock **v;
	size_t n;
};

/*
 * Gives generation gen (configuration c) its sockets: a listener reuses the
 * sockets of the same address, gets one more socket per worker slot that
 * has none yet, and a changed backlog or deferred accept (on for HTTP
 * listeners, whose clients speak first) is applied in place. Returns 0,
 * or -1 with err naming the listener; gen then holds nothing and every
 * socket opened for it is closed again.
 */
int listeners_acquire(struct listeners *ls, const struct conf *c, unsigned gen,
		      char *err, size_t errlen);

/*
 * Ends generation gen's use: sockets that no remaining generation uses are
 * closed, and the newest remaining generation's settings are applied.
 */
void listeners_release(struct listeners *ls, unsigned gen);

/*
 * The sockets worker slot of generation gen (configuration c, c->workers
 * slots) serves: socket i of each listener goes to slot i % workers, so a
 * slot keeps its own socket and takes over those of slots that went away.
 * Returns 0 with a malloc'ed array in *out (n entries), or -1.
 */
int listeners_for_slot(const struct listeners *ls, const struct conf *c,
		       unsigned gen, int slot, struct worker_socket **out,
		       size_t *n);

/* Open sockets, all listeners together. */
size_t listeners_count(const struct listeners *ls);

/* Closes everything (at exit). */
void listeners_close_all(struct listeners *ls);

#endif
