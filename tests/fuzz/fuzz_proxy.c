/* fuzz_proxy.c - libFuzzer target for the PROXY protocol parser and its
 * invariants */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

static const char v2_sig[12] = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
				0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

/* An exact-size heap copy, so that ASan catches reads past its end (for
 * n = 0 one zero byte; test_proxy's guard page covers that case). */
static char *dup_exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	CHECK(p != NULL);
	if (n > 0)
		memcpy(p, s, n);
	else
		p[0] = '\0';
	return p;
}

/* Parses an exact-size copy of buf[0..n). */
static int parse_copy(const char *buf, size_t n, enum proxy_versions v,
		      struct proxy_hdr *h)
{
	char *copy = dup_exact(buf, n);
	int ret = proxy_parse(copy, n, v, h);

	CHECK(n == 0 || memcmp(copy, buf, n) == 0);
	free(copy);
	return ret;
}

static int same_result(int r1, const struct proxy_hdr *h1, int r2,
		       const struct proxy_hdr *h2)
{
	if (r1 != r2)
		return 0;
	if (r1 == PROXY_REJECT)
		return h1->reason == h2->reason;
	if (r1 == PROXY_NEED_MORE)
		return 1;
	return h1->len == h2->len && h1->version == h2->version &&
	       h1->cmd == h2->cmd && h1->has_addr == h2->has_addr &&
	       memcmp(&h1->src, &h2->src, sizeof(h1->src)) == 0 &&
	       memcmp(&h1->dst, &h2->dst, sizeof(h1->dst)) == 0;
}

/* Formats a v1 line from the parsed addresses of family af. */
static size_t v1_line(const struct proxy_hdr *h, char *out, size_t len)
{
	const struct sockaddr_in *s4 = (const void *)&h->src;
	const struct sockaddr_in *d4 = (const void *)&h->dst;
	const struct sockaddr_in6 *s6 = (const void *)&h->src;
	const struct sockaddr_in6 *d6 = (const void *)&h->dst;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int v4 = h->src.ss_family == AF_INET;

	inet_ntop(h->src.ss_family,
		  v4 ? (const void *)&s4->sin_addr
		     : (const void *)&s6->sin6_addr,
		  s, sizeof(s));
	inet_ntop(h->dst.ss_family,
		  v4 ? (const void *)&d4->sin_addr
		     : (const void *)&d6->sin6_addr,
		  d, sizeof(d));
	return (size_t)snprintf(out, len, "PROXY TCP%c %s %s %u %u\r\n",
				v4 ? '4' : '6', s, d,
				ntohs(v4 ? s4->sin_port : s6->sin6_port),
				ntohs(v4 ? d4->sin_port : d6->sin6_port));
}

/* The addresses of an accepted header say what its bytes say. */
static void check_addresses(const char *buf, const struct proxy_hdr *h)
{
	const struct sockaddr_in *s4 = (const void *)&h->src;
	const struct sockaddr_in6 *s6 = (const void *)&h->src;
	struct proxy_hdr again;
	char line[160];
	size_t n;

	if (!h->has_addr) {
		CHECK(h->src.ss_family == AF_UNSPEC);
		CHECK(h->dst.ss_family == AF_UNSPEC);
		return;
	}
	CHECK(h->cmd == PROXY_CMD_PROXY);
	CHECK(h->src.ss_family == h->dst.ss_family);
	CHECK(h->src.ss_family == AF_INET || h->src.ss_family == AF_INET6);
	if (h->version == 2) {
		CHECK(memcmp(buf + 16,
			     h->src.ss_family == AF_INET
				 ? (const void *)&s4->sin_addr
				 : (const void *)&s6->sin6_addr,
			     h->src.ss_family == AF_INET ? 4 : 16) == 0);
		return;
	}
	/* IPv4 text is canonical (no leading zeros), so the line formats
	 * back to itself; IPv6 text reparses to the same addresses. */
	n = v1_line(h, line, sizeof(line));
	if (h->src.ss_family == AF_INET)
		CHECK(n == h->len && memcmp(line, buf, n) == 0);
	CHECK(parse_copy(line, n, PROXY_V1, &again) == (int)n);
	CHECK(memcmp(&again.src, &h->src, sizeof(h->src)) == 0);
	CHECK(memcmp(&again.dst, &h->dst, sizeof(h->dst)) == 0);
}

