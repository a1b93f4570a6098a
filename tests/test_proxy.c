/* test_proxy.c - table-driven tests of the PROXY protocol v1/v2 parser */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "net/proxy.h"

/* from test_http_guard.c */
const char *guard_place(const char *data, size_t len);

enum { OK = 1, MORE, REJECT };		       /* expected outcome */
#define BIN(s) .in = (s), .len = sizeof(s) - 1 /* input with NUL bytes */

struct proxy_case {
	const char *name;
	const char *in;
	size_t len;		      /* 0: strlen(in) */
	enum proxy_versions versions; /* 0: PROXY_ANY */
	int want;		      /* OK, MORE or REJECT */
	enum proxy_reason reason;     /* for REJECT */
	size_t rest;		      /* OK: bytes after the header */
	int version;		      /* OK: 1 or 2 */
	bool local;		      /* OK: command LOCAL (else PROXY) */
	const char *src, *dst;	      /* OK: "ADDR:PORT", "[V6]:PORT", or
					 NULL for the socket's own */
};

#define HTTP_GET "GET / HTTP/1.1\r\nHost: 192.168.0.11\r\n\r\n"
#define SIG	 "\r\n\r\n\0\r\nQUIT\n"
#define V4ADDRS                                                                \
	"\xac\x13\x00\x01"                                                     \
	"\xac\x13\x00\x03"                                                     \
	"\xa6\x52"                                                             \
	"\x00\x50"
#define V6ADDRS                                                                \
	"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01"                           \
	"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02"                           \
	"\x30\x39"                                                             \
	"\x01\xbb"
#define FFFF6 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
#define LINE4 "PROXY TCP4 1.2.3.4 5.6.7.8 "
#define NEXT  "PROXY TCP4 9.9.9.9 9.9.9.9 9 9\r\n"

