/* conf_listen.c - listen = "HOST:PORT" into a socket address, and whether
 * two listeners' addresses overlap */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

/* Splits s into host (copied) and the port text; *v6 if it was [bracketed]. */
static int split_listen(const char *s, char *host, size_t hostlen,
			const char **port, bool *v6, char *err, size_t errlen)
{
	const char *h = s, *end;

	*v6 = s[0] == '[';
	if (*v6) {
		h = s + 1;
		end = strchr(h, ']');
		if (end == NULL || end[1] != ':') {
			snprintf(err, errlen, "expected \"[IPV6]:PORT\"");
			return -1;
		}
		*port = end + 2;
	} else if ((end = strrchr(s, ':')) == NULL) {
		snprintf(err, errlen, "expected \"HOST:PORT\" (missing port)");
		return -1;
	} else
		*port = end + 1;
	if (end == h || (size_t)(end - h) >= hostlen) {
		snprintf(err, errlen,
			 end == h ? "missing host (\"*:PORT\" is "
				    "every IPv4 address)"
				  : "host is too long");
		return -1;
	}
	memcpy(host, h, (size_t)(end - h));
	host[end - h] = '\0';
	return 0;
}

/* Returns the port in 1..65535, or -1 with the reason in err. */
static long parse_port(const char *s, char *err, size_t errlen)
{
	char *end;
	long port;

	errno = 0;
	port = strtol(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end != '\0' || errno != 0 ||
	    port < 1 || port > 65535) {
		snprintf(err, errlen, "port must be a number in 1..65535");
		return -1;
	}
	return port;
}

static int fill_v6(const char *host, long port, struct sockaddr_storage *addr,
		   socklen_t *addrlen, char *err, size_t errlen)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;

	if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) {
		snprintf(err, errlen, "'%s' is not an IPv6 address", host);
		return -1;
	}
	a6->sin6_family = AF_INET6;
	a6->sin6_port = htons((uint16_t)port);
	*addrlen = sizeof(*a6);
	return 0;
}

static int fill_v4(const char *host, long port, struct sockaddr_storage *addr,
		   socklen_t *addrlen, char *err, size_t errlen)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)addr;

	if (strcmp(host, "*") == 0)
		a4->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) {
		if (strchr(host, ':') != NULL)
			snprintf(err, errlen,
				 "an IPv6 address goes in brackets: "
				 "\"[%s]:%ld\"",
				 host, port);
		else
			snprintf(err, errlen,
				 "'%s' is not an IPv4 address, [IPv6 "
				 "address], * or localhost",
				 host);
		return -1;
	}
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	*addrlen = sizeof(*a4);
	return 0;
}

int conf_parse_listen(const char *s, struct sockaddr_storage *addr,
		      socklen_t *addrlen, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port_s;
	long port;
	bool v6;

	memset(addr, 0, sizeof(*addr));
	if (split_listen(s, host, sizeof(host), &port_s, &v6, err, errlen) <
		0 ||
	    (port = parse_port(port_s, err, errlen)) < 0)
		return -1;
	return v6 ? fill_v6(host, port, addr, addrlen, err, errlen)
		  : fill_v4(host, port, addr, addrlen, err, errlen);
}

bool conf_same_address(const struct listener_conf *a,
		       const struct listener_conf *b)
{
	if (a->addr.ss_family != b->addr.ss_family)
		return false;
	if (a->addr.ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a->addr;
		const struct sockaddr_in *y = (const void *)&b->addr;
		/* A wildcard overlaps every address on its port. */
		return x->sin_port == y->sin_port &&
		       (x->sin_addr.s_addr == y->sin_addr.s_addr ||
			x->sin_addr.s_addr == htonl(INADDR_ANY) ||
			y->sin_addr.s_addr == htonl(INADDR_ANY));
	}
	const struct sockaddr_in6 *x = (const void *)&a->addr;
	const struct sockaddr_in6 *y = (const void *)&b->addr;
	return x->sin6_port == y->sin6_port &&
	       (memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0 ||
		IN6_IS_ADDR_UNSPECIFIED(&x->sin6_addr) ||
		IN6_IS_ADDR_UNSPECIFIED(&y->sin6_addr));
}
