/* fuzz_framing.c - libFuzzer target for message framing: frames agree with
 * a naive oracle, and any split of the stream into reads gives the same */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/framing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/*
 * Input: kind (byte 0 % 3: delimiter, length32, netstring), delimiter
 * length (1 + byte 1 % 64), max_message (bytes 2-3, little-endian), a seed
 * for the read sizes (bytes 4-7), the delimiter's bytes, then the stream.
 */
#define HEAD 8

struct frame {
	size_t start; /* in the stream */
	size_t off, len, consumed;
};

/* Everything a run delivered, then how it ended. */
struct run {
	struct frame *frames;
	size_t n;
	enum framing_result end;
	const char *why;
	size_t pos; /* bytes consumed by frames */
};

/* An exact-size heap copy, so that ASan catches reads past its end. */
static char *dup_exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	CHECK(p != NULL);
	if (n > 0)
		memcpy(p, s, n);
	return p;
}

/* The frame's header and trailer are what framing_encode writes. */
static void check_frame(const struct framing *f, const char *buf, size_t len,
			const struct framing_frame *fr)
{
	struct framing_wire w;

	CHECK(fr->consumed > 0 && fr->consumed <= len);
	CHECK(fr->off <= fr->consumed && fr->len <= fr->consumed - fr->off);
	CHECK(fr->len <= f->max_message);
	CHECK(framing_encode(f, fr->len, &w) == 0);
	CHECK(w.head_len == fr->off && memcmp(buf, w.head, w.head_len) == 0);
	CHECK(fr->consumed - fr->off - fr->len == w.tail_len);
	CHECK(memcmp(buf + fr->off + fr->len, w.tail, w.tail_len) == 0);
}

/* Frames stream[pos, avail) as one connection's input until it needs
 * more bytes or is closed; each call sees a fresh exact-size copy. */
static void run_step(const struct framing *f, struct framing_state *st,
		     const char *stream, size_t avail, struct run *r)
{
	struct framing_frame fr;
	enum framing_result res = FRAMING_FRAME;
	char *buf;

	while (r->end == FRAMING_NEED_MORE && res == FRAMING_FRAME) {
		buf = dup_exact(stream + r->pos, avail - r->pos);
		res = framing_next(f, st, buf, avail - r->pos, &fr);
		if (res == FRAMING_FRAME) {
			check_frame(f, buf, avail - r->pos, &fr);
			r->frames[r->n++] =
			    (struct frame){r->pos, fr.off, fr.len, fr.consumed};
			r->pos += fr.consumed;
			CHECK(st->scanned == 0);
		} else if (res == FRAMING_NEED_MORE) {
			CHECK(st->scanned <= avail - r->pos);
			CHECK(avail - r->pos < framing_bound(f));
		} else {
			CHECK(fr.why != NULL);
			CHECK(res != FRAMING_TOO_BIG ||
			      fr.len > f->max_message);
			r->why = fr.why;
			r->end = res;
		}
		free(buf);
	}
}

/* ---- the oracle: the same decisions, found the slow, obvious way ---- */

static enum framing_result oracle_delim(const struct framing *f, const char *b,
					size_t len, struct frame *o)
{
	size_t p, dl = f->delim_len;

	for (p = 0; p + dl <= len && p <= f->max_message; p++) {
		if (memcmp(b + p, f->delim, dl) == 0) {
			*o = (struct frame){0, 0, p, p + dl};
			return FRAMING_FRAME;
		}
	}
	return len >= f->max_message + dl ? FRAMING_TOO_BIG : FRAMING_NEED_MORE;
}

static enum framing_result oracle_length32(const struct framing *f,
					   const char *b, size_t len,
					   struct frame *o)
{
	const unsigned char *u = (const unsigned char *)b;
	uint64_t n;

	if (len < 4)
		return FRAMING_NEED_MORE;
	n = (uint64_t)u[0] * 16777216 + u[1] * 65536 + u[2] * 256 + u[3];
	if (n > f->max_message)
		return FRAMING_TOO_BIG;
	if (len < 4 + n)
		return FRAMING_NEED_MORE;
	*o = (struct frame){0, 4, (size_t)n, 4 + (size_t)n};
	return FRAMING_FRAME;
}

