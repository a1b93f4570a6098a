/* control.c - the control socket's I/O: listen, accept at most
 * CONTROL_MAX_CLIENTS, read one request line, write one answer, close;
 * every descriptor non-blocking, every client bounded in time */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conf/conf.h"
#include "control_impl.h"
#include "core/log.h"
#include "master_impl.h"

#define ACCEPTS_PER_EVENT 16

static void conn_free(struct ctl_conn *c)
{
	struct control *ctl = c->ctl;
	struct loop *l = ctl->m->loop;

	for (struct ctl_conn **p = &ctl->conns; *p != NULL; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	ctl->nconns--;
	loop_timer_cancel(l, &c->idle);
	/* Not loop_watch_forget: a worker being forked may still hold a copy
	 * of the fd, and then close() would leave it registered. */
	loop_watch_del(l, &c->watch);
	close(c->fd);
	free(c->out);
	free(c);
}

/* ---- The answer -------------------------------------------------------- */

static void out_add(struct ctl_conn *c, const char *s, size_t n)
{
	if (c->oom)
		return;
	if (c->outlen + n + 1 > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 256;
		char *p;
		while (cap < c->outlen + n + 1)
			cap *= 2;
		if ((p = realloc(c->out, cap)) == NULL) {
			c->oom = true;
			return;
		}
		c->out = p;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, s, n);
	c->outlen += n;
}

void ctl_reply(struct ctl_conn *c, const char *err)
{
	c->outlen = 0;
	if (err == NULL) {
		out_add(c, "OK\n", 3);
	} else {
		out_add(c, "ERR ", 4);
		out_add(c, err, strlen(err));
		out_add(c, "\n", 1);
	}
}

/* Each non-empty line of text[0..n), '\r' and control bytes as '?'. */
static void add_lines(struct ctl_conn *c, const char *text, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t e = i;
		while (e < n && text[e] != '\n')
			e++;
		if (e > i) {
			size_t start = c->outlen;
			out_add(c, text + i, e - i);
			out_add(c, "\n", 1);
			for (size_t k = start; !c->oom && k + 1 < c->outlen;
			     k++)
				if ((unsigned char)c->out[k] < 0x20 ||
				    c->out[k] == 0x7f)
					c->out[k] = '?';
		}
		i = e + 1;
	}
}

void ctl_lines(struct ctl_conn *c, const char *text)
{
	if (text != NULL)
		add_lines(c, text, strlen(text));
}

void ctl_line(struct ctl_conn *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		add_lines(c, buf,
			  (size_t)n < sizeof(buf) ? (size_t)n
						  : sizeof(buf) - 1);
}

/* Writes what it can; 1 when done, 0 to wait for LOOP_OUT, -1 on error. */
static int conn_flush(struct ctl_conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n =
		    send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return -1;
		c->outoff += (size_t)n;
		loop_timer_arm(c->ctl->m->loop, &c->idle, CONTROL_IDLE_MS);
	}
	return 1;
}

void ctl_send(struct ctl_conn *c)
{
	struct loop *l = c->ctl->m->loop;
	int r;

	if (c->oom) {
		static const char oom[] = "ERR internal\nout of memory\n\n";
		free(c->out);
		c->out = NULL;
		c->outlen = c->outcap = 0;
		c->oom = false;
		out_add(c, oom, sizeof(oom) - 1);
		if (c->oom) {
			conn_free(c);
			return;
		}
	} else {
		out_add(c, "\n", 1);
	}
	c->state = CC_WRITE;
	c->outoff = 0;
	loop_timer_arm(l, &c->idle, CONTROL_IDLE_MS);
	if ((r = conn_flush(c)) != 0)
		conn_free(c);
	else
		loop_watch_mod(l, &c->watch, LOOP_OUT);
}

void ctl_wait(struct ctl_conn *c, unsigned want)
{
	struct loop *l = c->ctl->m->loop;

	c->state = CC_WAIT;
	c->want = want;
	/* The reload has its own deadline. A client that goes away (HUP:
	 * both directions closed) is dropped; one that only shut its
	 * sending side down still gets its answer. */
	loop_timer_cancel(l, &c->idle);
	loop_watch_mod(l, &c->watch, 0);
}

/* ---- Reading the request ----------------------------------------------- */

static void refuse(struct ctl_conn *c, enum ctl_refusal r, const char *why)
{
	ctl_reply(c, ctl_refusal_token(r));
	ctl_line(c, "%s", why);
	ctl_send(c);
}