static void check_result(const char *buf, size_t len, enum proxy_versions v,
			 int ret, const struct proxy_hdr *h)
{
	struct proxy_hdr again;

	CHECK(ret == PROXY_REJECT || ret == PROXY_NEED_MORE ||
	      (ret > 0 && (size_t)ret <= len && ret <= PROXY_MAX_LEN));
	if (ret == PROXY_REJECT) {
		CHECK(h->reason < PROXY_EMPTY); /* the rest are the host's */
		CHECK(strcmp(proxy_reason_name(h->reason), "unknown") != 0);
		return;
	}
	if (ret == PROXY_NEED_MORE) {
		CHECK(len < (v == PROXY_V1 ? PROXY_V1_MAX_LEN : PROXY_MAX_LEN));
		/* an unfinished v1 line is short and has no line end yet */
		if (len >= 5 && memcmp(buf, "PROXY", 5) == 0)
			CHECK(len < PROXY_V1_MAX_LEN &&
			      memchr(buf, '\n', len) == NULL &&
			      (memchr(buf, '\r', len) == NULL ||
			       buf[len - 1] == '\r'));
		return;
	}
	CHECK(h->len == (size_t)ret);
	CHECK(h->version == 1 || h->version == 2);
	CHECK(v & (h->version == 1 ? PROXY_V1 : PROXY_V2));
	if (h->version == 1) {
		CHECK(ret <= PROXY_V1_MAX_LEN && memcmp(buf, "PROXY ", 6) == 0);
		CHECK(buf[ret - 2] == '\r' && buf[ret - 1] == '\n');
		CHECK(memchr(buf, '\n', (size_t)ret - 1) == NULL);
		CHECK(memchr(buf, '\r', (size_t)ret - 2) == NULL);
		CHECK(h->cmd == PROXY_CMD_PROXY);
	} else {
		CHECK(ret >= 16 && memcmp(buf, v2_sig, 12) == 0);
	}
	check_addresses(buf, h);
	/* A header delimits itself: its bytes alone parse the same. */
	CHECK(same_result(parse_copy(buf, (size_t)ret, v, &again), &again, ret,
			  h));
}

/*
 * Feeds buf to the parser as a reader would, step bytes more each time,
 * until it decides; the decision must be the one the whole input gets.
 */
static void check_pieces(const char *buf, size_t len, enum proxy_versions v,
			 size_t step, int ret, const struct proxy_hdr *h)
{
	struct proxy_hdr got;
	size_t have = 0;
	int r = PROXY_NEED_MORE;

	while (r == PROXY_NEED_MORE && have < len) {
		have += len - have < step ? len - have : step;
		r = parse_copy(buf, have, v, &got);
	}
	if (len == 0)
		r = parse_copy(buf, 0, v, &got);
	CHECK(same_result(r, &got, ret, h));
}

static void fuzz_versions(const char *buf, size_t len, enum proxy_versions v,
			  int *ret, struct proxy_hdr *h)
{
	static const size_t steps[] = {2, 7, 13, 64};
	size_t i;

	*ret = parse_copy(buf, len, v, h);
	check_result(buf, len, v, *ret, h);
	if (len <= 512)
		check_pieces(buf, len, v, 1, *ret, h);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		check_pieces(buf, len, v, steps[i], *ret, h);
	check_pieces(buf, len, v, len / 2 + 1, *ret, h);
}

/* Taking both versions answers as taking the one the input is. */
static void check_any(int ra, const struct proxy_hdr *ha, int r1,
		      const struct proxy_hdr *h1, int r2,
		      const struct proxy_hdr *h2)
{
	if (ra > 0) {
		CHECK(same_result(ra, ha, ha->version == 1 ? r1 : r2,
				  ha->version == 1 ? h1 : h2));
		CHECK((ha->version == 1 ? r2 : r1) == PROXY_REJECT);
		return;
	}
	CHECK(ra == PROXY_NEED_MORE || (ha->reason != PROXY_V1_NOT_ACCEPTED &&
					ha->reason != PROXY_V2_NOT_ACCEPTED));
	CHECK(same_result(ra, ha, r1, h1) || same_result(ra, ha, r2, h2));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct proxy_hdr h1, h2, ha;
	const char *buf = (const char *)data;
	int r1, r2, ra;

	fuzz_versions(buf, size, PROXY_V1, &r1, &h1);
	fuzz_versions(buf, size, PROXY_V2, &r2, &h2);
	fuzz_versions(buf, size, PROXY_ANY, &ra, &ha);
	check_any(ra, &ha, r1, &h1, r2, &h2);
	return 0;
}
