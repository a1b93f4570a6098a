/* http_parse.c - zero-copy, single-pass parsing of HTTP/1.x request framing */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "http_host.h"
#include "http_parse.h"

#if defined(__SSE2__) && !defined(HTTP_PARSE_SCALAR)
#include <emmintrin.h>
#define HTTP_PARSE_SSE2 1
#endif

/* Character classes, one bit each, indexed by byte. */
enum {
	C_TCHAR = 1, /* token character (RFC 9110 5.6.2) */
	C_STOP = 2,  /* ends a value scan: CTL (HTAB included) or DEL */
	C_HOST = 4,  /* may appear in a Host value */
	C_HEX = 8,
};

/*
 * The classes of each byte (1 tchar, 2 stop, 4 host, 8 hex): letters and
 * digits are tchar and host characters; tchar adds !#$%&'*+-.^_`|~, host
 * adds -._~%!$&'()*+,;=:[] (RFC 3986 reg-name, port, IP-literal); CTLs and
 * DEL stop a scan; bytes 0x80 and above (obs-text) have none.
 */
static const unsigned char cclass[256] = {
    2,	2,  2,	2,  2,	2,  2,	2,  2,	2,  2, 2, 2, 2, 2, 2, /* 0x00 */
    2,	2,  2,	2,  2,	2,  2,	2,  2,	2,  2, 2, 2, 2, 2, 2, /* 0x10 */
    0,	5,  0,	1,  5,	5,  5,	5,  4,	4,  5, 5, 4, 5, 5, 0, /* 0x20 */
    13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 4, 4, 0, 4, 0, 0, /* 0x30 */
    0,	13, 13, 13, 13, 13, 13, 5,  5,	5,  5, 5, 5, 5, 5, 5, /* 0x40 */
    5,	5,  5,	5,  5,	5,  5,	5,  5,	5,  5, 4, 0, 4, 1, 5, /* 0x50 */
    1,	13, 13, 13, 13, 13, 13, 5,  5,	5,  5, 5, 5, 5, 5, 5, /* 0x60 */
    5,	5,  5,	5,  5,	5,  5,	5,  5,	5,  5, 0, 1, 0, 5, 2, /* 0x70 */
};

static inline bool is_class(char c, unsigned char bit)
{
	return (cclass[(unsigned char)c] & bit) != 0;
}

/* The first byte in [p, end) not of class bit, or end; four at a time. */
static inline const char *span_class(const char *p, const char *end,
				     unsigned char bit)
{
	const unsigned char *u = (const unsigned char *)p;
	const unsigned char *e = (const unsigned char *)end;

	while (e - u >= 4 && (cclass[u[0]] & cclass[u[1]] & cclass[u[2]] &
			      cclass[u[3]] & bit))
		u += 4;
	while (u < e && (cclass[*u] & bit))
		u++;
	return (const char *)u;
}

static inline unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Whether s[0..n) equals lit (lit_len bytes of lowercase letters and '-'),
 * ignoring case. OR-ing 0x20 lowers 'A'..'Z' and keeps 'a'..'z' and '-';
 * the only other byte it maps onto one of them is CR (onto '-'), which no
 * name or value reaching here holds. Eight bytes at a time.
 */
static inline bool equals_ci(const char *s, size_t n, const char *lit,
			     size_t lit_len)
{
	uint64_t a, b;
	size_t i;

	if (n != lit_len)
		return false;
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&a, s + i, 8);
		memcpy(&b, lit + i, 8);
		if ((a | UINT64_C(0x2020202020202020)) != b)
			return false;
	}
	for (; i < n; i++)
		if ((s[i] | 0x20) != lit[i])
			return false;
	return true;
}

#define EQUALS_CI(s, n, lit) equals_ci(s, n, lit, sizeof(lit) - 1)

#define ONES  UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/*
 * The high bit of each byte of x that is below n (n <= 128) or DEL. The
 * lowest marked byte is exact; a borrow may mark bytes above it.
 */
static inline uint64_t swar_stop(uint64_t x, unsigned char n)
{
	uint64_t del = x ^ (ONES * 0x7f);

	return ((x - ONES * n) & ~x & HIGHS) | ((del - ONES) & ~del & HIGHS);
}

