/* test_framing.c - message framing: every read split gives the same
 * messages, limits are decided early, answers frame as input is framed */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "proto/framing.h"

/* from test_http_guard.c */
const char *guard_place(const char *data, size_t len);

struct bytes {
	const char *p; /* NULL ends a list */
	size_t n;
};

/* a literal, NUL bytes included; a list of them for the expected frames */
/* clang-format off */
#define B(s)        {(s), sizeof(s) - 1}
#define FRAMES(...) {__VA_ARGS__}
#define NO_FRAMES   {{0}}
/* clang-format on */
#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde!"

static const struct framing lf = {FRAMING_DELIMITER, "\n", 1, 16};
static const struct framing crlf2 = {FRAMING_DELIMITER, "\r\n\r\n", 4, 64};
static const struct framing aab = {FRAMING_DELIMITER, "aab", 3, 16};
static const struct framing nul2 = {FRAMING_DELIMITER, "\0\0", 2, 16};
static const struct framing d64 = {FRAMING_DELIMITER, D64, 64, 16};
static const struct framing l32 = {FRAMING_LENGTH32, NULL, 0, 16};
static const struct framing ns = {FRAMING_NETSTRING, NULL, 0, 16};
static const struct framing ns0 = {FRAMING_NETSTRING, NULL, 0, 0};
static const struct framing no_delim = {FRAMING_DELIMITER, "", 0, 16};
static const struct framing long_delim = {FRAMING_DELIMITER, D64 "x", 65, 16};
static const struct framing none = {FRAMING_NONE, NULL, 0, 16};

/* One input stream: the messages it holds, then how it ends. */
struct frame_case {
	const char *name;
	const struct framing *f;
	struct bytes in;
	struct bytes want[6];
	enum framing_result end; /* NEED_MORE, TOO_BIG or BAD */
	size_t left;		 /* NEED_MORE: bytes still pending */
	const char *why;	 /* TOO_BIG, BAD: part of the reason */
};

#define PENDING(n) .end = FRAMING_NEED_MORE, .left = (n)
#define TOO_BIG(w) .end = FRAMING_TOO_BIG, .why = (w)
#define REFUSED(w) .end = FRAMING_BAD, .why = (w)

