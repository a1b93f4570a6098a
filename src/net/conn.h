/* conn.h - connections shared by all modes: accept, buffers, backpressure,
 * timeouts, one close path */
#ifndef PREFORKD_CONN_H
#define PREFORKD_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "core/buf.h"
#include "conf/conf.h"
#include "core/loop.h"
#include "core/tlist.h"
#include "mode.h"
#include "stats.h"

struct server;

/* The connections of one listener waiting under one kind of timeout. */
struct conn_tq {
	struct tlist list;
	struct loop_timer timer;
	struct listener *lsn;
};

/* One listening socket served by this worker. */
struct listener {
	struct loop_watch watch;
	const struct listener_conf *conf;
	const struct mode *mode;
	struct server *srv;
	struct conn_tq timeouts[CONN_T_COUNT];
	struct loop_timer resume; /* re-enables accepting after EMFILE */
	void *mode_data; /* what the mode's listener_init prepared */
	struct net_stats stats; /* conn.c and the mode count here */
};

enum {
	CONN_READABLE = 1 << 0, /* edge mode: data may be waiting */
	CONN_CLOSED = 1 << 1,
	CONN_LINGER = 1 << 2,	/* shut down for writing, draining input */
	CONN_PEER_EOF = 1 << 3, /* edge mode: the peer sent FIN (RDHUP) */
	CONN_DONE = 1 << 4,	/* close (lingering) once output is flushed */
	CONN_WANT_WRITE = 1 << 5, /* the mode waits for room (e.g. sendfile) */
	CONN_UNREAD = 1 << 6,	/* input may follow that we will not read */
	CONN_UNWATCHED = 1 << 7, /* not registered with the loop yet */
};

struct conn {
	struct loop_watch watch; /* watch.fd is the socket */
	struct tnode tnode;
	struct listener *lsn;
	struct buf *in;	 /* unconsumed input, only while some is pending */
	struct buf *out; /* unsent output, only while the socket is full */
	void *proto;	 /* mode state while a request is in flight */
	uint8_t flags;
	uint8_t timeout;    /* enum conn_timeout */
	uint8_t mode_flags; /* the mode's own */
	uint8_t holds;	    /* conn_hold: the slot outlives a close */
	uint32_t mode_word; /* the mode's own: where framing resumes (module),
			     * low bits of loop_now when a request began (http) */
};

/* The client addresses PROXY headers announced, by connection (a hash
 * table in conn_proxy.c): only PROXY connections pay for one. */
struct proxy_peer;
struct proxy_peers {
	struct proxy_peer **buckets;
	size_t nbuckets, n;
	uint64_t last_log; /* loop_now of the last rejection logged */
};

/* The serving state of one worker, shared by its listeners and conns. */
struct server {
	struct loop *loop;
	const struct conf *conf;
	struct buf_pool pool;
	char *scratch; /* shared read buffer: data is copied out only if kept */
	size_t scratch_size;
	struct conn *free_conns;
	struct conn **slabs; /* every conn lives in one of these */
	size_t nslabs;
	uint32_t nconns;
	uint64_t requests;
	int reserve_fd; /* given up on EMFILE to accept-and-close */
	uint64_t last_emfile_log, last_limit_log;
	bool draining;
	bool unhealthy; /* health checks answer 503 (drain, drain_delay) */
	struct proxy_peers peers;
	void (*on_idle)(struct server *s); /* after the last conn closes */
};

#define SCRATCH_SIZE (64 * 1024)

int server_init(struct server *s, struct loop *loop, const struct conf *conf);
void server_free(struct server *s);
/* Calls fn for every open connection (fn may close it). */
void server_each_conn(struct server *s, void (*fn)(struct conn *c));

/* Starts serving lsn (fd, conf, mode filled in). 0 or -1 (errno). */
int listener_start(struct server *s, struct listener *lsn);
/* Stops accepting on lsn; its connections go on. */
void listener_stop(struct listener *lsn);

/* The worker drains: a connection still reading its PROXY header closes,
 * any other gets its mode's on_shutdown. */
void conn_shutdown(struct conn *c);

/* Stops accepting on lsn for good: takes on what already waits in its
 * accept queue (those connections are served), then closes the socket,
 * this process's copy of it. */
void listener_close(struct listener *lsn);

/* Closes c now (logged at debug with reason). c must not be used after. */
void conn_close(struct conn *c, const char *reason);

/* While the mode will not read c (it waits for a job), level mode stops
 * watching c's input, which would otherwise wake the loop again and again;
 * the peer's FIN still comes (CONN_PEER_EOF). 0, or -1 when c was closed. */
int conn_pause_input(struct conn *c, bool pause);

/* Whether the client has closed its side with nothing left unread (one
 * MSG_PEEK unless the loop already saw its FIN): a mode that waited
 * without reading (a job on a thread) asks before answering. */
bool conn_peer_gone(struct conn *c);

/* Keeps c's slot from being reused while something (a job on a thread)
 * may still refer to it, even after c closes: a closed connection keeps
 * CONN_CLOSED and its mode state until the last conn_unhold, which calls
 * the mode's on_release (if any) and frees the slot. */
void conn_hold(struct conn *c);
void conn_unhold(struct conn *c);

/* Closes once pending output is out. When input may still arrive (level
 * mode, unread data, CONN_UNREAD), sends FIN first and discards input until
 * the peer closes (or CONN_T_LINGER), so a reset never destroys the answer. */
void conn_finish(struct conn *c);

/*
 * Reads into buf. Returns bytes read (> 0); 0 when nothing is available
 * now (edge mode: the socket is drained); -1 when c was closed (EOF or
 * error). In level mode, a second read in one event returns 0.
 */
ssize_t conn_read(struct conn *c, char *buf, size_t len);

/*
 * Writes iov; what the socket does not take is copied into c->out and
 * written when it drains (the mode's on_drained runs then). Returns 0, or
 * -1 when c was closed.
 */
int conn_writev(struct conn *c, const struct iovec *iov, int iovcnt);

/* Waits for the socket to take more (the mode writes by itself, e.g. with
 * sendfile); on_drained runs then. 0, or -1 when c was closed. */
int conn_wait_writable(struct conn *c);

/*
 * The client's address: the one its PROXY header announced, else the
 * socket's peer (getpeername). Returns 0 with *ss and *sl set, or -1.
 */
int conn_peer(const struct conn *c, struct sockaddr_storage *ss,
	      socklen_t *sl);

/* Waits under timeout which from now (CONN_T_NONE: no timeout). */
void conn_set_timeout(struct conn *c, enum conn_timeout which);

/* Whether the mode may read now: no output pending, not closing. */
static inline bool conn_can_read(const struct conn *c)
{
	return c->out == NULL && !(c->flags & (CONN_CLOSED | CONN_LINGER));
}

#endif
