/* ctl_answer.h - the control socket's answer: recognise a complete one */
#ifndef PREFORKD_CTL_ANSWER_H
#define PREFORKD_CTL_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A complete answer; every pointer points into the parsed buffer. */
struct ctl_answer {
	bool ok;	   /* `OK`, or else `ERR <token>` */
	const char *token; /* the token of `ERR`; NULL for `OK` */
	size_t token_len;
	const char *body; /* the body lines, each with its '\n' */
	size_t body_len;  /* 0: no body */
};

/*
 * Looks at the answer read so far, buf[0..len): a first line `OK` or `ERR
 * <token>` (one word of printable ASCII), then body lines, then one empty
 * line. Returns the answer's length (through the empty line) with *a
 * filled; 0 when it needs more bytes; -1 as soon as the first line (or
 * its start) cannot be one of the two. Bytes after the empty line are
 * not looked at. No I/O, no allocation.
 */
ssize_t ctl_answer_parse(const char *buf, size_t len, struct ctl_answer *a);

#endif
