/* http_cond.h - validators and preconditions (RFC 9110 8.8, 13): the
 * ETag of a file, and If-Match, If-Unmodified-Since, If-None-Match,
 * If-Modified-Since and If-Range evaluated in the order of 13.2.2 */
#ifndef PREFORKD_HTTP_COND_H
#define PREFORKD_HTTP_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "http_parse.h"

/* Room for an ETag value with its quotes and a NUL. */
#define HTTP_ETAG_SIZE 56

/*
 * Writes the strong ETag of a file version into out (HTTP_ETAG_SIZE bytes):
 * '"' inode '-' mtime in nanoseconds '-' size '"', in lowercase hex, so
 * that a file replaced, rewritten within the same second or truncated gets
 * another tag. Returns its length (without the NUL).
 */
size_t http_etag_format(char *out, uint64_t ino, uint64_t mtime_ns,
			uint64_t size);

/* A file's mtime in nanoseconds, for http_etag_format. */
static inline uint64_t http_mtime_ns(const struct stat *st)
{
	return (uint64_t)st->st_mtim.tv_sec * 1000000000u +
	       (uint64_t)st->st_mtim.tv_nsec;
}

/* What a representation is known by. */
struct http_validators {
	const char *etag; /* a strong entity-tag, quotes included */
	size_t etag_len;
	time_t mtime; /* Last-Modified */
};

/*
 * Steps 1 to 4 of RFC 9110 13.2.2 for a GET or HEAD of an existing
 * representation: If-Match (strong comparison, "*" matches) or else
 * If-Unmodified-Since, failing: 412; then If-None-Match (weak comparison,
 * "*" matches) or else If-Modified-Since ("earlier or equal", 13.1.3,
 * also for dates past now, as RFC 9110 no longer calls them invalid),
 * failing: 304. Dates that do not parse are ignored; an entity-tag list
 * that does not parse matches nothing. Returns 200 (go on), 304 or 412.
 */
int http_cond_check(const struct http_request *req,
		    const struct http_validators *v);

/*
 * Step 5: whether req's Range is to be honoured. True without If-Range;
 * with it, only when it is a strong entity-tag equal to v's, or an
 * HTTP-date equal to v's mtime (RFC 9110 13.1.5); anything else (a weak
 * tag, another tag or date, garbage) means the whole representation
 * is sent.
 */
bool http_cond_range_ok(const struct http_request *req,
			const struct http_validators *v);

#endif
