/* floor.c - the benchmarks' floor: a minimal single-process epoll server
 * that answers every complete HTTP request with a fixed response (all the
 * answers to one read in one write), or echoes (-e); nothing else */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define RESPONSE                                                             \
	"HTTP/1.1 200 OK\r\nServer: floor\r\nContent-Type: text/plain\r\n" \
	"Content-Length: 13\r\n\r\nHello, world!"
#define COPIES 256

struct client {
	int fd;
	unsigned crlf;	/* how much of "\r\n\r\n" the input ended with */
	size_t owed;	/* http: response bytes not written yet */
	char *echo;	/* echo: bytes read, not yet written back */
	size_t elen, eoff;
};

struct floor {
	int ep, lfd;
	bool echo;
	char *resp;	/* COPIES responses back to back */
	size_t rlen;
	char buf[65536];
};

static void floor_close(struct client *c)
{
	close(c->fd);
	free(c->echo);
	free(c);
}

static void floor_watch(struct floor *f, struct client *c, int op, bool out)
{
	struct epoll_event ev = { .events = out ? EPOLLOUT : EPOLLIN,
				  .data.ptr = c };

	epoll_ctl(f->ep, op, c->fd, &ev);
}

/* Counts the requests that end in buf[0..n), across reads. */
static size_t floor_count(struct client *c, const char *buf, size_t n)
{
	static const char end[] = "\r\n\r\n";
	size_t reqs = 0;

	for (size_t i = 0; i < n; i++) {
		if (buf[i] == end[c->crlf])
			c->crlf++;
		else
			c->crlf = buf[i] == '\r';
		if (c->crlf == 4) {
			reqs++;
			c->crlf = 0;
		}
	}
	return reqs;
}

/* Writes what c is owed; 1 when some is left, 0 done, -1 error. The owed
 * bytes are always a suffix of a run of whole responses. */
static int floor_pay(struct floor *f, struct client *c)
{
	size_t all = f->rlen * COPIES;

	while (c->owed) {
		size_t chunk = c->owed % all ? c->owed % all : all;
		ssize_t n = write(c->fd, f->resp + all - chunk, chunk);
		if (n < 0)
			return errno == EAGAIN ? 1 : -1;
		c->owed -= (size_t)n;
	}
	return 0;
}

static int floor_echo_flush(struct client *c)
{
	while (c->eoff < c->elen) {
		ssize_t n = write(c->fd, c->echo + c->eoff, c->elen - c->eoff);
		if (n < 0)
			return errno == EAGAIN ? 1 : -1;
		c->eoff += (size_t)n;
	}
	return 0;
}

/* Echo: write back what was read; keep what the socket did not take and
 * stop reading until it is gone (backpressure). */
static int floor_echo(struct client *c, const char *buf, size_t n)
{
	ssize_t w = write(c->fd, buf, n);
	char *copy;

	if (w < 0 && errno != EAGAIN)
		return -1;
	if (w < 0)
		w = 0;
	if ((size_t)w == n)
		return 0;
	copy = realloc(c->echo, n - (size_t)w);
	if (!copy)
		return -1;
	memcpy(copy, buf + w, n - (size_t)w);
	c->echo = copy;
	c->elen = n - (size_t)w;
	c->eoff = 0;
	return 1;
}

static int floor_flush(struct floor *f, struct client *c)
{
	return f->echo ? floor_echo_flush(c) : floor_pay(f, c);
}

/* One read, then one write (more only if the socket is full). */
static void floor_serve(struct floor *f, struct client *c, uint32_t ev)
{
	ssize_t n;
	int rc;

	if (ev & EPOLLOUT) {
		rc = floor_flush(f, c);
		if (rc == 0)
			floor_watch(f, c, EPOLL_CTL_MOD, false);
		if (rc < 0)
			floor_close(c);
		return;
	}
	n = read(c->fd, f->buf, sizeof(f->buf));
	if (n <= 0) {
		if (n == 0 || errno != EAGAIN)
			floor_close(c);
		return;
	}
	if (f->echo) {
		rc = floor_echo(c, f->buf, (size_t)n);
	} else {
		c->owed += f->rlen * floor_count(c, f->buf, (size_t)n);
		rc = floor_pay(f, c);
	}
	if (rc > 0)
		floor_watch(f, c, EPOLL_CTL_MOD, true);
	if (rc < 0)
		floor_close(c);
}

static void floor_accept(struct floor *f)
{
	int fd, one = 1;

	while ((fd = accept4(f->lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		struct client *c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		floor_watch(f, c, EPOLL_CTL_ADD, false);
	}
}

/* Listens on 127.0.0.1:port (0: any free port, printed on stdout). */
static int floor_listen(unsigned port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				 sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 4096) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		perror("floor: listen");
		return -1;
	}
	printf("%u\n", ntohs(sa.sin_port));
	fflush(stdout);
	return fd;
}

static int floor_setup(struct floor *f, int argc, char **argv)
{
	unsigned port = 0;
	int ch;

	while ((ch = getopt(argc, argv, "p:e")) != -1) {
		if (ch == 'p')
			port = (unsigned)atoi(optarg);
		else if (ch == 'e')
			f->echo = true;
		else
			return -1;
	}
	f->rlen = strlen(RESPONSE);
	f->resp = malloc(f->rlen * COPIES);
	if (!f->resp || port > 65535)
		return -1;
	for (int i = 0; i < COPIES; i++)
		memcpy(f->resp + (size_t)i * f->rlen, RESPONSE, f->rlen);
	f->lfd = floor_listen(port);
	f->ep = epoll_create1(0);
	return f->lfd < 0 || f->ep < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct floor f;
	struct epoll_event ev[256], lev = { .events = EPOLLIN };

	if (floor_setup(&f, argc, argv) < 0) {
		fputs("usage: floor [-p PORT] [-e]  (port 0: any, printed)\n",
		      stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	epoll_ctl(f.ep, EPOLL_CTL_ADD, f.lfd, &lev);
	for (;;) {
		int n = epoll_wait(f.ep, ev, 256, -1);
		for (int i = 0; i < n; i++) {
			if (ev[i].data.ptr == NULL)
				floor_accept(&f);
			else
				floor_serve(&f, ev[i].data.ptr, ev[i].events);
		}
	}
}