/*
 * The first byte in [p, end) whose value is at most max or is DEL (or,
 * with high, is 0x80 or above), or end. With max 0x1f it finds the end of
 * a field value, with 0x20 and high the end of a request target. Loads 16
 * or 8 bytes only while that many remain before end, so it never reads
 * past it.
 */
static inline const char *scan_stop(const char *p, const char *end,
				    unsigned char max, bool high)
{
	uint64_t x, m;

#ifdef HTTP_PARSE_SSE2
	const __m128i vmax = _mm_set1_epi8((char)max);
	const __m128i vdel = _mm_set1_epi8(0x7f);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, vmax), v);
		int bits = _mm_movemask_epi8(
		    _mm_or_si128(low, _mm_cmpeq_epi8(v, vdel)));

		if (high)
			bits |= _mm_movemask_epi8(v);

		if (bits != 0)
			return p + __builtin_ctz((unsigned)bits);
		p += 16;
	}
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; end - p >= 8; p += 8) {
		memcpy(&x, p, 8);
		m = swar_stop(x, (unsigned char)(max + 1)) | (high ? x & HIGHS : 0);
		if (m != 0)
			return p + __builtin_ctzll(m) / 8;
	}
#endif
	while (p < end && (unsigned char)*p > max && *p != 0x7f &&
	       !(high && (unsigned char)*p >= 0x80))
		p++;
	return p;
}

/* ---- request head ---------------------------------------------------- */

/* State of one http_parse_request call. */
struct parser {
	const char *end; /* window end: buf + min(len, max_header_size) */
	bool in_headers; /* the request line is complete */
	int status;	 /* 0: need more bytes; else the HTTP answer */
	struct http_request *req;
	unsigned hosts;
	unsigned ranges;
	bool te_seen, te_unknown, te_chunked_last;
	unsigned te_chunked;
	bool conn_close, conn_keep_alive;
};

/* Sub-parsers return the next position, or NULL through one of these. */
static const char *need_more(struct parser *ps)
{
	ps->status = 0;
	return NULL;
}

static const char *fail(struct parser *ps, int status)
{
	ps->status = status;
	return NULL;
}

/* Skips CRLF pairs before the request line (RFC 9112 2.2). */
static const char *skip_empty_lines(struct parser *ps, const char *p)
{
	while (p < ps->end && *p == '\r') {
		if (p + 1 == ps->end)
			return need_more(ps);
		if (p[1] != '\n')
			return fail(ps, 400);
		p += 2;
	}
	return p;
}

static const char *parse_method(struct parser *ps, const char *p)
{
	const char *start = p;
	struct http_request *req = ps->req;

	p = span_class(p, ps->end, C_TCHAR);
	if (p == ps->end)
		return need_more(ps);
	if (*p != ' ' || p == start)
		return fail(ps, 400);
	req->method = start;
	req->method_len = (size_t)(p - start);
	req->meth = HTTP_OTHER_METHOD;
	if (req->method_len == 3 && memcmp(start, "GET", 3) == 0)
		req->meth = HTTP_GET;
	else if (req->method_len == 4 && memcmp(start, "HEAD", 4) == 0)
		req->meth = HTTP_HEAD;
	return p + 1;
}

static bool method_is(const struct http_request *req, const char *m,
		      size_t n)
{
	return req->method_len == n && memcmp(req->method, m, n) == 0;
}

/* absolute-form: "http://" or "https://" (any case), a valid authority,
 * then nothing or a path or query. */
static bool absolute_form_valid(const char *t, size_t n)
{
	size_t i = 0, start;

	if (n >= 7 && EQUALS_CI(t, 7, "http://"))
		i = 7;
	else if (n >= 8 && EQUALS_CI(t, 8, "https://"))
		i = 8;
	else
		return false;
	for (start = i; i < n && t[i] != '/' && t[i] != '?'; i++)
		;
	return http_host_valid(t + start, i - start, false);
}

/*
 * The target must be one of the four forms of RFC 9112 3.2, for the
 * method: origin-form for any method but CONNECT, absolute-form (http or
 * https), authority-form for CONNECT only, asterisk-form for OPTIONS only.
 * No form holds a fragment.
 */
