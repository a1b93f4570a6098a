/* http_multipart.c - framing of a multipart/byteranges body */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "http_multipart.h"

void http_multipart_boundary(char *b, uint64_t n)
{
	uint64_t z = n + UINT64_C(0x9e3779b97f4a7c15); /* splitmix64 */

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	snprintf(b, HTTP_MULTIPART_BOUNDARY_LEN + 1, "pfd%016" PRIx64, z);
}

static size_t fit(int n, size_t cap)
{
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

size_t http_multipart_part(char *out, size_t cap, const char *boundary,
			   const char *ctype, const struct http_range *r,
			   uint64_t size)
{
	return fit(snprintf(out, cap,
			    "\r\n--%s\r\n%s%s%sContent-Range: bytes %" PRIu64
			    "-%" PRIu64 "/%" PRIu64 "\r\n\r\n",
			    boundary, ctype ? "Content-Type: " : "",
			    ctype ? ctype : "", ctype ? "\r\n" : "", r->first,
			    r->last, size),
		   cap);
}

size_t http_multipart_end(char *out, size_t cap, const char *boundary)
{
	return fit(snprintf(out, cap, "\r\n--%s--\r\n", boundary), cap);
}

uint64_t http_multipart_length(const struct http_ranges *rs,
			       const char *boundary, const char *ctype,
			       uint64_t size)
{
	char buf[HTTP_MULTIPART_PART_MAX];
	uint64_t total = http_multipart_end(buf, sizeof(buf), boundary);

	for (size_t i = 0; i < rs->n; i++)
		total += http_multipart_part(buf, sizeof(buf), boundary, ctype,
					     &rs->r[i], size) +
			 (rs->r[i].last - rs->r[i].first + 1);
	return total;
}
