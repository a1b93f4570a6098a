/* test_http_host.c - table-driven tests of Host / authority syntax */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/http_host.h"

/* from test_http_guard.c */
const char *guard_place(const char *data, size_t len);

struct host_case {
	const char *name;
	const char *in;
	bool ok;      /* as a Host value */
	bool ok_port; /* as CONNECT's authority-form (port required) */
};

static const struct host_case cases[] = {
    /* ---- valid ---- */
    {"a name", "example.com", true, false},
    {"a name and port", "example.com:8080", true, true},
    {"one letter", "a", true, false},
    {"a trailing dot", "example.com.", true, false},
    {"sub-delims in a reg-name", "a!$&'()*+,;=b", true, false},
    {"unreserved punctuation", "a-b_c~d.e", true, false},
    {"a %-escape", "a%2Db", true, false},
    {"an IPv4 address", "123.40.56.78", true, false},
    {"an IPv4 address and port", "123.40.56.78:123", true, true},
    {"an empty port (RFC 3986)", "a:", true, false},
    {"port 0", "a:0", true, true},
    {"port 65535", "a:65535", true, true},
    {"IPv6 loopback", "[::1]", true, false},
    {"IPv6 with a port", "[abcd::ef98:0:7654:321]:98", true, true},
    {"IPv4-mapped IPv6", "[::ffff:12.30.67.89]", true, false},
    {"IPv4-compatible IPv6", "[::123.45.67.89]:80", true, true},
    {"full IPv6", "[1:2:3:4:5:6:7:8]", true, false},
    {"IPvFuture", "[v1.fe80::a+en1]", true, false},
    {"IPvFuture, capital V", "[VA.x]:1", true, true},
    /* nginx refuses these by a DNS-name policy; RFC 3986 does not */
    {"a lone dot", ".", true, false},
    {"a double dot", "..examp-LE.com", true, false},

    /* ---- invalid ---- */
    {"empty", "", false, false},
    {"only a port", ":80", false, false},
    {"a port with a dot", "example.com.:1.2", false, false},
    {"two ports", "1.2.3.4:9000:80", false, false},
    {"a port over 65535", "a:65536", false, false},
    {"a port of six digits", "a:000001", false, false},
    {"a port with a letter", "a:8o", false, false},
    {"a space", "a b", false, false},
    {"a HTAB", "a\tb", false, false},
    {"a slash", "a/b", false, false},
    {"a backslash", "\\e", false, false},
    {"userinfo", "user@host", false, false},
    {"a bad escape", "a%zz", false, false},
    {"a short escape", "a%2", false, false},
    {"a bracket in a name", "extra[::1]", false, false},
    {"a closing bracket alone", "a]", false, false},
    {"an unclosed literal", "[abcd::ef98:0:7654:321", false, false},
    {"an empty literal", "[]", false, false},
    {"a dot after a literal", "[abcd::ef98:0:7654:321].", false, false},
    {"a dot and port after a literal", "[::1].:98", false, false},
    {"a double dot inside a literal", "[ab..cd::ef98:0:7654:321]", false,
     false},
    {"a backslash inside a literal", "[abcd\\::ef98]", false, false},
    {"a literal that is an IPv4 address", "[1.2.3.4]", false, false},
    {"too many groups", "[1:2:3:4:5:6:7:8:9]", false, false},
    {"two double colons", "[1::2::3]", false, false},
    {"a zone identifier", "[fe80::1%25eth0]", false, false},
    {"a literal too long to be one",
     "[1111:2222:3333:4444:5555:6666:7777:"
     "8888:9999:aaaa]",
     false, false},
    {"IPvFuture without a dot", "[v1]", false, false},
    {"IPvFuture without hex", "[v.x]", false, false},
    {"IPvFuture with nothing after the dot", "[v1.]", false, false},
    {"a literal with an empty port", "[::1]:", true, false},
    {"a literal with a bad port", "[::1]:x", false, false},
    {"a NUL", "a\0b", false, false},
    {"a byte above 0x7f", "caf\xc3\xa9", false, false},
};

static void test_case(void **state)
{
	const struct host_case *c = *state;
	size_t n = strlen(c->in) + (strcmp(c->name, "a NUL") == 0 ? 2 : 0);
	const char *in = guard_place(c->in, n);

	if (http_host_valid(in, n, false) != c->ok)
		fail_msg("%s: \"%s\" as Host: %d", c->name, c->in, !c->ok);
	if (http_host_valid(in, n, true) != c->ok_port)
		fail_msg("%s: \"%s\" as authority-form: %d", c->name, c->in,
			 !c->ok_port);
}

int main(void)
{
	static struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0])];
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	for (i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){cases[i].name, test_case, NULL,
					       NULL, (void *)&cases[i]};
	return _cmocka_run_group_tests("http_host_valid", tests, n, NULL, NULL);
}
