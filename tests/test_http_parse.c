/* test_http_parse.c - table-driven tests of the HTTP/1.x request parser */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/http_parse.h"

/* from test_http_guard.c */
const char *guard_place(const char *data, size_t len);

enum { OK = 1, AGAIN, ERR }; /* expected outcome */
enum { ANY = 0, YES, NO };   /* tri-state field expectations */
enum { M_ANY = 0, M_GET, M_HEAD, M_OTHER };
#define NONE   "(none)" /* expected absent string field */
#define BIN(s) .in = (s), .len = sizeof(s) - 1 /* input with NUL bytes */

struct parse_case {
	const char *name;
	const char *in;
	size_t len;  /* 0: strlen(in) */
	int want;    /* OK, AGAIN or ERR */
	int status;  /* for ERR */
	size_t rest; /* OK: bytes after the head (body, next request) */
	size_t max;  /* max_header_size; 0: 8192 */
	/* checked when set, for OK: */
	int meth;
	const char *method, *target, *version; /* version "1.0" or "1.1" */
	int keep_alive, chunked;
	const char *cl;	  /* decimal, or NONE */
	const char *host; /* or NONE */
	const char *ims, *range;
	const char *inm, *im, *ius, *ir; /* preconditions */
	int nh;		  /* nheaders; -1 for none */
	const char *last; /* "name=value" of the last header */
};

#define H     "Host: example.com\r\n"
#define GET11 "GET / HTTP/1.1\r\n"

