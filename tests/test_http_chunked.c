/* test_http_chunked.c - the chunked body skipper, fed whole and in pieces */
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

#define BODY16 "0123456789abcdef"

struct chunk_case {
	const char *name;
	const char *in;
	size_t len;	/* 0: strlen(in) */
	int want;	/* 1 done, 0 more, -1 malformed, -2 too big */
	size_t rest;	/* done: bytes after the body (the next request) */
	uint64_t total; /* done: data bytes */
	uint64_t max;	/* max_body; 0: 1 MiB */
	size_t at;	/* errors: bytes consumed through the bad byte */
};

static const struct chunk_case cases[] = {
    {"last chunk only", "0\r\n\r\n", .want = 1, .total = 0},
    {"one chunk", "5\r\nhello\r\n0\r\n\r\n", .want = 1, .total = 5},
    {"two chunks", "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n", .want = 1, .total = 7},
    {"hex digits in both cases",
     "A\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n", .want = 1, .total = 20},
    {"leading zeros in the size", "0005\r\nhello\r\n000\r\n\r\n", .want = 1,
     .total = 5},
    {"chunk extension", "5;name=value\r\nhello\r\n0;x\r\n\r\n", .want = 1,
     .total = 5},
    {"BWS before an extension", "5 \t;a=\"b c\"\r\nhello\r\n0\r\n\r\n",
     .want = 1, .total = 5},
    {"several extensions", "5;a=1;b;c=\"x\"\r\nhello\r\n0\r\n\r\n", .want = 1,
     .total = 5},
    {"BWS around ';' and '='", "5 ; a = 1 ;b\r\nhello\r\n0\r\n\r\n",
     .want = 1, .total = 5},
    {"quoted-pair in an extension value",
     "5;a=\"q\\\"x\"\r\nhello\r\n0\r\n\r\n", .want = 1, .total = 5},
    {"obs-text in a quoted extension value",
     "5;a=\"\xc3\xa9\"\r\nhello\r\n0\r\n\r\n", .want = 1, .total = 5},
    {"one trailer field", "0\r\nX-Sum: 1\r\n\r\n", .want = 1, .total = 0},
    {"two trailer fields", "2\r\nab\r\n0\r\nA: 1\r\nB: 2\r\n\r\n", .want = 1,
     .total = 2},
    {"data holding CRLF and NUL", "4\r\n\r\n\0\n\r\n0\r\n\r\n",
     sizeof("4\r\n\r\n\0\n\r\n0\r\n\r\n") - 1, .want = 1, .total = 4},
    {"next request after the body stays unread",
     "1\r\nx\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n", .want = 1, .rest = 18,
     .total = 1},
    {"body exactly max_body", "10\r\n" BODY16 "\r\n0\r\n\r\n", .want = 1,
     .total = 16, .max = 16},
    {"largest size with an unlimited body", "ffffffffffffffff\r\nab", .want = 0,
     .max = UINT64_MAX},
    {"incomplete data needs more", "5\r\nhel", .want = 0},
    {"missing final CRLF needs more", "0\r\n", .want = 0},
    {"incomplete trailer needs more", "0\r\nX: 1\r\n", .want = 0},
    {"empty input needs more", "", .want = 0},
    {"empty size line", "\r\nhello\r\n0\r\n\r\n", .want = -1, .at = 1},
    {"non-hex size", "g\r\n", .want = -1, .at = 1},
    {"0x prefix", "0x5\r\nhello\r\n", .want = -1, .at = 2},
    {"negative size", "-5\r\n", .want = -1, .at = 1},
    {"space inside the size", "5 5\r\nhello\r\n", .want = -1, .at = 3},
    {"bare LF after the size", "5\nhello\r\n0\r\n\r\n", .want = -1, .at = 2},
    {"bare CR after the size", "5\rhello\r\n", .want = -1, .at = 3},
    {"data longer than its size", "5\r\nhelloX\r\n", .want = -1, .at = 9},
    {"bare LF after data", "5\r\nhello\n0\r\n\r\n", .want = -1, .at = 9},
    {"CR without LF after data", "5\r\nhello\r0\r\n\r\n", .want = -1, .at = 10},
    {"bare CR in an extension", "5;a\rb\r\nhello", .want = -1, .at = 5},
    {"bare LF in an extension", "5;a\nb\r\nhello", .want = -1, .at = 4},
    {"control byte in an extension", "5;a\x01\r\nhello", .want = -1, .at = 4},
    {"whitespace after the size, no extension", "5 \r\nhello\r\n0\r\n\r\n",
     .want = -1, .at = 3},
    {"bare semicolon", "5;\r\nhello\r\n0\r\n\r\n", .want = -1, .at = 3},
    {"non-token byte in an extension name", "5;bad[=x\r\nhello", .want = -1,
     .at = 6},
    {"equals without a value", "5;a=\r\nhello", .want = -1, .at = 5},
    {"two semicolons", "5;;a\r\nhello", .want = -1, .at = 3},
    {"whitespace inside a name", "5;a b\r\nhello", .want = -1, .at = 5},
    {"whitespace after a name at the end", "5;a \r\nhello", .want = -1,
     .at = 5},
    {"whitespace inside a token value", "5;a=b c\r\nhello", .want = -1,
     .at = 7},
    {"non-token byte in a value", "5;a=b@\r\nhello", .want = -1, .at = 6},
    {"bytes after a quoted value", "5;a=\"b\"c\r\nhello", .want = -1,
     .at = 8},
    {"unterminated quoted value", "5;a=\"b\r\nhello", .want = -1, .at = 7},
    {"control byte in a quoted value", "5;a=\"\x01\"\r\nhello", .want = -1,
     .at = 6},
    {"bare LF ending a trailer", "0\r\nX: a\n\r\n", .want = -1, .at = 8},
    {"obs-fold in the trailer section", "0\r\n X: 1\r\n\r\n", .want = -1,
     .at = 4},
    {"CR CR at the end", "0\r\n\r\r", .want = -1, .at = 5},
    {"chunk size over max_body", "11\r\n", .want = -2, .max = 16, .at = 2},
    {"second chunk over max_body", "8\r\n12345678\r\n9\r\n", .want = -2,
     .max = 16, .at = 14},
    {"size overflowing 64 bits", "10000000000000000\r\n", .want = -2,
     .max = UINT64_MAX, .at = 17},
};

