/* rawclient.c - test client: sends stdin to 127.0.0.1:PORT as it is, then
 * prints everything the server answers until it closes or goes quiet;
 * with "segs" it also tells on stderr how many TCP segments came in */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <linux/tcp.h> /* glibc's tcp_info lacks tcpi_segs_in */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Prints "segs_in=N" (segments received, the handshake's included). */
static void print_segs(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0)
		fprintf(stderr, "segs_in=%u\n", ti.tcpi_segs_in);
}

/* Reads until the server closes (0), resets (4) or goes quiet (3). */
static int read_answer(int fd, int quiet_ms)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, quiet_ms) <= 0)
			return 3; /* the server kept the connection open */
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return n == 0 ? 0 : 4; /* 0: closed; 4: reset */
		fwrite(buf, 1, (size_t)n, stdout);
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int quiet_ms = argc > 2 ? atoi(argv[2]) : 1000, fd, rc;
	char buf[65536];
	ssize_t n;

	if (argc < 2) {
		fprintf(stderr, "usage: rawclient PORT [QUIET_MS [segs]] < request\n");
		return 2;
	}
	a.sin_port = htons((uint16_t)atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("connect");
		return 1;
	}
	while ((n = read(0, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n) {
			perror("write");
			break;
		}
	rc = read_answer(fd, quiet_ms);
	if (argc > 3 && strcmp(argv[3], "segs") == 0)
		print_segs(fd);
	return rc;
}