static enum framing_result oracle_netstring(const struct framing *f,
					    const char *b, size_t len,
					    struct frame *o)
{
	uint64_t v = 0, cap = (uint64_t)f->max_message + 1;
	size_t d = 0;

	while (d < len && b[d] >= '0' && b[d] <= '9') {
		v = v * 10 + (uint64_t)(b[d] - '0');
		if (v > cap)
			v = cap;
		d++;
	}
	if (d > 1 && b[0] == '0')
		return FRAMING_BAD;
	if (v > f->max_message)
		return FRAMING_TOO_BIG;
	if (d == len)
		return FRAMING_NEED_MORE;
	if (d == 0 || b[d] != ':')
		return FRAMING_BAD;
	if (len < d + 1 + v + 1)
		return FRAMING_NEED_MORE;
	if (b[d + 1 + v] != ',')
		return FRAMING_BAD;
	*o = (struct frame){0, d + 1, (size_t)v, d + 2 + (size_t)v};
	return FRAMING_FRAME;
}

static void run_oracle(const struct framing *f, const char *s, size_t n,
		       struct run *r)
{
	struct frame o;

	do {
		if (f->kind == FRAMING_DELIMITER)
			r->end = oracle_delim(f, s + r->pos, n - r->pos, &o);
		else if (f->kind == FRAMING_LENGTH32)
			r->end = oracle_length32(f, s + r->pos, n - r->pos, &o);
		else
			r->end =
			    oracle_netstring(f, s + r->pos, n - r->pos, &o);
		if (r->end == FRAMING_FRAME) {
			o.start = r->pos;
			r->frames[r->n++] = o;
			r->pos += o.consumed;
		}
	} while (r->end == FRAMING_FRAME);
}

static uint32_t rng_next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void check_same(const struct run *a, const struct run *b, int why)
{
	CHECK(a->n == b->n && a->end == b->end && a->pos == b->pos);
	CHECK(a->n == 0 ||
	      memcmp(a->frames, b->frames, a->n * sizeof(*a->frames)) == 0);
	if (why && a->end != FRAMING_NEED_MORE)
		CHECK(strcmp(a->why, b->why) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum framing_kind kinds[] = {
	    FRAMING_DELIMITER, FRAMING_LENGTH32, FRAMING_NETSTRING};
	struct framing f;
	struct framing_state st = {0};
	struct run whole = {0}, pieces = {0}, oracle = {0};
	const char *s;
	size_t n, avail;
	uint32_t seed;

	if (size < HEAD)
		return 0;
	f.kind = kinds[data[0] % 3];
	f.delim_len = 1 + data[1] % FRAMING_DELIM_MAX;
	f.max_message = (size_t)data[2] | (size_t)data[3] << 8;
	seed = (uint32_t)data[4] | (uint32_t)data[5] << 8 |
	       (uint32_t)data[6] << 16 | (uint32_t)data[7] << 24;
	seed |= 1;
	if (f.kind != FRAMING_DELIMITER)
		f.delim_len = 0;
	if (size < HEAD + f.delim_len)
		return 0;
	f.delim = dup_exact((const char *)data + HEAD, f.delim_len);
	s = (const char *)data + HEAD + f.delim_len;
	n = size - HEAD - f.delim_len;

	/* each frame takes at least one byte: n + 1 slots are enough */
	whole.frames = calloc(n + 1, sizeof(struct frame));
	pieces.frames = calloc(n + 1, sizeof(struct frame));
	oracle.frames = calloc(n + 1, sizeof(struct frame));
	CHECK(whole.frames && pieces.frames && oracle.frames);
	whole.end = pieces.end = FRAMING_NEED_MORE;

	run_step(&f, &st, s, n, &whole);
	run_oracle(&f, s, n, &oracle);
	check_same(&whole, &oracle, 0);

	st = (struct framing_state){0};
	for (avail = 0; avail < n;) {
		size_t step = 1 + rng_next(&seed) % (1u << rng_next(&seed) % 9);

		avail = step < n - avail ? avail + step : n;
		run_step(&f, &st, s, avail, &pieces);
	}
	run_step(&f, &st, s, n, &pieces);
	check_same(&whole, &pieces, 1);

	free(whole.frames);
	free(pieces.frames);
	free(oracle.frames);
	free((char *)f.delim);
	return 0;
}
