/* sock.h - listening socket helpers; they never log, they fill err */
#ifndef PREFORKD_SOCK_H
#define PREFORKD_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/*
 * Opens a non-blocking, close-on-exec SO_REUSEPORT socket bound to addr and
 * listening with backlog (IPv6 sockets are V6ONLY), with TCP_NODELAY for
 * the connections it accepts. Returns the fd, or -1
 * with the reason in err.
 */
int sock_listen(const struct sockaddr_storage *addr, socklen_t addrlen,
		int backlog, char *err, size_t errlen);

/*
 * Turns TCP_DEFER_ACCEPT on (for about a second) or off: while on, a
 * connection wakes the worker only once its first data has arrived, so
 * the first read after accept finds the request. Returns 0, or -1 with
 * the reason in err.
 */
int sock_defer_accept(int fd, bool on, char *err, size_t errlen);

/*
 * Whether addr is free for a new set of SO_REUSEPORT sockets: a probe bound
 * without SO_REUSEPORT fails where anything else listens (another preforkd,
 * or any server), which SO_REUSEPORT alone would silently share the port
 * with. Returns 0, or -1 with the reason in err.
 */
int sock_probe_free(const struct sockaddr_storage *addr, socklen_t addrlen,
		    char *err, size_t errlen);

/* Formats addr as "1.2.3.4:80" or "[::1]:80" into buf. */
const char *sock_addr_str(const struct sockaddr_storage *addr, char *buf,
			  size_t len);

#endif
