/* test_http_path.c - target normalisation: traversal never leaves the root */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <limits.h>

#include "http/http_path.h"

/* from test_http_guard.c */
const char *guard_place(const char *data, size_t len);

#define REFUSED NULL
static const char missing_mark[] = "(404)";
#define MISSING missing_mark /* HTTP_PATH_MISSING */
#define BIN(s)	.in = (s), .len = sizeof(s) - 1 /* input with NUL bytes */

struct path_case {
	const char *name;
	const char *in;
	const char *want; /* normalised path, or REFUSED (-1) */
	size_t len;	  /* 0: strlen(in) */
	size_t outlen;	  /* 0: 4096 */
};

/* A segment of exactly NAME_MAX (255) bytes: 3 x (5 x 15 + 10). */
#define NAME15 "abcdefghijklmno"
#define NAME85 NAME15 NAME15 NAME15 NAME15 NAME15 "abcdefghij"
#define NAME255 NAME85 NAME85 NAME85

static const struct path_case cases[] = {
    /* ---- ordinary paths ---- */
    {"root", "/", .want = "/"},
    {"a file", "/index.html", .want = "/index.html"},
    {"nested file", "/a/b/c.txt", .want = "/a/b/c.txt"},
    {"directory keeps its trailing slash", "/a/b/", .want = "/a/b/"},
    {"empty segments collapse", "/a//b///c", .want = "/a/b/c"},
    {"leading double slash", "//a", .want = "/a"},
    {"only slashes", "///", .want = "/"},
    {"dot segment removed", "/a/./b", .want = "/a/b"},
    {"final dot names the directory", "/a/.", .want = "/a/"},
    {"dot-dot inside the tree", "/a/b/../c", .want = "/a/c"},
    {"final dot-dot names the parent", "/a/b/..", .want = "/a/"},
    {"dot-dot back to the root", "/a/..", .want = "/"},
    {"percent-decoded tilde", "/%7Euser/x", .want = "/~user/x"},
    {"encoded space", "/a%20b", .want = "/a b"},
    {"encoded UTF-8", "/caf%C3%A9", .want = "/caf\xc3\xa9"},
    {"raw UTF-8", "/caf\xc3\xa9", .want = "/caf\xc3\xa9"},
    {"query dropped", "/a?x=1", .want = "/a"},
    {"traversal in the query is no path", "/a?x=/../../etc/passwd",
     .want = "/a"},
    {"fragment dropped", "/a#f", .want = "/a"},
    {"encoded question mark is data", "/a%3Fb", .want = "/a?b"},
    {"encoded percent decoded once", "/100%25", .want = "/100%"},
    {"absolute-form", "http://example.com/a/b", .want = "/a/b"},
    {"absolute-form https, any case", "HTTPS://example.com:443/x",
     .want = "/x"},
    {"absolute-form without a path", "http://example.com", .want = "/"},
    {"absolute-form with only a query", "http://example.com?x", .want = "/"},
    {"three dots are a name", "/...", .want = "/..."},
    {"dots then a letter are a name", "/..a/b..", .want = "/..a/b.."},
    {"hidden file", "/.well-known/x", .want = "/.well-known/x"},

    /* ---- traversal: refused, or kept inside the root ---- */
    {"dot-dot at the root", "/..", .want = REFUSED},
    {"classic traversal", "/../etc/passwd", .want = REFUSED},
    {"deeper climb than depth", "/a/../../etc/passwd", .want = REFUSED},
    {"three levels up from two deep", "/a/b/../../../x", .want = REFUSED},
    {"lowercase encoded dot-dot", "/%2e%2e/etc/passwd", .want = REFUSED},
    {"uppercase encoded dot-dot", "/%2E%2E/etc/passwd", .want = REFUSED},
    {"dot then encoded dot", "/.%2e/etc/passwd", .want = REFUSED},
    {"encoded dot then dot", "/%2e./etc/passwd", .want = REFUSED},
    {"encoded dot-dot twice", "/a/%2e%2e/%2e%2e/etc", .want = REFUSED},
    {"dot-dot with encoded slashes", "/..%2fetc%2fpasswd", .want = REFUSED},
    {"encoded slash dot-dot", "/%2f..%2f..%2fetc", .want = REFUSED},
    {"encoded slash in a name", "/a%2Fb", .want = REFUSED},
    {"lowercase encoded slash", "/a%2fb", .want = REFUSED},
    {"backslash traversal", "/..\\..\\etc\\passwd", .want = REFUSED},
    {"encoded backslash traversal", "/a%5c..%5c..%5cetc", .want = REFUSED},
    {"encoded NUL", "/%00", .want = REFUSED},
    {"encoded NUL before an extension", "/secret%00.html", .want = REFUSED},
    {"raw NUL", BIN("/a\0/../../b"), .want = REFUSED},
    {"encoded dot-dot-slash", "/%2e%2e%2f", .want = REFUSED},
    {"dot then dot-dot", "/./../x", .want = REFUSED},
    {"empty segment then dot-dot", "//../x", .want = REFUSED},
    {"dot, climb, climb", "/a/./../../x", .want = REFUSED},
    {"absolute-form traversal", "http://host/../x", .want = REFUSED},
    {"absolute-form encoded traversal", "http://host/%2e%2e/x",
     .want = REFUSED},
    {"double-encoded dot-dot is a plain name", "/%252e%252e/etc",
     .want = "/%2e%2e/etc"},
    {"overlong UTF-8 dots are a plain name", "/%c0%ae%c0%ae/etc",
     .want = "/\xc0\xae\xc0\xae/etc"},
    {"encoded dot-dot inside the tree", "/a/%2e%2e/b", .want = "/b"},
    {"two encoded climbs inside the tree", "/a/b/%2e%2e/%2E%2E/x",
     .want = "/x"},
    {"dot-dot-semicolon is a plain name", "/..;/x", .want = "/..;/x"},
    {"dot-dot-space is a plain name", "/..%20/x", .want = "/.. /x"},

    /* ---- malformed ---- */
    {"empty target", "", .want = REFUSED},
    {"relative path", "a/b", .want = REFUSED},
    {"asterisk-form", "*", .want = REFUSED},
    {"authority-form", "example.com:443", .want = REFUSED},
    {"other scheme", "ftp://host/a", .want = REFUSED},
    {"scheme without authority", "http:/a", .want = REFUSED},
    {"lone percent", "/%", .want = REFUSED},
    {"short escape", "/%4", .want = REFUSED},
    {"non-hex escape", "/%zz", .want = REFUSED},
    {"half-hex escape", "/%4g", .want = REFUSED},
    {"encoded CRLF (header injection)", "/a%0d%0aSet-Cookie:x",
     .want = REFUSED},
    {"encoded LF alone", "/a%0a", .want = REFUSED},
    {"encoded DEL names no file", "/a%7f", .want = MISSING},
    {"encoded control names no file", "/%02", .want = MISSING},
    {"encoded control before a climb", "/%02/../..", .want = MISSING},
    {"raw control byte", "/a\x01", .want = REFUSED},
    {"raw HTAB", "/a\tb", .want = REFUSED},
    {"path longer than the output names no file", "/abc", .want = MISSING,
     .outlen = 4},
    {"output just large enough", "/abc", .want = "/abc", .outlen = 5},
    {"output too small for a separator", "/ab/c", .want = MISSING,
     .outlen = 4},
    {"no room at all", "/", .want = MISSING, .outlen = 1},
    {"segment of NAME_MAX bytes", "/" NAME255, .want = "/" NAME255},
    {"segment over NAME_MAX names no file", "/" NAME255 "x", .want = MISSING},
    {"long segment then a climb", "/" NAME255 "x/..", .want = MISSING},
};