static const struct parse_case cases[] = {
    /* ---- valid requests and the fields derived from them ---- */
    {"minimal HTTP/1.1 GET", GET11 H "\r\n", .want = OK, .meth = M_GET,
     .method = "GET", .target = "/", .version = "1.1", .keep_alive = YES,
     .chunked = NO, .cl = NONE, .host = "example.com", .nh = 1, .ims = NONE,
     .range = NONE},
    {"HEAD is recognised", "HEAD /x HTTP/1.1\r\n" H "\r\n", .want = OK,
     .meth = M_HEAD, .method = "HEAD", .target = "/x"},
    {"POST is another method, body not part of head",
     "POST /f HTTP/1.1\r\n" H "Content-Length: 5\r\n\r\nhello", .want = OK,
     .rest = 5, .meth = M_OTHER, .method = "POST", .cl = "5"},
    {"methods are case-sensitive: get is not GET",
     "get / HTTP/1.1\r\n" H "\r\n", .want = OK, .meth = M_OTHER,
     .method = "get"},
    {"any token is a method", "M-SEARCH / HTTP/1.1\r\n" H "\r\n", .want = OK,
     .meth = M_OTHER, .method = "M-SEARCH", .target = "/"},
    {"token punctuation in a method",
     "X!#$%&'*+-.^_`|~1 / HTTP/1.1\r\n" H "\r\n", .want = OK,
     .method = "X!#$%&'*+-.^_`|~1"},
    {"OPTIONS asterisk-form", "OPTIONS * HTTP/1.1\r\n" H "\r\n", .want = OK,
     .target = "*"},
    {"query kept in the target", "GET /a/b?c=d&e=%20f HTTP/1.1\r\n" H "\r\n",
     .want = OK, .target = "/a/b?c=d&e=%20f"},
    {"absolute-form target kept as is",
     "GET http://example.com/x?y HTTP/1.1\r\n" H "\r\n", .want = OK,
     .target = "http://example.com/x?y"},
    {"absolute-form https with a port and a query",
     "GET HTTPS://a.example:443?q HTTP/1.1\r\n" H "\r\n", .want = OK,
     .target = "HTTPS://a.example:443?q"},
    {"absolute-form with an IPv6 authority",
     "GET http://[::1]:80/ HTTP/1.1\r\n" H "\r\n", .want = OK},
    {"CONNECT authority-form", "CONNECT a.example:443 HTTP/1.1\r\n" H "\r\n",
     .want = OK, .method = "CONNECT", .target = "a.example:443"},
    {"percent-encoded UTF-8 in the target",
     "GET /caf%C3%A9 HTTP/1.1\r\n" H "\r\n", .want = OK,
     .target = "/caf%C3%A9"},
    {"HTTP/1.0 without Host, no keep-alive", "GET / HTTP/1.0\r\n\r\n",
     .want = OK, .version = "1.0", .keep_alive = NO, .host = NONE, .nh = -1},
    {"HTTP/1.0 with Connection: keep-alive",
     "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", .want = OK,
     .version = "1.0", .keep_alive = YES},
    {"HTTP/1.0 keep-alive is case-insensitive",
     "GET / HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n", .want = OK,
     .keep_alive = YES},
    {"HTTP/1.0 close wins over keep-alive",
     "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", .want = OK,
     .keep_alive = NO},
    {"HTTP/1.1 Connection: close", GET11 H "Connection: close\r\n\r\n",
     .want = OK, .keep_alive = NO},
    {"HTTP/1.1 close found in a list, any case",
     GET11 H "Connection: Upgrade ,  CLOSE\r\n\r\n", .want = OK,
     .keep_alive = NO},
    {"HTTP/1.1 close in a second Connection field",
     GET11 H "Connection: upgrade\r\nConnection: close\r\n\r\n", .want = OK,
     .keep_alive = NO},
    {"HTTP/1.1 unrelated Connection tokens keep alive",
     GET11 H "Connection: Upgrade, HTTP2-Settings\r\n\r\n", .want = OK,
     .keep_alive = YES},
    {"HTTP/1.0 Host is optional but taken", "GET / HTTP/1.0\r\n" H "\r\n",
     .want = OK, .host = "example.com"},
    {"header names are case-insensitive",
     "GET / HTTP/1.1\r\nhOsT: a.example\r\n\r\n", .want = OK,
     .host = "a.example"},
    {"Host with an IPv4 address and port", GET11 "Host: 10.0.0.1:80\r\n\r\n",
     .want = OK, .host = "10.0.0.1:80"},
    {"Host with an empty port (RFC 3986 allows it)",
     GET11 "Host: a.example:\r\n\r\n", .want = OK, .host = "a.example:"},
    {"Host with a trailing dot", GET11 "Host: a.example.\r\n\r\n",
     .want = OK, .host = "a.example."},
    {"Host with an IPv4-mapped IPv6 literal",
     GET11 "Host: [::ffff:12.30.67.89]\r\n\r\n", .want = OK},
    {"Host with an IPvFuture literal", GET11 "Host: [v1.x:y]\r\n\r\n",
     .want = OK},
    {"Host with a port", GET11 "Host: example.com:8080\r\n\r\n", .want = OK,
     .host = "example.com:8080"},
    {"Host with an IPv6 literal", GET11 "Host: [::1]:8080\r\n\r\n", .want = OK,
     .host = "[::1]:8080"},
    {"OWS around a value is trimmed", GET11 "Host: \t a.example \t\r\n\r\n",
     .want = OK, .host = "a.example", .last = "Host=a.example"},
    {"no OWS after the colon", GET11 "Host:a\r\n\r\n", .want = OK, .host = "a"},
    {"spaces inside a value are kept",
     GET11 H "User-Agent: curl/8.0 (x86_64 linux)\r\n\r\n", .want = OK, .nh = 2,
     .last = "User-Agent=curl/8.0 (x86_64 linux)"},
    {"HTAB inside a value is allowed", GET11 H "X-T: a\tb\r\n\r\n", .want = OK,
     .last = "X-T=a\tb"},
    {"obs-text inside a value is allowed",
     GET11 H "X-Name: Jos\xc3\xa9\r\n\r\n", .want = OK,
     .last = "X-Name=Jos\xc3\xa9"},
    {"empty value of another field", GET11 H "X-Empty:\r\n\r\n", .want = OK,
     .last = "X-Empty="},
    {"value of only whitespace is empty", GET11 H "X-Empty:  \t \r\n\r\n",
     .want = OK, .last = "X-Empty="},
    {"token punctuation in a field name",
     GET11 H "X-!#$%&'*+.^_`|~9: v\r\n\r\n", .want = OK,
     .last = "X-!#$%&'*+.^_`|~9=v"},
    {"one leading empty line skipped (RFC 9112 2.2)", "\r\n" GET11 H "\r\n",
     .want = OK, .target = "/"},
    {"several leading empty lines skipped", "\r\n\r\n\r\n" GET11 H "\r\n",
     .want = OK, .method = "GET"},
    {"pipelined: only the first head is returned",
     GET11 H "\r\n"
	     "GET /2 HTTP/1.1\r\n" H "\r\n",
     .want = OK, .rest = sizeof("GET /2 HTTP/1.1\r\n" H "\r\n") - 1,
     .target = "/"},
    {"Content-Length 0", GET11 H "Content-Length: 0\r\n\r\n", .want = OK,
     .cl = "0"},
    {"Content-Length with leading zeros",
     GET11 H "Content-Length: 007\r\n\r\n1234567", .want = OK, .rest = 7,
     .cl = "7"},
    {"Content-Length with SP around it is the number",
     GET11 H "Content-Length:  5 \r\n\r\n", .want = OK, .cl = "5"},
    {"largest Content-Length parses (413 is the caller's)",
     GET11 H "Content-Length: 18446744073709551615\r\n\r\n", .want = OK,
     .cl = "18446744073709551615"},
    {"Transfer-Encoding: chunked",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n", .want = OK,
     .chunked = YES, .cl = NONE},
    {"Transfer-Encoding is case-insensitive",
     "POST / HTTP/1.1\r\n" H "transfer-encoding: CHUNKED\r\n\r\n", .want = OK,
     .chunked = YES},
    {"Transfer-Encoding with OWS",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding:  chunked \r\n\r\n", .want = OK,
     .chunked = YES},
    {"preconditions captured",
     GET11 H "If-None-Match: \"a\", W/\"b\"\r\nIf-Match: *\r\n"
	     "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	     "If-Range: \"c\"\r\n\r\n",
     .want = OK, .inm = "\"a\", W/\"b\"", .im = "*",
     .ius = "Sun, 06 Nov 1994 08:49:37 GMT", .ir = "\"c\"", .ims = NONE},
    {"the first of two If-None-Match fields counts",
     GET11 H "if-none-match: \"a\"\r\nIf-None-Match: \"b\"\r\n\r\n",
     .want = OK, .inm = "\"a\""},
    {"no preconditions", GET11 H "\r\n", .want = OK, .inm = NONE, .im = NONE,
     .ius = NONE, .ir = NONE},
    {"If-Modified-Since captured",
     GET11 H "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
     .want = OK, .ims = "Sun, 06 Nov 1994 08:49:37 GMT"},
    {"first If-Modified-Since wins",
     GET11 H "If-Modified-Since: a\r\nIf-Modified-Since: b\r\n\r\n", .want = OK,
     .ims = "a"},
    {"Range captured", GET11 H "Range: bytes=0-99\r\n\r\n", .want = OK,
     .range = "bytes=0-99"},
    {"two Range fields: Range ignored",
     GET11 H "Range: bytes=0-1\r\nRange: bytes=2-3\r\n\r\n", .want = OK,
     .range = NONE},
    {"three Range fields: Range still ignored",
     GET11 H "Range: bytes=0-1\r\nRange: bytes=2-3\r\nRange: bytes=4-5"
	     "\r\n\r\n",
     .want = OK, .range = NONE},
    {"head exactly max_header_size long", GET11 H "\r\n", .want = OK,
     .max = sizeof(GET11 H "\r\n") - 1},
    {"longer buffer than the limit, head within it", GET11 H "\r\n0123456789",
     .want = OK, .rest = 10, .max = sizeof(GET11 H "\r\n") - 1},

    /* ---- incomplete input ---- */
    {"empty input needs more", "", .want = AGAIN},
    {"a lone CR needs more", "\r", .want = AGAIN},
    {"empty lines alone need more", "\r\n\r\n", .want = AGAIN},
    {"request line without headers end needs more", GET11, .want = AGAIN},
    {"head without the final CRLF needs more", GET11 H, .want = AGAIN},
    {"head ending in CR needs more", GET11 H "\r", .want = AGAIN},
    {"value without its LF needs more", GET11 "Host: a\r", .want = AGAIN},

    /* ---- request line ---- */
    {"two spaces after the method", "GET  / HTTP/1.1\r\n" H "\r\n", .want = ERR,
     .status = 400},
    {"two spaces before the version", "GET /  HTTP/1.1\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"HTAB as separator", "GET\t/\tHTTP/1.1\r\n" H "\r\n", .want = ERR,
     .status = 400},
    {"leading space before the method", " GET / HTTP/1.1\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"trailing space after the version", "GET / HTTP/1.1 \r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"non-token method", "GE(T / HTTP/1.1\r\n" H "\r\n", .want = ERR,
     .status = 400},
    {"slash in a method", "GET/ / HTTP/1.1\r\n" H "\r\n", .want = ERR,
     .status = 400},
    {"NUL in the method", BIN("G\0T / HTTP/1.1\r\n" H "\r\n"), .want = ERR,
     .status = 400},
    /* ---- request-target forms (RFC 9112 3.2) ---- */
    {"raw UTF-8 in the target", "GET /caf\xc3\xa9 HTTP/1.1\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"overlong UTF-8 in the target", "GET /\xc0\xaf HTTP/1.1\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"a byte 0x80 deep in a long target (vector path)",
     "GET /0123456789abcdef0123456789abcdef\x80 HTTP/1.1\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"0xff in the target", "GET /a\xff HTTP/1.1\r\n" H "\r\n", .want = ERR,
     .status = 400},
    {"a relative path is no form", "GET index.html HTTP/1.1\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"asterisk-form with GET", "GET * HTTP/1.1\r\n" H "\r\n", .want = ERR,
     .status = 400},
    {"authority-form with GET", "GET a.example:80 HTTP/1.1\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"CONNECT with origin-form", "CONNECT / HTTP/1.1\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"CONNECT without a port", "CONNECT localhost HTTP/1.1\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"a fragment in the target", "GET /path#frag HTTP/1.1\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"another scheme", "GET ftp://a/x HTTP/1.1\r\n" H "\r\n", .want = ERR,
     .status = 400},
    {"absolute-form with an empty host", "GET http:/// HTTP/1.0\r\n\r\n",
     .want = ERR, .status = 400},
    {"absolute-form port with a dot",
     "GET http://example.com.:1.2/ HTTP/1.0\r\n\r\n", .want = ERR,
     .status = 400},
    {"absolute-form with two ports",
     "GET http://123.40.56.78:9000:80/ HTTP/1.0\r\n\r\n", .want = ERR,
     .status = 400},
    {"absolute-form with a backslash in the authority",
     "GET http://\\e/xample.com/ HTTP/1.0\r\n\r\n", .want = ERR,
     .status = 400},
    {"absolute-form IPv6 literal with a backslash",
     "GET http://[abcd\\::ef98:0:7654:321/]:12/ HTTP/1.0\r\n\r\n",
     .want = ERR, .status = 400},
    {"absolute-form IPv6 literal missing its bracket",
     "GET http://[abcd::ef98:0:7654:321/ HTTP/1.0\r\n\r\n", .want = ERR,
     .status = 400},
    {"absolute-form with userinfo", "GET http://u@a/ HTTP/1.0\r\n\r\n",
     .want = ERR, .status = 400},
    {"scheme without authority", "GET http:/a HTTP/1.0\r\n\r\n", .want = ERR,
     .status = 400},
    {"missing target", "GET HTTP/1.1\r\n" H "\r\n", .want = ERR, .status = 400},
    {"HTTP/0.9 simple request", "GET /\r\n\r\n", .want = ERR, .status = 400},
    {"control byte in the target", "GET /a\x01z HTTP/1.1\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"DEL in the target", "GET /a\x7fz HTTP/1.1\r\n" H "\r\n", .want = ERR,
     .status = 400},
    {"NUL in the target", BIN("GET /a\0z HTTP/1.1\r\n" H "\r\n"), .want = ERR,
     .status = 400},
    {"lowercase protocol name", "GET / http/1.1\r\n" H "\r\n", .want = ERR,
     .status = 400},
    {"version without minor", "GET / HTTP/1\r\n" H "\r\n", .want = ERR,
     .status = 400},
    {"version with two minor digits", "GET / HTTP/1.10\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"version with two major digits", "GET / HTTP/11.1\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"garbage version", "GET / XTTP/1.1\r\n" H "\r\n", .want = ERR,
     .status = 400},
    {"HTTP/2.0 is well-formed: 505", "GET / HTTP/2.0\r\n" H "\r\n", .want = ERR,
     .status = 505},
    {"HTTP/1.2: 505", "GET / HTTP/1.2\r\n" H "\r\n", .want = ERR,
     .status = 505},
    {"HTTP/0.9 with a version: 505", "GET / HTTP/0.9\r\n\r\n", .want = ERR,
     .status = 505},
    {"HTTP/3.0: 505 before any header", "GET / HTTP/3.0\r\n", .want = ERR,
     .status = 505},
    {"bare LF ends the request line", "GET / HTTP/1.1\n" H "\r\n", .want = ERR,
     .status = 400},
    {"bare LF as a leading empty line", "\n" GET11 H "\r\n", .want = ERR,
     .status = 400},
    {"bare CR as a leading empty line", "\rGET / HTTP/1.1\r\n" H "\r\n",
     .want = ERR, .status = 400},
    {"CR CR LF after the version", "GET / HTTP/1.1\r\r\n" H "\r\n", .want = ERR,
     .status = 400},

    /* ---- field lines ---- */
    {"space before the colon", GET11 "Host : example.com\r\n\r\n", .want = ERR,
     .status = 400},
    {"HTAB before the colon", GET11 "Host\t: example.com\r\n\r\n", .want = ERR,
     .status = 400},
    {"space before the colon of Content-Length (smuggling)",
     GET11 H "Content-Length : 5\r\n\r\nhello", .want = ERR, .status = 400},
    {"obs-fold continuation line", GET11 H "X-A: a\r\n b\r\n\r\n", .want = ERR,
     .status = 400},
    {"obs-fold with HTAB", GET11 H "X-A: a\r\n\tb\r\n\r\n", .want = ERR,
     .status = 400},
    {"whitespace line after the request line",
     GET11 " Host: example.com\r\n\r\n", .want = ERR, .status = 400},
    {"field line without a colon", GET11 H "X-A\r\n\r\n", .want = ERR,
     .status = 400},
    {"empty field name", GET11 H ": v\r\n\r\n", .want = ERR, .status = 400},
    {"parenthesis in a field name", GET11 H "X(A): v\r\n\r\n", .want = ERR,
     .status = 400},
    {"at-sign in a field name", GET11 H "X@A: v\r\n\r\n", .want = ERR,
     .status = 400},
    {"obs-text in a field name", GET11 H "X\xc3\xa9: v\r\n\r\n", .want = ERR,
     .status = 400},
    {"NUL in a value", BIN(GET11 H "X-A: a\0b\r\n\r\n"), .want = ERR,
     .status = 400},
    {"bare CR in a value", GET11 H "X-A: a\rb\r\n\r\n", .want = ERR,
     .status = 400},
    {"bare LF ends a field line", GET11 "Host: a\nX-A: b\r\n\r\n", .want = ERR,
     .status = 400},
    {"bare LF as the final empty line", GET11 H "\n", .want = ERR,
     .status = 400},
    {"CR CR LF after a value", GET11 H "X-A: a\r\r\n\r\n", .want = ERR,
     .status = 400},
    {"control byte in a value", GET11 H "X-A: a\x1b[0m\r\n\r\n", .want = ERR,
     .status = 400},
    {"DEL in a value", GET11 H "X-A: a\x7f\r\n\r\n", .want = ERR,
     .status = 400},
    {"final CR followed by garbage", GET11 H "\rX", .want = ERR, .status = 400},

    /* ---- Host ---- */
    {"HTTP/1.1 without Host", GET11 "X-A: b\r\n\r\n", .want = ERR,
     .status = 400},
    {"HTTP/1.1 without any field", GET11 "\r\n", .want = ERR, .status = 400},
    {"two Host fields", GET11 H H "\r\n", .want = ERR, .status = 400},
    {"two Host fields differing in case and value",
     GET11 "host: a\r\nHOST: b\r\n\r\n", .want = ERR, .status = 400},
    {"Host with a space inside", GET11 "Host: a b\r\n\r\n", .want = ERR,
     .status = 400},
    {"Host with a slash", GET11 "Host: a/b\r\n\r\n", .want = ERR,
     .status = 400},
    {"empty Host", GET11 "Host:\r\n\r\n", .want = ERR, .status = 400},
    {"empty Host in HTTP/1.0", "GET / HTTP/1.0\r\nHost: \r\n\r\n",
     .want = ERR, .status = 400},
    {"Host of only a port", GET11 "Host: :80\r\n\r\n", .want = ERR,
     .status = 400},
    {"Host port with a dot", GET11 "Host: example.com.:1.2\r\n\r\n",
     .want = ERR, .status = 400},
    {"Host with two ports", GET11 "Host: 1.2.3.4:9000:80\r\n\r\n",
     .want = ERR, .status = 400},
    {"Host port over 65535", GET11 "Host: a:65536\r\n\r\n", .want = ERR,
     .status = 400},
    {"Host port of six digits", GET11 "Host: a:000080\r\n\r\n", .want = ERR,
     .status = 400},
    {"Host port 65535", GET11 "Host: a:65535\r\n\r\n", .want = OK},
    {"Host IPv6 literal without its bracket",
     GET11 "Host: [abcd::ef98:0:7654:321\r\n\r\n", .want = ERR, .status = 400},
    {"Host IPv6 literal with a dot after it",
     GET11 "Host: [abcd::ef98:0:7654:321].\r\n\r\n", .want = ERR,
     .status = 400},
    {"Host IPv6 literal with a dot and a port",
     GET11 "Host: [abcd::ef98:0:7654:321].:98\r\n\r\n", .want = ERR,
     .status = 400},
    {"Host IPv6 literal with a double dot inside",
     GET11 "Host: [ab..cd::ef98:0:7654:321]\r\n\r\n", .want = ERR,
     .status = 400},
    {"Host IPv6 literal after a name",
     GET11 "Host: extra[abcd::ef98:0:7654:321]:98\r\n\r\n", .want = ERR,
     .status = 400},
    {"Host empty IPv6 literal", GET11 "Host: []\r\n\r\n", .want = ERR,
     .status = 400},
    {"Host IPv6 literal with a zone", GET11 "Host: [fe80::1%eth0]\r\n\r\n",
     .want = ERR, .status = 400},
    {"Host with a bad escape", GET11 "Host: a%zz\r\n\r\n", .want = ERR,
     .status = 400},
    {"Host with a backslash", GET11 "Host: a\\b\r\n\r\n", .want = ERR,
     .status = 400},
    {"Host with userinfo", GET11 "Host: u@a\r\n\r\n", .want = ERR,
     .status = 400},

    /* ---- Content-Length ---- */
    {"Content-Length with a plus sign", GET11 H "Content-Length: +5\r\n\r\n",
     .want = ERR, .status = 400},
    {"negative Content-Length", GET11 H "Content-Length: -1\r\n\r\n",
     .want = ERR, .status = 400},
    {"hex Content-Length", GET11 H "Content-Length: 0x10\r\n\r\n", .want = ERR,
     .status = 400},
    {"Content-Length with a space between digits",
     GET11 H "Content-Length: 5 5\r\n\r\n", .want = ERR, .status = 400},
    {"empty Content-Length", GET11 H "Content-Length:\r\n\r\n", .want = ERR,
     .status = 400},
    {"Content-Length with a unit", GET11 H "Content-Length: 5b\r\n\r\n",
     .want = ERR, .status = 400},
    {"Content-Length overflowing 64 bits",
     GET11 H "Content-Length: 18446744073709551616\r\n\r\n", .want = ERR,
     .status = 400},
    {"conflicting Content-Length fields",
     GET11 H "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello", .want = ERR,
     .status = 400},
    {"Content-Length list of identical values (RFC 9110 8.6 lets us refuse)",
     GET11 H "Content-Length: 5, 5\r\n\r\nhello", .want = ERR, .status = 400},
    {"Content-Length list without spaces",
     GET11 H "Content-Length: 5,5,5\r\n\r\nhello", .want = ERR, .status = 400},
    {"repeated identical Content-Length fields",
     GET11 H "Content-Length: 5\r\ncontent-length: 5\r\n\r\nhello",
     .want = ERR, .status = 400},
    {"HTAB before the Content-Length value",
     GET11 H "Content-Length:\t5\r\n\r\nhello", .want = ERR, .status = 400},
    {"HTAB after the Content-Length value",
     GET11 H "Content-Length: 5 \t\r\n\r\nhello", .want = ERR, .status = 400},
    {"Content-Length list of different values",
     GET11 H "Content-Length: 5, 6\r\n\r\n", .want = ERR, .status = 400},
    {"Content-Length list with an empty element",
     GET11 H "Content-Length: 5,\r\n\r\n", .want = ERR, .status = 400},
    {"Content-Length list starting with a comma",
     GET11 H "Content-Length: ,5\r\n\r\n", .want = ERR, .status = 400},

    /* ---- Transfer-Encoding ---- */
    {"Content-Length then Transfer-Encoding (CL.TE)",
     "POST / HTTP/1.1\r\n" H "Content-Length: 4\r\n"
     "Transfer-Encoding: chunked\r\n\r\n",
     .want = ERR, .status = 400},
    {"Transfer-Encoding then Content-Length (TE.CL)",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n"
     "Content-Length: 4\r\n\r\n",
     .want = ERR, .status = 400},
    {"chunked then identity: chunked not last",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked, identity\r\n\r\n",
     .want = ERR, .status = 400},
    {"chunked not last across two fields",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n"
     "Transfer-Encoding: gzip\r\n\r\n",
     .want = ERR, .status = 400},
    {"chunked applied twice",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked, chunked\r\n\r\n",
     .want = ERR, .status = 400},
    {"chunked in two fields",
     "POST / HTTP/1.1\r\n" H
     "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
     .want = ERR, .status = 400},
    {"empty Transfer-Encoding",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding:\r\n\r\n", .want = ERR,
     .status = 400},
    {"Transfer-Encoding with an empty element",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding: ,chunked\r\n\r\n", .want = ERR,
     .status = 400},
    {"Transfer-Encoding in HTTP/1.0",
     "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .want = ERR,
     .status = 400},
    {"Transfer-Encoding: identity is unknown",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding: identity\r\n\r\n", .want = ERR,
     .status = 501},
    {"Transfer-Encoding: gzip, chunked is not implemented",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding: gzip, chunked\r\n\r\n",
     .want = ERR, .status = 501},
    {"gzip and chunked in two fields",
     "POST / HTTP/1.1\r\n" H
     "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
     .want = ERR, .status = 501},
    {"chunked with a prefix is not chunked",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding: xchunked\r\n\r\n", .want = ERR,
     .status = 501},
    {"chunked with a parameter is not chunked",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked;x=1\r\n\r\n",
     .want = ERR, .status = 501},
    {"Transfer-Encoding with a space before the colon",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding : chunked\r\n\r\n", .want = ERR,
     .status = 400},
    {"Transfer-Encoding value with a vertical tab",
     "POST / HTTP/1.1\r\n" H "Transfer-Encoding:\x0b"
     "chunked\r\n\r\n",
     .want = ERR, .status = 400},

    /* ---- limits ---- */
    {"request line longer than the limit: 414",
     "GET /0123456789012345678901234567890123456789 HTTP/1.1\r\n" H "\r\n",
     .want = ERR, .status = 414, .max = 32},
    {"request line without CRLF within the limit: 414", "GET / HTTP/1.1",
     .want = ERR, .status = 414, .max = 14},
    {"empty lines up to the limit: 414", "\r\n\r\n\r\n\r\n", .want = ERR,
     .status = 414, .max = 8},
    {"request line at the limit, no CRLF yet: 414", GET11, .want = ERR,
     .status = 414, .max = 15},
    {"head over the limit: 431", GET11 H "X-Long: 0123456789\r\n\r\n",
     .want = ERR, .status = 431, .max = 40},
    {"complete head one byte over the limit: 431", GET11 H "\r\n", .want = ERR,
     .status = 431, .max = sizeof(GET11 H "\r\n") - 2},
};

