/* slowclient.c - hostile test clients:
 *   slowclient loris PORT N SECONDS
 *       opens N connections that trickle a request head one byte every
 *       200 ms, never finishing it; prints how many the server closed
 *       within SECONDS and the slowest close (ms)
 *   slowclient noread PORT PATH SECONDS
 *       asks for PATH and never reads the answer; after SECONDS prints
 *       "closed" if the server gave up on it (reset or EOF), else "open" */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int connect_to(int port, int rcvbuf)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("connect");
		exit(1);
	}
	return fd;
}

static int loris(int port, int n, int seconds)
{
	static const char head[] = "GET / HTTP/1.1\r\nHost: t\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	struct pollfd *p = calloc((size_t)n, sizeof(*p));
	size_t *sent = calloc((size_t)n, sizeof(*sent));
	long long start = now_ms(), slowest = 0;
	int closed = 0;
	struct rlimit rl = { (rlim_t)n + 64, (rlim_t)n + 64 };

	setrlimit(RLIMIT_NOFILE, &rl);
	for (int i = 0; i < n; i++)
		p[i] = (struct pollfd){ connect_to(port, 0), POLLIN, 0 };
	while (closed < n && now_ms() - start < seconds * 1000LL) {
		poll(p, (nfds_t)n, 200);
		for (int i = 0; i < n; i++) {
			char buf[512];
			if (p[i].fd < 0)
				continue;
			if (p[i].revents && read(p[i].fd, buf, sizeof(buf)) <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				closed++;
				slowest = now_ms() - start;
				continue;
			}
			if (sent[i] < sizeof(head) - 1 &&
			    write(p[i].fd, head + sent[i], 1) == 1)
				sent[i]++;
		}
	}
	printf("closed=%d of %d slowest_ms=%lld\n", closed, n, slowest);
	for (int i = 0; i < n; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	free(p);
	free(sent);
	return 0;
}

static int noread(int port, const char *path, int seconds)
{
	char req[512], buf[4096];
	int fd = connect_to(port, 4096);
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", path);
	ssize_t r;

	if (write(fd, req, (size_t)n) != n)
		return 1;
	sleep((unsigned)seconds);
	/* Drain what the kernel holds; a server that gave up ends it. */
	struct timeval tv = { 2, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		;
	printf("%s\n", r == 0 || (r < 0 && errno == ECONNRESET) ? "closed" : "open");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "loris") == 0)
		return loris(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (argc == 5 && strcmp(argv[1], "noread") == 0)
		return noread(atoi(argv[2]), argv[3], atoi(argv[4]));
	fprintf(stderr, "usage: slowclient loris PORT N SECONDS | noread PORT PATH SECONDS\n");
	return 2;
}
