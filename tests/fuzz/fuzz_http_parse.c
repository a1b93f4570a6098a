/* fuzz_http_parse.c - libFuzzer target for the HTTP parsers and their
 * invariants */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_cond.h"
#include "http/http_date.h"
#include "http/http_host.h"
#include "http/http_parse.h"
#include "http/http_path.h"
#include "http/http_ranges.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* An exact-size heap copy, so that ASan catches reads past its end. */
static char *dup_exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	CHECK(p != NULL);
	if (n > 0)
		memcpy(p, s, n);
	return p;
}

static void check_inside(const char *buf, int ret, const char *p, size_t n)
{
	CHECK(p == NULL || (p >= buf && p + n <= buf + ret));
}

static void check_head(const char *buf, int ret, const struct http_request *r)
{
	size_t i;

	CHECK(r->method_len > 0 && r->target_len > 0);
	CHECK(r->version_minor == 0 || r->version_minor == 1);
	CHECK(r->nheaders <= HTTP_MAX_HEADERS);
	CHECK(!(r->chunked && r->has_content_length));
	CHECK(r->version_minor == 0 || r->host != NULL);
	check_inside(buf, ret, r->method, r->method_len);
	check_inside(buf, ret, r->target, r->target_len);
	check_inside(buf, ret, r->host, r->host_len);
	check_inside(buf, ret, r->range, r->range_len);
	check_inside(buf, ret, r->if_modified_since.value,
		     r->if_modified_since.len);
	check_inside(buf, ret, r->if_none_match.value, r->if_none_match.len);
	check_inside(buf, ret, r->if_match.value, r->if_match.len);
	check_inside(buf, ret, r->if_range.value, r->if_range.len);
	CHECK(r->host == NULL || http_host_valid(r->host, r->host_len, false));
	for (i = 0; i < r->nheaders; i++) {
		check_inside(buf, ret, r->headers[i].name,
			     r->headers[i].name_len);
		check_inside(buf, ret, r->headers[i].value,
			     r->headers[i].value_len);
		CHECK(r->headers[i].name_len > 0);
	}
}

/* A prefix of n bytes gives AGAIN, or the full answer once it holds it. */
static void check_prefix(const char *buf, size_t n, size_t max, int ret,
			 int status)
{
	static struct http_request r;
	struct http_limits lim = {max};
	char *copy = dup_exact(buf, n);
	int st, got = http_parse_request(copy, n, &lim, &r, &st);

	if (ret > 0 && n >= (size_t)ret)
		CHECK(got == ret);
	else if (got == HTTP_PARSE_ERROR && ret == HTTP_PARSE_ERROR)
		CHECK(st == status);
	else
		CHECK(got == HTTP_PARSE_AGAIN);
	free(copy);
}

static void fuzz_range(const char *v, size_t len);
static void fuzz_host(const char *v, size_t len);
static void fuzz_cond(const char *v, size_t len);
static void fuzz_date(const char *s, size_t len);
static void fuzz_path(const char *t, size_t len);

static void fuzz_request(const char *buf, size_t len, size_t max)
{
	static struct http_request r;
	struct http_limits lim = {max};
	int status, ret = http_parse_request(buf, len, &lim, &r, &status);

	CHECK(ret == HTTP_PARSE_AGAIN || ret == HTTP_PARSE_ERROR ||
	      (ret > 0 && (size_t)ret <= len && (size_t)ret <= max));
	if (ret == HTTP_PARSE_ERROR)
		CHECK(status == 400 || status == 414 || status == 431 ||
		      status == 501 || status == 505);
	if (ret == HTTP_PARSE_AGAIN)
		CHECK(len < max);
	if (len > 0)
		check_prefix(buf, len - 1, max, ret, status);
	check_prefix(buf, len / 2, max, ret, status);
	CHECK(http_head_complete(buf, len, 0) ==
	      (http_head_complete(buf, len / 2, 0) ||
	       http_head_complete(buf, len, len / 2)));
	if (ret <= 0)
		return;
	CHECK(http_head_complete(buf, (size_t)ret, 0));
	check_head(buf, ret, &r);
	fuzz_path(r.target, r.target_len);
	if (r.range != NULL)
		fuzz_range(r.range, r.range_len);
	if (r.if_modified_since.value != NULL)
		fuzz_date(r.if_modified_since.value, r.if_modified_since.len);
}

/* Runs the skipper over buf in pieces of at most step bytes. */
static int chunked_run(const char *buf, size_t len, size_t step, size_t *used,
		       uint64_t *total)
{
	struct http_chunked c;
	size_t off = 0, got, n;
	char *piece;
	int r = 0;

	http_chunked_init(&c);
	while (r == 0 && off < len) {
		n = len - off < step ? len - off : step;
		piece = dup_exact(buf + off, n);
		r = http_chunked_skip(&c, piece, n, 1 << 16, &got);
		free(piece);
		CHECK(got <= n && (r != 0 || got == n));
		CHECK(r >= -2 && r <= 1);
		off += got;
	}
	*used = off;
	*total = c.total;
	return r;
}