static const char *expect_str(const char *s, size_t len, char *buf, size_t size)
{
	if (s == NULL)
		return NONE;
	snprintf(buf, size, "%.*s", (int)len, s);
	return buf;
}

static void check_str(const struct parse_case *c, const char *what,
		      const char *want, const char *got, size_t got_len)
{
	char buf[512];
	bool same;

	if (want == NULL)
		return;
	if (strcmp(want, NONE) == 0)
		same = got == NULL;
	else
		same = got != NULL && got_len == strlen(want) &&
		       memcmp(got, want, got_len) == 0;
	if (!same)
		fail_msg("%s: %s is \"%s\", want \"%.400s\"", c->name, what,
			 expect_str(got, got_len, buf, sizeof(buf)), want);
}

static void check_tri(const struct parse_case *c, const char *what, int want,
		      bool got)
{
	if (want != ANY && (want == YES) != got)
		fail_msg("%s: %s is %d", c->name, what, got);
}

static void check_inside(const struct parse_case *c, const char *buf, int ret,
			 const char *p, size_t n)
{
	if (p != NULL && (p < buf || p + n > buf + ret))
		fail_msg("%s: a field points outside the head", c->name);
}

/* Every pointer of a parsed head points into buf[0..ret). */
static void check_pointers(const struct parse_case *c, const char *buf, int ret,
			   const struct http_request *r)
{
	size_t i;

	check_inside(c, buf, ret, r->method, r->method_len);
	check_inside(c, buf, ret, r->target, r->target_len);
	check_inside(c, buf, ret, r->host, r->host_len);
	check_inside(c, buf, ret, r->range, r->range_len);
	check_inside(c, buf, ret, r->if_modified_since.value,
		     r->if_modified_since.len);
	check_inside(c, buf, ret, r->if_none_match.value, r->if_none_match.len);
	check_inside(c, buf, ret, r->if_match.value, r->if_match.len);
	check_inside(c, buf, ret, r->if_unmodified_since.value,
		     r->if_unmodified_since.len);
	check_inside(c, buf, ret, r->if_range.value, r->if_range.len);
	for (i = 0; i < r->nheaders; i++) {
		check_inside(c, buf, ret, r->headers[i].name,
			     r->headers[i].name_len);
		check_inside(c, buf, ret, r->headers[i].value,
			     r->headers[i].value_len);
	}
}

