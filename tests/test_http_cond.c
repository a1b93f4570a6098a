/* test_http_cond.c - table-driven tests of ETags and preconditions in the
 * order of RFC 9110 13.2.2 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/http_cond.h"

#define TAG    "\"1f-15e59a35b98a0000-6\""
#define WTAG   "W/" TAG
#define OTHER  "\"1f-15e59a35b98a0000-7\""
#define LONGER "\"x1f-15e59a35b98a0000-6\"" /* TAG with a prefix */
#define MTIME  1577836800		    /* Wed, 01 Jan 2020 00:00:00 GMT */
#define AT     "Wed, 01 Jan 2020 00:00:00 GMT"
#define BEFORE "Tue, 31 Dec 2019 23:59:59 GMT"
#define AFTER  "Wed, 01 Jan 2020 00:00:01 GMT"
#define FUTURE "Thu, 01 Jan 2099 00:00:00 GMT"

struct cond_case {
	const char *name;
	const char *im, *ius, *inm, *ims, *ir; /* NULL: absent */
	int want;			       /* http_cond_check */
	bool range_ok;			       /* http_cond_range_ok */
};

static const struct cond_case cases[] = {
    {"no preconditions", .want = 200, .range_ok = true},
    /* ---- If-Match: strong comparison ---- */
    {"If-Match the tag", .im = TAG, .want = 200, .range_ok = true},
    {"If-Match *", .im = "*", .want = 200, .range_ok = true},
    {"If-Match another tag", .im = OTHER, .want = 412, .range_ok = true},
    {"If-Match in a list", .im = "\"foo\", \"bar\", \t" TAG " , \"baz\"",
     .want = 200, .range_ok = true},
    {"If-Match the weak tag fails (strong comparison)", .im = WTAG, .want = 412,
     .range_ok = true},
    {"If-Match unquoted fails", .im = "1f-15e59a35b98a0000-6", .want = 412,
     .range_ok = true},
    {"If-Match a list with garbage fails", .im = TAG ", garbage", .want = 412,
     .range_ok = true},
    {"If-Match wins over If-Unmodified-Since", .im = TAG, .ius = BEFORE,
     .want = 200, .range_ok = true},
    /* ---- If-Unmodified-Since ---- */
    {"If-Unmodified-Since at the mtime", .ius = AT, .want = 200,
     .range_ok = true},
    {"If-Unmodified-Since after it", .ius = AFTER, .want = 200,
     .range_ok = true},
    {"If-Unmodified-Since before it", .ius = BEFORE, .want = 412,
     .range_ok = true},
    {"If-Unmodified-Since not a date is ignored", .ius = "yesterday",
     .want = 200, .range_ok = true},
    /* ---- If-None-Match: weak comparison ---- */
    {"If-None-Match the tag", .inm = TAG, .want = 304, .range_ok = true},
    {"If-None-Match the weak tag", .inm = WTAG, .want = 304, .range_ok = true},
    {"If-None-Match *", .inm = "*", .want = 304, .range_ok = true},
    {"If-None-Match another tag", .inm = OTHER, .want = 200, .range_ok = true},
    {"If-None-Match in a list", .inm = "\"foo\", \"bar\", " TAG " , \"baz\"",
     .want = 304, .range_ok = true},
    {"If-None-Match a list without spaces", .inm = "\"a\"," TAG, .want = 304,
     .range_ok = true},
    {"If-None-Match unquoted", .inm = "1f-15e59a35b98a0000-6", .want = 200,
     .range_ok = true},
    {"If-None-Match * in a list is no wildcard", .inm = "\"a\", *", .want = 200,
     .range_ok = true},
    {"If-None-Match a tag with a prefix", .inm = LONGER, .want = 200,
     .range_ok = true},
    {"If-None-Match empty", .inm = "", .want = 200, .range_ok = true},
    {"If-None-Match wins over If-Modified-Since", .inm = TAG,
     .ims = "Thu, 01 Jan 1970 00:00:00 GMT", .want = 304, .range_ok = true},
    {"If-None-Match not matching ignores If-Modified-Since", .inm = OTHER,
     .ims = AT, .want = 200, .range_ok = true},
    {"If-Match fails before If-None-Match matches", .im = OTHER, .inm = TAG,
     .want = 412, .range_ok = true},
    {"If-Unmodified-Since fails before If-None-Match", .ius = BEFORE,
     .inm = TAG, .want = 412, .range_ok = true},
    /* ---- If-Modified-Since ---- */
    {"If-Modified-Since at the mtime", .ims = AT, .want = 304,
     .range_ok = true},
    {"If-Modified-Since after it", .ims = AFTER, .want = 304, .range_ok = true},
    {"If-Modified-Since in the future (RFC 9110 13.1.3)", .ims = FUTURE,
     .want = 304, .range_ok = true},
    {"If-Modified-Since before it", .ims = BEFORE, .want = 200,
     .range_ok = true},
    {"If-Modified-Since not a date", .ims = "garbage", .want = 200,
     .range_ok = true},
    /* ---- If-Range (RFC 9110 13.1.5) ---- */
    {"If-Range the tag", .ir = TAG, .want = 200, .range_ok = true},
    {"If-Range another tag", .ir = OTHER, .want = 200, .range_ok = false},
    {"If-Range a weak tag", .ir = WTAG, .want = 200, .range_ok = false},
    {"If-Range the mtime", .ir = AT, .want = 200, .range_ok = true},
    {"If-Range a later date", .ir = AFTER, .want = 200, .range_ok = false},
    {"If-Range an earlier date", .ir = BEFORE, .want = 200, .range_ok = false},
    {"If-Range garbage", .ir = "wrong", .want = 200, .range_ok = false},
    {"If-Range a tag list is no tag", .ir = TAG ", " TAG, .want = 200,
     .range_ok = false},
};

