/* http_date.h - HTTP-date (RFC 9110 5.6.7) formatting and parsing */
#ifndef PREFORKD_HTTP_DATE_H
#define PREFORKD_HTTP_DATE_H

#include <stddef.h>
#include <time.h>

#define HTTP_DATE_LEN 29

/*
 * Writes t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") and a NUL
 * into out. Pure arithmetic: no locale, no time zone, no gmtime and so no
 * lock or static buffer; safe in signal handlers and threads. Times before
 * 0001-01-01 or after 9999-12-31 23:59:59 are clamped to those bounds.
 */
void http_date_format(time_t t, char out[HTTP_DATE_LEN + 1]);

/*
 * Parses s[0..len) as an IMF-fixdate, an obsolete RFC 850 date ("Sunday,
 * 06-Nov-94 08:49:37 GMT") or an asctime date ("Sun Nov  6 08:49:37
 * 1994"), exactly, with no surrounding whitespace. Names are
 * case-sensitive as in the grammar; the day name is checked to be a day
 * name but not against the date. A two-digit RFC 850 year more than 50
 * years in the future (by the clock) is taken as the century before.
 * A leap second (:60) is accepted. Returns 0 with *t, or -1.
 */
int http_date_parse(const char *s, size_t len, time_t *t);

#endif