static void check_last_header(const struct parse_case *c,
			      const struct http_request *r)
{
	char got[512];
	const struct http_header *h;

	if (c->last == NULL)
		return;
	assert_true(r->nheaders > 0);
	h = &r->headers[r->nheaders - 1];
	snprintf(got, sizeof(got), "%.*s=%.*s", (int)h->name_len, h->name,
		 (int)h->value_len, h->value);
	if (strcmp(got, c->last) != 0)
		fail_msg("%s: last header \"%s\", want \"%s\"", c->name, got,
			 c->last);
}

static void check_fields(const struct parse_case *c,
			 const struct http_request *r)
{
	static const int meths[] = {0, HTTP_GET, HTTP_HEAD, HTTP_OTHER_METHOD};
	char cl[32], ver[8];

	if (c->meth != M_ANY && (int)r->meth != meths[c->meth])
		fail_msg("%s: meth is %d", c->name, (int)r->meth);
	check_str(c, "method", c->method, r->method, r->method_len);
	check_str(c, "target", c->target, r->target, r->target_len);
	snprintf(ver, sizeof(ver), "1.%d", r->version_minor);
	check_str(c, "version", c->version, ver, strlen(ver));
	check_tri(c, "keep_alive", c->keep_alive, r->keep_alive);
	check_tri(c, "chunked", c->chunked, r->chunked);
	snprintf(cl, sizeof(cl), "%llu", (unsigned long long)r->content_length);
	check_str(c, "content_length", c->cl, r->has_content_length ? cl : NULL,
		  strlen(cl));
	check_str(c, "host", c->host, r->host, r->host_len);
	check_str(c, "if_modified_since", c->ims, r->if_modified_since.value,
		  r->if_modified_since.len);
	check_str(c, "if_none_match", c->inm, r->if_none_match.value,
		  r->if_none_match.len);
	check_str(c, "if_match", c->im, r->if_match.value, r->if_match.len);
	check_str(c, "if_unmodified_since", c->ius,
		  r->if_unmodified_since.value, r->if_unmodified_since.len);
	check_str(c, "if_range", c->ir, r->if_range.value, r->if_range.len);
	check_str(c, "range", c->range, r->range, r->range_len);
	if (c->nh != 0 && r->nheaders != (size_t)(c->nh < 0 ? 0 : c->nh))
		fail_msg("%s: %zu headers", c->name, r->nheaders);
	check_last_header(c, r);
}

