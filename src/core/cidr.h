/* cidr.h - IPv4/IPv6 address ranges ("10.0.0.0/8", "::1"): parse, match */
#ifndef PREFORKD_CORE_CIDR_H
#define PREFORKD_CORE_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* The longest text cidr_format writes: an IPv6 address, "/128", NUL. */
#define CIDR_STRLEN (46 + 4)

/*
 * One range, kept in IPv6 space: an IPv4 range a.b.c.d/p is stored as
 * ::ffff:a.b.c.d/(96 + p), so IPv4 clients, IPv4-mapped IPv6 clients
 * (::ffff:a.b.c.d, as a dual-stack socket sees IPv4) and IPv4-mapped
 * IPv6 ranges all compare alike.
 */
struct cidr {
	uint8_t addr[16]; /* network byte order; bits past the prefix are 0 */
	uint8_t bits;	  /* prefix length in IPv6 space, 0..128 */
	int family;	  /* AF_INET or AF_INET6, as written (for display) */
};

/*
 * Parses "ADDR/PREFIX" or a bare "ADDR" (a single host: /32 or /128),
 * IPv4 dotted quad or IPv6 text as inet_pton takes them, PREFIX decimal
 * 0..32 or 0..128 without sign or leading zeros. Host bits set beyond the
 * prefix ("10.0.0.1/8") are an error, not silently cleared: in a list of
 * trusted sources a typo should not widen or move the range. Returns 0
 * with *out set, or -1 with a one-line reason in err (without the input;
 * the caller prefixes "FILE:LINE: "). err may be NULL.
 */
int cidr_parse(const char *s, struct cidr *out, char *err, size_t errlen);

/*
 * Whether the address sa (AF_INET or AF_INET6; any other family never
 * matches) lies within c. The port is ignored.
 */
bool cidr_match(const struct cidr *c, const struct sockaddr *sa);

/* Whether sa lies within any of v[0..n). */
bool cidr_match_list(const struct cidr *v, size_t n, const struct sockaddr *sa);

/*
 * Writes c as "ADDR/PREFIX" in the family it was written in (IPv4 ranges
 * as dotted quads) to buf[0..len), NUL-terminated; CIDR_STRLEN is always
 * enough. Returns buf.
 */
char *cidr_format(const struct cidr *c, char *buf, size_t len);

#endif