static struct http_field field(const char *s)
{
	return (struct http_field){s, s != NULL ? strlen(s) : 0};
}

static void test_case(void **state)
{
	const struct cond_case *c = *state;
	const struct http_validators v = {TAG, sizeof(TAG) - 1, MTIME};
	struct http_request req;
	int got;

	memset(&req, 0, sizeof(req));
	req.if_match = field(c->im);
	req.if_unmodified_since = field(c->ius);
	req.if_none_match = field(c->inm);
	req.if_modified_since = field(c->ims);
	req.if_range = field(c->ir);
	got = http_cond_check(&req, &v);
	if (got != c->want)
		fail_msg("%s: %d, want %d", c->name, got, c->want);
	if (http_cond_range_ok(&req, &v) != c->range_ok)
		fail_msg("%s: range_ok %d", c->name, !c->range_ok);
}

/* The tag changes with each part of the file's identity and version. */
static void test_etag_format(void **state)
{
	char a[HTTP_ETAG_SIZE], b[HTTP_ETAG_SIZE];
	size_t n;

	(void)state;
	n = http_etag_format(a, 0x1f, UINT64_C(1577836800000000000), 6);
	assert_string_equal(a, TAG);
	assert_int_equal(n, sizeof(TAG) - 1);
	n = http_etag_format(a, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	assert_int_equal(n, strlen(a));
	assert_true(n < HTTP_ETAG_SIZE);
	http_etag_format(a, 1, 2, 3);
	http_etag_format(b, 1, 2, 4);
	assert_string_not_equal(a, b);
	http_etag_format(b, 1, 3, 3); /* rewritten within the same second */
	assert_string_not_equal(a, b);
	http_etag_format(b, 2, 2, 3); /* replaced by another file */
	assert_string_not_equal(a, b);
	assert_string_equal(a, "\"1-2-3\"");
}

int main(void)
{
	static struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 1];
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	for (i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){cases[i].name, test_case, NULL,
					       NULL, (void *)&cases[i]};
	tests[n] = (struct CMUnitTest)cmocka_unit_test(test_etag_format);
	return _cmocka_run_group_tests("http_cond", tests, n + 1, NULL, NULL);
}
