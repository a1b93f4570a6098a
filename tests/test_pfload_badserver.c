/* test_pfload_badserver.c - a deliberately misbehaving server on loopback
 * for testing pfload's error counting: one process per connection, blocking
 * I/O, every process gone after 60 s. Prints its port, then serves MODE:
 *   ok        HTTP 200 "Hello, world!" (Connection: close honoured)
 *   dribble   like ok, but every response written one byte at a time
 *   reset     reads a request, then resets the connection
 *   truncate  answers half a response, then closes
 *   500       answers 500
 *   badbody   answers 200 with the wrong 13-byte body
 *   garbage   answers something that is not HTTP
 *   silent    reads, never answers
 *   drop      reads a request, then closes without answering
 *   close     answers one request, then closes without saying so
 *   hangup    closes every connection 100 ms after accepting it
 *   refuse    does not listen at all (connections are refused)
 *   echo, echo-truncate, echo-corrupt   echo, echo half then close,
 *             echo with one byte flipped */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HELLO "Hello, world!"

static const char *mode;

static int is(const char *m)
{
	return strcmp(mode, m) == 0;
}

static void put(int fd, const char *s, size_t n)
{
	if (is("dribble")) {
		for (size_t i = 0; i < n; i++) {
			if (write(fd, s + i, 1) != 1)
				_exit(0);
			usleep(200);
		}
		return;
	}
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			_exit(0);
		s += w;
		n -= (size_t)w;
	}
}

static void putstr(int fd, const char *s)
{
	put(fd, s, strlen(s));
}

static void reset(int fd)
{
	struct linger l = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
	_exit(0);
}

/* Answers one request (head in req) the way the mode says. */
static void answer(int fd, const char *req, unsigned nth)
{
	int bye = strstr(req, "Connection: close") != NULL;

	if (is("reset"))
		reset(fd);
	if (is("silent"))
		return;
	if (is("drop"))
		_exit(0);
	if (is("close") && nth > 0)
		_exit(0);
	if (is("truncate")) {
		putstr(fd, "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello");
		_exit(0);
	}
	if (is("500"))
		putstr(fd, "HTTP/1.1 500 Oops\r\nContent-Length: 5\r\n\r\noops\n");
	else if (is("garbage"))
		putstr(fd, "SPAM SPAM SPAM\r\n\r\n");
	else if (is("badbody"))
		putstr(fd, "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n"
			   "Hello, World?");
	else
		putstr(fd, bye ? "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n"
				 "Connection: close\r\n\r\n"
			       : "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n"
				 "\r\n");
	if (!is("500") && !is("garbage") && !is("badbody") &&
	    strncmp(req, "HEAD ", 5) != 0)
		putstr(fd, HELLO);
	if (bye)
		_exit(0);
}

static void serve_http(int fd)
{
	char buf[65536];
	size_t len = 0;
	unsigned nth = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		char *end;
		if (n <= 0)
			_exit(0);
		len += (size_t)n;
		buf[len] = '\0';
		while ((end = strstr(buf, "\r\n\r\n")) != NULL) {
			*end = '\0';
			answer(fd, buf, nth++);
			len -= (size_t)(end + 4 - buf);
			memmove(buf, end + 4, len + 1);
		}
	}
}

static void serve_echo(int fd)
{
	char buf[65536];
	size_t total = 0;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			_exit(0);
		if (is("echo-corrupt") && total + (size_t)n > 100 &&
		    total <= 100)
			buf[100 - total] ^= 1;
		if (is("echo-truncate") && n > 1) {
			put(fd, buf, (size_t)n / 2);
			_exit(0);
		}
		put(fd, buf, (size_t)n);
		total += (size_t)n;
	}
}

static void serve(int fd)
{
	int one = 1;

	alarm(60);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (is("hangup")) {
		usleep(100000);
		_exit(0);
	}
	if (strncmp(mode, "echo", 4) == 0)
		serve_echo(fd);
	serve_http(fd);
}

static int bind_any(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		perror("bind");
		exit(1);
	}
	printf("%u\n", ntohs(sa.sin_port));
	fflush(stdout);
	return fd;
}

int main(int argc, char **argv)
{
	int lfd;

	if (argc != 2) {
		fputs("usage: test_pfload_badserver MODE\n", stderr);
		return 2;
	}
	mode = argv[1];
	signal(SIGCHLD, SIG_IGN); /* no zombies */
	signal(SIGPIPE, SIG_IGN);
	alarm(60);
	lfd = bind_any();
	if (is("refuse"))
		for (;;)
			pause(); /* bound, never listening: connects fail */
	if (listen(lfd, 128) < 0)
		return 1;
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		if (fork() == 0) {
			close(lfd);
			serve(fd);
		}
		close(fd);
	}
}
