/* test_cidr.c - table-driven tests of CIDR range parsing and matching */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include "core/cidr.h"

struct parse_case {
	const char *name;
	const char *in;
	const char *want; /* cidr_format of the result, or NULL: an error */
	const char *err;  /* for an error: a part of the message */
};

#define BAD_ADDR  "not an IPv4 or IPv6 address"
#define BAD_PFX4  "from 0 to 32"
#define BAD_PFX6  "from 0 to 128"
#define NO_ADDR	  "no address (want ADDR or ADDR/PREFIX)"
#define HOST_BITS "address bits set past the /"

static const struct parse_case parse_cases[] = {
    {"IPv4 network", "10.0.0.0/8", .want = "10.0.0.0/8"},
    {"bare IPv4 address is a /32", "192.168.1.7", .want = "192.168.1.7/32"},
    {"IPv4 /0 is every IPv4 address", "0.0.0.0/0", .want = "0.0.0.0/0"},
    {"IPv4 host with /32", "1.2.3.4/32", .want = "1.2.3.4/32"},
    {"IPv4 prefix not on a byte boundary", "172.16.0.0/12",
     .want = "172.16.0.0/12"},
    {"IPv4 /31 pair", "1.2.3.4/31", .want = "1.2.3.4/31"},
    {"bare IPv6 address is a /128", "::1", .want = "::1/128"},
    {"IPv6 network", "2001:db8::/32", .want = "2001:db8::/32"},
    {"IPv6 /0 is every address", "::/0", .want = "::/0"},
    {"IPv6 prefix not on a byte boundary", "2001:db8:8000::/33",
     .want = "2001:db8:8000::/33"},
    {"IPv6 host with /128", "2001:db8::1/128", .want = "2001:db8::1/128"},
    {"IPv6 upper-case hex", "2001:DB8::/32", .want = "2001:db8::/32"},
    {"IPv4-mapped IPv6 range", "::ffff:10.0.0.0/104",
     .want = "::ffff:10.0.0.0/104"},

    {"empty string", "", .err = NO_ADDR},
    {"prefix without address", "/8", .err = NO_ADDR},
    {"slash without prefix", "10.0.0.0/", .err = BAD_PFX4},
    {"IPv4 prefix 33", "10.0.0.0/33", .err = BAD_PFX4},
    {"IPv6 prefix 129", "::/129", .err = BAD_PFX6},
    {"negative prefix", "10.0.0.0/-1", .err = BAD_PFX4},
    {"prefix with a plus sign", "10.0.0.0/+8", .err = BAD_PFX4},
    {"prefix with a leading zero", "10.0.0.0/08", .err = BAD_PFX4},
    {"prefix with trailing space", "10.0.0.0/8 ", .err = BAD_PFX4},
    {"two prefixes", "10.0.0.0/8/9", .err = BAD_PFX4},
    {"huge prefix", "::/1000000", .err = BAD_PFX6},
    {"IPv4 host bits set", "10.0.0.1/8",
     .err = HOST_BITS "8 prefix (the network is "
		      "10.0.0.0/8)"},
    {"IPv4 host bits set off a byte boundary", "10.255.0.0/9",
     .err = "(the network is 10.128.0.0/9)"},
    {"IPv6 host bits set", "2001:db8::1/32",
     .err = HOST_BITS "32 prefix (the network is 2001:db8::/32)"},
    {"IPv6 /0 with an address", "::1/0", .err = "(the network is ::/0)"},
    {"five IPv4 parts", "10.0.0.0.0/8", .err = BAD_ADDR},
    {"three IPv4 parts", "10.0.0/8", .err = BAD_ADDR},
    {"IPv4 octet 256", "256.0.0.0/8", .err = BAD_ADDR},
    {"IPv4 octet with a leading zero", "010.0.0.0/8", .err = BAD_ADDR},
    {"host name", "example.com", .err = BAD_ADDR},
    {"leading space", " 10.0.0.0/8", .err = BAD_ADDR},
    {"IPv6 zone id", "fe80::1%eth0", .err = BAD_ADDR},
    {"IPv6 in brackets", "[::1]/128", .err = BAD_ADDR},
    {"address longer than any IPv6 text",
     "0000:0000:0000:0000:0000:0000:0000:0000:0000/8", .err = BAD_ADDR},
    {"two double colons", "1::2::3", .err = BAD_ADDR},
};

