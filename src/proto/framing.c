/* framing.c - splits a byte stream into messages and frames answers
 * (delimiter, length32, netstring), pure over (buf, len) */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "proto/framing.h"

#define NOT_FOUND SIZE_MAX

static const struct {
	const char *name;
	enum framing_kind kind;
} kind_names[] = {
    {"none", FRAMING_NONE},
    {"delimiter", FRAMING_DELIMITER},
    {"length32", FRAMING_LENGTH32},
    {"netstring", FRAMING_NETSTRING},
};

int framing_kind_parse(const char *name, enum framing_kind *out)
{
	size_t i;

	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (strcmp(name, kind_names[i].name) == 0) {
			*out = kind_names[i].kind;
			return 0;
		}
	}
	return -1;
}

static enum framing_result give_up(struct framing_frame *fr,
				   enum framing_result r, const char *why)
{
	fr->why = why;
	return r;
}

static enum framing_result give_frame(struct framing_frame *fr, size_t off,
				      size_t len, size_t consumed)
{
	fr->off = off;
	fr->len = len;
	fr->consumed = consumed;
	fr->why = NULL;
	return FRAMING_FRAME;
}

static int delim_valid(const struct framing *f)
{
	return f->delim != NULL && f->delim_len >= 1 &&
	       f->delim_len <= FRAMING_DELIM_MAX;
}

/* The first position p in [from, last] where buf[p, p + dl) is the
 * delimiter, or NOT_FOUND; buf holds at least last + dl bytes. */
static size_t delim_find(const char *buf, size_t from, size_t last,
			 const char *delim, size_t dl)
{
	const char *p = buf + from, *end = buf + last + 1;

	while (p < end) {
		p = memchr(p, (unsigned char)delim[0], (size_t)(end - p));
		if (p == NULL)
			return NOT_FOUND;
		if (memcmp(p + 1, delim + 1, dl - 1) == 0)
			return (size_t)(p - buf);
		p++;
	}
	return NOT_FOUND;
}

/*
 * A message ends at the first delimiter. Start positions before
 * st->scanned - (dl - 1) were searched by earlier calls; only those up to
 * max_message can end a message that fits, so at most max_message + dl
 * bytes are ever examined.
 */
static enum framing_result delim_next(const struct framing *f,
				      struct framing_state *st, const char *buf,
				      size_t len, struct framing_frame *fr)
{
	size_t dl = f->delim_len, from = 0, last, p;

	if (st->scanned > len) /* not the bytes of the last call: restart */
		st->scanned = 0;
	if (st->scanned >= dl - 1)
		from = st->scanned - (dl - 1);
	st->scanned = len;
	if (len < dl)
		return FRAMING_NEED_MORE;
	last = len - dl < f->max_message ? len - dl : f->max_message;
	if (from <= last) {
		p = delim_find(buf, from, last, f->delim, dl);
		if (p != NOT_FOUND) {
			st->scanned = 0;
			return give_frame(fr, 0, p, p + dl);
		}
	}
	if (len - dl >= f->max_message) {
		fr->len = f->max_message + 1;
		return give_up(fr, FRAMING_TOO_BIG,
			       "no delimiter within max_message bytes");
	}
	return FRAMING_NEED_MORE;
}

static enum framing_result length32_next(const struct framing *f,
					 const char *buf, size_t len,
					 struct framing_frame *fr)
{
	const unsigned char *b = (const unsigned char *)buf;
	size_t n;

	if (len < 4)
		return FRAMING_NEED_MORE;
	n = (size_t)((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		     (uint32_t)b[2] << 8 | (uint32_t)b[3]);
	if (n > f->max_message || n > SIZE_MAX - 4) {
		fr->len = n;
		return give_up(fr, FRAMING_TOO_BIG,
			       "length32 header over max_message");
	}
	if (len - 4 < n)
		return FRAMING_NEED_MORE;
	return give_frame(fr, 4, n, 4 + n);
}

/* v * 10 + d, or SIZE_MAX when that does not fit. */
static size_t decimal_push(size_t v, unsigned d)
{
	return v > (SIZE_MAX - d) / 10 ? SIZE_MAX : v * 10 + d;
}

/*
 * Reads the "LEN:" of a netstring: FRAMING_FRAME with *n and *head (its
 * size) once whole, else NEED_MORE, BAD or TOO_BIG, each decided at the
 * first byte that decides it (so at most 21 bytes are read).
 */
static enum framing_result netstring_head(const char *buf, size_t len,
					  size_t max, size_t *n, size_t *head,
					  struct framing_frame *fr)
{
	size_t i, v = 0;
	unsigned d;