static const struct frame_case cases[] = {
    /* ---- delimiter "\n" ---- */
    {"line", &lf, B("hello\n"), FRAMES(B("hello")), PENDING(0)},
    {"empty line is a message", &lf, B("\n"), FRAMES(B("")), PENDING(0)},
    {"several lines in one buffer", &lf, B("a\nbb\n\nccc\n"),
     FRAMES(B("a"), B("bb"), B(""), B("ccc")), PENDING(0)},
    {"partial line stays pending", &lf, B("a\nbc"), FRAMES(B("a")), PENDING(2)},
    {"NUL bytes are payload", &lf, B("a\0b\n"), FRAMES(B("a\0b")), PENDING(0)},
    {"line of exactly max_message", &lf, B("0123456789abcdef\n"),
     FRAMES(B("0123456789abcdef")), PENDING(0)},
    {"line one byte over max_message", &lf, B("0123456789abcdefg\n"), NO_FRAMES,
     TOO_BIG("max_message")},
    {"max_message bytes without a delimiter may still end", &lf,
     B("0123456789abcdef"), NO_FRAMES, PENDING(16)},
    {"max_message + 1 bytes without a delimiter", &lf, B("0123456789abcdefg"),
     NO_FRAMES, TOO_BIG("max_message")},
    {"over max after good lines", &lf, B("ok\n0123456789abcdefgh"),
     FRAMES(B("ok")), TOO_BIG("max_message")},

    /* ---- multi-byte delimiters, self-overlapping ---- */
    {"blank-line delimiter alone", &crlf2, B("\r\n\r\n"), FRAMES(B("")),
     PENDING(0)},
    {"CRLF CR then the delimiter", &crlf2, B("a\r\n\r\r\n\r\n"),
     FRAMES(B("a\r\n\r")), PENDING(0)},
    {"first of overlapping delimiters wins", &crlf2, B("\r\n\r\n\r\n"),
     FRAMES(B("")), PENDING(2)},
    {"two delimiters back to back", &crlf2, B("x\r\n\r\n\r\n\r\n"),
     FRAMES(B("x"), B("")), PENDING(0)},
    {"single CRLFs are payload", &crlf2, B("a\r\nb\r\nc\r\n\r\n"),
     FRAMES(B("a\r\nb\r\nc")), PENDING(0)},
    {"aab found inside aaab", &aab, B("aaab"), FRAMES(B("a")), PENDING(0)},
    {"aab found inside aaaab", &aab, B("aaaab"), FRAMES(B("aa")), PENDING(0)},
    {"aab twice, empty messages", &aab, B("aabaab"), FRAMES(B(""), B("")),
     PENDING(0)},
    {"aab after ab", &aab, B("abaabaa"), FRAMES(B("ab")), PENDING(2)},
    {"NUL NUL delimiter", &nul2, B("x\0y\0\0\0\0"), FRAMES(B("x\0y"), B("")),
     PENDING(0)},
    {"64-byte delimiter", &d64, B("m" D64 D64 "n"), FRAMES(B("m"), B("")),
     PENDING(1)},
    {"64-byte delimiter nearly matched is payload", &d64,
     B("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde?"),
     NO_FRAMES, PENDING(64)},

    /* ---- length32 ---- */
    {"length32 message", &l32, B("\0\0\0\5hello"), FRAMES(B("hello")),
     PENDING(0)},
    {"length32 empty message", &l32, B("\0\0\0\0"), FRAMES(B("")), PENDING(0)},
    {"length32 several messages", &l32, B("\0\0\0\1a\0\0\0\0\0\0\0\2bc"),
     FRAMES(B("a"), B(""), B("bc")), PENDING(0)},
    {"length32 payload holds delimiter bytes", &l32,
     B("\0\0\0\7\r\n\r\n\n\0\0"), FRAMES(B("\r\n\r\n\n\0\0")), PENDING(0)},
    {"length32 payload of exactly max_message", &l32,
     B("\0\0\0\x10"
       "0123456789abcdef"),
     FRAMES(B("0123456789abcdef")), PENDING(0)},
    {"length32 header one over max_message", &l32, B("\0\0\0\x11"), NO_FRAMES,
     TOO_BIG("max_message")},
    {"length32 header 4 GiB - 1", &l32, B("\xff\xff\xff\xff"), NO_FRAMES,
     TOO_BIG("max_message")},
    {"length32 high byte counts", &l32, B("\1\0\0\0"), NO_FRAMES,
     TOO_BIG("max_message")},
    {"length32 partial payload pending", &l32, B("\0\0\0\5he"), NO_FRAMES,
     PENDING(6)},
    {"length32 partial header pending", &l32, B("\0\0\0\1a\0\0"),
     FRAMES(B("a")), PENDING(2)},

    /* ---- netstring ---- */
    {"netstring message", &ns, B("5:hello,"), FRAMES(B("hello")), PENDING(0)},
    {"netstring empty message", &ns, B("0:,"), FRAMES(B("")), PENDING(0)},
    {"netstring several messages", &ns, B("3:abc,0:,1:x,"),
     FRAMES(B("abc"), B(""), B("x")), PENDING(0)},
    {"netstring payload with colon and comma", &ns, B("5:1:2,3,"),
     FRAMES(B("1:2,3")), PENDING(0)},
    {"netstring payload of exactly max_message", &ns, B("16:0123456789abcdef,"),
     FRAMES(B("0123456789abcdef")), PENDING(0)},
    {"netstring length one over max_message", &ns, B("17:"), NO_FRAMES,
     TOO_BIG("max_message")},
    {"netstring over max decided before the colon", &ns, B("170"), NO_FRAMES,
     TOO_BIG("max_message")},
    {"netstring length that overflows size_t", &ns,
     B("99999999999999999999999999:"), NO_FRAMES, TOO_BIG("max_message")},
    {"netstring max 0 takes only empty messages", &ns0, B("0:,0:,1:x,"),
     FRAMES(B(""), B("")), TOO_BIG("max_message")},
    {"netstring leading zero", &ns, B("05:hello,"), NO_FRAMES,
     REFUSED("leading zero")},
    {"netstring double zero", &ns, B("00:,"), NO_FRAMES,
     REFUSED("leading zero")},
    {"netstring missing comma", &ns, B("5:hello;"), NO_FRAMES,
     REFUSED("no comma")},
    {"netstring payload longer than its length", &ns, B("3:hello,"), NO_FRAMES,
     REFUSED("no comma")},
    {"netstring non-digit in length", &ns, B("5x:hello,"), NO_FRAMES,
     REFUSED("non-digit")},
    {"netstring space before the colon", &ns, B("5 :hello,"), NO_FRAMES,
     REFUSED("non-digit")},
    {"netstring empty length", &ns, B(":,"), NO_FRAMES, REFUSED("no length")},
    {"netstring negative length", &ns, B("-1:x,"), NO_FRAMES,
     REFUSED("no length")},
    {"netstring leading space", &ns, B(" 5:hello,"), NO_FRAMES,
     REFUSED("no length")},
    {"netstring garbage after a good message", &ns, B("3:abc,x"),
     FRAMES(B("abc")), REFUSED("no length")},
    {"netstring stray comma after a message", &ns, B("1:a,,"), FRAMES(B("a")),
     REFUSED("no length")},
    {"netstring waiting for its comma", &ns, B("5:hello"), NO_FRAMES,
     PENDING(7)},
    {"netstring waiting after its digits", &ns, B("1:a,12"), FRAMES(B("a")),
     PENDING(2)},

    /* ---- a struct framing that cannot frame ---- */
    {"framing none has no messages", &none, B("abc"), NO_FRAMES,
     REFUSED("none")},
    {"empty delimiter refused", &no_delim, B("abc"), NO_FRAMES,
     REFUSED("delimiter")},
    {"65-byte delimiter refused", &long_delim, B("abc"), NO_FRAMES,
     REFUSED("delimiter")},
};