static void test_parse(void **state)
{
	const struct parse_case *c = *state;
	char err[256] = "", got[CIDR_STRLEN];
	struct cidr r;
	int ret = cidr_parse(c->in, &r, err, sizeof(err));

	if (c->want != NULL) {
		if (ret != 0)
			fail_msg("%s: \"%s\" rejected: %s", c->name, c->in,
				 err);
		cidr_format(&r, got, sizeof(got));
		if (strcmp(got, c->want) != 0)
			fail_msg("%s: \"%s\" is %s, want %s", c->name, c->in,
				 got, c->want);
		return;
	}
	if (ret != -1)
		fail_msg("%s: \"%s\" accepted", c->name, c->in);
	if (strstr(err, c->err) == NULL)
		fail_msg("%s: \"%s\" says \"%s\", want \"%s\"", c->name, c->in,
			 err, c->err);
}

struct match_case {
	const char *name;
	const char *range;
	const char *addr; /* IPv4 or IPv6 text */
	bool want;
};

static const struct match_case match_cases[] = {
    {"IPv4 inside its network", "10.0.0.0/8", "10.1.2.3", true},
    {"IPv4 at the network's last address", "10.0.0.0/8", "10.255.255.255",
     true},
    {"IPv4 just past the network", "10.0.0.0/8", "11.0.0.0", false},
    {"IPv4 just before the network", "10.0.0.0/8", "9.255.255.255", false},
    {"IPv4-mapped IPv6 client matches an IPv4 range", "10.0.0.0/8",
     "::ffff:10.1.2.3", true},
    {"IPv4-mapped IPv6 client outside an IPv4 range", "10.0.0.0/8",
     "::ffff:11.0.0.1", false},
    {"IPv4-compatible (deprecated) address is not mapped", "10.0.0.0/8",
     "::10.1.2.3", false},
    {"IPv6 client never matches an IPv4 range", "0.0.0.0/0", "2001:db8::1",
     false},
    {"IPv4 /0 matches every IPv4 client", "0.0.0.0/0", "1.2.3.4", true},
    {"IPv4 /0 matches IPv4-mapped clients", "0.0.0.0/0", "::ffff:1.2.3.4",
     true},
    {"IPv4 /0 does not match ::1", "0.0.0.0/0", "::1", false},
    {"bare IPv4 matches itself", "192.168.1.7", "192.168.1.7", true},
    {"bare IPv4 matches only itself", "192.168.1.7", "192.168.1.8", false},
    {"IPv4 prefix off a byte boundary, inside", "172.16.0.0/12",
     "172.31.255.255", true},
    {"IPv4 prefix off a byte boundary, outside", "172.16.0.0/12", "172.32.0.0",
     false},
    {"IPv4 /31 holds both addresses", "1.2.3.4/31", "1.2.3.5", true},
    {"IPv4 /31 holds nothing else", "1.2.3.4/31", "1.2.3.6", false},
    {"bare ::1 matches itself", "::1", "::1", true},
    {"bare ::1 does not match ::2", "::1", "::2", false},
    {"::1 is not 127.0.0.1", "::1", "127.0.0.1", false},
    {"IPv6 inside its network", "2001:db8::/32", "2001:db8:ffff::1", true},
    {"IPv6 outside its network", "2001:db8::/32", "2001:db9::", false},
    {"IPv6 /33 inside", "2001:db8:8000::/33", "2001:db8:ffff::1", true},
    {"IPv6 /33 outside", "2001:db8:8000::/33", "2001:db8:7fff::1", false},
    {"IPv6 /0 matches every IPv6 client", "::/0", "2001:db8::1", true},
    {"IPv6 /0 covers IPv4 clients too (they are ::ffff:a.b.c.d)", "::/0",
     "1.2.3.4", true},
    {"IPv4-mapped range matches an IPv4 client", "::ffff:10.0.0.0/104",
     "10.2.3.4", true},
    {"IPv4-mapped range does not match another IPv4 client",
     "::ffff:10.0.0.0/104", "11.2.3.4", false},
};