static int check_target(const struct http_request *req)
{
	const char *t = req->target;
	size_t n = req->target_len;

	if (method_is(req, "CONNECT", 7))
		return http_host_valid(t, n, true) ? 0 : 400;
	if (memchr(t, '#', n) != NULL)
		return 400;
	if (t[0] == '/')
		return 0;
	if (n == 1 && t[0] == '*')
		return method_is(req, "OPTIONS", 7) ? 0 : 400;
	return absolute_form_valid(t, n) ? 0 : 400;
}

static const char *parse_target(struct parser *ps, const char *p)
{
	const char *start = p;
	int status;

	p = scan_stop(p, ps->end, 0x20, true);
	if (p == ps->end)
		return need_more(ps);
	if (*p != ' ' || p == start)
		return fail(ps, 400); /* also raw bytes above 0x7f */
	ps->req->target = start;
	ps->req->target_len = (size_t)(p - start);
	status = check_target(ps->req);
	return status ? fail(ps, status) : p + 1;
}

/*
 * "HTTP/" DIGIT "." DIGIT CRLF. A mismatch is reported as soon as a byte
 * rules the line out, so garbage fails fast even when incomplete.
 */
static const char *parse_version(struct parser *ps, const char *p)
{
	static const char pattern[] = "HTTP/#.#\r\n";
	size_t i;

	if (ps->end - p >= 10 && memcmp(p, "HTTP/1.1\r\n", 10) == 0) {
		ps->req->version_minor = 1;
		return p + 10;
	}
	for (i = 0; i < sizeof(pattern) - 1; i++) {
		if (p + i == ps->end)
			return need_more(ps);
		if (pattern[i] == '#' ? (p[i] < '0' || p[i] > '9')
				      : p[i] != pattern[i])
			return fail(ps, 400);
	}
	if (p[5] != '1' || p[7] > '1')
		return fail(ps, 505);
	ps->req->version_minor = p[7] - '0';
	return p + 10;
}

/* ---- derived fields ---- */

/* Content-Length: 1*DIGIT, nothing else. */
static int parse_content_length(const char *v, size_t n, uint64_t *out)
{
	uint64_t x = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(v[i] - '0');

		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*out = x;
	return 0;
}

/* Whether the OWS around h's value holds a HTAB (the value ends at a CR). */
static bool ows_has_tab(const struct http_header *h)
{
	const char *p = h->name + h->name_len + 1, *q = h->value + h->value_len;

	for (; p < h->value; p++)
		if (*p == '\t')
			return true;
	for (; *q != '\r'; q++)
		if (*q == '\t')
			return true;
	return false;
}

/* The framing field is taken strictly (RFC 9110 8.6 allows rejecting what
 * a peer might read otherwise): one field, digits only, SP as its only
 * OWS; a list ("5, 5") or a second field is refused. */
static int on_content_length(struct parser *ps, const struct http_header *h)
{
	struct http_request *req = ps->req;
	uint64_t n;

	if (req->has_content_length || ows_has_tab(h) ||
	    parse_content_length(h->value, h->value_len, &n) < 0)
		return 400;
	req->has_content_length = true;
	req->content_length = n;
	return 0;
}

/*
 * Calls fn on each element of a comma-separated list, trimmed of OWS.
 * Stops at and returns the first non-zero result.
 */
static int list_each(const char *v, size_t n, struct parser *ps,
		     int (*fn)(struct parser *, const char *, size_t))
{
	size_t i = 0;

	for (;;) {
		size_t start, stop;
		int r;

		while (i < n && is_ows(v[i]))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		stop = i;
		while (stop > start && is_ows(v[stop - 1]))
			stop--;
		r = fn(ps, v + start, stop - start);
		if (r != 0)
			return r;
		if (i == n)
			return 0;
		i++; /* the comma */
	}
}

static int te_element(struct parser *ps, const char *s, size_t n)
{
	bool chunked = EQUALS_CI(s, n, "chunked");

	if (n == 0)
		return 400; /* "chunked," or ", chunked": refuse, never guess */
	ps->te_chunked += chunked;
	ps->te_chunked_last = chunked;
	if (!chunked)
		ps->te_unknown = true;
	return 0;
}

