/* pfload_echo.c - echo mode: round trips of random-sized messages, each
 * written whole while reading, and every byte echoed back verified */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pfload.h"

/* Fills the pattern every message is cut from. Returns 0 or -1. */
int echo_setup(struct pf *pf)
{
	pf->patlen = pf->o.smax + PF_ECHO_SLACK;
	pf->pattern = malloc(pf->patlen + 8);
	if (!pf->pattern)
		return -1;
	for (size_t i = 0; i < pf->patlen; i += 8) {
		uint64_t r = rng_next(&pf->rng);
		memcpy(pf->pattern + i, &r, 8);
	}
	return 0;
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
	c->msize = pf->o.smin + (span ? rng_next(&pf->rng) % (span + 1) : 0);
	c->moff = rng_next(&pf->rng) % PF_ECHO_SLACK;
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
	if (!c->active || c->rdone + len > c->wdone ||
	    memcmp(buf, pf->pattern + c->moff + c->rdone, len) != 0) {
		conn_fail(pf, c, ERR_MISMATCH);
		return -1;
	}
	c->rdone += len;
	if (c->rdone < c->msize)
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