/* Fills ss from text, IPv4 or IPv6, with a port that must not matter. */
static void make_sa(const char *text, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(4321);
		return;
	}
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(4321);
	if (inet_pton(AF_INET6, text, &in6->sin6_addr) != 1)
		fail_msg("bad test address %s", text);
}

static void test_match(void **state)
{
	const struct match_case *c = *state;
	struct sockaddr_storage ss;
	struct cidr r;

	if (cidr_parse(c->range, &r, NULL, 0) != 0)
		fail_msg("%s: %s does not parse", c->name, c->range);
	make_sa(c->addr, &ss);
	if (cidr_match(&r, (struct sockaddr *)&ss) != c->want)
		fail_msg("%s: %s in %s is %d", c->name, c->addr, c->range,
			 !c->want);
}

/* A list matches when any entry does; an empty list never does. */
static void test_match_list(void **state)
{
	static const char *const ranges[] = {"10.0.0.0/8", "::1",
					     "192.168.0.0/16"};
	static const struct {
		const char *addr;
		bool want;
	} probes[] = {
	    {"10.0.0.1", true},	   {"::1", true},
	    {"192.168.3.4", true}, {"::ffff:192.168.3.4", true},
	    {"127.0.0.1", false},  {"2001:db8::1", false},
	};
	struct cidr v[3];
	struct sockaddr_storage ss;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_int_equal(cidr_parse(ranges[i], &v[i], NULL, 0), 0);
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		make_sa(probes[i].addr, &ss);
		if (cidr_match_list(v, 3, (struct sockaddr *)&ss) !=
		    probes[i].want)
			fail_msg("list: %s", probes[i].addr);
		if (cidr_match_list(v, 0, (struct sockaddr *)&ss))
			fail_msg("empty list matched %s", probes[i].addr);
	}
}

/* Neither an AF_UNIX nor an AF_UNSPEC address is in any range. */
static void test_other_families(void **state)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX, .sun_path = "/x"};
	struct sockaddr_storage none;
	struct cidr all4, all6;

	(void)state;
	memset(&none, 0, sizeof(none));
	assert_int_equal(cidr_parse("0.0.0.0/0", &all4, NULL, 0), 0);
	assert_int_equal(cidr_parse("::/0", &all6, NULL, 0), 0);
	assert_false(cidr_match(&all4, (struct sockaddr *)&un));
	assert_false(cidr_match(&all6, (struct sockaddr *)&un));
	assert_false(cidr_match(&all6, (struct sockaddr *)&none));
}

/* The error goes nowhere when err is NULL, and is cut to errlen. */
static void test_error_buffer(void **state)
{
	char small[8];
	struct cidr r;

	(void)state;
	assert_int_equal(cidr_parse("10.0.0.1/8", &r, NULL, 0), -1);
	assert_int_equal(cidr_parse("bad", &r, small, sizeof(small)), -1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

#define NPARSE (sizeof(parse_cases) / sizeof(parse_cases[0]))
#define NMATCH (sizeof(match_cases) / sizeof(match_cases[0]))

static const struct CMUnitTest extra[] = {
    cmocka_unit_test(test_match_list),
    cmocka_unit_test(test_other_families),
    cmocka_unit_test(test_error_buffer),
};
#define NEXTRA (sizeof(extra) / sizeof(extra[0]))

/* One named test per table case, then the others. */
int main(void)
{
	static struct CMUnitTest tests[NPARSE + NMATCH + NEXTRA];
	size_t i;

	for (i = 0; i < NPARSE; i++)
		tests[i] =
		    (struct CMUnitTest){parse_cases[i].name, test_parse, NULL,
					NULL, (void *)&parse_cases[i]};
	for (i = 0; i < NMATCH; i++)
		tests[NPARSE + i] =
		    (struct CMUnitTest){match_cases[i].name, test_match, NULL,
					NULL, (void *)&match_cases[i]};
	memcpy(tests + NPARSE + NMATCH, extra, sizeof(extra));
	return _cmocka_run_group_tests("cidr", tests, NPARSE + NMATCH + NEXTRA,
				       NULL, NULL);
}
