/* test_http_resp.c - table-driven tests of response heads, byte for byte */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/http_date.h"
#include "http/http_resp.h"

#define DATE	"Date: XXXXXXXXXXXXXXXXXXXXXXXXXXXXX\r\n"
#define TOP(st) "HTTP/1.1 " st "\r\nServer: preforkd\r\n" DATE

struct head_case {
	const char *name;
	struct http_head h;
	const char *want;
};

static const struct head_case cases[] = {
    {"1.1 keep-alive says nothing of the connection",
     {.status = 200, .version_minor = 1, .keep_alive = true},
     TOP("200 OK") "Content-Length: 0\r\n\r\n"},
    {"1.0 keep-alive is confirmed",
     {.status = 200, .keep_alive = true, .content_length = 5},
     TOP("200 OK") "Content-Length: 5\r\nConnection: keep-alive\r\n\r\n"},
    {"close",
     {.status = 404,
      .version_minor = 1,
      .content_type = "text/plain",
      .content_length = 10},
     TOP("404 Not Found") "Content-Type: text/plain\r\nContent-Length: 10\r\n"
			  "Connection: close\r\n\r\n"},
    {"every field of a static answer",
     {.status = 206,
      .version_minor = 1,
      .keep_alive = true,
      .content_type = "text/html",
      .content_length = 1234567890123,
      .last_modified = "Wed, 01 Jan 2020 00:00:00 GMT",
      .etag = "\"1-2-3\"",
      .extra = "Content-Range: bytes 0-1/2\r\n"},
     TOP("206 Partial Content") "Content-Type: text/html\r\n"
				"Last-Modified: Wed, 01 Jan 2020 00:00:00 "
				"GMT\r\n"
				"ETag: \"1-2-3\"\r\n"
				"Content-Length: 1234567890123\r\n"
				"Content-Range: bytes 0-1/2\r\n\r\n"},
    {"304 with its validators",
     {.status = 304,
      .version_minor = 1,
      .keep_alive = true,
      .content_length = 13,
      .last_modified = "Wed, 01 Jan 2020 00:00:00 GMT",
      .etag = "\"a\""},
     TOP("304 Not Modified") "Last-Modified: Wed, 01 Jan 2020 00:00:00 GMT\r\n"
			     "ETag: \"a\"\r\nContent-Length: 13\r\n\r\n"},
    {"the largest length",
     {.status = 412,
      .version_minor = 1,
      .keep_alive = true,
      .content_length = UINT64_MAX},
     TOP("412 Precondition Failed") "Content-Length: 18446744073709551615\r\n"
				    "\r\n"},
    {"a 301 with its Location",
     {.status = 301, .extra = "Location: /sub/\r\n"},
     TOP("301 Moved Permanently") "Content-Length: 0\r\nLocation: /sub/\r\n"
				  "Connection: close\r\n\r\n"},
};

/* The head with its Date value blanked, as the table writes it. */
static void blank_date(char *s)
{
	char *d = strstr(s, "\r\nDate: ");

	if (d != NULL && strlen(d + 8) >= HTTP_DATE_LEN)
		memset(d + 8, 'X', HTTP_DATE_LEN);
}

static void test_case(void **state)
{
	const struct head_case *c = *state;
	size_t want = strlen(c->want);
	char out[1024];

	assert_int_equal(http_head_format(out, sizeof(out), &c->h), want);
	blank_date(out);
	assert_string_equal(out, c->want);
	/* the NUL must fit too: cap want is too small, want + 1 enough */
	assert_int_equal(http_head_format(out, want, &c->h), 0);
	assert_int_equal(http_head_format(out, want + 1, &c->h), want);
	assert_int_equal(http_head_format(out, 0, &c->h), 0);
}

int main(void)
{
	static struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0])];
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	for (i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){cases[i].name, test_case, NULL,
					       NULL, (void *)&cases[i]};
	return _cmocka_run_group_tests("http_head_format", tests, n, NULL,
				       NULL);
}
