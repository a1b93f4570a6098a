/* test_http_range.c - table-driven tests of the Range header parser */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/http_parse.h"

struct range_case {
	const char *name;
	const char *value;
	uint64_t size;
	int want; /* 0 partial, -1 unsatisfiable, 1 ignore */
	uint64_t first, last;
};

static const struct range_case cases[] = {
    {"first bytes", "bytes=0-99", 1000, 0, 0, 99},
    {"one byte", "bytes=0-0", 1000, 0, 0, 0},
    {"the last byte by position", "bytes=999-999", 1000, 0, 999, 999},
    {"open-ended", "bytes=500-", 1000, 0, 500, 999},
    {"suffix", "bytes=-100", 1000, 0, 900, 999},
    {"suffix longer than the file", "bytes=-2000", 1000, 0, 0, 999},
    {"last position past the end is clamped", "bytes=10-5000", 1000, 0, 10,
     999},
    {"unit is case-insensitive", "BYTES=1-2", 1000, 0, 1, 2},
    {"OWS around the range-spec", "bytes= 1-2 \t", 1000, 0, 1, 2},
    {"huge last position saturates", "bytes=0-99999999999999999999999", 1000, 0,
     0, 999},
    {"huge suffix saturates", "bytes=-99999999999999999999999", 1000, 0, 0,
     999},
    {"one-byte file", "bytes=0-", 1, 0, 0, 0},
    {"first position at the size", "bytes=1000-", 1000, .want = -1},
    {"first and last past the end", "bytes=1000-2000", 1000, .want = -1},
    {"huge first position", "bytes=99999999999999999999999-", 1000, .want = -1},
    {"zero-length suffix", "bytes=-0", 1000, .want = -1},
    {"any range of an empty file", "bytes=0-", 0, .want = -1},
    {"a suffix of an empty file", "bytes=-5", 0, .want = -1},
    {"last before first", "bytes=5-1", 1000, .want = 1},
    {"two ranges", "bytes=0-1,2-3", 1000, .want = 1},
    {"two ranges with OWS", "bytes=0-1, 5-6", 1000, .want = 1},
    {"trailing comma", "bytes=0-1,", 1000, .want = 1},
    {"another unit", "items=0-1", 1000, .want = 1},
    {"unit without a set", "bytes=", 1000, .want = 1},
    {"only a dash", "bytes=-", 1000, .want = 1},
    {"letters", "bytes=a-b", 1000, .want = 1},
    {"no equals sign", "bytes 0-1", 1000, .want = 1},
    {"two dashes", "bytes=1-2-3", 1000, .want = 1},
    {"plus sign", "bytes=+1-2", 1000, .want = 1},
    {"space inside", "bytes=0 -1", 1000, .want = 1},
    {"empty value", "", 1000, .want = 1},
    {"unit prefix only", "byte", 1000, .want = 1},
    {"longer unit name", "bytesx=0-1", 1000, .want = 1},
};

static void test_case(void **state)
{
	const struct range_case *c = *state;
	uint64_t first = 7, last = 7;
	int r = http_range_parse(c->value, strlen(c->value), c->size, &first,
				 &last);

	if (r != c->want || (r == 0 && (first != c->first || last != c->last)))
		fail_msg("%s: %d [%llu, %llu]", c->name, r,
			 (unsigned long long)first, (unsigned long long)last);
}

int main(void)
{
	static struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0])];
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	for (i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){cases[i].name, test_case, NULL,
					       NULL, (void *)&cases[i]};
	return _cmocka_run_group_tests("http_range_parse", tests, n, NULL,
				       NULL);
}