/* A connection's input buffer, filled up to avail and framed as it grows. */
struct feed {
	const struct frame_case *c;
	const char *how; /* for failure messages */
	struct framing_state st;
	size_t pos;	/* bytes consumed by frames */
	size_t nframes; /* frames delivered so far */
	enum framing_result end;
	const char *why;
	bool closed; /* TOO_BIG or BAD was returned */
};

static size_t want_count(const struct frame_case *c)
{
	size_t n = 0;

	while (n < sizeof(c->want) / sizeof(c->want[0]) && c->want[n].p)
		n++;
	return n;
}

static void feed_frame(struct feed *fd, const char *buf, size_t len,
		       const struct framing_frame *fr)
{
	const struct frame_case *c = fd->c;
	const struct bytes *w = &c->want[fd->nframes];

	if (fr->consumed == 0 || fr->consumed > len ||
	    fr->off + fr->len > fr->consumed)
		fail_msg("%s (%s): frame %zu+%zu/%zu outside %zu bytes",
			 c->name, fd->how, fr->off, fr->len, fr->consumed, len);
	if (fd->nframes >= want_count(c))
		fail_msg("%s (%s): unexpected frame %zu", c->name, fd->how,
			 fd->nframes);
	if (fr->len != w->n || memcmp(buf + fr->off, w->p, w->n) != 0)
		fail_msg("%s (%s): frame %zu has %zu bytes, want %zu", c->name,
			 fd->how, fd->nframes, fr->len, w->n);
	if (fd->st.scanned != 0)
		fail_msg("%s (%s): state not reset after a frame", c->name,
			 fd->how);
	fd->nframes++;
	fd->pos += fr->consumed;
}

