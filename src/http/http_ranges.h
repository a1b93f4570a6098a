/* http_ranges.h - the Range header (RFC 9110 14.2): byte ranges, checked
 * against the representation's size, sorted and coalesced */
#ifndef PREFORKD_HTTP_RANGES_H
#define PREFORKD_HTTP_RANGES_H

#include <stddef.h>
#include <stdint.h>

/* At most this many ranges after coalescing; more are answered 200. */
#define HTTP_RANGES_MAX 16

struct http_range {
	uint64_t first, last; /* inclusive, last < size */
};

struct http_ranges {
	size_t n;
	struct http_range r[HTTP_RANGES_MAX]; /* ascending, disjoint */
};

enum { HTTP_RANGES_IGNORE = 0, HTTP_RANGES_UNSATISFIABLE = -1 };

/*
 * Parses a Range value v[0..len) for a representation of size bytes:
 * "bytes=" and a comma-separated list of "a-b", "a-" and "-n" (unit
 * case-insensitive, OWS around elements, empty elements skipped). Ranges
 * that start at or past the end (or suffixes of 0 bytes) are dropped; the
 * rest are clamped to the size, sorted, and coalesced where they overlap
 * or lie at most gap bytes apart (RFC 9110 14.6: a gap smaller than a
 * part's own header costs more to send apart). Returns the number of
 * ranges in *out (> 0: one is a plain 206, more a multipart/byteranges
 * 206); HTTP_RANGES_UNSATISFIABLE (answer 416) when none is left, or when
 * the byte-range set is malformed ("bytes=a", "bytes=5-1", "bytes=0--");
 * HTTP_RANGES_IGNORE (answer 200 with the whole representation) for
 * another unit or a value that is no "unit=..." at all, when the ranges
 * asked for add up to more bytes than the representation has (overlaps
 * meant to multiply the work, as in CVE-2011-3192), and when more than
 * HTTP_RANGES_MAX ranges remain after coalescing. Pure; *out is
 * meaningless unless the result is > 0.
 */
int http_ranges_parse(const char *v, size_t len, uint64_t size, uint64_t gap,
		      struct http_ranges *out);

#endif