	for (i = 0; i < len; i++) {
		if (buf[i] == ':' && i > 0) {
			*n = v;
			*head = i + 1;
			return FRAMING_FRAME;
		}
		if (buf[i] < '0' || buf[i] > '9')
			return give_up(fr, FRAMING_BAD,
				       i == 0
					   ? "netstring: no length"
					   : "netstring: non-digit in length");
		if (i == 1 && buf[0] == '0')
			return give_up(fr, FRAMING_BAD,
				       "netstring: leading zero in length");
		d = (unsigned)(buf[i] - '0');
		if (max < d || v > (max - d) / 10) {
			fr->len = decimal_push(v, d);
			return give_up(fr, FRAMING_TOO_BIG,
				       "netstring length over max_message");
		}
		v = v * 10 + d;
	}
	return FRAMING_NEED_MORE;
}

static enum framing_result netstring_next(const struct framing *f,
					  const char *buf, size_t len,
					  struct framing_frame *fr)
{
	size_t n = 0, head = 0;
	enum framing_result r;

	r = netstring_head(buf, len, f->max_message, &n, &head, fr);
	if (r != FRAMING_FRAME)
		return r;
	if (n > SIZE_MAX - head - 1) {
		fr->len = n;
		return give_up(fr, FRAMING_TOO_BIG,
			       "netstring length over max_message");
	}
	if (len - head <= n)
		return FRAMING_NEED_MORE;
	if (buf[head + n] != ',')
		return give_up(fr, FRAMING_BAD,
			       "netstring: no comma after the payload");
	return give_frame(fr, head, n, head + n + 1);
}

enum framing_result framing_next(const struct framing *f,
				 struct framing_state *st, const char *buf,
				 size_t len, struct framing_frame *fr)
{
	switch (f->kind) {
	case FRAMING_DELIMITER:
		if (!delim_valid(f))
			break;
		return delim_next(f, st, buf, len, fr);
	case FRAMING_LENGTH32: return length32_next(f, buf, len, fr);
	case FRAMING_NETSTRING: return netstring_next(f, buf, len, fr);
	case FRAMING_NONE: return give_up(fr, FRAMING_BAD, "framing none");
	}
	return give_up(fr, FRAMING_BAD, "framing: bad kind or delimiter");
}

/* a + b, or SIZE_MAX when that does not fit. */
static size_t size_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

size_t framing_bound(const struct framing *f)
{
	size_t digits = 1, v;

	switch (f->kind) {
	case FRAMING_DELIMITER:
		if (!delim_valid(f))
			return 0;
		return size_add(f->max_message, f->delim_len);
	case FRAMING_LENGTH32: return size_add(f->max_message, 4);
	case FRAMING_NETSTRING:
		for (v = f->max_message; v >= 10; v /= 10)
			digits++;
		return size_add(f->max_message, digits + 2);
	case FRAMING_NONE: return 0;
	}
	return 0;
}

/* Writes len in decimal and a colon into head; returns the length. */
static size_t netstring_encode(size_t len, char *head)
{
	char digits[FRAMING_HEAD_MAX];
	size_t n = 0, i;

	do {
		digits[n++] = (char)('0' + len % 10);
		len /= 10;
	} while (len > 0);
	for (i = 0; i < n; i++)
		head[i] = digits[n - 1 - i];
	head[n] = ':';
	return n + 1;
}

int framing_encode(const struct framing *f, size_t len, struct framing_wire *w)
{
	w->head_len = 0;
	w->tail = "";
	w->tail_len = 0;
	switch (f->kind) {
	case FRAMING_NONE: return 0;
	case FRAMING_DELIMITER:
		if (!delim_valid(f))
			return -1;
		w->tail = f->delim;
		w->tail_len = f->delim_len;
		return 0;
	case FRAMING_LENGTH32:
		if ((uint64_t)len > UINT32_MAX)
			return -1;
		w->head[0] = (char)(unsigned char)(len >> 24);
		w->head[1] = (char)(unsigned char)(len >> 16);
		w->head[2] = (char)(unsigned char)(len >> 8);
		w->head[3] = (char)(unsigned char)len;
		w->head_len = 4;
		return 0;
	case FRAMING_NETSTRING:
		w->head_len = netstring_encode(len, w->head);
		w->tail = ",";
		w->tail_len = 1;
		return 0;
	}
	return -1;
}
