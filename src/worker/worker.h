/* worker.h - one worker process: its event loop over its own sockets */
#ifndef PREFORKD_WORKER_H
#define PREFORKD_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "net/stats.h"

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
 * loop runs, then about once a second LISTENERS (its per-listener
 * counters) followed by STATS (totals; also the heartbeat that the
 * master's worker_timeout watches), and LISTENERS once more when its loop
 * ends. EOF on the channel means the master is gone and the worker exits
 * at once.
 */
enum worker_msg_type {
	WORKER_MSG_READY = 1,
	WORKER_MSG_STATS = 2,
	WORKER_MSG_LISTENERS = 3,
};

struct worker_msg {
	uint32_t type;
	uint32_t connections; /* open right now */
	uint64_t requests;    /* served since start (echo: reads) */
};

/*
 * WORKER_MSG_LISTENERS: a head, then count struct net_stats for the
 * listeners first .. first + count - 1 of the worker's configuration
 * (indexes into conf->listeners; total is conf->nlisteners), each the sum
 * over the worker's sockets of that listener, counted since the worker
 * started. A datagram carries at most WORKER_LISTENERS_PER_MSG of them
 * (about 9 KiB, far below the AF_UNIX datagram limit of the socket buffer,
 * about 200 KiB); more listeners take more datagrams, sent in order.
 */
#define WORKER_LISTENERS_PER_MSG 32

struct worker_msg_listeners {
	uint32_t type;
	uint32_t first, count, total;
	struct net_stats st[]; /* count of them */
};

/*
 * What the master sends a worker on channel_fd, one per datagram: HEALTH
 * (unhealthy 1 after `drain` or SIGTERM, 0 after `undrain`) sets what the
 * HTTP listeners' health_path answers (503 or 200). A worker starts
 * healthy; the master tells a worker that becomes ready while the
 * instance drains.
 */
enum master_msg_type { MASTER_MSG_HEALTH = 1 };

struct master_msg {
	uint32_t type;
	uint32_t unhealthy;
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
