/* sock.c - listening socket helpers; they never log, they fill err */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sock.h"

int sock_listen(const struct sockaddr_storage *addr, socklen_t addrlen,
		int backlog, char *err, size_t errlen)
{
	char name[64];
	int one = 1, fd;

	fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* Accepted sockets inherit TCP_NODELAY from the listener: no
	 * setsockopt per connection. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
	    (addr->ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)) {
		snprintf(err, errlen, "setsockopt: %s", strerror(errno));
		goto fail;
	}
	if (bind(fd, (const struct sockaddr *)addr, addrlen) < 0) {
		snprintf(err, errlen, "bind %s: %s",
			 sock_addr_str(addr, name, sizeof(name)), strerror(errno));
		goto fail;
	}
	if (listen(fd, backlog) < 0) {
		snprintf(err, errlen, "listen %s: %s",
			 sock_addr_str(addr, name, sizeof(name)), strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int sock_defer_accept(int fd, bool on, char *err, size_t errlen)
{
	/* One second: the kernel drops the handshake's bare ACK until data
	 * comes, and hands a silent client over all the same once a SYN-ACK
	 * retransmission is answered (about 1 s); the worker's own timeouts
	 * take it from there. */
	int secs = on ? 1 : 0;

	if (setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &secs, sizeof(secs)) < 0) {
		snprintf(err, errlen, "setsockopt TCP_DEFER_ACCEPT: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

int sock_probe_free(const struct sockaddr_storage *addr, socklen_t addrlen,
		    char *err, size_t errlen)
{
	char name[64];
	int one = 1, rc = 0;
	int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (addr->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)addr, addrlen) < 0) {
		snprintf(err, errlen, "bind %s: %s%s",
			 sock_addr_str(addr, name, sizeof(name)), strerror(errno),
			 errno == EADDRINUSE ? " (another process listens there)" : "");
		rc = -1;
	}
	close(fd);
	return rc;
}

const char *sock_addr_str(const struct sockaddr_storage *addr, char *buf,
			  size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (addr->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)addr;
		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(a->sin6_port));
	} else {
		const struct sockaddr_in *a = (const void *)addr;
		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(a->sin_port));
	}
	return buf;
}
