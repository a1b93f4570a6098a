/* http_date.c - HTTP-date formatting and parsing by calendar arithmetic */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "http_date.h"

#define DATE_MIN INT64_C(-62135596800) /* 0001-01-01 00:00:00 */
#define DATE_MAX INT64_C(253402300799) /* 9999-12-31 23:59:59 */

static const char wday_short[7][4] = {"Sun", "Mon", "Tue", "Wed",
				      "Thu", "Fri", "Sat"};
static const char *const wday_long[7] = {"Sunday",    "Monday",	  "Tuesday",
					 "Wednesday", "Thursday", "Friday",
					 "Saturday"};
static const char month_names[12][4] = {"Jan", "Feb", "Mar", "Apr",
					"May", "Jun", "Jul", "Aug",
					"Sep", "Oct", "Nov", "Dec"};

/* A broken-down UTC time. */
struct civil {
	int64_t year;
	unsigned mon; /* 1..12 */
	unsigned mday, hour, min, sec;
};

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil. */
static void civil_from_days(int64_t z, struct civil *c)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->mday = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	c->mon = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	c->year = yoe + era * 400 + (c->mon <= 2);
}

static char *put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

void http_date_format(time_t t, char out[HTTP_DATE_LEN + 1])
{
	int64_t s = (int64_t)t, days, secs;
	struct civil c;
	char *p = out;

	s = s < DATE_MIN ? DATE_MIN : s > DATE_MAX ? DATE_MAX : s;
	days = (s >= 0 ? s : s - 86399) / 86400;
	secs = s - days * 86400;
	civil_from_days(days, &c);
	memcpy(p, wday_short[((days % 7) + 11) % 7], 3);
	memcpy(p + 3, ", ", 2);
	p = put2(p + 5, c.mday);
	*p++ = ' ';
	memcpy(p, month_names[c.mon - 1], 3);
	p[3] = ' ';
	p = put2(put2(p + 4, (unsigned)(c.year / 100)),
		 (unsigned)(c.year % 100));
	*p++ = ' ';
	p = put2(p, (unsigned)(secs / 3600));
	*p++ = ':';
	p = put2(p, (unsigned)(secs / 60 % 60));
	*p++ = ':';
	p = put2(p, (unsigned)(secs % 60));
	memcpy(p, " GMT", 5);
}

/* ---- parsing ---- */

/* n decimal digits at s; -1 when any is not a digit. */
static int64_t digits(const char *s, size_t n)
{
	int64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* 1..12 for a month name at s, or 0. */
static unsigned month_of(const char *s)
{
	unsigned i;

	for (i = 0; i < 12; i++)
		if (memcmp(s, month_names[i], 3) == 0)
			return i + 1;
	return 0;
}

static bool is_wday_short(const char *s)
{
	unsigned i;

	for (i = 0; i < 7; i++)
		if (memcmp(s, wday_short[i], 3) == 0)
			return true;
	return false;
}

/* "HH:MM:SS" at s into c; -1 when malformed. */
static int parse_clock(const char *s, struct civil *c)
{
	int64_t h = digits(s, 2), m = digits(s + 3, 2), sec = digits(s + 6, 2);

	if (h < 0 || m < 0 || sec < 0 || s[2] != ':' || s[5] != ':')
		return -1;
	c->hour = (unsigned)h;
	c->min = (unsigned)m;
	c->sec = (unsigned)sec;
	return 0;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Checks the fields' ranges and converts c to a time. */
static int civil_to_time(const struct civil *c, time_t *t)
{
	static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30,
					   31, 31, 30, 31, 30, 31};
	unsigned dim;

	if (c->mon < 1 || c->mon > 12 || c->hour > 23 || c->min > 59 ||
	    c->sec > 60)
		return -1;
	dim = mdays[c->mon - 1] + (c->mon == 2 && is_leap(c->year));
	if (c->mday < 1 || c->mday > dim)
		return -1;
	*t = (time_t)(days_from_civil(c->year, c->mon, c->mday) * 86400 +
		      c->hour * 3600 + c->min * 60 + c->sec);
	return 0;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" */
static int parse_imf(const char *s, struct civil *c)
{
	int64_t d = digits(s + 5, 2), y = digits(s + 12, 4);

	if (!is_wday_short(s) || memcmp(s + 3, ", ", 2) != 0 || d < 0 ||
	    s[7] != ' ' || (c->mon = month_of(s + 8)) == 0 || s[11] != ' ' ||
	    y < 0 || s[16] != ' ' || parse_clock(s + 17, c) < 0 ||
	    memcmp(s + 25, " GMT", 4) != 0)
		return -1;
	c->mday = (unsigned)d;
	c->year = y;
	return 0;
}

/* The RFC 9110 rule for a two-digit year, against the clock. */
static int64_t full_year(int64_t yy)
{
	struct civil now;
	int64_t days = (int64_t)time(NULL) / 86400, y;

	civil_from_days(days, &now);
	y = now.year - now.year % 100 + yy;
	return y > now.year + 50 ? y - 100 : y;
}

/* "Sunday, 06-Nov-94 08:49:37 GMT" */
static int parse_rfc850(const char *s, size_t len, struct civil *c)
{
	unsigned i;
	size_t n;
	int64_t d, y;

	for (i = 0; i < 7; i++) {
		n = strlen(wday_long[i]);
		if (len == n + 24 && memcmp(s, wday_long[i], n) == 0)
			break;
	}
	if (i == 7)
		return -1;
	s += n;
	d = digits(s + 2, 2);
	y = digits(s + 9, 2);
	if (memcmp(s, ", ", 2) != 0 || d < 0 || s[4] != '-' ||
	    (c->mon = month_of(s + 5)) == 0 || s[8] != '-' || y < 0 ||
	    s[11] != ' ' || parse_clock(s + 12, c) < 0 ||
	    memcmp(s + 20, " GMT", 4) != 0)
		return -1;
	c->mday = (unsigned)d;
	c->year = full_year(y);
	return 0;
}

/* "Sun Nov  6 08:49:37 1994" (the day is 2DIGIT or SP DIGIT) */
static int parse_asctime(const char *s, struct civil *c)
{
	int64_t d = s[8] == ' ' ? digits(s + 9, 1) : digits(s + 8, 2);
	int64_t y = digits(s + 20, 4);

	if (!is_wday_short(s) || s[3] != ' ' ||
	    (c->mon = month_of(s + 4)) == 0 || s[7] != ' ' || d < 0 ||
	    s[10] != ' ' || parse_clock(s + 11, c) < 0 || s[19] != ' ' || y < 0)
		return -1;
	c->mday = (unsigned)d;
	c->year = y;
	return 0;
}

int http_date_parse(const char *s, size_t len, time_t *t)
{
	struct civil c;
	int r;

	if (len == HTTP_DATE_LEN)
		r = parse_imf(s, &c);
	else if (len == 24)
		r = parse_asctime(s, &c);
	else if (len >= 30 && len <= 33)
		r = parse_rfc850(s, len, &c);
	else
		r = -1;
	return r == 0 ? civil_to_time(&c, t) : -1;
}