static void on_request(struct ctl_conn *c, const struct ctl_request *req)
{
	enum ctl_refusal r = ctl_request_lookup(req, &c->cmd);
	const char *usage;

	if (r == CTL_ERR_UNKNOWN_COMMAND) {
		refuse(c, r, "unknown command; try: preforkctl -h");
		return;
	}
	if (r != CTL_OK) {
		usage = ctl_request_usage(req->verb.p, req->verb.len);
		ctl_reply(c, ctl_refusal_token(r));
		ctl_line(c, "usage: %s", usage != NULL ? usage : "?");
		ctl_send(c);
		return;
	}
	control_cmd_run(c);
}

/* Parses what arrived; answers when a line is complete or cannot be. */
static void conn_parse(struct ctl_conn *c, bool eof)
{
	struct ctl_request req;
	ssize_t r = ctl_request_parse(c->in, c->inlen, &req);

	if (r > 0) {
		on_request(c, &req);
	} else if (r == CTL_PARSE_NEED_MORE) {
		if (eof)
			refuse(c, CTL_ERR_BAD_REQUEST,
			       "the request line has no newline");
	} else if (r == CTL_PARSE_TOO_LONG) {
		refuse(c, ctl_request_refusal(r),
		       "a request line has at most 1024 bytes");
	} else {
		refuse(c, ctl_request_refusal(r),
		       r == CTL_PARSE_TOO_MANY_ARGS
			   ? "too many words"
			   : "a request is printable ASCII words and a "
			     "newline");
	}
}

static void on_conn(struct loop *l, struct loop_watch *lw, uint32_t events)
{
	struct ctl_conn *c = container_of(lw, struct ctl_conn, watch);
	ssize_t n;

	if (c->state == CC_WRITE) {
		if (conn_flush(c) != 0)
			conn_free(c);
		return;
	}
	if (c->state == CC_WAIT) {
		if (events & (LOOP_HUP | LOOP_ERR))
			conn_free(c); /* the reload goes on without it */
		return;
	}
	n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen,
		 MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		conn_free(c);
		return;
	}
	/* The idle timer is not re-armed: the whole line must come within
	 * CONTROL_IDLE_MS of the connect, so a byte now and then cannot hold
	 * one of the few client slots. */
	c->inlen += (size_t)n;
	conn_parse(c, n == 0);
}

static void on_idle(struct loop *l, struct loop_timer *t)
{
	struct ctl_conn *c = container_of(t, struct ctl_conn, idle);

	log_info("control: client pid %d closed after %d s without traffic",
		 (int)c->pid, CONTROL_IDLE_MS / 1000);
	conn_free(c);
}

/* ---- Accepting --------------------------------------------------------- */

static void busy(int fd)
{
	static const char msg[] = "ERR busy\ntoo many control clients; "
				  "retry later\n\n";

	/* A new socket's buffer takes it whole; if not, too bad. */
	if (send(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		log_debug("control: busy answer: %s", strerror(errno));
	close(fd);
}

static void conn_new(struct control *ctl, int fd)
{
	struct loop *l = ctl->m->loop;
	struct ctl_conn *c = calloc(1, sizeof(*c));
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (c == NULL) {
		close(fd);
		return;
	}
	c->ctl = ctl;
	c->fd = fd;
	c->pid = -1;
	c->uid = (uid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
		c->pid = cred.pid;
		c->uid = cred.uid;
	}
	if (loop_watch_add(l, &c->watch, fd, LOOP_IN, on_conn) < 0) {
		log_warn("control: %s", strerror(errno));
		close(fd);
		free(c);
		return;
	}
	c->idle.fn = on_idle;
	loop_timer_arm(l, &c->idle, CONTROL_IDLE_MS);
	c->next = ctl->conns;
	ctl->conns = c;
	ctl->nconns++;
}

static void on_accept(struct loop *l, struct loop_watch *lw, uint32_t events)
{
	struct control *ctl = container_of(lw, struct control, watch);

	for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
		int fd =
		    accept4(lw->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("control: accept: %s",
					 strerror(errno));
			return;
		}
		if (ctl->nconns >= CONTROL_MAX_CLIENTS)
			busy(fd);
		else
			conn_new(ctl, fd);
	}
}

/* ---- The listening socket ---------------------------------------------- */

static void sock_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "%s", path);
}

/* A socket file already at path: removed when nobody answers on it;
 * -1 when someone does, or when it is not a socket. */
static int clear_stale(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, r;

	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen,
			 "control socket %s: a file that is not a "
			 "socket is in the way",
			 path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	sock_addr(path, &sa);
	/* connect() on AF_UNIX does not wait: it finds a listener or not. */
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (r == 0 || errno == EAGAIN) {
		snprintf(err, errlen,
			 "control socket %s: another process "
			 "(a running preforkd?) answers on it",
			 path);
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		snprintf(err, errlen,
			 "control socket %s: cannot remove the "
			 "stale socket: %s",
			 path, strerror(errno));
		return -1;
	}
	log_notice("control: replaced the stale socket %s", path);
	return 0;
}