/* What every result must look like: no way up, no empty segment. */
static void check_shape(const char *name, const char *out, int r)
{
	if (r < 1 || out[0] != '/' || strlen(out) != (size_t)r)
		fail_msg("%s: malformed result \"%s\"", name, out);
	if (strstr(out, "//") || strstr(out, "/./") || strstr(out, "/../") ||
	    (r >= 2 && strcmp(out + r - 2, "/.") == 0) ||
	    (r >= 3 && strcmp(out + r - 3, "/..") == 0) || strchr(out, '\\'))
		fail_msg("%s: \"%s\" keeps a dot or empty segment", name, out);
}

static void test_case(void **state)
{
	const struct path_case *c = *state;
	size_t len = c->len ? c->len : strlen(c->in);
	size_t outlen = c->outlen ? c->outlen : 4096;
	char out[4096];
	int r;

	r = http_path_normalize(guard_place(c->in, len), len, out, outlen);
	if (c->want == REFUSED || c->want == MISSING) {
		int want = c->want == REFUSED ? HTTP_PATH_BAD : HTTP_PATH_MISSING;
		if (r != want)
			fail_msg("%s: %d (\"%s\"), want %d", c->name, r,
				 r > 0 ? out : "", want);
		return;
	}
	if (r < 0)
		fail_msg("%s: refused", c->name);
	if (strcmp(out, c->want) != 0)
		fail_msg("%s: \"%s\", want \"%s\"", c->name, out, c->want);
	check_shape(c->name, out, r);
}