static const struct proxy_case cases[] = {
    /* ---- v1: the spec's examples and other valid lines ---- */
    {"v1 spec example: TCP4 before an HTTP request",
     "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n" HTTP_GET, .want = OK,
     .rest = sizeof(HTTP_GET) - 1, .version = 1, .src = "192.168.0.1:56324",
     .dst = "192.168.0.11:443"},
    {"v1 spec's longest TCP4 line (56 bytes)",
     "PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n", .want = OK,
     .version = 1, .src = "255.255.255.255:65535",
     .dst = "255.255.255.255:65535"},
    {"v1 spec's longest TCP6 line (104 bytes)",
     "PROXY TCP6 " FFFF6 " " FFFF6 " 65535 65535\r\n", .want = OK, .version = 1,
     .src = "[" FFFF6 "]:65535", .dst = "[" FFFF6 "]:65535"},
    {"v1 spec's UNKNOWN short form (15 bytes)", "PROXY UNKNOWN\r\nhello",
     .want = OK, .rest = 5, .version = 1},
    {"v1 spec's UNKNOWN worst case (107 bytes) is accepted",
     "PROXY UNKNOWN " FFFF6 " " FFFF6 " 65535 65535\r\n", .want = OK,
     .version = 1},
    {"v1 UNKNOWN ignores whatever precedes the CRLF",
     "PROXY UNKNOWN  x\t?  1.2.3.4 \r\nrest", .want = OK, .rest = 4,
     .version = 1},
    {"v1 TCP6 compressed addresses", "PROXY TCP6 2001:db8::1 ::1 1234 80\r\n",
     .want = OK, .version = 1, .src = "[2001:db8::1]:1234", .dst = "[::1]:80"},
    {"v1 TCP6 upper-case hex", "PROXY TCP6 2001:DB8::A FE80::B 1 2\r\n",
     .want = OK, .version = 1, .src = "[2001:db8::a]:1", .dst = "[fe80::b]:2"},
    {"v1 TCP6 IPv4-mapped address",
     "PROXY TCP6 ::ffff:10.0.0.1 ::ffff:10.0.0.2 1 2\r\n", .want = OK,
     .version = 1, .src = "[::ffff:10.0.0.1]:1", .dst = "[::ffff:10.0.0.2]:2"},
    {"v1 zeros: address 0.0.0.0 and port 0 are valid",
     "PROXY TCP4 0.0.0.0 10.0.0.0 0 0\r\n", .want = OK, .version = 1,
     .src = "0.0.0.0:0", .dst = "10.0.0.0:0"},
    {"v1 on a v1-only listener", LINE4 "1 2\r\n", .versions = PROXY_V1,
     .want = OK, .version = 1, .src = "1.2.3.4:1", .dst = "5.6.7.8:2"},
    {"v1 bytes after the header are not consumed", LINE4 "1 2\r\n" NEXT,
     .want = OK, .rest = sizeof(NEXT) - 1, .version = 1, .src = "1.2.3.4:1",
     .dst = "5.6.7.8:2"},

    /* ---- v1: malformed lines ---- */
    {"v1 leading zero in the source port", LINE4 "080 80\r\n", .want = REJECT,
     .reason = PROXY_V1_LEADING_ZERO},
    {"v1 leading zero in the destination port", LINE4 "80 00\r\n",
     .want = REJECT, .reason = PROXY_V1_LEADING_ZERO},
    {"v1 leading zero in an IPv4 octet", "PROXY TCP4 1.2.3.04 5.6.7.8 1 2\r\n",
     .want = REJECT, .reason = PROXY_V1_LEADING_ZERO},
    {"v1 leading zero in the first IPv4 octet",
     "PROXY TCP4 1.2.3.4 05.6.7.8 1 2\r\n", .want = REJECT,
     .reason = PROXY_V1_LEADING_ZERO},
    {"v1 LF-only ending", LINE4 "1 2\nGET", .want = REJECT,
     .reason = PROXY_V1_BAD_CRLF},
    {"v1 CR-only ending", LINE4 "1 2\rGET", .want = REJECT,
     .reason = PROXY_V1_BAD_CRLF},
    {"v1 bare LF inside an UNKNOWN line", "PROXY UNKNOWN a\nb\r\n",
     .want = REJECT, .reason = PROXY_V1_BAD_CRLF},
    {"v1 LF then CR", LINE4 "1 2\n\r", .want = REJECT,
     .reason = PROXY_V1_BAD_CRLF},
    {"v1 108-byte UNKNOWN line (CRLF one byte too late)",
     "PROXY UNKNOWN " FFFF6 " " FFFF6 " 65535 655355\r\n", .want = REJECT,
     .reason = PROXY_V1_TOO_LONG},
    {"no header where one is required: an HTTP request", "GET / HTTP/1.1\r\n",
     .want = REJECT, .reason = PROXY_NOT_PROXY},
    {"no header where one is required: a TLS ClientHello",
     BIN("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"), .want = REJECT,
     .reason = PROXY_NOT_PROXY},
    {"no header: lower-case proxy", "proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n",
     .want = REJECT, .reason = PROXY_NOT_PROXY},
    {"no header: one wrong byte in PROXY", "PROXI TCP4", .want = REJECT,
     .reason = PROXY_NOT_PROXY},
    {"v1 nothing after PROXY", "PROXY\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_FIELD},
    {"v1 no space after PROXY", "PROXYTCP4 1.2.3.4 5.6.7.8 1 2\r\n",
     .want = REJECT, .reason = PROXY_V1_BAD_FIELD},
    {"v1 tab instead of a space", "PROXY\tTCP4 1.2.3.4 5.6.7.8 1 2\r\n",
     .want = REJECT, .reason = PROXY_V1_BAD_FIELD},
    {"v1 two spaces after PROXY", "PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n",
     .want = REJECT, .reason = PROXY_V1_BAD_FIELD},
    {"v1 two spaces between addresses", "PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n",
     .want = REJECT, .reason = PROXY_V1_BAD_FIELD},
    {"v1 space before the CRLF", LINE4 "1 2 \r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_FIELD},
    {"v1 destination port missing", LINE4 "1\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_FIELD},
    {"v1 TCP4 without any address", "PROXY TCP4\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_FIELD},
    {"v1 a field too many", LINE4 "1 2 3\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_FIELD},
    {"v1 protocol TCP5", "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_PROTOCOL},
    {"v1 protocol UDP4", "PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_PROTOCOL},
    {"v1 protocol in lower case", "PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n",
     .want = REJECT, .reason = PROXY_V1_BAD_PROTOCOL},
    {"v1 protocol UNKNOWNX", "PROXY UNKNOWNX\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_PROTOCOL},
    {"v1 IPv6 address under TCP4", "PROXY TCP4 ::1 5.6.7.8 1 2\r\n",
     .want = REJECT, .reason = PROXY_V1_BAD_ADDRESS},
    {"v1 IPv4 address under TCP6", "PROXY TCP6 ::1 5.6.7.8 1 2\r\n",
     .want = REJECT, .reason = PROXY_V1_BAD_ADDRESS},
    {"v1 IPv4 octet 256", "PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n",
     .want = REJECT, .reason = PROXY_V1_BAD_ADDRESS},
    {"v1 IPv4 with three octets", "PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n",
     .want = REJECT, .reason = PROXY_V1_BAD_ADDRESS},
    {"v1 host name instead of an address",
     "PROXY TCP4 localhost 5.6.7.8 1 2\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_ADDRESS},
    {"v1 IPv6 with a zone id", "PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n",
     .want = REJECT, .reason = PROXY_V1_BAD_ADDRESS},
    {"v1 IPv6 group of five digits", "PROXY TCP6 2001:0db80::1 ::1 1 2\r\n",
     .want = REJECT, .reason = PROXY_V1_BAD_ADDRESS},
    {"v1 NUL inside an address", BIN("PROXY TCP4 1.2.3.4\0x 5.6.7.8 1 2\r\n"),
     .want = REJECT, .reason = PROXY_V1_BAD_ADDRESS},
    {"v1 address longer than any IPv6 text",
     "PROXY TCP6 0000:0000:0000:0000:0000:0000:0000:0000:0000 ::1 1 2\r\n",
     .want = REJECT, .reason = PROXY_V1_BAD_ADDRESS},
    {"v1 port 65536", LINE4 "65536 2\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_PORT},
    {"v1 port of six digits", LINE4 "1 100000\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_PORT},
    {"v1 port with a plus sign", LINE4 "+80 2\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_PORT},
    {"v1 negative port", LINE4 "-1 2\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_PORT},
    {"v1 hexadecimal port", LINE4 "1 0x50\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_PORT},
    {"v1 port with trailing letters", LINE4 "1 80a\r\n", .want = REJECT,
     .reason = PROXY_V1_BAD_PORT},
    {"v1 on a v2-only listener", LINE4 "1 2\r\n", .versions = PROXY_V2,
     .want = REJECT, .reason = PROXY_V1_NOT_ACCEPTED},
    {"v1 decided wrong-version at 5 bytes", "PROXY", .versions = PROXY_V2,
     .want = REJECT, .reason = PROXY_V1_NOT_ACCEPTED},

    /* ---- v1: incomplete ---- */
    {"nothing yet needs more", "", .want = MORE},
    {"P needs more", "P", .want = MORE},
    {"half a v1 line needs more", "PROXY TCP4 1.2", .want = MORE},
    {"v1 line ending in CR needs more", "PROXY UNKNOWN\r", .want = MORE},
    {"v1 105 bytes without CRLF need more",
     "PROXY UNKNOWN " FFFF6 " " FFFF6 " 65535 65535", .want = MORE},

    /* ---- v2: the spec's commands and families ---- */
    {"v2 PROXY TCP over IPv4 (as HAProxy sends it) before HTTP",
     BIN(SIG "\x21\x11\x00\x0c" V4ADDRS "GET / HTTP/1.1\r\n"), .want = OK,
     .rest = 16, .version = 2, .src = "172.19.0.1:42578",
     .dst = "172.19.0.3:80"},
    {"v2 PROXY TCP over IPv6", BIN(SIG "\x21\x21\x00\x24" V6ADDRS "x"),
     .want = OK, .rest = 1, .version = 2, .src = "[2001:db8::1]:12345",
     .dst = "[2001:db8::2]:443"},
    {"v2 LOCAL UNSPEC without addresses (a health check)",
     BIN(SIG "\x20\x00\x00\x00"
	     "GET /healthz"),
     .want = OK, .rest = 12, .version = 2, .local = true},
    {"v2 LOCAL skips, and ignores, an IPv4 block",
     BIN(SIG "\x20\x11\x00\x0c" V4ADDRS "rest"), .want = OK, .rest = 4,
     .version = 2, .local = true},
    {"v2 LOCAL over IPv4 may have no block", BIN(SIG "\x20\x11\x00\x00"),
     .want = OK, .version = 2, .local = true},
    {"v2 PROXY UNSPEC uses the socket's addresses",
     BIN(SIG "\x21\x00\x00\x00"
	     "x"),
     .want = OK, .rest = 1, .version = 2},
    {"v2 PROXY UNSPEC skips an address block",
     BIN(SIG "\x21\x00\x00\x0c" V4ADDRS), .want = OK, .version = 2},
    {"v2 PROXY UDP over IPv4 falls back to the socket's addresses",
     BIN(SIG "\x21\x12\x00\x0c" V4ADDRS), .want = OK, .version = 2},
    {"v2 PROXY UDP over IPv6 falls back to the socket's addresses",
     BIN(SIG "\x21\x22\x00\x24" V6ADDRS), .want = OK, .version = 2},
    {"v2 TLVs after IPv4 addresses are skipped",
     BIN(SIG "\x21\x11\x00\x17" V4ADDRS "\x01\x00\x02h2"
	     "\x04\x00\x03\0\0\0"
	     "GET"),
     .want = OK, .rest = 3, .version = 2, .src = "172.19.0.1:42578",
     .dst = "172.19.0.3:80"},
    {"v2 bytes past the addresses are skipped unread, even if not TLVs",
     BIN(SIG "\x21\x11\x00\x0f" V4ADDRS "\x01\xff\xff"), .want = OK,
     .version = 2, .src = "172.19.0.1:42578", .dst = "172.19.0.3:80"},
    {"v2 on a v2-only listener", BIN(SIG "\x21\x11\x00\x0c" V4ADDRS),
     .versions = PROXY_V2, .want = OK, .version = 2, .src = "172.19.0.1:42578",
     .dst = "172.19.0.3:80"},
    {"v2 header followed by a v1 line: only the v2 is consumed",
     BIN(SIG "\x20\x00\x00\x00"
	     "PROXY UNKNOWN\r\n"),
     .want = OK, .rest = 15, .version = 2, .local = true},

    /* ---- v2: malformed ---- */
    {"v2 version 1", BIN(SIG "\x11\x11\x00\x0c" V4ADDRS), .want = REJECT,
     .reason = PROXY_V2_BAD_VERSION},
    {"v2 version 3", BIN(SIG "\x31"), .want = REJECT,
     .reason = PROXY_V2_BAD_VERSION},
    {"v2 version 0", BIN(SIG "\x00"), .want = REJECT,
     .reason = PROXY_V2_BAD_VERSION},
    {"v2 command 2", BIN(SIG "\x22\x11\x00\x0c" V4ADDRS), .want = REJECT,
     .reason = PROXY_V2_BAD_COMMAND},
    {"v2 command 15", BIN(SIG "\x2f"), .want = REJECT,
     .reason = PROXY_V2_BAD_COMMAND},
    {"v2 family 0x41", BIN(SIG "\x21\x41\x00\x0c" V4ADDRS), .want = REJECT,
     .reason = PROXY_V2_BAD_FAMILY},
    {"v2 family 0xf1", BIN(SIG "\x21\xf1"), .want = REJECT,
     .reason = PROXY_V2_BAD_FAMILY},
    {"v2 transport 3 (0x13)", BIN(SIG "\x21\x13\x00\x0c" V4ADDRS),
     .want = REJECT, .reason = PROXY_V2_BAD_FAMILY},
    {"v2 family 0x41 is rejected under LOCAL too", BIN(SIG "\x20\x41\x00\x00"),
     .want = REJECT, .reason = PROXY_V2_BAD_FAMILY},
    {"v2 length 4,097 is rejected as soon as it is read",
     BIN(SIG "\x21\x11\x10\x01"), .want = REJECT, .reason = PROXY_V2_TOO_LONG},
    {"v2 length 65,535", BIN(SIG "\x20\x00\xff\xff"), .want = REJECT,
     .reason = PROXY_V2_TOO_LONG},
    {"v2 IPv4 block of 11 bytes", BIN(SIG "\x21\x11\x00\x0b" V4ADDRS),
     .want = REJECT, .reason = PROXY_V2_SHORT_ADDRESS},
    {"v2 IPv4 block of 0 bytes", BIN(SIG "\x21\x11\x00\x00"), .want = REJECT,
     .reason = PROXY_V2_SHORT_ADDRESS},
    {"v2 IPv6 block of 12 bytes", BIN(SIG "\x21\x21\x00\x0c" V4ADDRS),
     .want = REJECT, .reason = PROXY_V2_SHORT_ADDRESS},
    {"v2 IPv6 block of 35 bytes", BIN(SIG "\x21\x21\x00\x23" V6ADDRS),
     .want = REJECT, .reason = PROXY_V2_SHORT_ADDRESS},
    {"no header: v2 signature with one byte wrong",
     BIN("\r\n\r\n\0\r\nQUIX\n\x21\x11\x00\x0c"), .want = REJECT,
     .reason = PROXY_NOT_PROXY},
    {"no header: CR then HTTP", "\rGET / HTTP/1.1\r\n", .want = REJECT,
     .reason = PROXY_NOT_PROXY},
    {"no header: a blank line", "\r\n\r\n\r\n", .want = REJECT,
     .reason = PROXY_NOT_PROXY},
    {"v2 on a v1-only listener", BIN(SIG "\x21\x11\x00\x0c" V4ADDRS),
     .versions = PROXY_V1, .want = REJECT, .reason = PROXY_V2_NOT_ACCEPTED},

    /* ---- v2: incomplete ---- */
    {"v2 signature alone needs more", BIN(SIG), .want = MORE},
    {"v2 fixed part without its addresses needs more",
     BIN(SIG "\x21\x11\x00\x0c"
	     "\xac\x13"),
     .want = MORE},
    {"v2 TLVs not all in yet need more",
     BIN(SIG "\x21\x11\x00\x17" V4ADDRS "\x01\x00\x02h2"), .want = MORE},
    {"v2 signature start on a v1-only listener needs more (to say why)",
     "\r\n\r\n", .versions = PROXY_V1, .want = MORE},
};

/* "ADDR:PORT" or "[ADDR]:PORT" of ss, or "none" for AF_UNSPEC. */
static const char *sa_text(const struct sockaddr_storage *ss, char *buf,
			   size_t len)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(in->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(in6->sin6_port));
	} else {
		snprintf(buf, len, ss->ss_family == AF_UNSPEC ? "none" : "?");
	}
	return buf;
}

static void check_addr(const struct proxy_case *c, const char *what,
		       const char *want, const struct sockaddr_storage *got)
{
	char buf[80];

	sa_text(got, buf, sizeof(buf));
	if (strcmp(buf, want ? want : "none") != 0)
		fail_msg("%s: %s is %s, want %s", c->name, what, buf,
			 want ? want : "none");
}

static void check_fields(const struct proxy_case *c, const struct proxy_hdr *h)
{
	if (h->version != c->version)
		fail_msg("%s: version %d", c->name, h->version);
	if (h->cmd != (c->local ? PROXY_CMD_LOCAL : PROXY_CMD_PROXY))
		fail_msg("%s: command %d", c->name, (int)h->cmd);
	if (h->has_addr != (c->src != NULL))
		fail_msg("%s: has_addr %d", c->name, h->has_addr);
	check_addr(c, "source", c->src, &h->src);
	check_addr(c, "destination", c->dst, &h->dst);
}

/* Parses in[0..len) placed against a guard page; checks that the input is
 * left as it was and that no length beyond it is claimed. */
static int parse_guarded(const struct proxy_case *c, const char *in, size_t len,
			 struct proxy_hdr *h)
{
	const char *buf = guard_place(in, len);
	int ret =
	    proxy_parse(buf, len, c->versions ? c->versions : PROXY_ANY, h);

	if (len > 0 && memcmp(buf, in, len) != 0)
		fail_msg("%s: the input was changed", c->name);
	if (ret > (int)len || (ret > 0 && h->len != (size_t)ret))
		fail_msg("%s: length %d (h->len %zu) of input %zu", c->name,
			 ret, h->len, len);
	return ret;
}

/*
 * A header split across reads at offset n is first seen as its n-byte
 * prefix: that must need more, or give the final answer already.
 */
static void check_prefix(const struct proxy_case *c, const char *in, size_t n,
			 int full, const struct proxy_hdr *fh)
{
	struct proxy_hdr h;
	int ret = parse_guarded(c, in, n, &h);

	if (full > 0 && n >= (size_t)full) {
		if (ret != full)
			fail_msg("%s: prefix %zu gives %d", c->name, n, ret);
		check_fields(c, &h);
	} else if (ret == PROXY_REJECT && full == PROXY_REJECT) {
		if (h.reason != fh->reason)
			fail_msg("%s: prefix %zu gives %s", c->name, n,
				 proxy_reason_name(h.reason));
	} else if (ret != PROXY_NEED_MORE) {
		fail_msg("%s: prefix %zu gives %d (%s), want NEED_MORE",
			 c->name, n, ret, proxy_reason_name(h.reason));
	}
}

/* Runs one case whole, then as every prefix (every split offset). */
static void run_case(const struct proxy_case *c, const char *in, size_t len)
{
	struct proxy_hdr h;
	int ret = parse_guarded(c, in, len, &h);
	int want = c->want == OK     ? (int)(len - c->rest)
		   : c->want == MORE ? PROXY_NEED_MORE
				     : PROXY_REJECT;
	size_t n;

	if (ret != want)
		fail_msg("%s: got %d (%s), want %d", c->name, ret,
			 ret == PROXY_REJECT ? proxy_reason_name(h.reason) : "",
			 want);
	if (c->want == REJECT && h.reason != c->reason)
		fail_msg("%s: reason %s, want %s", c->name,
			 proxy_reason_name(h.reason),
			 proxy_reason_name(c->reason));
	if (c->want == OK)
		check_fields(c, &h);
	for (n = 0; n < len; n++)
		check_prefix(c, in, n, ret, &h);
}

static void test_case(void **state)
{
	const struct proxy_case *c = *state;

	run_case(c, c->in, c->len ? c->len : strlen(c->in));
}

/* ---- generated inputs ---- */

/* "PROXY UNKNOWN " padded with 'a' to n bytes, then tail. */
static size_t make_unknown(char *buf, size_t n, const char *tail)
{
	size_t k = strlen("PROXY UNKNOWN ");

	memcpy(buf, "PROXY UNKNOWN ", k);
	memset(buf + k, 'a', n - k);
	memcpy(buf + n, tail, strlen(tail));
	return n + strlen(tail);
}

static void test_v1_108_without_crlf(void **state)
{
	static char buf[256];
	struct proxy_case c = {"v1 108 bytes without CRLF", .want = REJECT,
			       .reason = PROXY_V1_TOO_LONG};

	(void)state;
	run_case(&c, buf, make_unknown(buf, 108, ""));
}

static void test_v1_107_without_crlf(void **state)
{
	static char buf[256];
	struct proxy_case c = {"v1 107 bytes without CRLF are already too long",
			       .want = REJECT, .reason = PROXY_V1_TOO_LONG};

	(void)state;
	run_case(&c, buf, make_unknown(buf, 107, ""));
}

static void test_v1_longest_line(void **state)
{
	static char buf[256];
	struct proxy_case c = {"v1 105 bytes and CRLF (107) are accepted",
			       .want = OK, .rest = 3, .version = 1};

	(void)state;
	run_case(&c, buf, make_unknown(buf, 105, "\r\nabc"));
}

static void test_v1_crlf_at_107(void **state)
{
	static char buf[256];
	struct proxy_case c = {"v1 CR as byte 107 (LF would be 108)",
			       .want = REJECT, .reason = PROXY_V1_TOO_LONG};

	(void)state;
	run_case(&c, buf, make_unknown(buf, 106, "\r\n"));
}

/* A v2 PROXY header over family byte fam with a payload of plen bytes
 * (filled with 0x5a), followed by "tail". */
static size_t make_v2(char *buf, unsigned char fam, size_t plen)
{
	memcpy(buf, SIG, 12);
	buf[12] = 0x21;
	buf[13] = (char)fam;
	buf[14] = (char)(plen >> 8);
	buf[15] = (char)(plen & 0xff);
	memset(buf + 16, 0x5a, plen);
	memcpy(buf + 16 + plen, "tail", 4);
	return 16 + plen + 4;
}

static void test_v2_length_4096(void **state)
{
	static char buf[PROXY_MAX_LEN + 64];
	struct proxy_case c = {"v2 length 4,096 (header of 4,112) is accepted",
			       .want = OK,
			       .rest = 4,
			       .version = 2,
			       .src = "90.90.90.90:23130",
			       .dst = "90.90.90.90:23130"};

	(void)state;
	run_case(&c, buf, make_v2(buf, 0x11, 4096));
}

static void test_v2_length_4097(void **state)
{
	static char buf[PROXY_MAX_LEN + 64];
	struct proxy_case c = {"v2 length 4,097 with all its bytes",
			       .want = REJECT, .reason = PROXY_V2_TOO_LONG};

	(void)state;
	run_case(&c, buf, make_v2(buf, 0x11, 4097));
}

static void test_v2_unix_block(void **state)
{
	static char buf[512];
	struct proxy_case c = {"v2 UNIX stream: 216-byte block skipped, "
			       "socket's addresses used",
			       .want = OK, .rest = 4, .version = 2};

	(void)state;
	run_case(&c, buf, make_v2(buf, 0x31, 216));
}

/* Every valid family/transport byte is taken, every other one rejected. */
static void test_v2_every_family_byte(void **state)
{
	static char buf[512];
	struct proxy_hdr h;
	unsigned fam;

	(void)state;
	for (fam = 0; fam < 256; fam++) {
		size_t len = make_v2(buf, (unsigned char)fam, 216);
		int ret =
		    proxy_parse(guard_place(buf, len), len, PROXY_ANY, &h);
		bool valid = (fam >> 4) <= 3 && (fam & 0x0f) <= 2;

		if (valid ? ret != 16 + 216
			  : ret != PROXY_REJECT ||
				h.reason != PROXY_V2_BAD_FAMILY)
			fail_msg("family byte 0x%02x gives %d", fam, ret);
		if (valid && h.has_addr != (fam == 0x11 || fam == 0x21))
			fail_msg("family byte 0x%02x: has_addr %d", fam,
				 h.has_addr);
	}
}

/* A header of one version on a listener that takes only the other is
 * rejected with a reason that says so. */
static void test_other_version_only(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct proxy_case c = cases[i];

		if (c.want != OK || c.versions != 0)
			continue;
		c.versions = c.version == 1 ? PROXY_V2 : PROXY_V1;
		c.want = REJECT;
		c.reason = c.version == 1 ? PROXY_V1_NOT_ACCEPTED
					  : PROXY_V2_NOT_ACCEPTED;
		run_case(&c, c.in, c.len ? c.len : strlen(c.in));
	}
}

/* Every reason has its own stable snake_case name. */
static void test_reason_names(void **state)
{
	static const struct {
		enum proxy_reason r;
		const char *name;
	} fixed[] = {
	    {PROXY_NOT_PROXY, "not_proxy"},
	    {PROXY_V1_TOO_LONG, "v1_too_long"},
	    {PROXY_V1_BAD_CRLF, "v1_bad_crlf"},
	    {PROXY_V1_BAD_FIELD, "v1_bad_field"},
	    {PROXY_V1_LEADING_ZERO, "v1_leading_zero"},
	    {PROXY_V1_BAD_ADDRESS, "v1_bad_address"},
	    {PROXY_V1_BAD_PORT, "v1_bad_port"},
	    {PROXY_V2_BAD_VERSION, "v2_bad_version"},
	    {PROXY_V2_BAD_COMMAND, "v2_bad_command"},
	    {PROXY_V2_BAD_FAMILY, "v2_bad_family"},
	    {PROXY_V2_TOO_LONG, "v2_too_long"},
	    {PROXY_V2_SHORT_ADDRESS, "v2_short_address"},
	    {PROXY_EMPTY, "empty"},
	    {PROXY_TIMEOUT, "timeout"},
	};
	int i, j;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
		assert_string_equal(proxy_reason_name(fixed[k].r),
				    fixed[k].name);
	for (i = 0; i < PROXY_REASON_COUNT; i++) {
		const char *n = proxy_reason_name((enum proxy_reason)i);

		if (strcmp(n, "unknown") == 0 ||
		    strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
			strlen(n))
			fail_msg("reason %d is named \"%s\"", i, n);
		for (j = 0; j < i; j++)
			if (strcmp(n, proxy_reason_name(
					  (enum proxy_reason)j)) == 0)
				fail_msg("reasons %d and %d share \"%s\"", j, i,
					 n);
	}
	assert_string_equal(proxy_reason_name(PROXY_REASON_COUNT), "unknown");
	assert_string_equal(proxy_reason_name((enum proxy_reason) - 1),
			    "unknown");
}

static const struct CMUnitTest extra[] = {
    cmocka_unit_test(test_v1_108_without_crlf),
    cmocka_unit_test(test_v1_107_without_crlf),
    cmocka_unit_test(test_v1_longest_line),
    cmocka_unit_test(test_v1_crlf_at_107),
    cmocka_unit_test(test_v2_length_4096),
    cmocka_unit_test(test_v2_length_4097),
    cmocka_unit_test(test_v2_unix_block),
    cmocka_unit_test(test_v2_every_family_byte),
    cmocka_unit_test(test_other_version_only),
    cmocka_unit_test(test_reason_names),
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))
#define NEXTRA (sizeof(extra) / sizeof(extra[0]))

/* One named test per table case, then the generated ones. */
int main(void)
{
	static struct CMUnitTest tests[NCASES + NEXTRA];
	size_t i;

	for (i = 0; i < NCASES; i++)
		tests[i] = (struct CMUnitTest){cases[i].name, test_case, NULL,
					       NULL, (void *)&cases[i]};
	memcpy(tests + NCASES, extra, sizeof(extra));
	return _cmocka_run_group_tests("proxy_parse", tests, NCASES + NEXTRA,
				       NULL, NULL);
}
