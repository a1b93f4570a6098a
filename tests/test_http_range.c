/* test_http_range.c - table-driven tests of the Range parser: byte
 * ranges checked, sorted and coalesced, and the multipart framing */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "http/http_multipart.h"
#include "http/http_ranges.h"

#define GAP    80
#define IGNORE HTTP_RANGES_IGNORE
#define UNSAT  HTTP_RANGES_UNSATISFIABLE

struct range_case {
	const char *name;
	const char *value;
	uint64_t size;
	int want;	    /* count of ranges, IGNORE or UNSAT */
	const char *ranges; /* "a-b a-b ..." when want > 0 */
};

static const struct range_case cases[] = {
    /* ---- one range ---- */
    {"first bytes", "bytes=0-99", 1000, 1, "0-99"},
    {"one byte", "bytes=0-0", 1000, 1, "0-0"},
    {"the last byte by position", "bytes=999-999", 1000, 1, "999-999"},
    {"open-ended", "bytes=500-", 1000, 1, "500-999"},
    {"suffix", "bytes=-100", 1000, 1, "900-999"},
    {"suffix longer than the file", "bytes=-2000", 1000, 1, "0-999"},
    {"last position past the end is clamped", "bytes=10-5000", 1000, 1,
     "10-999"},
    {"unit is case-insensitive", "BYTES=1-2", 1000, 1, "1-2"},
    {"OWS around the range-spec", "bytes= 1-2 \t", 1000, 1, "1-2"},
    {"huge last position saturates", "bytes=0-99999999999999999999999", 1000, 1,
     "0-999"},
    {"huge suffix saturates", "bytes=-99999999999999999999999", 1000, 1,
     "0-999"},
    {"one-byte file", "bytes=0-", 1, 1, "0-0"},

    /* ---- several ranges ---- */
    {"two distant ranges stay apart", "bytes=0-1,97-98", 100, 2, "0-1 97-98"},
    {"two ranges with OWS", "bytes=0-9, 500-509", 1000, 2, "0-9 500-509"},
    {"sorted whatever the request order", "bytes=500-509,0-9", 1000, 2,
     "0-9 500-509"},
    {"a suffix among them", "bytes=0-9, -10, 10-19", 1000, 2, "0-19 990-999"},
    {"overlapping ranges merge", "bytes=0-50,25-75", 1000, 1, "0-75"},
    {"adjacent ranges merge", "bytes=0-1,2-3", 1000, 1, "0-3"},
    {"a gap below a part head's cost merges", "bytes=0-1,3-4", 6, 1, "0-4"},
    {"a gap of exactly GAP bytes merges", "bytes=0-0,81-81", 1000, 1, "0-81"},
    {"a gap of GAP + 1 bytes does not", "bytes=0-0,82-82", 1000, 2,
     "0-0 82-82"},
    {"one range inside another", "bytes=0-500,100-200", 1000, 1, "0-500"},
    {"ranges adding up to more than the file", "bytes=100-200,0-,300-400", 1000,
     IGNORE, NULL},
    {"overlaps past the size (nginx range.t)", "bytes=0-10001, 0-0", 1000,
     IGNORE, NULL},
    {"a later range bridges two", "bytes=0-9,500-509,10-499", 1000, 1, "0-509"},
    {"1000 copies of 0- (CVE-2011-3192)", NULL, 1000, IGNORE, NULL},
    {"unsatisfiable ones dropped", "bytes=0-9, -10, 100000-, 10-19", 1000, 2,
     "0-19 990-999"},
    {"empty elements skipped", "bytes=0-1,,  ,500-501,", 1000, 2,
     "0-1 500-501"},
    {"sixteen apart is the bound",
     "bytes=0-0,100-100,200-200,300-300,"
     "400-400,500-500,600-600,700-700,800-800,900-900,1000-1000,1100-1100,"
     "1200-1200,1300-1300,1400-1400,1500-1500",
     2000, 16,
     "0-0 100-100 200-200 300-300 400-400 500-500 600-600 700-700 800-800 "
     "900-900 1000-1000 1100-1100 1200-1200 1300-1300 1400-1400 1500-1500"},
    {"seventeen apart: the whole file",
     "bytes=0-0,100-100,200-200,300-300,"
     "400-400,500-500,600-600,700-700,800-800,900-900,1000-1000,1100-1100,"
     "1200-1200,1300-1300,1400-1400,1500-1500,1600-1600",
     2000, IGNORE, NULL},

    /* ---- unsatisfiable ---- */
    {"first position at the size", "bytes=1000-", 1000, UNSAT, NULL},
    {"first and last past the end", "bytes=1000-2000", 1000, UNSAT, NULL},
    {"huge first position", "bytes=99999999999999999999999-", 1000, UNSAT,
     NULL},
    {"zero-length suffix", "bytes=-0", 1000, UNSAT, NULL},
    {"any range of an empty file", "bytes=0-", 0, UNSAT, NULL},
    {"a suffix of an empty file", "bytes=-5", 0, UNSAT, NULL},
    {"every range past the end", "bytes=2000-,3000-3001", 1000, UNSAT, NULL},

    /* ---- malformed byte ranges: 416 ---- */
    {"last before first", "bytes=5-1", 1000, UNSAT, NULL},
    {"unit without a set", "bytes=", 1000, UNSAT, NULL},
    {"only commas", "bytes=,,", 1000, UNSAT, NULL},
    {"only a dash", "bytes=-", 1000, UNSAT, NULL},
    {"letters", "bytes=a-b", 1000, UNSAT, NULL},
    {"alpha first position", "bytes=alpha", 1000, UNSAT, NULL},
    {"alpha last position", "bytes=10-alpha", 1000, UNSAT, NULL},
    {"no dash", "bytes=10", 1000, UNSAT, NULL},
    {"no comma between ranges", "bytes=10-11 12-", 1000, UNSAT, NULL},
    {"two dashes", "bytes=1-2-3", 1000, UNSAT, NULL},
    {"double dash", "bytes=0--", 1000, UNSAT, NULL},
    {"suffix with an end", "bytes=-2-3", 1000, UNSAT, NULL},
    {"plus sign", "bytes=+1-2", 1000, UNSAT, NULL},
    {"space inside", "bytes=0 -1", 1000, UNSAT, NULL},
    {"one good, one malformed", "bytes=0-1,x-2", 1000, UNSAT, NULL},

    /* ---- not a byte range set: ignored ---- */
    {"another unit", "items=0-1", 1000, IGNORE, NULL},
    {"no equals sign", "bytes 0-1", 1000, IGNORE, NULL},
    {"empty value", "", 1000, IGNORE, NULL},
    {"unit prefix only", "byte", 1000, IGNORE, NULL},
    {"longer unit name", "bytesx=0-1", 1000, IGNORE, NULL},
};

