/* worker.h - one worker process: its event loop over its own sockets */
#ifndef PREFORKD_WORKER_H
#define PREFORKD_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"

/* A listening socket the worker serves, and which listener it belongs to. */
struct worker_socket {
	int fd;
	size_t listener; /* index into conf->listeners */
};

struct worker_args {
	const struct conf *conf;
	int slot;	     /* 0-based worker slot */
	unsigned generation; /* 1 for the first generation */
	const struct worker_socket *socks;
	size_t nsocks;
	int channel_fd; /* SOCK_SEQPACKET to the master, or -1 when standalone */
};

/*
 * Messages a worker sends on channel_fd, one per datagram: READY once its
 * loop runs, then STATS about once a second (also the heartbeat that the
 * master's worker_timeout watches). EOF on the channel means the master is
 * gone and the worker exits at once.
 */
enum worker_msg_type { WORKER_MSG_READY = 1, WORKER_MSG_STATS = 2 };

struct worker_msg {
	uint32_t type;
	uint32_t connections; /* open right now */
	uint64_t requests;    /* served since start (echo: reads) */
};

/* Exit statuses of a worker process. */
enum { WORKER_EXIT_OK = 0, WORKER_EXIT_SETUP = 3 };

/*
 * Runs one worker until it has drained or is told to quit; returns the exit
 * status. Signals: TERM/INT drain gracefully, QUIT stops at once, USR1
 * reopens the access logs; the caller must have them blocked (the master
 * forks with them blocked) and SIGHUP/SIGPIPE ignored. The worker does not
 * fork, drop privileges or close inherited descriptors: its caller does.
 */
int worker_run(const struct worker_args *a);

#endif
