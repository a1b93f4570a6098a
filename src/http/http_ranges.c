/* http_ranges.c - the Range header: byte ranges, sorted and coalesced */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "http_ranges.h"

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Reads 0*DIGIT at v[*i], saturating at UINT64_MAX; false when none. */
static bool range_number(const char *v, size_t len, size_t *i, uint64_t *out)
{
	size_t start = *i;
	uint64_t x = 0;

	for (; *i < len && v[*i] >= '0' && v[*i] <= '9'; (*i)++) {
		unsigned d = (unsigned)(v[*i] - '0');

		x = x > (UINT64_MAX - d) / 10 ? UINT64_MAX : x * 10 + d;
	}
	*out = x;
	return *i > start;
}

/*
 * One range-spec in v[0..len) (trimmed): 1 with *r set, 0 when it cannot
 * be satisfied (dropped), -1 when malformed.
 */
static int spec_parse(const char *v, size_t len, uint64_t size,
		      struct http_range *r)
{
	size_t i = 0;
	uint64_t a, b;
	bool has_a = range_number(v, len, &i, &a), has_b;

	if (i == len || v[i++] != '-')
		return -1;
	has_b = range_number(v, len, &i, &b);
	if (i != len || (!has_a && !has_b) || (has_a && has_b && b < a))
		return -1;
	if (!has_a) { /* "-n": the last n bytes, or all of them */
		if (b == 0 || size == 0)
			return 0;
		r->first = b >= size ? 0 : size - b;
		r->last = size - 1;
		return 1;
	}
	if (a >= size)
		return 0;
	r->first = a;
	r->last = has_b && b < size - 1 ? b : size - 1;
	return 1;
}

/* Whether x and y overlap or lie at most gap bytes apart (x before y). */
static bool near(const struct http_range *x, const struct http_range *y,
		 uint64_t gap)
{
	return y->first <= x->last || y->first - x->last - 1 <= gap;
}

/* Adds r to the sorted, coalesced set; -1 when it would exceed the bound. */
static int set_add(struct http_ranges *s, struct http_range r, uint64_t gap)
{
	size_t i = 0, j;

	while (i < s->n && s->r[i].last < r.first && !near(&s->r[i], &r, gap))
		i++;
	/* s->r[i..j) all touch r: they merge into it */
	for (j = i;
	     j < s->n && (s->r[j].first <= r.last || near(&r, &s->r[j], gap));
	     j++) {
		if (s->r[j].first < r.first)
			r.first = s->r[j].first;
		if (s->r[j].last > r.last)
			r.last = s->r[j].last;
	}
	if (i == j && s->n == HTTP_RANGES_MAX)
		return -1;
	memmove(&s->r[i + 1], &s->r[j], (s->n - j) * sizeof(s->r[0]));
	s->r[i] = r;
	s->n = s->n - (j - i) + 1;
	return 0;
}

int http_ranges_parse(const char *v, size_t len, uint64_t size, uint64_t gap,
		      struct http_ranges *out)
{
	const char *eq = memchr(v, '=', len), *end = v + len, *p;
	uint64_t total = 0;
	bool any = false;

	out->n = 0;
	if (eq == NULL || eq - v != 5 || strncasecmp(v, "bytes", 5) != 0)
		return HTTP_RANGES_IGNORE;
	for (p = eq + 1;; p++) {
		const char *q = memchr(p, ',', (size_t)(end - p)), *e;
		struct http_range r;
		int st;

		e = q != NULL ? q : end;
		while (p < e && is_ows(*p))
			p++;
		q = e;
		while (q > p && is_ows(q[-1]))
			q--;
		if (q > p) {
			any = true;
			st = spec_parse(p, (size_t)(q - p), size, &r);
			if (st < 0)
				return HTTP_RANGES_UNSATISFIABLE;
			if (st > 0 && ((total += r.last - r.first + 1) > size ||
				       set_add(out, r, gap) < 0))
				return HTTP_RANGES_IGNORE;
		}
		if (e == end)
			break;
		p = e;
	}
	if (!any || out->n == 0)
		return HTTP_RANGES_UNSATISFIABLE;
	return (int)out->n;
}
