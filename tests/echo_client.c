/* echo_client.c - test client for the echo mode:
 *   echo_client PORT SIZE          writes SIZE pattern bytes, all of them
 *                                  before reading any, then checks that
 *                                  exactly those come back
 *   echo_client PORT SIZE stall S  writes without ever reading for S
 *                                  seconds and prints how much it wrote */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static unsigned char pattern(size_t i)
{
	return (unsigned char)((i * 2654435761u) >> 13);
}

static int connect_to(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timeval tv = { 10, 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("connect");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

static int round_trip(int fd, size_t size)
{
	unsigned char *buf = malloc(size);
	size_t done = 0;

	for (size_t i = 0; i < size; i++)
		buf[i] = pattern(i);
	while (done < size) {
		ssize_t n = write(fd, buf + done, size - done);
		if (n <= 0) {
			fprintf(stderr, "write stalled after %zu bytes: %s\n", done,
				strerror(errno));
			return 1;
		}
		done += (size_t)n;
	}
	for (done = 0; done < size;) {
		ssize_t n = read(fd, buf + done, size - done);
		if (n <= 0) {
			fprintf(stderr, "echo stopped after %zu of %zu bytes\n", done, size);
			return 1;
		}
		done += (size_t)n;
	}
	for (size_t i = 0; i < size; i++)
		if (buf[i] != pattern(i)) {
			fprintf(stderr, "byte %zu differs\n", i);
			return 1;
		}
	printf("echoed %zu bytes\n", size);
	free(buf);
	return 0;
}

static int stall(int fd, size_t chunk, int seconds)
{
	char *buf = calloc(1, chunk);
	time_t end = time(NULL) + seconds;
	unsigned long long total = 0;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (time(NULL) < end) {
		ssize_t n = write(fd, buf, chunk);
		if (n > 0)
			total += (unsigned long long)n;
		else
			usleep(10000);
	}
	printf("%llu\n", total);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: echo_client PORT SIZE [stall SECONDS]\n");
		return 2;
	}
	fd = connect_to(atoi(argv[1]));
	if (argc > 4 && strcmp(argv[3], "stall") == 0)
		return stall(fd, (size_t)atol(argv[2]), atoi(argv[4]));
	return round_trip(fd, (size_t)atol(argv[2]));
}