static int parse_guarded(const struct parse_case *c, const char *in, size_t len,
			 struct http_request *r, int *status)
{
	struct http_limits lim = {c->max ? c->max : 8192};
	const char *buf = guard_place(in, len);
	int ret = http_parse_request(buf, len, &lim, r, status);

	if (ret > 0)
		check_pointers(c, buf, ret, r);
	if (ret > (int)len)
		fail_msg("%s: length %d > input %zu", c->name, ret, len);
	return ret;
}

/* The result a prefix of n bytes must give, given the full result. */
static void check_prefix(const struct parse_case *c, const char *in, size_t n,
			 int full_ret, int full_status)
{
	static struct http_request r;
	int status, ret = parse_guarded(c, in, n, &r, &status);

	if (full_ret > 0 && n >= (size_t)full_ret) {
		if (ret != full_ret)
			fail_msg("%s: prefix %zu gives %d", c->name, n, ret);
	} else if (ret == HTTP_PARSE_ERROR && full_ret == HTTP_PARSE_ERROR) {
		if (status != full_status)
			fail_msg("%s: prefix %zu gives status %d", c->name, n,
				 status);
	} else if (ret != HTTP_PARSE_AGAIN) {
		fail_msg("%s: prefix %zu gives %d (status %d), want AGAIN",
			 c->name, n, ret, status);
	}
}

