/* http_parse.h - HTTP/1.x request head parser, chunked body skipper, Range */
#ifndef PREFORKD_HTTP_PARSE_H
#define PREFORKD_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_HEADERS 100

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER_METHOD };

/* One header field line; name and value point into the caller's buffer. */
struct http_header {
	const char *name;
	size_t name_len;
	const char *value; /* without leading and trailing OWS */
	size_t value_len;
};

/* A field value kept by the parser; value is NULL when absent. */
struct http_field {
	const char *value;
	size_t len;
};

/* A parsed request head. Every pointer points into the parsed buffer. */
struct http_request {
	const char *method;
	size_t method_len;
	enum http_method meth;
	const char *target;
	size_t target_len;
	int version_minor; /* 0 or 1 (HTTP/1.x only) */
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t nheaders;
	/* derived while parsing: */
	bool keep_alive; /* 1.1: unless "close"; 1.0: only with "keep-alive" */
	bool has_content_length;
	uint64_t content_length;
	bool chunked;	  /* Transfer-Encoding: chunked (the only coding) */
	const char *host; /* NULL when absent; may be empty */
	size_t host_len;
	/* preconditions (RFC 9110 13.1): the first field of each name */
	struct http_field if_match, if_none_match, if_modified_since,
	    if_unmodified_since, if_range;
	const char *range; /* NULL when absent or given more than once */
	size_t range_len;
};

struct http_limits {
	size_t max_header_size; /* request line + headers + final CRLF */
};

enum { HTTP_PARSE_ERROR = -1, HTTP_PARSE_AGAIN = -2 };

/*
 * Parses one request head from buf[0..len). Returns its length (> 0, the
 * offset of the first body or next-request byte) when complete;
 * HTTP_PARSE_AGAIN when more bytes are needed and the limit is not yet
 * exceeded; HTTP_PARSE_ERROR with *status set to the answer (the caller
 * answers it and closes the connection):
 *   400 malformed request line or field line: anything but a single SP
 *       between the three request-line parts, a non-token method, control
 *       characters, DEL or bytes above 0x7f in the target, a target that
 *       is none of the four forms of RFC 9112 3.2 for its method
 *       (origin-form "/p?q"; absolute-form "http[s]://authority/p?q" with
 *       a valid authority; authority-form "host:port" for CONNECT only;
 *       "*" for OPTIONS only) or holds a "#", control characters or DEL
 *       in a value, a bare CR, a bare LF
 *       (lines must end in CRLF: this parser does not take the RFC 9112 2.2
 *       leniency, to leave no room for smuggling through a lenient peer),
 *       whitespace before a colon, an empty or non-token field name,
 *       obs-fold or whitespace after the request line, a missing Host in
 *       HTTP/1.1, more than one Host or an invalid or empty one (see
 *       http_host_valid), a Content-Length that is not exactly 1*DIGIT
 *       with SP as its only OWS, or given twice (even "5, 5" or two equal
 *       fields: RFC 9110 8.6 lets a recipient refuse them, and a framing
 *       field is safest read one way only), Transfer-Encoding together with Content-Length or in
 *       HTTP/1.0, "chunked" applied twice or not the final coding;
 *   414 request line not complete within max_header_size;
 *   431 head not complete within max_header_size, or more than
 *       HTTP_MAX_HEADERS fields;
 *   501 a transfer coding other than chunked (gzip, identity, ...);
 *   505 a well-formed "HTTP/d.d" other than HTTP/1.0 and HTTP/1.1.
 * Empty lines (CRLF) before the request line are skipped and counted in the
 * returned length. Methods are any token (case-sensitive); meth says GET,
 * HEAD or other.
 * lim may be NULL for no limit but len. Never reads past buf + len, never
 * allocates; *req is fully rewritten (and meaningless after an error).
 */
int http_parse_request(const char *buf, size_t len,
		       const struct http_limits *lim, struct http_request *req,
		       int *status);

/*
 * Whether buf[0..len) holds an empty line after a LF ("\n\r\n" or a bare
 * "\n\n"), as every complete head does. A caller reading a head a few
 * bytes at a time calls http_parse_request only once this is true (or len
 * reached the limit), so a trickling client costs linear, not quadratic,
 * time. prev_len is len at the previous call for the same head (0 at
 * first): only bytes from prev_len - 2 on are scanned. A hint only:
 * http_parse_request stays the judge (it may still answer AGAIN).
 */
bool http_head_complete(const char *buf, size_t len, size_t prev_len);

/* Incremental chunked-body skipper (state of one body). */
struct http_chunked {
	int state;
	uint64_t remaining; /* chunk data bytes still to skip */
	uint64_t total;	    /* chunk data bytes seen so far */
	size_t line_len;    /* bytes of the current size or trailer line(s) */
};

/* Chunk-size lines (with extensions) longer than this are malformed. */
#define HTTP_CHUNK_LINE_MAX 4096
/* A trailer section longer than this is malformed. */
#define HTTP_CHUNK_TRAILER_MAX 8192

/* Prepares c for a new body. */
void http_chunked_init(struct http_chunked *c);

/*
 * Consumes chunked framing and data from buf[0..len) and sets *consumed.
 * Returns 1 when the last chunk and its trailer section are consumed
 * (*consumed then stops right after the final CRLF; what follows belongs to
 * the next request), 0 when all of buf was consumed and more is needed, -1
 * when malformed (answer 400: bad hex, bare CR or LF, control characters,
 * a chunk-ext that is not *( BWS ";" BWS token [ BWS "=" BWS ( token /
 * quoted-string ) ] ) as RFC 9112 7.1.1 has it (so "5;", "5;a[=x" and
 * "5 " with nothing after the whitespace are refused), a size line or
 * trailer section over the limits above), -2 when the data
 * would exceed max_body bytes (answer 413; detected from the chunk size,
 * before the data arrives). Errors are sticky. Feeding the body in any
 * split gives the same result.
 */
int http_chunked_skip(struct http_chunked *c, const char *buf, size_t len,
		      uint64_t max_body, size_t *consumed);

#endif