/* Every byte value after "/a" and as an escape, against the guard page. */
static void test_every_byte(void **state)
{
	static const char hex[] = "0123456789ABCDEF";
	char in[8], out[16];
	int b, r;

	(void)state;
	for (b = 0; b < 256; b++) {
		memcpy(in, "/a%", 3);
		in[3] = hex[b >> 4];
		in[4] = hex[b & 15];
		r = http_path_normalize(guard_place(in, 5), 5, out,
					sizeof(out));
		if (r != (b == '/' || b == '\\' || b == 0 || b == '\r' ||
				  b == '\n'
			      ? HTTP_PATH_BAD
			  : b < 0x20 || b == 0x7f ? HTTP_PATH_MISSING
						  : 3))
			fail_msg("escape %%%02X: %d", b, r);
		in[2] = (char)b;
		r = http_path_normalize(guard_place(in, 3), 3, out,
					sizeof(out));
		if (r > 0)
			check_shape("raw byte", out, r);
	}
}

/* Location values: only pchar and '/' raw, and they lead back to the path. */
static void test_encode(void **state)
{
	static const struct {
		const char *path, *want;
		size_t outlen;
	} enc[] = {
	    {"/subdir", "/subdir", 64},
	    {"/a b/c", "/a%20b/c", 64},
	    {"/a?b#c%d", "/a%3Fb%23c%25d", 64},
	    {"/caf\xc3\xa9", "/caf%C3%A9", 64},
	    {"/!$&'()*+,;=:@-._~", "/!$&'()*+,;=:@-._~", 64},
	    {"/\"<>\\^`{|}", "/%22%3C%3E%5C%5E%60%7B%7C%7D", 64},
	    {"/abc", "/abc", 5},
	    {"/abc", NULL, 4},
	    {"/a b", NULL, 6},
	};
	char out[64], back[64];

	(void)state;
	for (size_t i = 0; i < sizeof(enc) / sizeof(enc[0]); i++) {
		int r = http_path_encode(enc[i].path, out, enc[i].outlen);

		if (enc[i].want == NULL) {
			if (r != -1)
				fail_msg("encode %zu: %d, want -1", i, r);
			continue;
		}
		if (r < 0 || strcmp(out, enc[i].want) != 0)
			fail_msg("encode %zu: %d \"%s\"", i, r, r < 0 ? "" : out);
		/* (normalised paths hold no '\\'; '?' and '#' decode back) */
		if (strpbrk(enc[i].path, "?#\\") == NULL &&
		    (http_path_normalize(out, (size_t)r, back, sizeof(back)) < 0 ||
		     strcmp(back, enc[i].path) != 0))
			fail_msg("encode %zu: does not lead back", i);
	}
}

int main(void)
{
	static struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 2];
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	for (i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){cases[i].name, test_case, NULL,
					       NULL, (void *)&cases[i]};
	tests[n] = (struct CMUnitTest)cmocka_unit_test(test_every_byte);
	tests[n + 1] = (struct CMUnitTest)cmocka_unit_test(test_encode);
	return _cmocka_run_group_tests("http_path_normalize", tests, n + 2,
				       NULL, NULL);
}