/* Feeds in[0..len) in pieces of at most step bytes (0: whole) at split. */
static int feed(const struct chunk_case *c, const char *in, size_t len,
		size_t split, size_t step, size_t *used, uint64_t *total)
{
	struct http_chunked ch;
	uint64_t max = c->max ? c->max : 1 << 20;
	size_t off = 0, n, got;
	int r = 0;

	http_chunked_init(&ch);
	while (r == 0 && off < len) {
		n = step ? step : off < split ? split - off : len - off;
		if (n > len - off)
			n = len - off;
		r = http_chunked_skip(&ch, guard_place(in + off, n), n, max,
				      &got);
		if (got > n)
			fail_msg("%s: consumed %zu of %zu", c->name, got, n);
		off += got;
		if (r == 0 && got != n)
			fail_msg("%s: 0 but only %zu of %zu", c->name, got, n);
	}
	*used = off;
	*total = ch.total;
	return r;
}

static void check_result(const struct chunk_case *c, size_t len, int r,
			 size_t used, uint64_t total, const char *how)
{
	size_t want_used = c->want == 1	  ? len - c->rest
			   : c->want == 0 ? len
					  : c->at;

	if (r != c->want || used != want_used ||
	    (c->want == 1 && total != c->total))
		fail_msg("%s (%s): %d, consumed %zu, total %llu", c->name, how,
			 r, used, (unsigned long long)total);
}

/* Feeds the case whole, byte by byte and split in two at every byte. */
static void run_case(const struct chunk_case *c)
{
	size_t len = c->len ? c->len : strlen(c->in), used, split;
	uint64_t total;
	int r;

	r = feed(c, c->in, len, len, 0, &used, &total);
	check_result(c, len, r, used, total, "whole");
	r = feed(c, c->in, len, 0, 1, &used, &total);
	check_result(c, len, r, used, total, "byte by byte");
	for (split = 1; split < len; split++) {
		r = feed(c, c->in, len, split, 0, &used, &total);
		check_result(c, len, r, used, total, "split");
	}
}

static void test_case(void **state)
{
	run_case(*state);
}

static void test_sticky(void **state)
{
	struct http_chunked ch;
	size_t got;

	(void)state;
	http_chunked_init(&ch);
	assert_int_equal(http_chunked_skip(&ch, "x", 1, 100, &got), -1);
	assert_int_equal(http_chunked_skip(&ch, "0\r\n\r\n", 5, 100, &got), -1);
	assert_int_equal(got, 0);
	http_chunked_init(&ch);
	assert_int_equal(http_chunked_skip(&ch, "0\r\n\r\n", 5, 100, &got), 1);
	assert_int_equal(http_chunked_skip(&ch, "0\r\n\r\n", 5, 100, &got), 1);
	assert_int_equal(got, 0);
	http_chunked_init(&ch);
	assert_int_equal(http_chunked_skip(&ch, "ff\r\n", 4, 100, &got), -2);
	assert_int_equal(http_chunked_skip(&ch, "0\r\n\r\n", 5, 100, &got), -2);
}

static void test_long_extension(void **state)
{
	static char in[HTTP_CHUNK_LINE_MAX + 16];
	struct chunk_case c = {"size line over the limit", in, .want = -1,
			       .at = HTTP_CHUNK_LINE_MAX + 1};

	(void)state;
	memset(in, 'x', sizeof(in) - 1);
	memcpy(in, "5;", 2);
	run_case(&c);
}

static void test_long_trailer(void **state)
{
	static char in[HTTP_CHUNK_TRAILER_MAX + 16];
	struct chunk_case c = {"trailer section over the limit", in, .want = -1,
			       .at = 3 + HTTP_CHUNK_TRAILER_MAX + 1};

	(void)state;
	memset(in, 'x', sizeof(in) - 1);
	memcpy(in, "0\r\nX: ", 6);
	run_case(&c);
}

int main(void)
{
	static struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 3];
	static const struct CMUnitTest extra[] = {
	    cmocka_unit_test(test_sticky),
	    cmocka_unit_test(test_long_extension),
	    cmocka_unit_test(test_long_trailer),
	};
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	for (i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){cases[i].name, test_case, NULL,
					       NULL, (void *)&cases[i]};
	memcpy(tests + n, extra, sizeof(extra));
	return _cmocka_run_group_tests("http_chunked_skip", tests,
				       n + sizeof(extra) / sizeof(extra[0]),
				       NULL, NULL);
}
