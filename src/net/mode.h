/* mode.h - what a mode (echo, http, ...) plugs into the connection code:
 * listener set-up and tear-down, connection hooks, worker-wide hooks. The
 * worker finds a listener's mode in its mode table (worker/modes.c); the
 * connection code calls only these hooks and never names a mode. */
#ifndef PREFORKD_MODE_H
#define PREFORKD_MODE_H

#include <stdbool.h>

struct conn;
struct conf_errors;
struct listener;
struct listener_conf;

/* The timeout a connection currently waits under; one list per kind. */
enum conn_timeout {
	CONN_T_IDLE,	  /* echo: idle_timeout; http: reading a body */
	CONN_T_KEEPALIVE, /* http: between requests */
	CONN_T_HEADER,	  /* http: a request head in progress */
	CONN_T_SEND,	  /* output blocked: send_timeout */
	CONN_T_LINGER,	  /* after our FIN, discarding what the peer still sends */
	CONN_T_PROXY,	  /* a PROXY protocol header in progress (conn_proxy.c) */
	CONN_T_COUNT,
	CONN_T_NONE = CONN_T_COUNT,
};

/* Every hook is optional. */
struct mode {
	const char *name;
	/* A client of this mode speaks first: the master defers accepting
	 * (TCP_DEFER_ACCEPT) until its first bytes arrive. */
	bool client_speaks_first;

	/* In the master before the workers fork, and for -t: prepares what
	 * the workers share (lc->prepared, lc->prepared_free). Returns 0, or
	 * -1 with every reason appended to errs as FILE:LINE. */
	int (*prepare)(struct listener_conf *lc, struct conf_errors *errs);

	/* Prepares lsn->mode_data in the worker before it serves lsn.
	 * Returns 0, or -1 after logging why. */
	int (*listener_init)(struct listener *lsn);
	/* Releases what listener_init prepared. */
	void (*listener_free)(struct listener *lsn);
	/* Sets, in seconds, the durations of the mode's own kinds of timeout
	 * (secs[CONN_T_KEEPALIVE], ...) for listener lc. */
	void (*timeouts)(const struct listener_conf *lc,
			 double secs[CONN_T_COUNT]);

	void (*on_open)(struct conn *c);
	/* The socket may have data and no output is pending. */
	void (*on_read)(struct conn *c);
	/* All pending output has been written. */
	void (*on_drained)(struct conn *c);
	/* The timeout c waits under has expired (default: close). */
	void (*on_timeout)(struct conn *c, enum conn_timeout which);
	/* The worker started draining: finish and close c when convenient. */
	void (*on_shutdown)(struct conn *c);
	/* c is closing: release mode state (unless c is held: see
	 * conn_hold; then on_release comes when the last hold goes). */
	void (*on_close)(struct conn *c);
	/* A closed, held connection's last hold went: its slot is freed. */
	void (*on_release)(struct conn *c);
	/* fd is over max_connections and is about to be closed: tell the
	 * client why, if the protocol can. */
	void (*on_refuse)(struct listener *lsn, int fd);

	/* Worker-wide, once per mode: write out buffered output (about once a
	 * second and before the worker exits); reopen log files (SIGUSR1). */
	void (*flush)(void);
	void (*reopen)(void);
};

#endif