/* http_head_complete fed byte by byte agrees with one scan, and holds
 * for every complete head. */
static void check_complete_hint(const struct parse_case *c, const char *in,
				size_t len, int ret)
{
	bool seen = false;
	size_t n;

	for (n = 1; n <= len; n++) {
		const char *buf = guard_place(in, n);

		seen = seen || http_head_complete(buf, n, n - 1);
		if (seen != http_head_complete(buf, n, 0))
			fail_msg("%s: hint differs at %zu", c->name, n);
	}
	if (ret > 0 &&
	    !http_head_complete(guard_place(in, (size_t)ret), (size_t)ret, 0))
		fail_msg("%s: complete head not hinted", c->name);
}

/* Runs one case whole and fed byte by byte, against a guard page. */
static void run_case(const struct parse_case *c, const char *in, size_t len)
{
	static struct http_request r;
	int status, ret = parse_guarded(c, in, len, &r, &status);
	int want = c->want == OK      ? (int)(len - c->rest)
		   : c->want == AGAIN ? HTTP_PARSE_AGAIN
				      : HTTP_PARSE_ERROR;
	size_t n;

	if (ret != want || (c->want == ERR && status != c->status))
		fail_msg("%s: got %d status %d, want %d status %d", c->name,
			 ret, status, want, c->status);
	if (c->want == OK)
		check_fields(c, &r);
	for (n = 0; n < len; n++)
		check_prefix(c, in, n, ret, status);
	check_complete_hint(c, in, len, ret);
}