/* The bytes up to avail have arrived: take every frame they complete. */
static void feed_to(struct feed *fd, size_t avail)
{
	struct framing_frame fr;
	enum framing_result r;
	const char *buf;
	size_t len;

	while (!fd->closed) {
		len = avail - fd->pos;
		buf = guard_place(fd->c->in.p + fd->pos, len);
		r = framing_next(fd->c->f, &fd->st, buf, len, &fr);
		fd->end = r;
		if (r == FRAMING_FRAME) {
			feed_frame(fd, buf, len, &fr);
			continue;
		}
		if (r != FRAMING_NEED_MORE) {
			fd->why = fr.why;
			fd->closed = true;
		} else if (len >= framing_bound(fd->c->f)) {
			fail_msg("%s (%s): undecided at %zu bytes, bound %zu",
				 fd->c->name, fd->how, len,
				 framing_bound(fd->c->f));
		} else if (fd->c->f->kind == FRAMING_DELIMITER &&
			   fd->st.scanned != len) {
			fail_msg("%s (%s): scanned %zu of %zu bytes",
				 fd->c->name, fd->how, fd->st.scanned, len);
		}
		return;
	}
}

static void feed_check_end(const struct feed *fd)
{
	const struct frame_case *c = fd->c;

	if (fd->nframes != want_count(c))
		fail_msg("%s (%s): %zu frames, want %zu", c->name, fd->how,
			 fd->nframes, want_count(c));
	if (fd->end != c->end)
		fail_msg("%s (%s): ends with %d, want %d", c->name, fd->how,
			 fd->end, c->end);
	if (c->end == FRAMING_NEED_MORE && c->in.n - fd->pos != c->left)
		fail_msg("%s (%s): %zu bytes pending, want %zu", c->name,
			 fd->how, c->in.n - fd->pos, c->left);
	if (c->end != FRAMING_NEED_MORE &&
	    (fd->why == NULL || strstr(fd->why, c->why) == NULL))
		fail_msg("%s (%s): reason \"%s\", want \"%s\"", c->name,
			 fd->how, fd->why ? fd->why : "(null)", c->why);
}

/* The same messages whether the stream comes whole, split in two at any
 * offset (prefix, then all of it), or one byte at a time. */
static void test_case(void **state)
{
	const struct frame_case *c = *state;
	struct feed fd;
	size_t k;

	if (c->end == FRAMING_FRAME)
		fail_msg("%s: the case states no end", c->name);
	fd = (struct feed){.c = c, .how = "whole"};
	feed_to(&fd, c->in.n);
	feed_check_end(&fd);
	for (k = 0; k <= c->in.n; k++) {
		fd = (struct feed){.c = c, .how = "split in two"};
		feed_to(&fd, k);
		feed_to(&fd, c->in.n);
		feed_check_end(&fd);
	}
	fd = (struct feed){.c = c, .how = "byte by byte"};
	for (k = 0; k <= c->in.n; k++)
		feed_to(&fd, k);
	feed_check_end(&fd);
}

/* ---- the delimiter search resumes instead of rescanning ---- */

static const struct framing *resume_framings[] = {&lf, &crlf2, &aab, &nul2,
						  &d64};

/* A delimiter split across two reads at each of its inner offsets: the
 * first read leaves scanned at its length, the second completes it. */