/* A listening socket at path with permissions mode: its fd, or -1. The
 * file's identity goes to *st. */
static int sock_listen(const char *path, unsigned mode, struct stat *st,
		       char *err, size_t errlen)
{
	struct sockaddr_un sa;
	mode_t old;
	int fd = -1;

	if (clear_stale(path, err, errlen) < 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 0)) < 0)
		goto fail;
	sock_addr(path, &sa);
	/* Created with no more than mode from the start: no window. */
	old = umask((mode_t)(~mode & 0777));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		umask(old);
		goto fail;
	}
	umask(old);
	if (chmod(path, (mode_t)mode) < 0 || lstat(path, st) < 0 ||
	    listen(fd, 16) < 0) {
		unlink(path);
		goto fail;
	}
	return fd;
fail:
	snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Stops listening; unlinks the file if it is still the one made here. */
static void sock_close(struct control *ctl)
{
	struct stat st;

	if (ctl->fd < 0)
		return;
	loop_watch_del(ctl->m->loop, &ctl->watch);
	close(ctl->fd);
	ctl->fd = -1;
	if (lstat(ctl->path, &st) == 0 && st.st_dev == ctl->dev &&
	    st.st_ino == ctl->ino)
		unlink(ctl->path);
	free(ctl->path);
	ctl->path = NULL;
}

/* Listens on c's socket in place of ctl's (closed first when open). */
static int sock_open(struct control *ctl, const struct conf *c, char *err,
		     size_t errlen)
{
	char *path = strdup(c->control_socket);
	struct stat st;
	int fd;

	if (path == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((fd = sock_listen(path, c->control_mode, &st, err, errlen)) < 0) {
		free(path);
		return -1;
	}
	sock_close(ctl);
	if (loop_watch_add(ctl->m->loop, &ctl->watch, fd, LOOP_IN, on_accept) <
	    0) {
		snprintf(err, errlen, "control socket %s: %s", path,
			 strerror(errno));
		close(fd);
		unlink(path);
		free(path);
		return -1;
	}
	ctl->fd = fd;
	ctl->path = path;
	ctl->mode = c->control_mode;
	ctl->dev = st.st_dev;
	ctl->ino = st.st_ino;
	log_info("control: listening on %s (mode %04o)", path, ctl->mode);
	return 0;
}

struct control *control_open(struct master *m, const struct conf *c, char *err,
			     size_t errlen)
{
	struct control *ctl = calloc(1, sizeof(*ctl));

	if (ctl == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ctl->m = m;
	ctl->fd = -1;
	if (c->control_socket != NULL && sock_open(ctl, c, err, errlen) < 0) {
		free(ctl);
		return NULL;
	}
	return ctl;
}

int control_reconfigure(struct control *ctl, const struct conf *c)
{
	char err[256];

	if (c->control_socket == NULL) {
		if (ctl->fd >= 0)
			log_notice("control: no control socket any more; "
				   "closing %s",
				   ctl->path);
		sock_close(ctl);
		return 0;
	}
	if (ctl->fd >= 0 && strcmp(ctl->path, c->control_socket) == 0) {
		if (ctl->mode == c->control_mode)
			return 0;
		if (chmod(ctl->path, (mode_t)c->control_mode) < 0) {
			log_error("control: chmod %s: %s", ctl->path,
				  strerror(errno));
			return -1;
		}
		ctl->mode = c->control_mode;
		log_info("control: %s now has mode %04o", ctl->path,
			 c->control_mode);
		return 0;
	}
	if (sock_open(ctl, c, err, sizeof(err)) < 0) {
		log_error("%s; keeping %s", err,
			  ctl->path != NULL ? ctl->path : "no control socket");
		return -1;
	}
	return 0;
}

void control_reload_done(struct control *ctl, const struct reload_result *r)
{
	struct ctl_conn *c, *next;

	if (ctl == NULL)
		return;
	for (c = ctl->conns; c != NULL; c = next) {
		next = c->next;
		if (c->state == CC_WAIT && c->want == r->serial)
			control_cmd_done(c, r);
	}
}

void control_stopping(struct control *ctl)
{
	struct ctl_conn *c, *next;

	if (ctl == NULL)
		return;
	for (c = ctl->conns; c != NULL; c = next) {
		next = c->next;
		if (c->state == CC_WAIT) {
			ctl_reply(c, "stopping");
			ctl_line(c,
				 "the master is stopping: the %s did not "
				 "finish",
				 c->cmd.cmd == CTL_CMD_RELOAD ? "reload"
							      : "scale");
			ctl_send(c);
		}
	}
}

void control_close(struct control *ctl)
{
	if (ctl == NULL)
		return;
	while (ctl->conns != NULL)
		conn_free(ctl->conns);
	sock_close(ctl);
	free(ctl);
}