static int on_transfer_encoding(struct parser *ps, const struct http_header *h)
{
	ps->te_seen = true;
	return list_each(h->value, h->value_len, ps, te_element);
}

static int connection_element(struct parser *ps, const char *s, size_t n)
{
	if (EQUALS_CI(s, n, "close"))
		ps->conn_close = true;
	else if (EQUALS_CI(s, n, "keep-alive"))
		ps->conn_keep_alive = true;
	return 0;
}

static int on_connection(struct parser *ps, const struct http_header *h)
{
	return list_each(h->value, h->value_len, ps, connection_element);
}

/* Host = uri-host [ ":" port ], not empty (RFC 9112 3.2). */
static int on_host(struct parser *ps, const struct http_header *h)
{
	if (++ps->hosts > 1 || !http_host_valid(h->value, h->value_len, false))
		return 400;
	ps->req->host = h->value;
	ps->req->host_len = h->value_len;
	return 0;
}

static int on_range(struct parser *ps, const struct http_header *h)
{
	struct http_request *req = ps->req;

	/* Two Range fields make one invalid list: ignore Range altogether. */
	req->range = ++ps->ranges == 1 ? h->value : NULL;
	req->range_len = ps->ranges == 1 ? h->value_len : 0;
	return 0;
}

/* A precondition field: the first one counts. */
static int on_precondition(struct http_field *f, const struct http_header *h)
{
	if (f->value == NULL) {
		f->value = h->value;
		f->len = h->value_len;
	}
	return 0;
}

/* Derives request fields from one header; returns 0 or an HTTP status. */
static int apply_header(struct parser *ps, const struct http_header *h)
{
	const char *n = h->name;

	switch (h->name_len) {
	case 4: return EQUALS_CI(n, 4, "host") ? on_host(ps, h) : 0;
	case 5: return EQUALS_CI(n, 5, "range") ? on_range(ps, h) : 0;
	case 8:
		if (EQUALS_CI(n, 8, "if-match"))
			return on_precondition(&ps->req->if_match, h);
		if (EQUALS_CI(n, 8, "if-range"))
			return on_precondition(&ps->req->if_range, h);
		return 0;
	case 10:
		return EQUALS_CI(n, 10, "connection") ? on_connection(ps, h)
						      : 0;
	case 13:
		if (EQUALS_CI(n, 13, "if-none-match"))
			return on_precondition(&ps->req->if_none_match, h);
		return 0;
	case 14:
		if (EQUALS_CI(n, 14, "content-length"))
			return on_content_length(ps, h);
		return 0;
	case 17:
		if (EQUALS_CI(n, 17, "transfer-encoding"))
			return on_transfer_encoding(ps, h);
		if (EQUALS_CI(n, 17, "if-modified-since"))
			return on_precondition(&ps->req->if_modified_since, h);
		return 0;
	case 19:
		if (EQUALS_CI(n, 19, "if-unmodified-since"))
			return on_precondition(&ps->req->if_unmodified_since, h);
		return 0;
	default: return 0;
	}
}

/* ---- field lines ---- */

/* The CR that ends the value starting at p; bare CR, LF or CTL fail. */
static const char *value_end(struct parser *ps, const char *p)
{
	for (;;) {
		p = scan_stop(p, ps->end, 0x1f, false);
		if (p == ps->end)
			return need_more(ps);
		if (*p == '\t') {
			p++;
			continue;
		}
		if (*p != '\r')
			return fail(ps, 400);
		if (p + 1 == ps->end)
			return need_more(ps);
		return p[1] == '\n' ? p : fail(ps, 400);
	}
}

