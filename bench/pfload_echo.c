/* pfload_echo.c - echo mode: round trips of random-sized messages, each
 * written whole while reading, and every byte echoed back verified; with
 * -L, lines (SIZE-1 bytes and \n) answered as the lines module does; with
 * -R and -A, one fixed request and its exact answer (e.g. a kvsync get) */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfload.h"

#define LINES_BLOCKS 64 /* -L: distinct lines to cut messages from */

/* -L: the pattern is LINES_BLOCKS lines of SIZE bytes (no \n inside, one
 * at the end), and rpattern the same lines with their bytes reversed. */
static int lines_setup(struct pf *pf)
{
	size_t n = pf->o.smin;

	pf->patlen = n * LINES_BLOCKS;
	pf->rpattern = malloc(pf->patlen);
	if (!pf->rpattern)
		return -1;
	for (size_t b = 0; b < LINES_BLOCKS; b++) {
		char *line = pf->pattern + b * n;
		for (size_t i = 0; i + 1 < n; i++) {
			if (line[i] == '\n')
				line[i] = 'x';
			pf->rpattern[b * n + n - 2 - i] = line[i];
		}
		line[n - 1] = '\n';
		pf->rpattern[b * n + n - 1] = '\n';
	}
	pf->lprefix_len = (size_t)snprintf(pf->lprefix, sizeof(pf->lprefix),
					   "%zu ", n - 1);
	return 0;
}

/* Reads the whole file at path into a malloc'd *buf (the caller frees
 * it). Returns 0, or -1 (errno set; an empty file is EINVAL). */
static int slurp(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL, *nb;
	size_t n = 0, cap = 0, got;
	int rc = -1;

	if (f == NULL)
		return -1;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((nb = realloc(b, cap)) == NULL)
				goto out;
			b = nb;
		}
		got = fread(b + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f))
		goto out;
	if (n == 0) {
		errno = EINVAL;
		goto out;
	}
	*buf = b;
	*len = n;
	b = NULL;
	rc = 0;
out:
	free(b);
	fclose(f);
	return rc;
}

/* -R/-A: the pattern is the request, answer what it must get back. */
static int fixed_setup(struct pf *pf)
{
	if (slurp(pf->o.req_file, &pf->pattern, &pf->patlen) < 0) {
		fprintf(stderr, "pfload: -R %s: %s\n", pf->o.req_file,
			strerror(errno));
		return -1;
	}
	if (slurp(pf->o.ans_file, &pf->answer, &pf->anslen) < 0) {
		fprintf(stderr, "pfload: -A %s: %s\n", pf->o.ans_file,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* Fills the pattern every message is cut from. Returns 0 or -1. */
int echo_setup(struct pf *pf)
{
	size_t len = pf->o.smax + PF_ECHO_SLACK;

	if (pf->o.req_file)
		return fixed_setup(pf);

	if (pf->o.lines && pf->o.smax * LINES_BLOCKS > len)
		len = pf->o.smax * LINES_BLOCKS;
	pf->patlen = len;
	pf->pattern = malloc(pf->patlen + 8);
	if (!pf->pattern)
		return -1;
	for (size_t i = 0; i < pf->patlen; i += 8) {
		uint64_t r = rng_next(&pf->rng);
		memcpy(pf->pattern + i, &r, 8);
	}
	return pf->o.lines ? lines_setup(pf) : 0;
}

/* -L: whether an answer's bytes at offset off are right: "SIZE-1 ", the
 * line's bytes reversed, then \n. */
static bool lines_match(const struct pf *pf, const struct conn *c, size_t off,
			const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++, off++) {
		char want = off < pf->lprefix_len
				? pf->lprefix[off]
				: pf->rpattern[c->moff + off - pf->lprefix_len];
		if (buf[i] != want)
			return false;
	}
	return true;
}

/* Starts the next round trip, if the budget allows one. */
static int echo_next(struct pf *pf, struct conn *c)
{
	size_t span = pf->o.smax - pf->o.smin;

	if (pf->limited) {
		if (pf->budget == 0)
			return 0;
		pf->budget--;
	}
	if (pf->answer) {
		c->msize = pf->patlen;
		c->moff = 0;
	} else {
		c->msize = pf->o.smin +
			   (span ? rng_next(&pf->rng) % (span + 1) : 0);
		c->moff = pf->o.lines
				  ? rng_next(&pf->rng) % LINES_BLOCKS * c->msize
				  : rng_next(&pf->rng) % PF_ECHO_SLACK;
	}
	c->wdone = c->rdone = 0;
	c->active = true;
	c->msg_start = pf->now;
	c->nreq++;
	pf->inflight++;
	return echo_write(pf, c);
}

int echo_open(struct pf *pf, struct conn *c)
{
	return echo_next(pf, c);
}

/* Writes as much of the message as the socket takes. -1: c failed. */
int echo_write(struct pf *pf, struct conn *c)
{
	size_t left = c->active ? c->msize - c->wdone : 0;
	ssize_t n = conn_send(pf, c, pf->pattern + c->moff + c->wdone, left);

	if (n < 0)
		return -1;
	c->wdone += (size_t)n;
	return 0;
}

/* Verifies echoed bytes; a complete echo starts the next round trip.
 * Returns -1 when c was closed. */
int echo_read(struct pf *pf, struct conn *c, const char *buf, size_t len)
{
	size_t answer = pf->answer ? pf->anslen
				   : c->msize + (pf->o.lines ? pf->lprefix_len : 0);
	bool good;

	if (pf->answer)
		good = c->wdone == c->msize && c->rdone + len <= answer &&
		       memcmp(buf, pf->answer + c->rdone, len) == 0;
	else if (pf->o.lines)
		good = c->wdone == c->msize && c->rdone + len <= answer &&
		       lines_match(pf, c, c->rdone, buf, len);
	else
		good = c->rdone + len <= c->wdone &&
		       memcmp(buf, pf->pattern + c->moff + c->rdone, len) == 0;

	if (!c->active || !good) {
		conn_fail(pf, c, ERR_MISMATCH);
		return -1;
	}
	c->rdone += len;
	if (c->rdone < answer)
		return 0;
	c->active = false;
	pf->inflight--;
	pf->ok++;
	hist_add(&pf->hist, (pf->now - c->msg_start) / 1000);
	return echo_next(pf, c);
}

/* The server closed: mid-echo it is a short echo, else a closed
 * connection. Always returns -1. */
int echo_eof(struct pf *pf, struct conn *c)
{
	conn_fail(pf, c, c->active && c->rdone ? ERR_SHORT : ERR_CLOSED);
	return -1;
}