/* Whole, halves and small pieces agree on the result and consumption. */
static void fuzz_chunked(const char *buf, size_t len)
{
	size_t used1, used2, used3;
	uint64_t total1, total2, total3;
	int r1 = chunked_run(buf, len, len ? len : 1, &used1, &total1);
	int r2 = chunked_run(buf, len, len / 2 + 1, &used2, &total2);
	int r3 = chunked_run(buf, len, 3, &used3, &total3);

	CHECK(r1 == r2 && r1 == r3);
	CHECK(used1 == used2 && used1 == used3);
	CHECK(total1 <= 1 << 16);
	if (r1 == 1)
		CHECK(total1 == total2 && total1 == total3);
}

/* The result has no way up and normalises to itself. */
static void fuzz_path(const char *t, size_t len)
{
	static char out[8192], again[8192];
	char *copy = dup_exact(t, len);
	int r = http_path_normalize(copy, len, out, sizeof(out)), r2;

	free(copy);
	if (r < 0)
		return;
	CHECK(r > 0 && out[0] == '/' && strlen(out) == (size_t)r);
	CHECK(!strstr(out, "//") && !strstr(out, "/./") &&
	      !strstr(out, "/../"));
	CHECK(strcmp(out + (r >= 2 ? r - 2 : 0), "/.") != 0);
	CHECK(strcmp(out + (r >= 3 ? r - 3 : 0), "/..") != 0);
	CHECK(!strchr(out, '\\'));
	if (strpbrk(out, "%?#") != NULL)
		return; /* decoding again would change it */
	r2 = http_path_normalize(out, (size_t)r, again, sizeof(again));
	CHECK(r2 == r && strcmp(out, again) == 0);
	CHECK(http_path_normalize(out, (size_t)r, again, (size_t)r) ==
	      HTTP_PATH_MISSING);
}

static void fuzz_range(const char *v, size_t len)
{
	static const uint64_t sizes[] = {0, 1, 1000, UINT64_MAX};
	struct http_ranges rs;
	size_t i, k;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *copy = dup_exact(v, len);
		int r = http_ranges_parse(copy, len, sizes[i], 80, &rs);

		free(copy);
		CHECK(r >= -1 && r <= HTTP_RANGES_MAX);
		for (k = 0; r > 0 && k < rs.n; k++) {
			CHECK(rs.r[k].first <= rs.r[k].last &&
			      rs.r[k].last < sizes[i]);
			/* sorted, and apart by more than the gap */
			CHECK(k == 0 || rs.r[k].first > rs.r[k - 1].last + 81);
		}
		CHECK(r <= 0 || (size_t)r == rs.n);
	}
}

/* An authority valid with its port required is valid without. */
static void fuzz_host(const char *v, size_t len)
{
	char *copy = dup_exact(v, len);

	CHECK(!http_host_valid(copy, len, true) ||
	      http_host_valid(copy, len, false));
	free(copy);
}

/* Any field value as every precondition: one of three answers, and a
 * value equal to the tag matches it. */
static void fuzz_cond(const char *v, size_t len)
{
	static struct http_request r;
	const struct http_validators val = {v, len, 1577836800};
	char *copy = dup_exact(v, len);
	struct http_field f = {copy, len};
	int st;

	memset(&r, 0, sizeof(r));
	r.if_match = r.if_none_match = r.if_range = f;
	r.if_modified_since = r.if_unmodified_since = f;
	st = http_cond_check(&r, &val);
	CHECK(st == 200 || st == 304 || st == 412);
	(void)http_cond_range_ok(&r, &val);
	r.if_match.value = r.if_unmodified_since.value = NULL;
	r.if_modified_since.value = NULL;
	if (len >= 2 && v[0] == '"' && v[len - 1] == '"' &&
	    memchr(v + 1, '"', len - 2) == NULL &&
	    memchr(v, ',', len) == NULL) {
		/* a well-formed tag without a comma or inner quote may still
		 * hold bytes etagc refuses; only assert when it has none */
		bool clean = true;
		for (size_t i = 1; i + 1 < len; i++)
			clean &= (unsigned char)v[i] == 0x21 ||
				 ((unsigned char)v[i] >= 0x23 && v[i] != 0x7f);
		if (clean) {
			CHECK(http_cond_check(&r, &val) == 304);
			CHECK(http_cond_range_ok(&r, &val));
		}
	}
	free(copy);
}

/* A parsed date in the formattable range formats and parses back. */
static void fuzz_date(const char *s, size_t len)
{
	char out[HTTP_DATE_LEN + 1], *copy = dup_exact(s, len);
	time_t t, back;
	int r = http_date_parse(copy, len, &t);

	free(copy);
	if (r != 0 || t < (time_t)-62135596800LL || t > (time_t)253402300799LL)
		return;
	http_date_format(t, out);
	CHECK(strlen(out) == HTTP_DATE_LEN);
	CHECK(http_date_parse(out, HTTP_DATE_LEN, &back) == 0 && back == t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;

	fuzz_request(buf, size, 8192);
	fuzz_request(buf, size, 64);
	fuzz_chunked(buf, size);
	fuzz_path(buf, size);
	fuzz_range(buf, size);
	fuzz_date(buf, size);
	fuzz_host(buf, size);
	fuzz_cond(buf, size);
	return 0;
}