/* field-name ":" OWS field-value OWS CRLF */
static const char *parse_field(struct parser *ps, const char *p)
{
	struct http_header *h = &ps->req->headers[ps->req->nheaders];
	const char *name = p, *colon, *value, *stop;
	int status;

	p = span_class(p, ps->end, C_TCHAR);
	if (p == ps->end)
		return need_more(ps);
	if (*p != ':' || p == name)
		return fail(ps, 400); /* whitespace before ':', obs-fold, ... */
	colon = p;
	for (p++; p < ps->end && is_ows(*p); p++)
		;
	value = p;
	if ((stop = value_end(ps, p)) == NULL)
		return NULL;
	p = stop + 2;
	while (stop > value && is_ows(stop[-1]))
		stop--;
	h->name = name;
	h->name_len = (size_t)(colon - name);
	h->value = value;
	h->value_len = (size_t)(stop - value);
	ps->req->nheaders++;
	status = apply_header(ps, h);
	return status ? fail(ps, status) : p;
}

static const char *parse_fields(struct parser *ps, const char *p)
{
	for (;;) {
		if (p == ps->end)
			return need_more(ps);
		if (*p == '\r') {
			if (p + 1 == ps->end)
				return need_more(ps);
			return p[1] == '\n' ? p + 2 : fail(ps, 400);
		}
		if (ps->req->nheaders == HTTP_MAX_HEADERS)
			return fail(ps, 431);
		if ((p = parse_field(ps, p)) == NULL)
			return NULL;
	}
}

/* Message-level checks once the head is complete; 0 or an HTTP status. */
static int check_framing(struct parser *ps)
{
	struct http_request *req = ps->req;

	if (req->version_minor == 1 && ps->hosts == 0)
		return 400;
	if (ps->te_seen) {
		if (req->has_content_length || req->version_minor == 0)
			return 400;
		if (ps->te_chunked > 1 ||
		    (ps->te_chunked == 1 && !ps->te_chunked_last))
			return 400;
		if (ps->te_unknown)
			return 501;
		req->chunked = true;
	}
	if (req->version_minor == 1)
		req->keep_alive = !ps->conn_close;
	else
		req->keep_alive = ps->conn_keep_alive && !ps->conn_close;
	return 0;
}

static void request_reset(struct http_request *req)
{
	req->nheaders = 0;
	req->keep_alive = false;
	req->has_content_length = false;
	req->content_length = 0;
	req->chunked = false;
	req->host = NULL;
	req->host_len = 0;
	req->if_match = req->if_none_match = req->if_modified_since =
	    req->if_unmodified_since = req->if_range = (struct http_field){0};
	req->range = NULL;
	req->range_len = 0;
}

/* Runs the phases in order; returns the end of the head or NULL. */
static const char *parse_head(struct parser *ps, const char *p)
{
	if ((p = skip_empty_lines(ps, p)) == NULL ||
	    (p = parse_method(ps, p)) == NULL ||
	    (p = parse_target(ps, p)) == NULL ||
	    (p = parse_version(ps, p)) == NULL)
		return NULL;
	ps->in_headers = true;
	if ((p = parse_fields(ps, p)) == NULL)
		return NULL;
	ps->status = check_framing(ps);
	return ps->status ? NULL : p;
}

int http_parse_request(const char *buf, size_t len,
		       const struct http_limits *lim, struct http_request *req,
		       int *status)
{
	struct parser ps = {0};
	size_t max = lim != NULL ? lim->max_header_size : INT_MAX;
	const char *p;

	if (max > INT_MAX)
		max = INT_MAX; /* the length must fit the return value */
	ps.req = req;
	ps.end = buf + (len < max ? len : max);
	request_reset(req);
	*status = 0;
	if ((p = parse_head(&ps, buf)) != NULL)
		return (int)(p - buf);
	if (ps.status == 0) {
		if (len < max)
			return HTTP_PARSE_AGAIN;
		ps.status = ps.in_headers ? 431 : 414;
	}
	*status = ps.status;
	return HTTP_PARSE_ERROR;
}

bool http_head_complete(const char *buf, size_t len, size_t prev_len)
{
	const char *end = buf + len;
	const char *p =
	    buf + (prev_len > 2 && prev_len <= len ? prev_len - 2 : 0);

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (end - p >= 2 && p[1] == '\n')
			return true;
		if (end - p >= 3 && p[1] == '\r' && p[2] == '\n')
			return true;
		p++;
	}
	return false;
}

/* ---- chunked body ---------------------------------------------------- */

