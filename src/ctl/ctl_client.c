/* ctl_client.c - one exchange with the master's control socket, in time */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl/ctl_client.h"

/* Milliseconds left before c's deadline, rounded up; 0 once it passed. */
static int remaining_ms(const struct ctl_client *c)
{
	struct timespec now;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)(c->deadline.tv_sec - now.tv_sec) * 1000000000LL +
	     (c->deadline.tv_nsec - now.tv_nsec);
	if (ns <= 0)
		return 0;
	return ns / 1000000 >= 0x7fffffff ? 0x7fffffff
					  : (int)((ns + 999999) / 1000000);
}

static void set_deadline(struct ctl_client *c, double timeout)
{
	long long ns = (long long)(timeout * 1e9);

	clock_gettime(CLOCK_MONOTONIC, &c->deadline);
	c->deadline.tv_sec += ns / 1000000000LL;
	c->deadline.tv_nsec += ns % 1000000000LL;
	if (c->deadline.tv_nsec >= 1000000000L) {
		c->deadline.tv_sec++;
		c->deadline.tv_nsec -= 1000000000L;
	}
}

/* Waits until fd is ready for events or the deadline passes: 1 ready, 0
 * timed out. */
static int wait_fd(struct ctl_client *c, short events)
{
	struct pollfd p = {.fd = c->fd, .events = events};
	int ms, n;

	for (;;) {
		ms = remaining_ms(c);
		if (ms == 0)
			return 0;
		n = poll(&p, 1, ms);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return 1; /* let the next call report the error */
	}
}

/* Sleeps up to ms milliseconds, but not past the deadline. */
static void nap(const struct ctl_client *c, int ms)
{
	int left = remaining_ms(c);
	struct timespec ts;

	if (left < ms)
		ms = left;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/* A non-blocking connect that retries while the master's accept queue is
 * full (EAGAIN on AF_UNIX) until the deadline. */
static int client_connect(struct ctl_client *c, const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int backoff = 5, e;
	socklen_t elen = sizeof(e);

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail;
	for (;;) {
		if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ||
		    errno == EISCONN)
			return CTL_EXIT_OK;
		if (errno == EINPROGRESS || errno == EALREADY) {
			if (!wait_fd(c, POLLOUT))
				break;
			if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &elen) <
			    0)
				goto fail;
			if (e == 0)
				return CTL_EXIT_OK;
			errno = e;
			goto fail;
		}
		if (errno != EAGAIN && errno != EINTR)
			goto fail;
		if (remaining_ms(c) == 0)
			break;
		nap(c, backoff);
		backoff = backoff < 100 ? backoff * 2 : 100;
	}
	snprintf(c->err, sizeof(c->err),
		 "cannot connect to %s: timed out (the master accepts no "
		 "connection)",
		 path);
	return CTL_EXIT_CONNECT;
fail:
	snprintf(c->err, sizeof(c->err), "cannot connect to %s: %s", path,
		 strerror(errno));
	return CTL_EXIT_CONNECT;
}

/* Sends line whole. The master may answer and close before it reads
 * (ERR busy): a closed peer ends the sending, and the answer is read. */
static int client_send(struct ctl_client *c, const char *line, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = send(c->fd, line + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return CTL_EXIT_OK;
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			snprintf(c->err, sizeof(c->err), "send: %s",
				 strerror(errno));
			return CTL_EXIT_PROTOCOL;
		}
		if (!wait_fd(c, POLLOUT)) {
			snprintf(c->err, sizeof(c->err),
				 "timed out sending the request (the outcome "
				 "is unknown)");
			return CTL_EXIT_TIMEOUT;
		}
	}
	return CTL_EXIT_OK;
}

/* Makes room for at least one more read; -1 once the answer is too big. */
static int grow(struct ctl_client *c)
{
	size_t cap = c->cap ? c->cap * 2 : 4096;
	char *p;

	if (c->len < c->cap)
		return 0;
	if (c->cap > CTL_ANSWER_MAX)
		return -1;
	if (cap > CTL_ANSWER_MAX + 1)
		cap = CTL_ANSWER_MAX + 1;
	p = realloc(c->buf, cap);
	if (p == NULL)
		return -1;
	c->buf = p;
	c->cap = cap;
	return 0;
}

static int protocol_error(struct ctl_client *c, const char *why)
{
	snprintf(c->err, sizeof(c->err), "protocol error: %s", why);
	return CTL_EXIT_PROTOCOL;
}

/* Reads until the answer is complete, malformed, too big, cut or late. */
static int client_recv(struct ctl_client *c)
{
	ssize_t n, r;

	for (;;) {
		if (c->len > CTL_ANSWER_MAX || grow(c) < 0)
			return protocol_error(c, "the answer is over 4 MiB");
		n = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (n > 0) {
			c->len += (size_t)n;
			r = ctl_answer_parse(c->buf, c->len, &c->answer);
			if (r > 0)
				return CTL_EXIT_OK;
			if (r < 0)
				return protocol_error(
				    c, "the answer does not begin with a line "
				       "'OK' or 'ERR <token>'");
			continue;
		}
		if (n == 0 || errno == ECONNRESET)
			return protocol_error(
			    c, c->len == 0 ? "the master closed the "
					     "connection without an answer"
					   : "the answer ended before its "
					     "empty line");
		if (errno != EAGAIN && errno != EINTR) {
			snprintf(c->err, sizeof(c->err), "read: %s",
				 strerror(errno));
			return CTL_EXIT_PROTOCOL;
		}
		if (!wait_fd(c, POLLIN)) {
			snprintf(c->err, sizeof(c->err),
				 "timed out waiting for the answer (the "
				 "outcome is unknown)");
			return CTL_EXIT_TIMEOUT;
		}
	}
}

int ctl_client_exchange(struct ctl_client *c, const char *path,
			const char *line, size_t len, double timeout)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	set_deadline(c, timeout);
	rc = client_connect(c, path);
	if (rc == CTL_EXIT_OK)
		rc = client_send(c, line, len);
	if (rc == CTL_EXIT_OK)
		rc = client_recv(c);
	return rc;
}

void ctl_client_free(struct ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
}