static void test_delimiter_straddling_two_reads(void **state)
{
	const struct framing *f;
	struct framing_frame fr;
	struct framing_state st;
	char msg[3 + FRAMING_DELIM_MAX];
	size_t i, k, n;

	(void)state;
	for (i = 0; i < sizeof(resume_framings) / sizeof(*resume_framings);
	     i++) {
		f = resume_framings[i];
		memcpy(msg, "xyz", 3);
		memcpy(msg + 3, f->delim, f->delim_len);
		n = 3 + f->delim_len;
		for (k = 3; k < n; k++) {
			st = (struct framing_state){0};
			assert_int_equal(framing_next(f, &st, msg, k, &fr),
					 FRAMING_NEED_MORE);
			assert_int_equal(st.scanned, k);
			assert_int_equal(framing_next(f, &st, msg, n, &fr),
					 FRAMING_FRAME);
			assert_int_equal(fr.off, 0);
			assert_int_equal(fr.len, 3);
			assert_int_equal(fr.consumed, n);
			assert_int_equal(st.scanned, 0);
		}
	}
}

/*
 * The bytes before scanned - (delim_len - 1) are never read again: the
 * first read ends k + delim_len - 1 bytes in, with all but the last byte
 * of the delimiter after a page boundary at k; then the page before k is
 * made unreadable (PROT_NONE) and the second read, which completes the
 * delimiter, must find it at k without touching that page.
 */
static void test_scanned_bytes_never_read_again(void **state)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), i, dl, k = 100;
	struct framing_frame fr;
	struct framing_state st;
	struct framing f;
	char *region, *buf;

	(void)state;
	region = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(region != MAP_FAILED);
	for (i = 0; i < sizeof(resume_framings) / sizeof(*resume_framings);
	     i++) {
		f = *resume_framings[i];
		f.max_message = 4 * page;
		dl = f.delim_len;
		assert_int_equal(mprotect(region, page, PROT_READ | PROT_WRITE),
				 0);
		buf = region + page - k;
		memset(buf, '.', k);
		memcpy(buf + k, f.delim, dl - 1);
		st = (struct framing_state){0};
		assert_int_equal(framing_next(&f, &st, buf, k + dl - 1, &fr),
				 FRAMING_NEED_MORE);
		assert_int_equal(st.scanned, k + dl - 1);
		assert_int_equal(mprotect(region, page, PROT_NONE), 0);
		buf[k + dl - 1] = f.delim[dl - 1];
		assert_int_equal(framing_next(&f, &st, buf, k + dl, &fr),
				 FRAMING_FRAME);
		assert_int_equal(fr.off, 0);
		assert_int_equal(fr.len, k);
		assert_int_equal(fr.consumed, k + dl);
	}
	assert_int_equal(munmap(region, 2 * page), 0);
}

/* Fed one byte at a time, a three-page message is found with its first
 * two pages unreadable from the moment the search has passed them: each
 * call reads only the new byte and the delim_len - 1 before it. */
static void test_byte_by_byte_reads_each_byte_once(void **state)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = 3 * page, i;
	struct framing f = crlf2;
	struct framing_frame fr;
	struct framing_state st = {0};
	char *region;

	(void)state;
	f.max_message = 4 * page;
	region = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(region != MAP_FAILED);
	memset(region, 'a', 4 * page);
	memcpy(region + n - 4, "\r\n\r\n", 4);
	for (i = 1; i < n; i++) {
		assert_int_equal(framing_next(&f, &st, region, i, &fr),
				 FRAMING_NEED_MORE);
		/* everything up to 3 bytes before the end is done with */
		if (i == 2 * page + 3)
			assert_int_equal(mprotect(region, 2 * page, PROT_NONE),
					 0);
	}
	assert_int_equal(framing_next(&f, &st, region, n, &fr), FRAMING_FRAME);
	assert_int_equal(fr.len, n - 4);
	assert_int_equal(munmap(region, 4 * page), 0);
}

/* ---- 10 MiB against max_message 1 MiB ---- */

#define MIB (1024 * 1024)

struct big_case {
	const char *name;
	struct framing f;
	const char *head; /* the 10 MiB message's header */
	size_t head_len;
	size_t decided_at; /* bytes seen when TOO_BIG must come */
};