static char many_zero_dash[8 + 3 * 1000];

static void test_case(void **state)
{
	const struct range_case *c = *state;
	const char *v = c->value != NULL ? c->value : many_zero_dash;
	struct http_ranges rs;
	char got[1024] = "";
	size_t o = 0;
	int r = http_ranges_parse(v, strlen(v), c->size, GAP, &rs);

	for (size_t i = 0; r > 0 && i < rs.n; i++)
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%llu-%llu",
				      i ? " " : "",
				      (unsigned long long)rs.r[i].first,
				      (unsigned long long)rs.r[i].last);
	if (r != c->want || (r > 0 && strcmp(got, c->ranges) != 0))
		fail_msg("%s: %d [%s], want %d [%s]", c->name, r, got, c->want,
			 c->want > 0 ? c->ranges : "");
}

/* The multipart framing: what http_multipart_length counts is what the
 * parts and the close delimiter add up to, in RFC 2046 shape. */
static void test_multipart_body(void **state)
{
	static const char data[] = "0123456789abcdefghij";
	struct http_ranges rs = {2, {{0, 1}, {15, 19}}};
	char b[HTTP_MULTIPART_BOUNDARY_LEN + 1], b2[sizeof(b)], body[1024];
	size_t n = 0;

	(void)state;
	http_multipart_boundary(b, 1);
	http_multipart_boundary(b2, 2);
	assert_int_equal(strlen(b), HTTP_MULTIPART_BOUNDARY_LEN);
	assert_string_not_equal(b, b2);
	for (size_t i = 0; i < rs.n; i++) {
		n += http_multipart_part(body + n, sizeof(body) - n, b,
					 "text/plain", &rs.r[i], 20);
		memcpy(body + n, data + rs.r[i].first,
		       rs.r[i].last - rs.r[i].first + 1);
		n += rs.r[i].last - rs.r[i].first + 1;
	}
	n += http_multipart_end(body + n, sizeof(body) - n, b);
	body[n] = '\0';
	assert_int_equal(n, http_multipart_length(&rs, b, "text/plain", 20));
	char want[1024];
	snprintf(want, sizeof(want),
		 "\r\n--%s\r\nContent-Type: text/plain\r\n"
		 "Content-Range: bytes 0-1/20\r\n\r\n01"
		 "\r\n--%s\r\nContent-Type: text/plain\r\n"
		 "Content-Range: bytes 15-19/20\r\n\r\nfghij"
		 "\r\n--%s--\r\n",
		 b, b, b);
	assert_string_equal(body, want);
}

static void test_multipart_part_too_small(void **state)
{
	struct http_range r = {0, 9};
	char out[16];

	(void)state;
	assert_int_equal(
	    http_multipart_part(out, sizeof(out), "pfdX", NULL, &r, 10), 0);
	assert_int_equal(http_multipart_end(out, 8, "pfd0123456789"), 0);
}

int main(void)
{
	static struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 2];
	size_t i, n = sizeof(cases) / sizeof(cases[0]), o = 6;

	memcpy(many_zero_dash, "bytes=", 6);
	for (i = 0; i < 1000; i++) {
		memcpy(many_zero_dash + o, i ? ",0-" : "0-", i ? 3 : 2);
		o += i ? 3 : 2;
	}
	many_zero_dash[o] = '\0';
	for (i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){cases[i].name, test_case, NULL,
					       NULL, (void *)&cases[i]};
	tests[n] = (struct CMUnitTest)cmocka_unit_test(test_multipart_body);
	tests[n + 1] =
	    (struct CMUnitTest)cmocka_unit_test(test_multipart_part_too_small);
	return _cmocka_run_group_tests("http_ranges_parse", tests, n + 2, NULL,
				       NULL);
}
