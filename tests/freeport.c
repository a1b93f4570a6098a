/* freeport.c - prints N free TCP ports on 127.0.0.1 (bound to port 0 and
 * released), for end-to-end tests that need ports of their own */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1, fds[64];

	if (n < 1 || n > 64)
		return 2;
	/* Hold all of them open until every one is chosen: no repeats. */
	for (int i = 0; i < n; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		socklen_t len = sizeof(a);

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&a, len) < 0 ||
		    getsockname(fds[i], (struct sockaddr *)&a, &len) < 0) {
			perror("freeport");
			return 1;
		}
		printf("%u\n", ntohs(a.sin_port));
	}
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return 0;
}
