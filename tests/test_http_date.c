/* test_http_date.c - HTTP-date formatting against gmtime, and parsing */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "http/http_date.h"

struct format_case {
	const char *name;
	int64_t t;
	const char *want;
};

static const struct format_case formats[] = {
    {"the epoch", 0, "Thu, 01 Jan 1970 00:00:00 GMT"},
    {"RFC 9110 example", 784111777, "Sun, 06 Nov 1994 08:49:37 GMT"},
    {"leap day 2000", 951782400, "Tue, 29 Feb 2000 00:00:00 GMT"},
    {"end of 32-bit time", 2147483647, "Tue, 19 Jan 2038 03:14:07 GMT"},
    {"2100 is no leap year", INT64_C(4107542400),
     "Mon, 01 Mar 2100 00:00:00 GMT"},
    {"one second before the epoch", -1, "Wed, 31 Dec 1969 23:59:59 GMT"},
    {"before 1900", INT64_C(-2208988801), "Sun, 31 Dec 1899 23:59:59 GMT"},
    {"clamped to year 9999", INT64_C(999999999999999),
     "Fri, 31 Dec 9999 23:59:59 GMT"},
    {"clamped to year 1", INT64_C(-999999999999999),
     "Mon, 01 Jan 0001 00:00:00 GMT"},
};

static void test_format_table(void **state)
{
	char out[HTTP_DATE_LEN + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		memset(out, 'x', sizeof(out));
		http_date_format((time_t)formats[i].t, out);
		if (strcmp(out, formats[i].want) != 0)
			fail_msg("%s: \"%s\"", formats[i].name, out);
	}
}

