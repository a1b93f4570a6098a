/* proxy.c - PROXY protocol v1/v2 header parser, pure over (buf, len) */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "net/proxy.h"

static const char v2_sig[12] = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
				0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};
static const char v1_sig[5] = {'P', 'R', 'O', 'X', 'Y'};

/* One space-delimited field of a v1 line. */
struct v1_field {
	const char *p;
	size_t n;
};

static int reject(struct proxy_hdr *h, enum proxy_reason r)
{
	h->reason = r;
	return PROXY_REJECT;
}

/* Whether buf[0..len) agrees with sig as far as both go. */
static bool starts_like(const char *buf, size_t len, const char *sig,
			size_t siglen)
{
	return memcmp(buf, sig, len < siglen ? len : siglen) == 0;
}

/*
 * Finds the CRLF of a v1 line within its first PROXY_V1_MAX_LEN bytes.
 * Returns 0 with *eol at the CR, PROXY_NEED_MORE, or PROXY_REJECT.
 * Looks only at bytes a shorter buffer would also hold, so that the
 * answer never changes as more bytes arrive.
 */
static int v1_find_eol(const char *buf, size_t len, size_t *eol,
		       struct proxy_hdr *h)
{
	size_t n = len < PROXY_V1_MAX_LEN ? len : PROXY_V1_MAX_LEN, i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n')
			return reject(h, PROXY_V1_BAD_CRLF);
		if (buf[i] != '\r')
			continue;
		if (i + 1 >= PROXY_V1_MAX_LEN)
			return reject(h, PROXY_V1_TOO_LONG);
		if (i + 1 >= len)
			return PROXY_NEED_MORE;
		if (buf[i + 1] != '\n')
			return reject(h, PROXY_V1_BAD_CRLF);
		*eol = i;
		return 0;
	}
	return len >= PROXY_V1_MAX_LEN ? reject(h, PROXY_V1_TOO_LONG)
				       : PROXY_NEED_MORE;
}

/*
 * Splits s[0..len) at single spaces into exactly want fields. Returns 0,
 * or -1 when a field is empty (two spaces, a space at either end) or the
 * count differs.
 */
static int v1_split(const char *s, size_t len, struct v1_field *f, int want)
{
	const char *end = s + len, *sp;
	int k;

	for (k = 0; k < want; k++) {
		sp = memchr(s, ' ', (size_t)(end - s));
		f[k].p = s;
		f[k].n = (size_t)((sp ? sp : end) - s);
		if (f[k].n == 0 || (sp == NULL) != (k == want - 1))
			return -1;
		s = sp ? sp + 1 : end;
	}
	return 0;
}

/* Whether an IPv4 dotted quad has an octet written with a leading zero. */
static bool v4_leading_zero(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if ((i == 0 || s[i - 1] == '.') && s[i] == '0' &&
		    s[i + 1] >= '0' && s[i + 1] <= '9')
			return true;
	return false;
}

/* Parses a v1 address of family af into ss (port left 0). */
static int v1_addr(const struct v1_field *f, int af,
		   struct sockaddr_storage *ss, struct proxy_hdr *h)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char tmp[INET6_ADDRSTRLEN];

	/* A NUL inside the field would end the string early. */
	if (f->n >= sizeof(tmp) || memchr(f->p, '\0', f->n) != NULL)
		return reject(h, PROXY_V1_BAD_ADDRESS);
	if (af == AF_INET && v4_leading_zero(f->p, f->n))
		return reject(h, PROXY_V1_LEADING_ZERO);
	memcpy(tmp, f->p, f->n);
	tmp[f->n] = '\0';
	ss->ss_family = (sa_family_t)af;
	if (inet_pton(af, tmp,
		      af == AF_INET ? (void *)&in->sin_addr
				    : (void *)&in6->sin6_addr) != 1)
		return reject(h, PROXY_V1_BAD_ADDRESS);
	return 0;
}