enum chunk_state {
	CH_SIZE0,   /* first hex digit of a chunk-size */
	CH_SIZE,    /* more hex digits */
	CH_BWS,	    /* whitespace after the size or a value: a ";" must follow */
	CH_EXT_PRE, /* after a ";": BWS, then an extension name */
	CH_EXT_NAME,
	CH_EXT_NAME_BWS, /* BWS after a name: "=" or ";" must follow */
	CH_EXT_EQ,	 /* after "=": BWS, then a token or a quoted-string */
	CH_EXT_VAL,	 /* a token value */
	CH_EXT_QSTR,	 /* inside a quoted-string value */
	CH_EXT_QPAIR,	 /* after a backslash inside it */
	CH_EXT_QEND,	 /* after its closing quote */
	CH_SIZE_LF, /* the LF ending the size line */
	CH_DATA,    /* chunk data */
	CH_DATA_CR, /* the CRLF after chunk data */
	CH_DATA_LF,
	CH_TRAILER0,   /* start of a trailer line, or the final CRLF */
	CH_TRAILER,    /* inside a trailer field line */
	CH_TRAILER_LF, /* the LF ending a trailer line */
	CH_END_LF,     /* the LF of the final CRLF */
	CH_DONE,
	CH_BAD,	    /* malformed: sticky -1 */
	CH_TOO_BIG, /* over max_body: sticky -2 */
};

void http_chunked_init(struct http_chunked *c)
{
	c->state = CH_SIZE0;
	c->remaining = 0;
	c->total = 0;
	c->line_len = 0;
}

/* Adds one hex digit to the chunk size; -2 once over the body limit. */
static int chunk_digit(struct http_chunked *c, char ch, uint64_t max_body)
{
	unsigned d =
	    (unsigned)(ch <= '9' ? ch - '0'
				 : lower((unsigned char)ch) - 'a' + 10);

	if (c->remaining > (UINT64_MAX >> 4))
		return -2;
	c->remaining = c->remaining << 4 | d;
	if (c->remaining > max_body - c->total)
		return -2;
	c->state = CH_SIZE;
	return 0;
}

/* qdtext (RFC 9110 5.6.4): HTAB, SP, VCHAR but '"' and '\\', obs-text */
static bool is_qdtext(char ch)
{
	unsigned char u = (unsigned char)ch;

	return u == '\t' || (u >= 0x20 && u != '"' && u != '\\' && u != 0x7f);
}

/* One byte of a chunk-ext (RFC 9112 7.1.1), after the size. The CR that
 * ends the line is taken where an extension may end: after the size, a
 * name, a value or a closing quote. */
static int chunk_ext_byte(struct http_chunked *c, char ch)
{
	bool ows = is_ows(ch), tchar = is_class(ch, C_TCHAR);
	int s = c->state;

	if (s == CH_EXT_QSTR) {
		c->state = ch == '"' ? CH_EXT_QEND : ch == '\\' ? CH_EXT_QPAIR : s;
		return is_qdtext(ch) || ch == '"' || ch == '\\' ? 0 : -1;
	}
	if (s == CH_EXT_QPAIR) {
		c->state = CH_EXT_QSTR;
		return is_qdtext(ch) || ch == '"' || ch == '\\' ? 0 : -1;
	}
	if (ch == '\r' && (s == CH_SIZE || s == CH_EXT_NAME || s == CH_EXT_VAL ||
			   s == CH_EXT_QEND)) {
		c->state = CH_SIZE_LF;
		return 0;
	}
	if (ch == ';' && s != CH_EXT_PRE && s != CH_EXT_EQ) {
		c->state = CH_EXT_PRE;
		return 0;
	}
	switch (s) {
	case CH_SIZE:
	case CH_EXT_VAL:
	case CH_EXT_QEND:
		if (s == CH_EXT_VAL && tchar)
			return 0;
		c->state = CH_BWS;
		return ows ? 0 : -1;
	case CH_BWS: return ows ? 0 : -1;
	case CH_EXT_PRE:
		c->state = tchar ? CH_EXT_NAME : s;
		return tchar || ows ? 0 : -1;
	case CH_EXT_NAME:
	case CH_EXT_NAME_BWS:
		if (ch == '=')
			c->state = CH_EXT_EQ;
		else if (ows)
			c->state = CH_EXT_NAME_BWS;
		else if (!tchar || s == CH_EXT_NAME_BWS)
			return -1;
		return 0;
	default: /* CH_EXT_EQ */
		c->state = ch == '"' ? CH_EXT_QSTR : tchar ? CH_EXT_VAL : s;
		return ch == '"' || tchar || ows ? 0 : -1;
	}
}

