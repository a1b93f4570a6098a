/* http_resp.h - building HTTP responses into an output buffer */
#ifndef PREFORKD_HTTP_RESP_H
#define PREFORKD_HTTP_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The reason phrase of a status code ("Not Found"); "Unknown" if none. */
const char *http_reason(int status);

/* The current Date value (IMF-fixdate, 29 bytes), refreshed once a second. */
const char *http_now_date(time_t now);

/* What a response head says beyond its status. */
struct http_head {
	int status;
	int version_minor;     /* of the request: 1.0 clients get "Connection: keep-alive" */
	bool keep_alive;
	const char *content_type; /* NULL: none */
	uint64_t content_length;
	const char *last_modified; /* NULL: none */
	const char *etag;	   /* NULL: none */
	const char *extra;	   /* more header lines, each ending in CRLF, or NULL */
};

/* Writes the head into out (cap bytes). Returns its length, or 0 when it
 * does not fit. */
size_t http_head_format(char *out, size_t cap, const struct http_head *h);

#endif
