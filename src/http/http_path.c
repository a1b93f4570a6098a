/* http_path.c - percent-decoding and dot-segment removal of request paths */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "http_path.h"

/* The output being built: out[0..o) so far, the open segment at seg. */
struct norm {
	char *out;
	size_t outlen;
	size_t o;   /* write position */
	size_t seg; /* start of the current segment, right after a '/' */
};

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Where the path of target starts: origin-form as it is, absolute-form
 * after its authority. NULL for the other forms.
 */
static const char *path_start(const char *t, const char *end)
{
	static const char *const schemes[] = {"http://", "https://"};
	size_t i, n;

	if (t < end && t[0] == '/')
		return t;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		n = i == 0 ? 7 : 8;
		if ((size_t)(end - t) < n || strncasecmp(t, schemes[i], n) != 0)
			continue;
		for (t += n; t < end && *t != '/' && *t != '?' && *t != '#';
		     t++)
			if ((unsigned char)*t <= 0x20 || *t == 0x7f)
				return NULL;
		return t;
	}
	return NULL;
}

/*
 * Decodes the byte at *p (a raw byte or a %-escape) into *c and advances
 * *p. HTTP_PATH_BAD for bad escapes, raw controls and DEL, '\', and an
 * encoded '/', NUL, CR or LF; HTTP_PATH_MISSING for another encoded
 * control or DEL (a name no file served from the root has).
 */
static int decode_byte(const char **p, const char *end, unsigned char *c)
{
	const char *s = *p;
	int hi, lo;

	*c = (unsigned char)*s;
	if (*c == '%') {
		if (end - s < 3 || (hi = hex_value(s[1])) < 0 ||
		    (lo = hex_value(s[2])) < 0)
			return -1;
		*c = (unsigned char)(hi << 4 | lo);
		if (*c == '/' || *c == '\\')
			return HTTP_PATH_BAD;
		*p = s + 3;
		if (*c == '\0' || *c == '\r' || *c == '\n')
			return HTTP_PATH_BAD; /* truncation, header injection */
		return *c < 0x20 || *c == 0x7f ? HTTP_PATH_MISSING : 0;
	}
	*p = s + 1;
	if (*c < 0x20 || *c == 0x7f || *c == '\\')
		return HTTP_PATH_BAD;
	return 0;
}

static int put(struct norm *n, unsigned char c)
{
	if (n->o + 1 >= n->outlen)
		return HTTP_PATH_MISSING; /* keep room for the NUL */
	n->out[n->o++] = (char)c;
	return 0;
}

/* ".." : drops the previous segment; refused when already at the root. */
static int climb(struct norm *n)
{
	if (n->seg <= 1)
		return HTTP_PATH_BAD;
	n->o = n->seg - 1; /* the '/' that ends the previous segment */
	while (n->out[n->o - 1] != '/')
		n->o--;
	return 0;
}

/* Closes the current segment; more says a '/' follows it. */
static int end_segment(struct norm *n, bool more)
{
	const char *s = n->out + n->seg;
	size_t len = n->o - n->seg;
	int r = 0;

	if (len > NAME_MAX)
		return HTTP_PATH_MISSING; /* no file has such a name */
	if (len == 1 && s[0] == '.')
		n->o = n->seg;
	else if (len == 2 && s[0] == '.' && s[1] == '.')
		r = climb(n);
	else if (len > 0 && more)
		r = put(n, '/');
	n->seg = n->o;
	return r;
}

int http_path_normalize(const char *target, size_t len, char *out,
			size_t outlen)
{
	const char *end = target + len;
	const char *p = path_start(target, end);
	struct norm n = {out, outlen, 0, 1};
	unsigned char c;
	int r = 0;

	if (p == NULL)
		return HTTP_PATH_BAD;
	if ((r = put(&n, '/')) < 0)
		return r;
	if (p < end && *p == '/')
		p++;
	while (p < end && *p != '?' && *p != '#') {
		if (*p == '/') {
			r = end_segment(&n, true);
			p++;
		} else if ((r = decode_byte(&p, end, &c)) == 0) {
			r = put(&n, c);
		}
		if (r < 0)
			return r;
	}
	if ((r = end_segment(&n, false)) < 0)
		return r;
	if (n.o > INT_MAX)
		return HTTP_PATH_MISSING;
	out[n.o] = '\0';
	return (int)n.o;
}

/* pchar but pct-encoded, and '/' (RFC 3986 3.3) */
static bool is_path_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("-._~!$&'()*+,;=:@/", c) != NULL);
}

int http_path_encode(const char *path, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		size_t need = is_path_char(*p) ? 1 : 3;

		if (outlen - o <= need) /* and the NUL */
			return -1;
		if (need == 1) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	if (o >= outlen || o > INT_MAX)
		return -1;
	out[o] = '\0';
	return (int)o;
}