/* Parses a v1 port: decimal 0..65535, no sign, no leading zero. */
static int v1_port(const struct v1_field *f, in_port_t *port,
		   struct proxy_hdr *h)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->p[i] < '0' || f->p[i] > '9')
			return reject(h, PROXY_V1_BAD_PORT);
	if (f->n > 1 && f->p[0] == '0')
		return reject(h, PROXY_V1_LEADING_ZERO);
	if (f->n > 5)
		return reject(h, PROXY_V1_BAD_PORT);
	for (i = 0; i < f->n; i++)
		v = v * 10 + (unsigned long)(f->p[i] - '0');
	if (v > 65535)
		return reject(h, PROXY_V1_BAD_PORT);
	*port = htons((in_port_t)v);
	return 0;
}

/* Fills h from "SRC DST SPORT DPORT" of family af. */
static int v1_addresses(const char *s, size_t len, int af, struct proxy_hdr *h)
{
	struct v1_field f[4];
	in_port_t sport, dport;

	if (v1_split(s, len, f, 4) != 0)
		return reject(h, PROXY_V1_BAD_FIELD);
	if (v1_addr(&f[0], af, &h->src, h) != 0 ||
	    v1_addr(&f[1], af, &h->dst, h) != 0 ||
	    v1_port(&f[2], &sport, h) != 0 || v1_port(&f[3], &dport, h) != 0)
		return PROXY_REJECT;
	if (af == AF_INET) {
		((struct sockaddr_in *)&h->src)->sin_port = sport;
		((struct sockaddr_in *)&h->dst)->sin_port = dport;
	} else {
		((struct sockaddr_in6 *)&h->src)->sin6_port = sport;
		((struct sockaddr_in6 *)&h->dst)->sin6_port = dport;
	}
	h->has_addr = true;
	return 0;
}

/* Parses the line buf[0..eol) that starts with "PROXY". */
static int v1_fields(const char *buf, size_t eol, struct proxy_hdr *h)
{
	const char *proto = buf + sizeof(v1_sig) + 1, *end = buf + eol, *sp;
	size_t n;

	if (eol <= sizeof(v1_sig) || buf[sizeof(v1_sig)] != ' ')
		return reject(h, PROXY_V1_BAD_FIELD);
	sp = memchr(proto, ' ', (size_t)(end - proto));
	n = (size_t)((sp ? sp : end) - proto);
	if (n == 0)
		return reject(h, PROXY_V1_BAD_FIELD);
	if (n == 7 && memcmp(proto, "UNKNOWN", 7) == 0)
		return 0; /* the rest of the line is to be ignored */
	if (n != 4 ||
	    (memcmp(proto, "TCP4", 4) != 0 && memcmp(proto, "TCP6", 4) != 0))
		return reject(h, PROXY_V1_BAD_PROTOCOL);
	if (sp == NULL)
		return reject(h, PROXY_V1_BAD_FIELD);
	return v1_addresses(sp + 1, (size_t)(end - sp - 1),
			    proto[3] == '4' ? AF_INET : AF_INET6, h);
}

static int parse_v1(const char *buf, size_t len, struct proxy_hdr *h)
{
	size_t eol;
	int r = v1_find_eol(buf, len, &eol, h);

	if (r == 0)
		r = v1_fields(buf, eol, h);
	if (r != 0)
		return r;
	h->version = 1;
	h->cmd = PROXY_CMD_PROXY;
	h->len = eol + 2;
	return (int)h->len;
}

/* The address block a v2 header must carry: TCP over IPv4 or IPv6. */
static size_t v2_addr_len(enum proxy_cmd cmd, unsigned char fam)
{
	if (cmd != PROXY_CMD_PROXY)
		return 0;
	return fam == 0x11 ? 12 : fam == 0x21 ? 36 : 0;
}

/* Copies the addresses of a v2 block p (TCP over IPv4 or IPv6) into h. */
static void v2_addresses(const unsigned char *p, unsigned char fam,
			 struct proxy_hdr *h)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&h->src;
	struct sockaddr_in *d4 = (struct sockaddr_in *)&h->dst;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&h->src;
	struct sockaddr_in6 *d6 = (struct sockaddr_in6 *)&h->dst;

	if (fam == 0x11) {
		s4->sin_family = d4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, p, 4);
		memcpy(&d4->sin_addr, p + 4, 4);
		memcpy(&s4->sin_port, p + 8, 2);
		memcpy(&d4->sin_port, p + 10, 2);
	} else {
		s6->sin6_family = d6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, p, 16);
		memcpy(&d6->sin6_addr, p + 16, 16);
		memcpy(&s6->sin6_port, p + 32, 2);
		memcpy(&d6->sin6_port, p + 34, 2);
	}
	h->has_addr = true;
}