static void test_case(void **state)
{
	const struct parse_case *c = *state;

	run_case(c, c->in, c->len ? c->len : strlen(c->in));
}

/* ---- generated inputs ---- */

/* A request whose head carries n "X-N: v" fields after Host. */
static size_t make_many_headers(char *buf, size_t size, int n)
{
	size_t len = (size_t)snprintf(buf, size, GET11 H);
	int i;

	for (i = 0; i < n; i++)
		len +=
		    (size_t)snprintf(buf + len, size - len, "X-%d: v\r\n", i);
	len += (size_t)snprintf(buf + len, size - len, "\r\n");
	return len;
}

static void test_max_headers_accepted(void **state)
{
	static char buf[4096];
	struct parse_case c = {"100 fields are accepted", .want = OK,
			       .nh = HTTP_MAX_HEADERS, .last = "X-98=v"};
	size_t len = make_many_headers(buf, sizeof(buf), HTTP_MAX_HEADERS - 1);

	(void)state;
	run_case(&c, buf, len);
}

static void test_too_many_headers(void **state)
{
	static char buf[4096];
	struct parse_case c = {"101 fields: 431", .want = ERR, .status = 431};
	size_t len = make_many_headers(buf, sizeof(buf), HTTP_MAX_HEADERS);

	(void)state;
	run_case(&c, buf, len);
}

static void test_long_target(void **state)
{
	static char buf[8192], target[6001];
	struct parse_case c = {"6000-byte target within an 8 KiB limit",
			       .want = OK, .target = target};
	size_t len;

	(void)state;
	target[0] = '/';
	memset(target + 1, 'a', sizeof(target) - 2);
	len = (size_t)snprintf(buf, sizeof(buf), "GET %s HTTP/1.1\r\n" H "\r\n",
			       target);
	run_case(&c, buf, len);
}