/* Matches gmtime_r + strftime ("C" locale) and parses back, 1970-2400. */
static void test_format_matches_gmtime(void **state)
{
	char got[HTTP_DATE_LEN + 1], want[64];
	int64_t t;
	time_t back;
	struct tm tm;

	(void)state;
	for (t = 0; t < INT64_C(13569465600); t += 86400 * 3 + 3607) {
		time_t tt = (time_t)t;

		gmtime_r(&tt, &tm);
		strftime(want, sizeof(want), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		http_date_format(tt, got);
		if (strcmp(got, want) != 0)
			fail_msg("%lld: \"%s\", want \"%s\"", (long long)t, got,
				 want);
		if (http_date_parse(got, HTTP_DATE_LEN, &back) != 0 ||
		    back != tt)
			fail_msg("%lld: \"%s\" does not parse back",
				 (long long)t, got);
	}
}

struct parse_case {
	const char *name;
	const char *in;
	int64_t want; /* or BAD */
};

#define BAD INT64_MIN /* refused */

#define T1994 784111777 /* Sun, 06 Nov 1994 08:49:37 GMT */

static const struct parse_case parses[] = {
    {"IMF-fixdate", "Sun, 06 Nov 1994 08:49:37 GMT", T1994},
    {"RFC 850", "Sunday, 06-Nov-94 08:49:37 GMT", T1994},
    {"asctime, space-padded day", "Sun Nov  6 08:49:37 1994", T1994},
    {"asctime, zero-padded day", "Sun Nov 06 08:49:37 1994", T1994},
    {"RFC 850 with the longest day name", "Wednesday, 09-Nov-94 08:49:37 GMT",
     T1994 + 3 * 86400},
    {"RFC 850 two-digit year in the past", "Wednesday, 01-Jan-20 00:00:00 GMT",
     1577836800},
    {"leap day", "Tue, 29 Feb 2000 00:00:00 GMT", 951782400},
    {"leap second", "Sat, 31 Dec 2016 23:59:60 GMT", 1483228800},
    {"the epoch", "Thu, 01 Jan 1970 00:00:00 GMT", 0},
    {"before the epoch", "Wed, 31 Dec 1969 23:59:59 GMT", -1},
    {"day name not checked against the date", "Mon, 06 Nov 1994 08:49:37 GMT",
     T1994},
    {"UTC instead of GMT", "Sun, 06 Nov 1994 08:49:37 UTC", BAD},
    {"lowercase day name", "sun, 06 Nov 1994 08:49:37 GMT", BAD},
    {"lowercase month", "Sun, 06 nov 1994 08:49:37 GMT", BAD},
    {"unknown month", "Sun, 06 Nox 1994 08:49:37 GMT", BAD},
    {"unknown day name", "Sux, 06 Nov 1994 08:49:37 GMT", BAD},
    {"one-digit day in IMF", "Sun, 6 Nov 1994 08:49:37 GMT", BAD},
    {"31 February", "Tue, 31 Feb 1994 08:49:37 GMT", BAD},
    {"29 February 1900", "Thu, 29 Feb 1900 00:00:00 GMT", BAD},
    {"day 0", "Sun, 00 Nov 1994 08:49:37 GMT", BAD},
    {"hour 24", "Sun, 06 Nov 1994 24:00:00 GMT", BAD},
    {"minute 60", "Sun, 06 Nov 1994 08:60:00 GMT", BAD},
    {"second 61", "Sun, 06 Nov 1994 08:49:61 GMT", BAD},
    {"letters in the year", "Sun, 06 Nov 19x4 08:49:37 GMT", BAD},
    {"sign in the day", "Sun, +6 Nov 1994 08:49:37 GMT", BAD},
    {"dots in the time", "Sun, 06 Nov 1994 08.49.37 GMT", BAD},
    {"leading space", " Sun, 06 Nov 1994 08:49:37 GMT", BAD},
    {"trailing space", "Sun, 06 Nov 1994 08:49:37 GMT ", BAD},
    {"RFC 850 with a short day name", "Sun, 06-Nov-94 08:49:37 GMT", BAD},
    {"RFC 850 with a four-digit year", "Sunday, 06-Nov-1994 08:49:37 GMT", BAD},
    {"RFC 850 with a wrong separator", "Sunday, 06 Nov 94 08:49:37 GMT", BAD},
    {"asctime with GMT", "Sun Nov  6 08:49:37 1994 GMT", BAD},
    {"asctime without the padding", "Sun Nov 6 08:49:37 1994", BAD},
    {"empty", "", BAD},
    {"garbage of the IMF length", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx", BAD},
    {"garbage of the asctime length", "xxxxxxxxxxxxxxxxxxxxxxxx", BAD},
};

static void test_parse_table(void **state)
{
	size_t i;
	time_t t;

	(void)state;
	for (i = 0; i < sizeof(parses) / sizeof(parses[0]); i++) {
		const struct parse_case *c = &parses[i];
		int r = http_date_parse(c->in, strlen(c->in), &t);

		if (c->want == BAD ? r != -1
				   : (r != 0 || (int64_t)t != c->want))
			fail_msg("%s: %d, %lld", c->name, r, (long long)t);
	}
}

/* RFC 9110 5.6.7: a two-digit year > 50 years ahead is the past century. */
static void test_rfc850_century(void **state)
{
	time_t now = time(NULL), t;
	struct tm tm;
	int year, yy, want;
	char in[64];

	(void)state;
	gmtime_r(&now, &tm);
	year = tm.tm_year + 1900;
	for (yy = 0; yy < 100; yy++) {
		snprintf(in, sizeof(in), "Sunday, 01-Jan-%02d 00:00:00 GMT",
			 yy);
		assert_int_equal(http_date_parse(in, strlen(in), &t), 0);
		want = year - year % 100 + yy;
		if (want > year + 50)
			want -= 100;
		gmtime_r(&t, &tm);
		if (tm.tm_year + 1900 != want)
			fail_msg("%02d gives %d", yy, tm.tm_year + 1900);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_table),
	    cmocka_unit_test(test_format_matches_gmtime),
	    cmocka_unit_test(test_parse_table),
	    cmocka_unit_test(test_rfc850_century),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
