/* control.h - the master's control socket: an AF_UNIX stream socket whose
 * clients send one request line and read one answer (DESIGN.md "Control
 * socket"), served by the master's loop without ever blocking it */
#ifndef PREFORKD_CONTROL_H
#define PREFORKD_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct master;
struct conf;
struct control;

/* Clients served at once; one more is answered `ERR busy` and closed. */
#define CONTROL_MAX_CLIENTS 8
/* A client that sends (or takes) nothing for this long is closed. */
#define CONTROL_IDLE_MS 10000

/* How a reload or a scale ended, for the clients that wait for it. */
struct reload_result {
	unsigned serial;  /* which one (master.reload_serial when it began) */
	const char *err;  /* NULL: ok; else the ERR token ("config", "bind",
			     "timeout", "worker-exit", "stopping", ...) */
	unsigned gen;	  /* the generation that serves now */
	int workers;	  /* its workers */
	uint64_t ms;	  /* how long it took */
	const char *text; /* error lines, or notes; '\n'-separated, or "" */
	bool unchanged;	  /* a scale to the count already running */
};

/*
 * Creates the control state of master m and, when c names a control
 * socket, listens on it: a stale socket file is replaced, a socket on which
 * another process answers is not (-1). Returns the state (never NULL on
 * success, even without a socket), or NULL with the reason in err.
 */
struct control *control_open(struct master *m, const struct conf *c, char *err,
			     size_t errlen);

/*
 * After a reload: listens on c's socket when the path changed (the old one
 * is closed and unlinked; clients already connected are served to the
 * end), applies a changed mode. A failure is logged and keeps the old
 * socket; returns 0 or -1.
 */
int control_reconfigure(struct control *ctl, const struct conf *c);

/* Answers every client waiting for reload or scale r->serial. */
void control_reload_done(struct control *ctl, const struct reload_result *r);

/* A stop began: every waiting client gets `ERR stopping`. */
void control_stopping(struct control *ctl);

/* Closes every client and the socket, unlinks the socket file if it is
 * still the one created here, frees ctl. NULL is fine. */
void control_close(struct control *ctl);

#endif
