/* http_cond.c - validators and preconditions (RFC 9110 8.8, 13.2.2) */
#include "config.h"

#include <string.h>

#include "http_cond.h"
#include "http_date.h"

static char *hex(char *p, uint64_t x)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = digits[x & 15];
		x >>= 4;
	} while (x != 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

size_t http_etag_format(char *out, uint64_t ino, uint64_t mtime_ns,
			uint64_t size)
{
	char *p = out;

	*p++ = '"';
	p = hex(p, ino);
	*p++ = '-';
	p = hex(p, mtime_ns);
	*p++ = '-';
	p = hex(p, size);
	*p++ = '"';
	*p = '\0';
	return (size_t)(p - out);
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* etagc = %x21 / %x23-7E / obs-text */
static bool is_etagc(char c)
{
	unsigned char u = (unsigned char)c;

	return u == 0x21 || (u >= 0x23 && u != 0x7f);
}

/*
 * Whether the list f ("*" or 1#entity-tag) holds a tag that matches v's:
 * weakly (W/ ignored) or strongly (only a strong tag). false for a value
 * that does not parse.
 */
static bool list_matches(const struct http_field *f,
			 const struct http_validators *v, bool weak_ok)
{
	const char *p = f->value, *end = f->value + f->len;
	bool found = false;

	if (f->len == 1 && p[0] == '*')
		return true;
	for (;;) {
		const char *tag;
		bool weak = false;

		while (p < end && (is_ows(*p) || *p == ','))
			p++;
		if (p == end)
			return found;
		if (end - p >= 2 && p[0] == 'W' && p[1] == '/') {
			weak = true;
			p += 2;
		}
		if (p == end || *p != '"')
			return false;
		for (tag = p++; p < end && is_etagc(*p); p++)
			;
		if (p == end || *p != '"')
			return false;
		p++;
		if ((weak_ok || !weak) && (size_t)(p - tag) == v->etag_len &&
		    memcmp(tag, v->etag, v->etag_len) == 0)
			found = true;
		while (p < end && is_ows(*p))
			p++;
		if (p < end && *p != ',')
			return false;
	}
}

/* The date in f, or -1 when absent or not an HTTP-date. */
static int field_date(const struct http_field *f, time_t *t)
{
	return f->value != NULL && http_date_parse(f->value, f->len, t) == 0
		   ? 0
		   : -1;
}

int http_cond_check(const struct http_request *req,
		    const struct http_validators *v)
{
	time_t t;

	if (req->if_match.value != NULL) {
		if (!list_matches(&req->if_match, v, false))
			return 412;
	} else if (field_date(&req->if_unmodified_since, &t) == 0 &&
		   v->mtime > t) {
		return 412;
	}
	if (req->if_none_match.value != NULL)
		return list_matches(&req->if_none_match, v, true) ? 304 : 200;
	if (field_date(&req->if_modified_since, &t) == 0 && v->mtime <= t)
		return 304;
	return 200;
}

bool http_cond_range_ok(const struct http_request *req,
			const struct http_validators *v)
{
	const struct http_field *f = &req->if_range;
	time_t t;

	if (f->value == NULL)
		return true;
	if (f->len > 0 && f->value[0] == '"')
		return f->len == v->etag_len &&
		       memcmp(f->value, v->etag, v->etag_len) == 0;
	return field_date(f, &t) == 0 && t == v->mtime;
}