static const struct big_case big_cases[] = {
    {"delimiter", {FRAMING_DELIMITER, "\r\nEOF\r\n", 7, MIB}, "", 0, MIB + 7},
    {"length32", {FRAMING_LENGTH32, NULL, 0, MIB}, "\0\xa0\0\0", 4, 4},
    {"netstring", {FRAMING_NETSTRING, NULL, 0, MIB}, "10485760:", 9, 8},
};

/* The stream: head, 10 MiB of 'x', then the end of the message. */
static char *big_stream(const struct big_case *c, size_t *len)
{
	size_t n = c->head_len + 10 * MIB + 8;
	char *s = malloc(n);

	assert_non_null(s);
	memcpy(s, c->head, c->head_len);
	memset(s + c->head_len, 'x', 10 * MIB);
	memcpy(s + c->head_len + 10 * MIB, "\r\nEOF\r\n,", 8);
	*len = n;
	return s;
}

/* Fed one byte at a time, TOO_BIG comes exactly when it is certain and
 * before max_message + header bytes were needed. */
static void test_10mib_refused_before_1mib_is_read(void **state)
{
	const struct big_case *c = *state;
	struct framing_frame fr;
	struct framing_state st = {0};
	enum framing_result r = FRAMING_NEED_MORE;
	size_t len, n;
	char *s = big_stream(c, &len);

	for (n = 0; n < len && r == FRAMING_NEED_MORE; n++)
		r = framing_next(&c->f, &st, s, n, &fr);
	assert_int_equal(r, FRAMING_TOO_BIG);
	assert_int_equal(n - 1, c->decided_at);
	assert_true(n - 1 <= framing_bound(&c->f));
	assert_true(fr.len > MIB);
	/* in 64 KiB reads: refused at the first read past the point */
	st = (struct framing_state){0};
	for (n = 64 * 1024;; n += 64 * 1024) {
		r = framing_next(&c->f, &st, s, n, &fr);
		if (r != FRAMING_NEED_MORE)
			break;
	}
	assert_int_equal(r, FRAMING_TOO_BIG);
	assert_true(n >= c->decided_at && n - 64 * 1024 < c->decided_at);
	free(s);
}

/* A message of exactly 1 MiB, fed one byte at a time, is delivered. */
static void test_1mib_message_delivered(void **state)
{
	const struct big_case *c = *state;
	struct framing_frame fr;
	struct framing_wire w;
	struct framing_state st = {0};
	enum framing_result r = FRAMING_NEED_MORE;
	size_t len, n;
	char *s;

	assert_int_equal(framing_encode(&c->f, MIB, &w), 0);
	len = w.head_len + MIB + w.tail_len;
	s = malloc(len);
	assert_non_null(s);
	memcpy(s, w.head, w.head_len);
	memset(s + w.head_len, 'x', MIB);
	memcpy(s + w.head_len + MIB, w.tail, w.tail_len);
	for (n = 0; n <= len && r == FRAMING_NEED_MORE; n++)
		r = framing_next(&c->f, &st, s, n, &fr);
	assert_int_equal(r, FRAMING_FRAME);
	assert_int_equal(n - 1, len);
	assert_int_equal(len, framing_bound(&c->f)); /* the largest message */
	assert_int_equal(fr.off, w.head_len);
	assert_int_equal(fr.len, MIB);
	assert_int_equal(fr.consumed, len);
	free(s);
}

/* ---- answers ---- */

struct encode_case {
	const char *name;
	const struct framing *f;
	size_t len;
	struct bytes head, tail;
};

static const struct encode_case encode_cases[] = {
    {"delimiter: no head, the delimiter after", &crlf2, 5, B(""),
     B("\r\n\r\n")},
    {"NUL delimiter as tail", &nul2, 0, B(""), B("\0\0")},
    {"length32 empty", &l32, 0, B("\0\0\0\0"), B("")},
    {"length32 big-endian", &l32, 0x01020304, B("\1\2\3\4"), B("")},
    {"length32 4 GiB - 1", &l32, 0xffffffffu, B("\xff\xff\xff\xff"), B("")},
    {"netstring empty", &ns, 0, B("0:"), B(",")},
    {"netstring decimal", &ns, 1234567890, B("1234567890:"), B(",")},
#if SIZE_MAX == UINT64_MAX
    {"netstring largest size_t", &ns, SIZE_MAX, B("18446744073709551615:"),
     B(",")},
#endif
    {"none: raw bytes", &none, 7, B(""), B("")},
};