/*
 * Parses a v2 header whose 12-byte signature is in place; each field is
 * judged as soon as its byte is in.
 */
static int parse_v2(const unsigned char *p, size_t len, struct proxy_hdr *h)
{
	size_t plen;

	if (len < 13)
		return PROXY_NEED_MORE;
	if (p[12] >> 4 != 2)
		return reject(h, PROXY_V2_BAD_VERSION);
	if ((p[12] & 0x0f) > 1)
		return reject(h, PROXY_V2_BAD_COMMAND);
	if (len < 14)
		return PROXY_NEED_MORE;
	if (p[13] >> 4 > 3 || (p[13] & 0x0f) > 2)
		return reject(h, PROXY_V2_BAD_FAMILY);
	if (len < 16)
		return PROXY_NEED_MORE;
	plen = (size_t)p[14] << 8 | p[15];
	h->cmd = (p[12] & 0x0f) ? PROXY_CMD_PROXY : PROXY_CMD_LOCAL;
	if (16 + plen > PROXY_V2_MAX_LEN)
		return reject(h, PROXY_V2_TOO_LONG);
	if (plen < v2_addr_len(h->cmd, p[13]))
		return reject(h, PROXY_V2_SHORT_ADDRESS);
	if (len < 16 + plen)
		return PROXY_NEED_MORE;
	if (v2_addr_len(h->cmd, p[13]) > 0)
		v2_addresses(p + 16, p[13], h);
	h->version = 2;
	h->len = 16 + plen;
	return (int)h->len;
}

int proxy_parse(const char *buf, size_t len, enum proxy_versions versions,
		struct proxy_hdr *h)
{
	memset(h, 0, sizeof(*h));
	if (len == 0)
		return PROXY_NEED_MORE;
	if (starts_like(buf, len, v2_sig, sizeof(v2_sig))) {
		if (len < sizeof(v2_sig))
			return PROXY_NEED_MORE;
		if (!(versions & PROXY_V2))
			return reject(h, PROXY_V2_NOT_ACCEPTED);
		return parse_v2((const unsigned char *)buf, len, h);
	}
	if (starts_like(buf, len, v1_sig, sizeof(v1_sig))) {
		if (len < sizeof(v1_sig))
			return PROXY_NEED_MORE;
		if (!(versions & PROXY_V1))
			return reject(h, PROXY_V1_NOT_ACCEPTED);
		return parse_v1(buf, len, h);
	}
	return reject(h, PROXY_NOT_PROXY);
}

static const char *const reason_names[PROXY_REASON_COUNT] = {
    [PROXY_NOT_PROXY] = "not_proxy",
    [PROXY_V1_NOT_ACCEPTED] = "v1_not_accepted",
    [PROXY_V2_NOT_ACCEPTED] = "v2_not_accepted",
    [PROXY_V1_TOO_LONG] = "v1_too_long",
    [PROXY_V1_BAD_CRLF] = "v1_bad_crlf",
    [PROXY_V1_BAD_FIELD] = "v1_bad_field",
    [PROXY_V1_BAD_PROTOCOL] = "v1_bad_protocol",
    [PROXY_V1_LEADING_ZERO] = "v1_leading_zero",
    [PROXY_V1_BAD_ADDRESS] = "v1_bad_address",
    [PROXY_V1_BAD_PORT] = "v1_bad_port",
    [PROXY_V2_BAD_VERSION] = "v2_bad_version",
    [PROXY_V2_BAD_COMMAND] = "v2_bad_command",
    [PROXY_V2_BAD_FAMILY] = "v2_bad_family",
    [PROXY_V2_TOO_LONG] = "v2_too_long",
    [PROXY_V2_SHORT_ADDRESS] = "v2_short_address",
    [PROXY_EMPTY] = "empty",
    [PROXY_TRUNCATED] = "truncated",
    [PROXY_TIMEOUT] = "timeout",
};

const char *proxy_reason_name(enum proxy_reason r)
{
	if ((unsigned)r >= PROXY_REASON_COUNT || reason_names[r] == NULL)
		return "unknown";
	return reason_names[r];
}
