/* http_multipart.h - framing of a multipart/byteranges body (RFC 9110 14.6) */
#ifndef PREFORKD_HTTP_MULTIPART_H
#define PREFORKD_HTTP_MULTIPART_H

#include <stddef.h>
#include <stdint.h>

#include "http_ranges.h"

#define HTTP_MULTIPART_BOUNDARY_LEN 19 /* "pfd" and 16 hex digits */
/* Room for a part's head with a content type of up to 128 bytes. */
#define HTTP_MULTIPART_PART_MAX 320

/* Writes a boundary (HTTP_MULTIPART_BOUNDARY_LEN bytes and a NUL) that is
 * a scrambling of n, so that each answer's differs. */
void http_multipart_boundary(char *b, uint64_t n);

/*
 * Writes the delimiter and head of a part into out (cap bytes):
 * "\r\n--B\r\nContent-Type: T\r\nContent-Range: bytes a-b/size\r\n\r\n"
 * (no Content-Type line when ctype is NULL). Every part, the first too,
 * starts with the CRLF: the first one is then an empty preamble line.
 * Returns the length, or 0 when it does not fit.
 */
size_t http_multipart_part(char *out, size_t cap, const char *boundary,
			   const char *ctype, const struct http_range *r,
			   uint64_t size);

/* Writes the close delimiter "\r\n--B--\r\n"; its length, or 0. */
size_t http_multipart_end(char *out, size_t cap, const char *boundary);

/* The length of the whole body for ranges rs, as the functions above
 * frame it. */
uint64_t http_multipart_length(const struct http_ranges *rs,
			       const char *boundary, const char *ctype,
			       uint64_t size);

#endif
