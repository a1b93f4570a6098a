/* cidr.c - IPv4/IPv6 address ranges ("10.0.0.0/8", "::1"): parse, match */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/cidr.h"

static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The mask of the bits of byte i that lie within a prefix of bits. */
static uint8_t byte_mask(unsigned bits, unsigned i)
{
	if (bits >= (i + 1) * 8)
		return 0xff;
	if (bits <= i * 8)
		return 0;
	return (uint8_t)(0xff << (8 - (bits - i * 8)));
}

/* Parses a prefix length: decimal, no sign or leading zero, <= max. */
static int parse_prefix(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* Parses the address part into out (IPv4 as IPv4-mapped IPv6). */
static int parse_addr(const char *s, size_t n, struct cidr *out)
{
	char tmp[INET6_ADDRSTRLEN];

	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, out->addr + 12) == 1) {
		memcpy(out->addr, v4_mapped, sizeof(v4_mapped));
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, tmp, out->addr) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -1;
}

int cidr_parse(const char *s, struct cidr *out, char *err, size_t errlen)
{
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned max, bits, base, i;
	char net[CIDR_STRLEN];

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return fail(err, errlen,
			    "no address (want ADDR or ADDR/PREFIX)");
	if (parse_addr(s, n, out) != 0)
		return fail(err, errlen, "not an IPv4 or IPv6 address");
	max = out->family == AF_INET ? 32 : 128;
	base = out->family == AF_INET ? 96 : 0;
	bits = max;
	if (slash != NULL && parse_prefix(slash + 1, max, &bits) != 0)
		return fail(err, errlen,
			    "the prefix length after '/' must be a decimal "
			    "number from 0 to %u",
			    max);
	out->bits = (uint8_t)(base + bits);
	for (i = 0; i < 16; i++) {
		if ((out->addr[i] & ~byte_mask(out->bits, i)) == 0)
			continue;
		for (; i < 16; i++)
			out->addr[i] &= byte_mask(out->bits, i);
		return fail(err, errlen,
			    "address bits set past the /%u prefix (the network "
			    "is %s)",
			    bits, cidr_format(out, net, sizeof(net)));
	}
	return 0;
}

/* The 16-byte IPv6 form of sa (IPv4 as IPv4-mapped); -1 for others. */
static int sa_bytes(const struct sockaddr *sa, uint8_t out[16])
{
	if (sa->sa_family == AF_INET) {
		memcpy(out, v4_mapped, sizeof(v4_mapped));
		memcpy(out + 12, &((const struct sockaddr_in *)sa)->sin_addr,
		       4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

bool cidr_match(const struct cidr *c, const struct sockaddr *sa)
{
	uint8_t a[16];
	unsigned i;

	if (sa_bytes(sa, a) != 0)
		return false;
	for (i = 0; i < 16; i++)
		if ((a[i] & byte_mask(c->bits, i)) != c->addr[i])
			return false;
	return true;
}

bool cidr_match_list(const struct cidr *v, size_t n, const struct sockaddr *sa)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cidr_match(&v[i], sa))
			return true;
	return false;
}

char *cidr_format(const struct cidr *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	bool v4 = c->family == AF_INET;

	inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? c->addr + 12 : c->addr, a,
		  sizeof(a));
	snprintf(buf, len, "%s/%u", a, c->bits - (v4 ? 96u : 0u));
	return buf;
}
