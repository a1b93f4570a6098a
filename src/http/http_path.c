/* http_path.c - percent-decoding and dot-segment removal of request paths */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
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
 * *p. -1 for bad escapes and for bytes no file name below the root may
 * hold: NUL and other controls, DEL, '\' and an encoded '/'.
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
		if (*c == '/')
			return -1;
		s += 2;
	}
	*p = s + 1;
	if (*c < 0x20 || *c == 0x7f || *c == '\\')
		return -1;
	return 0;
}

static int put(struct norm *n, unsigned char c)
{
	if (n->o + 1 >= n->outlen)
		return -1; /* keep room for the NUL */
	n->out[n->o++] = (char)c;
	return 0;
}

/* ".." : drops the previous segment; -1 when already at the root. */
static int climb(struct norm *n)
{
	if (n->seg <= 1)
		return -1;
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

	if (p == NULL || put(&n, '/') < 0)
		return -1;
	if (p < end && *p == '/')
		p++;
	while (p < end && *p != '?' && *p != '#') {
		if (*p == '/') {
			if (end_segment(&n, true) < 0)
				return -1;
			p++;
		} else if (decode_byte(&p, end, &c) < 0 || put(&n, c) < 0) {
			return -1;
		}
	}
	if (end_segment(&n, false) < 0 || n.o > INT_MAX)
		return -1;
	out[n.o] = '\0';
	return (int)n.o;
}