static void test_encode_case(void **state)
{
	const struct encode_case *c = *state;
	struct framing_wire w;

	assert_int_equal(framing_encode(c->f, c->len, &w), 0);
	assert_int_equal(w.head_len, c->head.n);
	assert_memory_equal(w.head, c->head.p, c->head.n);
	assert_int_equal(w.tail_len, c->tail.n);
	assert_memory_equal(w.tail, c->tail.p, c->tail.n);
}

static void test_encode_refuses_what_cannot_be_framed(void **state)
{
	struct framing_wire w;

	(void)state;
	assert_int_equal(framing_encode(&no_delim, 1, &w), -1);
	assert_int_equal(framing_encode(&long_delim, 1, &w), -1);
	if (SIZE_MAX > 0xffffffffu)
		assert_int_equal(
		    framing_encode(&l32, (size_t)0xffffffffu + 1, &w), -1);
}

/* Encoded answers, several in a row, decode to the same payloads. */
static void test_encode_round_trips_through_decode(void **state)
{
	static const struct framing *fs[] = {&lf,  &crlf2, &aab, &nul2,
					     &d64, &l32,   &ns};
	static const struct bytes payloads[] = {
	    B(""),	 B("x"),  B("hello, world"),
	    B("\0\1\2"), B("aa"), B("0123456789abcdef")};
	char stream[1024];
	struct framing_frame fr;
	struct framing_wire w;
	struct framing_state st;
	size_t i, j, n, pos;

	(void)state;
	for (i = 0; i < sizeof(fs) / sizeof(*fs); i++) {
		for (n = 0, j = 0; j < sizeof(payloads) / sizeof(*payloads);
		     j++) {
			assert_int_equal(
			    framing_encode(fs[i], payloads[j].n, &w), 0);
			memcpy(stream + n, w.head, w.head_len);
			memcpy(stream + n + w.head_len, payloads[j].p,
			       payloads[j].n);
			memcpy(stream + n + w.head_len + payloads[j].n, w.tail,
			       w.tail_len);
			n += w.head_len + payloads[j].n + w.tail_len;
		}
		st = (struct framing_state){0};
		for (pos = 0, j = 0; j < sizeof(payloads) / sizeof(*payloads);
		     j++) {
			const char *buf = guard_place(stream + pos, n - pos);

			assert_int_equal(
			    framing_next(fs[i], &st, buf, n - pos, &fr),
			    FRAMING_FRAME);
			assert_int_equal(fr.len, payloads[j].n);
			assert_memory_equal(buf + fr.off, payloads[j].p,
					    payloads[j].n);
			pos += fr.consumed;
		}
		assert_int_equal(pos, n);
	}
}

