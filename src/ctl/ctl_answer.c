/* ctl_answer.c - the control socket's answer: recognise a complete one */
#include "config.h"

#include <string.h>

#include "ctl/ctl_answer.h"

/* The longest first line taken: "ERR " and a token of this many bytes. */
#define TOKEN_MAX 64

static bool is_token_byte(char ch)
{
	unsigned char u = (unsigned char)ch;

	return u > 0x20 && u < 0x7f;
}

/* Whether line[0..n) (no '\n') is, or for !whole starts, a first line. */
static bool first_line_fits(const char *line, size_t n, bool whole)
{
	static const char ok[] = "OK", err[] = "ERR ";
	size_t k;

	if (n == 0)
		return !whole;
	if (line[0] == 'O') {
		k = n < 2 ? n : 2;
		return memcmp(line, ok, k) == 0 && (whole ? n == 2 : n <= 2);
	}
	k = n < 4 ? n : 4;
	if (memcmp(line, err, k) != 0 || n > 4 + TOKEN_MAX)
		return false;
	for (size_t i = 4; i < n; i++)
		if (!is_token_byte(line[i]))
			return false;
	return !whole || n > 4;
}

ssize_t ctl_answer_parse(const char *buf, size_t len, struct ctl_answer *a)
{
	const char *nl = memchr(buf, '\n', len);
	const char *end;
	size_t first;

	if (nl == NULL)
		return first_line_fits(buf, len, false) ? 0 : -1;
	first = (size_t)(nl - buf);
	if (!first_line_fits(buf, first, true))
		return -1;
	/* The empty line: a '\n' right after the one that ends a line. */
	end = memmem(nl, len - first, "\n\n", 2);
	if (end == NULL)
		return 0;
	memset(a, 0, sizeof(*a));
	a->ok = buf[0] == 'O';
	if (!a->ok) {
		a->token = buf + 4;
		a->token_len = first - 4;
	}
	a->body = nl + 1;
	a->body_len = (size_t)(end - nl);
	return (ssize_t)(end - buf) + 2;
}
