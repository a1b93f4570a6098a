/* ctl_client.h - one exchange with the master's control socket, in time */
#ifndef PREFORKD_CTL_CLIENT_H
#define PREFORKD_CTL_CLIENT_H

#include <stddef.h>
#include <time.h>

#include "ctl/ctl_answer.h"

/* preforkctl's exit status (DESIGN.md "Command line"). */
enum ctl_exit {
	CTL_EXIT_OK = 0,      /* OK */
	CTL_EXIT_REFUSED = 1, /* ERR: the daemon said no */
	CTL_EXIT_USAGE = 2,   /* checked locally: nothing was sent */
	CTL_EXIT_CONNECT = 3, /* cannot connect: nothing was sent */
	CTL_EXIT_TIMEOUT =
	    4, /* sent, no whole answer in time: outcome unknown */
	CTL_EXIT_PROTOCOL =
	    5, /* the answer is malformed, cut short or too big */
};

/* The largest answer taken, the empty line included (show metrics of a
 * master with the most workers fits many times over). */
#define CTL_ANSWER_MAX (4u << 20)

struct ctl_client {
	int fd;
	struct timespec deadline; /* CLOCK_MONOTONIC */
	char *buf;		  /* the answer as read; owned */
	size_t len, cap;
	struct ctl_answer answer; /* valid after ctl_client_exchange == 0 */
	char err[512];		  /* why, when it returns non-zero */
};

/*
 * Connects to the AF_UNIX stream socket at path, sends line[0..len) and
 * reads the answer up to its empty line, all within timeout seconds.
 * Returns CTL_EXIT_OK with c->answer pointing into c->buf, or
 * CTL_EXIT_CONNECT, CTL_EXIT_TIMEOUT or CTL_EXIT_PROTOCOL with c->err
 * saying why. The caller calls ctl_client_free(c) in every case.
 */
int ctl_client_exchange(struct ctl_client *c, const char *path,
			const char *line, size_t len, double timeout);

/* Closes the socket and frees the buffer. */
void ctl_client_free(struct ctl_client *c);

#endif