/* One byte of a chunk-size line (size, extensions, CR). */
static int chunk_size_byte(struct http_chunked *c, char ch, uint64_t max_body)
{
	if (++c->line_len > HTTP_CHUNK_LINE_MAX)
		return -1;
	if (c->state == CH_SIZE0)
		return is_class(ch, C_HEX) ? chunk_digit(c, ch, max_body) : -1;
	if (c->state == CH_SIZE && is_class(ch, C_HEX))
		return chunk_digit(c, ch, max_body);
	return chunk_ext_byte(c, ch);
}

/* The LF after a size line: start the data, or the trailer section. */
static int chunk_size_end(struct http_chunked *c, char ch)
{
	if (ch != '\n')
		return -1;
	c->line_len = 0;
	if (c->remaining == 0) {
		c->state = CH_TRAILER0;
		return 0;
	}
	c->total += c->remaining;
	c->state = CH_DATA;
	return 0;
}

/* One byte of the trailer section (field lines, then the final CRLF). */
static int chunk_trailer_byte(struct http_chunked *c, char ch)
{
	if (++c->line_len > HTTP_CHUNK_TRAILER_MAX)
		return -1;
	switch (c->state) {
	case CH_TRAILER0:
		if (ch == '\r')
			c->state = CH_END_LF;
		else if (is_class(ch, C_TCHAR))
			c->state = CH_TRAILER;
		else
			return -1;
		return 0;
	case CH_TRAILER:
		if (ch == '\r')
			c->state = CH_TRAILER_LF;
		else if (is_class(ch, C_STOP) && ch != '\t')
			return -1;
		return 0;
	case CH_TRAILER_LF: c->state = CH_TRAILER0; return ch == '\n' ? 0 : -1;
	default: /* CH_END_LF */ c->state = CH_DONE; return ch == '\n' ? 1 : -1;
	}
}

/* One framing byte: 0 to go on, 1 when done, -1 or -2 on error. */
static int chunk_byte(struct http_chunked *c, char ch, uint64_t max_body)
{
	switch (c->state) {
	case CH_SIZE0:
	case CH_SIZE:
	case CH_BWS:
	case CH_EXT_PRE:
	case CH_EXT_NAME:
	case CH_EXT_NAME_BWS:
	case CH_EXT_EQ:
	case CH_EXT_VAL:
	case CH_EXT_QSTR:
	case CH_EXT_QPAIR:
	case CH_EXT_QEND: return chunk_size_byte(c, ch, max_body);
	case CH_SIZE_LF: return chunk_size_end(c, ch);
	case CH_DATA_CR: c->state = CH_DATA_LF; return ch == '\r' ? 0 : -1;
	case CH_DATA_LF:
		c->state = CH_SIZE0;
		c->remaining = 0;
		return ch == '\n' ? 0 : -1;
	default: return chunk_trailer_byte(c, ch);
	}
}

int http_chunked_skip(struct http_chunked *c, const char *buf, size_t len,
		      uint64_t max_body, size_t *consumed)
{
	size_t i = 0;
	int r = 0;

	*consumed = 0;
	if (c->state == CH_DONE)
		return 1;
	if (c->state == CH_BAD || c->state == CH_TOO_BIG)
		return c->state == CH_BAD ? -1 : -2;
	while (i < len && r == 0) {
		if (c->state == CH_DATA) {
			size_t n = len - i < c->remaining
				       ? len - i
				       : (size_t)c->remaining;
			c->remaining -= n;
			i += n;
			if (c->remaining == 0)
				c->state = CH_DATA_CR;
			continue;
		}
		r = chunk_byte(c, buf[i++], max_body);
	}
	if (r < 0)
		c->state = r == -1 ? CH_BAD : CH_TOO_BIG;
	*consumed = i;
	return r;
}