static void test_long_value(void **state)
{
	static char buf[8192];
	struct parse_case c = {"long value with a HTAB every 37 bytes",
			       .want = OK, .host = "example.com"};
	size_t len = (size_t)snprintf(buf, sizeof(buf), GET11 "X-Long: "), i;

	(void)state;
	for (i = 0; i < 3000; i++)
		buf[len++] = i % 37 == 36 ? '\t' : (char)('a' + i % 26);
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "\r\n" H "\r\n");
	run_case(&c, buf, len);
}

static void test_null_limits(void **state)
{
	struct http_request r;
	int status;

	(void)state;
	assert_int_equal(http_parse_request(GET11 H "\r\n",
					    sizeof(GET11 H "\r\n") - 1, NULL,
					    &r, &status),
			 sizeof(GET11 H "\r\n") - 1);
}

/*
 * Parses a request whose field value (field) or target (!field) holds
 * byte b at offset k of 40 bytes, so that b meets every lane of the 16-
 * and 8-byte scans and the byte-wise tail. Returns whether it parsed.
 */
static bool parses_with_byte(bool field, int k, int b)
{
	char in[128], run[41];
	struct http_request r;
	int len, status;

	memset(run, 'a', 40);
	run[40] = '\0';
	run[k] = (char)(b ? b : 'a');
	len = field ? snprintf(in, sizeof(in), GET11 "X: %s\r\n" H "\r\n", run)
		    : snprintf(in, sizeof(in), "GET /%s HTTP/1.1\r\n" H "\r\n",
			       run);
	in[(field ? sizeof(GET11 "X: ") : sizeof("GET /")) - 1 + k] = (char)b;
	return http_parse_request(guard_place(in, (size_t)len), (size_t)len,
				  NULL, &r, &status) == len;
}

/* Every byte value at every offset of a value and of a target. */
static void test_every_byte(void **state)
{
	int b, k;

	(void)state;
	for (b = 0; b < 256; b++) {
		bool value_ok = b == '\t' || (b >= 0x20 && b != 0x7f);
		/* visible ASCII but '#' (a fragment is in no form) */
		bool target_ok = b > 0x20 && b < 0x7f && b != '#';

		for (k = 0; k < 40; k++) {
			if (parses_with_byte(true, k, b) != value_ok)
				fail_msg("value byte 0x%02x at %d", b, k);
			if (parses_with_byte(false, k, b) != target_ok)
				fail_msg("target byte 0x%02x at %d", b, k);
		}
	}
}

/* Each byte in a method, a field name and Host: accepted iff allowed. */
static void test_token_bytes(void **state)
{
	static const char tchar[] = "!#$%&'*+-.^_`|~0123456789"
				    "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	/* in "a?b": reg-name bytes; not '%' without two hex digits, ':'
	 * before a port that is not digits, or a bracket outside a literal */
	static const char host[] = "-._~!$&'()*+,;=0123456789"
				   "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	static const char *const shapes[] = {
	    "G?T / HTTP/1.1\r\nHost: a\r\n\r\n",
	    "GET / HTTP/1.1\r\nHost: a\r\nX?: 1\r\n\r\n",
	    "GET / HTTP/1.1\r\nHost: a?b\r\n\r\n",
	};
	const char *const allowed[] = {tchar, tchar, host};
	struct http_request r;
	char in[64];
	int b, i, status, len;

	(void)state;
	for (i = 0; i < 3; i++) {
		for (b = 1; b < 256; b++) {
			bool ok = strchr(allowed[i], b) != NULL;

			if (i == 1 && b == ':')
				continue; /* it ends the name: "X:: 1" */
			len = snprintf(in, sizeof(in), "%s", shapes[i]);
			*strchr(in, '?') = (char)b;
			if ((http_parse_request(guard_place(in, (size_t)len),
						(size_t)len, NULL, &r,
						&status) == len) != ok)
				fail_msg("shape %d, byte 0x%02x", i, b);
		}
	}
}

static void test_head_complete(void **state)
{
	static const struct {
		const char *in;
		bool want;
	} hints[] = {
	    {GET11 H "\r\n", true},
	    {GET11 H, false},
	    {GET11 H "\r", false},
	    {"GET / HTTP/1.0\n\n", true},
	    {"GET / HTTP/1.0\r\n\n", true},
	    {"\n\r\n", true},
	    {"\r\n", false},
	    {"", false},
	    {"\r\n\r", false},
	    {"a\nb\r\n", false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		size_t len = strlen(hints[i].in);
		const char *buf = guard_place(hints[i].in, len);

		if (http_head_complete(buf, len, 0) != hints[i].want ||
		    http_head_complete(buf, len, len + 5) != hints[i].want)
			fail_msg("hint %zu", i);
	}
}

static const struct CMUnitTest extra[] = {
    cmocka_unit_test(test_max_headers_accepted),
    cmocka_unit_test(test_too_many_headers),
    cmocka_unit_test(test_long_target),
    cmocka_unit_test(test_long_value),
    cmocka_unit_test(test_null_limits),
    cmocka_unit_test(test_every_byte),
    cmocka_unit_test(test_token_bytes),
    cmocka_unit_test(test_head_complete),
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
	return _cmocka_run_group_tests("http_parse_request", tests,
				       NCASES + NEXTRA, NULL, NULL);
}