/* The input bound: exactly what the largest message takes. */
static void test_bound(void **state)
{
	static const struct {
		struct framing f;
		size_t want;
	} bounds[] = {
	    {{FRAMING_DELIMITER, "\r\n", 2, 100}, 102},
	    {{FRAMING_DELIMITER, "\r\n", 2, SIZE_MAX - 1}, SIZE_MAX},
	    {{FRAMING_DELIMITER, "", 0, 100}, 0},
	    {{FRAMING_LENGTH32, NULL, 0, 100}, 104},
	    {{FRAMING_LENGTH32, NULL, 0, SIZE_MAX}, SIZE_MAX},
	    {{FRAMING_NETSTRING, NULL, 0, 0}, 3},     /* "0:," */
	    {{FRAMING_NETSTRING, NULL, 0, 9}, 12},    /* "9:" 9 "," */
	    {{FRAMING_NETSTRING, NULL, 0, 10}, 14},   /* "10:" 10 "," */
	    {{FRAMING_NETSTRING, NULL, 0, 99}, 103},  /* "99:" 99 "," */
	    {{FRAMING_NETSTRING, NULL, 0, 100}, 105}, /* "100:" 100 "," */
	    {{FRAMING_NETSTRING, NULL, 0, SIZE_MAX}, SIZE_MAX},
	    {{FRAMING_NONE, NULL, 0, 100}, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bounds) / sizeof(*bounds); i++)
		if (framing_bound(&bounds[i].f) != bounds[i].want)
			fail_msg("bound %zu: %zu, want %zu", i,
				 framing_bound(&bounds[i].f), bounds[i].want);
}

/* ---- configuration names ---- */

static void test_kind_names(void **state)
{
	static const struct {
		const char *name;
		int ret;
		enum framing_kind kind;
	} names[] = {
	    {"none", 0, FRAMING_NONE},
	    {"delimiter", 0, FRAMING_DELIMITER},
	    {"length32", 0, FRAMING_LENGTH32},
	    {"netstring", 0, FRAMING_NETSTRING},
	    {"", -1, FRAMING_NONE},
	    {"Delimiter", -1, FRAMING_NONE},
	    {"length", -1, FRAMING_NONE},
	    {"length32 ", -1, FRAMING_NONE},
	    {"netstrings", -1, FRAMING_NONE},
	};
	enum framing_kind k;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		k = (enum framing_kind)99;
		if (framing_kind_parse(names[i].name, &k) != names[i].ret)
			fail_msg("\"%s\": wrong return", names[i].name);
		if (names[i].ret == 0 && k != names[i].kind)
			fail_msg("\"%s\": kind %d", names[i].name, k);
		if (names[i].ret != 0 && k != (enum framing_kind)99)
			fail_msg("\"%s\": *out written on error",
				 names[i].name);
	}
}

#define NCASES	(sizeof(cases) / sizeof(cases[0]))
#define NBIG	(sizeof(big_cases) / sizeof(big_cases[0]))
#define NENCODE (sizeof(encode_cases) / sizeof(encode_cases[0]))
#define NOTHER	7

int main(void)
{
	static struct CMUnitTest tests[NCASES + 2 * NBIG + NENCODE + NOTHER];
	static char names[2 * NBIG][80];
	size_t i, n = 0;

	for (i = 0; i < NCASES; i++)
		tests[n++] = (struct CMUnitTest){cases[i].name, test_case, NULL,
						 NULL, (void *)&cases[i]};
	for (i = 0; i < NBIG; i++) {
		snprintf(names[2 * i], sizeof(names[0]),
			 "%s: 10 MiB refused before 1 MiB is read",
			 big_cases[i].name);
		snprintf(names[2 * i + 1], sizeof(names[0]),
			 "%s: 1 MiB message delivered", big_cases[i].name);
		tests[n++] = (struct CMUnitTest){
		    names[2 * i], test_10mib_refused_before_1mib_is_read, NULL,
		    NULL, (void *)&big_cases[i]};
		tests[n++] = (struct CMUnitTest){
		    names[2 * i + 1], test_1mib_message_delivered, NULL, NULL,
		    (void *)&big_cases[i]};
	}
	for (i = 0; i < NENCODE; i++)
		tests[n++] =
		    (struct CMUnitTest){encode_cases[i].name, test_encode_case,
					NULL, NULL, (void *)&encode_cases[i]};
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_delimiter_straddling_two_reads);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_scanned_bytes_never_read_again);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_byte_by_byte_reads_each_byte_once);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_encode_refuses_what_cannot_be_framed);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_encode_round_trips_through_decode);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bound);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_kind_names);
	return _cmocka_run_group_tests("framing", tests, n, NULL, NULL);
}
