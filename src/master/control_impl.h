/* control_impl.h - a control client as control.c (its I/O) and
 * control_cmd.c (its commands) share it */
#ifndef PREFORKD_CONTROL_IMPL_H
#define PREFORKD_CONTROL_IMPL_H

#include <stdbool.h>
#include <sys/types.h>

#include "control.h"
#include "core/loop.h"
#include "ctl_request.h"

enum ctl_conn_state {
	CC_READ,  /* reading the request line */
	CC_WAIT,  /* waiting for a reload or scale to end */
	CC_WRITE, /* writing the answer, then closing */
};

struct ctl_conn {
	struct control *ctl;
	int fd;
	enum ctl_conn_state state;
	struct loop_watch watch;
	struct loop_timer idle;
	pid_t pid; /* SO_PEERCRED */
	uid_t uid;
	char in[CTL_REQUEST_MAX];
	size_t inlen;
	char *out; /* the answer, first line to empty line */
	size_t outlen, outcap, outoff;
	bool oom; /* the answer could not be built */
	struct ctl_command cmd;
	unsigned want; /* CC_WAIT: the reload or scale serial */
	struct ctl_conn *next;
};

struct control {
	struct master *m;
	int fd; /* listening, or -1 */
	char *path;
	unsigned mode;
	dev_t dev; /* the socket file created, to unlink only ours */
	ino_t ino;
	struct loop_watch watch;
	struct ctl_conn *conns;
	size_t nconns;
};

/* control.c: the answer. ctl_reply starts it (`OK`, or `ERR token` when
 * err is not NULL); ctl_line adds one body line (an empty one is skipped,
 * text with '\n' becomes several); ctl_send ends it and starts writing. */
void ctl_reply(struct ctl_conn *c, const char *err);
void ctl_line(struct ctl_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ctl_lines(struct ctl_conn *c, const char *text);
void ctl_send(struct ctl_conn *c);
/* Parks c until reload or scale serial want ends (control_reload_done). */
void ctl_wait(struct ctl_conn *c, unsigned want);

/* control_cmd.c: runs the command c->cmd and answers (or parks) c. */
void control_cmd_run(struct ctl_conn *c);
/* Answers a parked client with r. */
void control_cmd_done(struct ctl_conn *c, const struct reload_result *r);

#endif
