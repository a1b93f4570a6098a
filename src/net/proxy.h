/* proxy.h - PROXY protocol v1/v2 header parser, pure over (buf, len) */
#ifndef PREFORKD_NET_PROXY_H
#define PREFORKD_NET_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define PROXY_V1_MAX_LEN 107		  /* the whole line, CRLF included */
#define PROXY_V2_MAX_LEN (16 + 4096)	  /* the fixed part and its payload */
#define PROXY_MAX_LEN	 PROXY_V2_MAX_LEN /* a buffer this big always does */

/* Which header versions a listener takes (a bit set). */
enum proxy_versions {
	PROXY_V1 = 1,
	PROXY_V2 = 2,
	PROXY_ANY = PROXY_V1 | PROXY_V2,
};

enum proxy_cmd {
	PROXY_CMD_LOCAL, /* v2 LOCAL: the proxy's own connection (a check) */
	PROXY_CMD_PROXY, /* relayed on behalf of a client */
};

/*
 * Why a connection was closed before its mode saw it. The names that
 * proxy_reason_name() gives are stable: they are metrics labels.
 * The parser reports all but the last three, which the host uses.
 */
enum proxy_reason {
	PROXY_NOT_PROXY,       /* bytes that start no accepted header */
	PROXY_V1_NOT_ACCEPTED, /* "PROXY" on a listener that takes only v2 */
	PROXY_V2_NOT_ACCEPTED, /* v2 signature where only v1 is taken */
	PROXY_V1_TOO_LONG,     /* no CRLF within the first 107 bytes */
	PROXY_V1_BAD_CRLF,     /* a bare CR or LF, or CR not before LF */
	PROXY_V1_BAD_FIELD,    /* not single-space separated, fields missing
				  or extra */
	PROXY_V1_BAD_PROTOCOL, /* not TCP4, TCP6 or UNKNOWN */
	PROXY_V1_LEADING_ZERO, /* "080" as a port or "010" in an IPv4 address */
	PROXY_V1_BAD_ADDRESS,  /* not an address of the announced family */
	PROXY_V1_BAD_PORT,     /* not decimal 0..65535 */
	PROXY_V2_BAD_VERSION,  /* version nibble other than 2 */
	PROXY_V2_BAD_COMMAND,  /* command other than LOCAL and PROXY */
	PROXY_V2_BAD_FAMILY,   /* family > 3 or transport > 2 */
	PROXY_V2_TOO_LONG,     /* length field above 4,096 */
	PROXY_V2_SHORT_ADDRESS, /* length below the family's address block */
	PROXY_EMPTY,		/* host: closed before sending a byte */
	PROXY_TRUNCATED,	/* host: closed in the middle of a header */
	PROXY_TIMEOUT,		/* host: no whole header in time */
	PROXY_REASON_COUNT
};

/* A parsed header. */
struct proxy_hdr {
	size_t len;	    /* bytes the header takes at the start of buf */
	int version;	    /* 1 or 2 */
	enum proxy_cmd cmd; /* v1 is always PROXY_CMD_PROXY */
	/* true: src and dst hold the client's and the address it reached
	 * (AF_INET or AF_INET6, port set). false (v1 UNKNOWN, v2 LOCAL, v2
	 * UNSPEC, UNIX or DGRAM): use the socket's own addresses; src and dst
	 * are zero (AF_UNSPEC). */
	bool has_addr;
	struct sockaddr_storage src, dst;
	enum proxy_reason reason; /* set when the header is rejected */
};

enum { PROXY_REJECT = -1, PROXY_NEED_MORE = -2 };

/*
 * Parses the PROXY protocol header at the start of buf[0..len), taking
 * the versions in the set `versions`, as HAProxy's proxy-protocol.txt
 * says. Returns the header's length (> 0, also h->len) when whole and
 * valid: the caller hands buf + that length on to the mode. Returns
 * PROXY_NEED_MORE while every byte seen may still start a valid header
 * (call again with the same bytes and more), and PROXY_REJECT with
 * h->reason as soon as the bytes seen cannot (close the connection with
 * no answer). The parser is stateless and monotone: a longer buffer with
 * the same first bytes gives the same answer once one is given, so a
 * header split across reads at any offset parses as it would whole.
 * PROXY_NEED_MORE never comes for len >= PROXY_MAX_LEN, nor for len >=
 * PROXY_V1_MAX_LEN when versions is PROXY_V1: a buffer of that size never
 * fills up undecided.
 *
 * v1: "PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n" with exactly one space
 * between fields, addresses of the announced family (inet_pton; IPv4
 * octets without leading zeros), ports decimal 0..65535 without leading
 * zeros, at most 107 bytes with the CRLF; "PROXY UNKNOWN" then anything
 * up to the CRLF. A bare LF or CR anywhere in the line is rejected.
 * v2: the 12-byte signature, version 2, command LOCAL or PROXY, a valid
 * family/transport byte, a length of at most 4,096 that covers the
 * address block (12 bytes for TCP over IPv4, 36 over IPv6). TLVs and any
 * bytes past the addresses are skipped unread. LOCAL ignores the address
 * block (but an invalid family byte such as 0x41 is rejected under LOCAL
 * too); PROXY over a valid family or transport other than TCP over
 * IPv4/IPv6 (UNSPEC, UNIX, DGRAM) falls back to the socket's addresses,
 * as the spec requires.
 * A v2 signature where only v1 is taken (or "PROXY" where only v2 is)
 * is read whole and rejected with its own reason, so that a listener
 * set to the wrong version says so.
 *
 * Never reads past buf + len, never allocates, no I/O; *h is rewritten.
 */
int proxy_parse(const char *buf, size_t len, enum proxy_versions versions,
		struct proxy_hdr *h);

/*
 * The stable snake_case name of a reason ("not_proxy", "v1_too_long",
 * ..., "empty", "timeout"), for metrics labels and logs; "unknown" for a
 * value out of range. The string is static.
 */
const char *proxy_reason_name(enum proxy_reason r);

#endif
