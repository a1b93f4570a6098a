/* pfload_http.c - http mode: writes (pipelined) requests, parses and checks
 * every response, split across reads or not */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pfload.h"

/* Builds opts.depth back-to-back copies of the request. Returns 0 or -1. */
int http_setup(struct pf *pf)
{
	char req[2048];
	int n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: %s\r\n%s\r\n",
			 pf->o.method, pf->o.path, pf->o.hostport,
			 pf->o.close ? "Connection: close\r\n" : "");

	if (n < 0 || (size_t)n >= sizeof(req))
		return -1;
	pf->reqlen = (size_t)n;
	pf->reqs = malloc(pf->reqlen * pf->o.depth);
	if (!pf->reqs)
		return -1;
	for (unsigned i = 0; i < pf->o.depth; i++)
		memcpy(pf->reqs + i * pf->reqlen, req, pf->reqlen);
	return 0;
}

/* Whether the comma/space separated value v contains token t. */
static bool has_token(const char *v, size_t len, const char *t)
{
	size_t tl = strlen(t);

	for (size_t i = 0; i + tl <= len; i++)
		if (strncasecmp(v + i, t, tl) == 0 &&
		    (i == 0 || !isalnum((unsigned char)v[i - 1])) &&
		    (i + tl == len || !isalnum((unsigned char)v[i + tl])))
			return true;
	return false;
}

static bool name_is(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && strncasecmp(name, want, len) == 0;
}

static int parse_clen(const char *v, size_t len, long long *out)
{
	long long n = 0;

	if (len == 0 || len > 15)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)v[i]))
			return -1;
		n = n * 10 + (v[i] - '0');
	}
	if (*out >= 0 && *out != n)
		return -1; /* two different lengths */
	*out = n;
	return 0;
}

/* One header line, without its CRLF. Returns 0 or -1 (malformed). */
static int http_parse_header(const char *line, size_t len, struct pf_resp *r)
{
	const char *colon = memchr(line, ':', len), *v, *end = line + len;
	size_t nlen;

	if (!colon || colon == line)
		return -1;
	nlen = (size_t)(colon - line);
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (name_is(line, nlen, "content-length"))
		return parse_clen(v, (size_t)(end - v), &r->clen);
	if (name_is(line, nlen, "connection")) {
		if (has_token(v, (size_t)(end - v), "close"))
			r->close = true;
		else if (has_token(v, (size_t)(end - v), "keep-alive"))
			r->close = false;
	} else if (name_is(line, nlen, "transfer-encoding")) {
		r->chunked = has_token(v, (size_t)(end - v), "chunked");
	}
	return 0;
}

static int http_parse_status(const char *buf, size_t len, struct pf_resp *r)
{
	if (len < 12 || memcmp(buf, "HTTP/1.", 7) != 0 ||
	    (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ')
		return -1;
	for (int i = 9; i < 12; i++)
		if (!isdigit((unsigned char)buf[i]))
			return -1;
	if (len > 12 && buf[12] != ' ')
		return -1;
	r->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + buf[11] - '0';
	r->clen = -1;
	r->close = buf[7] == '0'; /* HTTP/1.0 closes unless told otherwise */
	r->chunked = false;
	return 0;
}

/* Parses a response head in buf[0..len), doing no I/O. Returns the head's
 * length (through its empty line), 0 when it is not complete yet, or -1
 * when it is not a valid HTTP/1.x response head. */
ssize_t http_parse_head(const char *buf, size_t len, struct pf_resp *r)
{
	const char *stop = memmem(buf, len, "\r\n\r\n", 4), *line, *eol;

	if (!stop)
		return 0;
	stop += 2; /* just past the CRLF of the last header line */
	eol = memchr(buf, '\n', (size_t)(stop - buf));
	if (eol[-1] != '\r' ||
	    http_parse_status(buf, (size_t)(eol - 1 - buf), r) < 0)
		return -1;
	for (line = eol + 1; line < stop; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(stop - line));
		if (eol[-1] != '\r' ||
		    http_parse_header(line, (size_t)(eol - 1 - line), r) < 0)
			return -1;
	}
	return stop + 2 - buf;
}

/* Parses through a cache of the last head seen verbatim: a server sends
 * the same head again and again, and comparing is cheaper than parsing. */
static ssize_t http_head_cached(struct pf *pf, const char *p, size_t n,
				struct pf_resp *r)
{
	ssize_t h;

	if (pf->head_cache_len && n >= pf->head_cache_len &&
	    memcmp(p, pf->head_cache, pf->head_cache_len) == 0) {
		*r = pf->head_cache_resp;
		return (ssize_t)pf->head_cache_len;
	}
	h = http_parse_head(p, n, r);
	if (h > 0 && (size_t)h <= sizeof(pf->head_cache)) {
		memcpy(pf->head_cache, p, (size_t)h);
		pf->head_cache_len = (size_t)h;
		pf->head_cache_resp = *r;
	}
	return h;
}

/* Sets up c to read the body that head r announces; -1 if c failed. */
static int http_expect(struct pf *pf, struct conn *c, const struct pf_resp *r)
{
	const struct pf_opts *o = &pf->o;
	bool bodyless = o->head || r->status == 204 || r->status == 304;

	c->bad_status = o->status ? r->status != o->status
				  : (r->status < 200 || r->status > 299);
	c->bad_body = o->clen >= 0 && r->clen != o->clen;
	c->close_after = r->close;
	c->resp_clen = r->clen;
	c->body_got = 0;
	c->in_body = true;
	c->until_eof = false;
	c->body_left = bodyless ? 0 : (size_t)r->clen;
	if (bodyless || r->clen >= 0)
		return 0;
	if (r->chunked) { /* not needed by any server measured here */
		conn_fail(pf, c, ERR_MISMATCH);
		return -1;
	}
	c->until_eof = true; /* no length: the body ends at EOF */
	c->close_after = true;
	c->body_left = SIZE_MAX;
	return 0;
}

/* Consumes a head at p. Returns its length, 0 when incomplete (the bytes
 * are saved for the next read), or -1 when c failed. */
static ssize_t http_head(struct pf *pf, struct conn *c, const char *p,
			 size_t n)
{
	struct pf_resp r;
	ssize_t h = http_head_cached(pf, p, n, &r);

	if (h == 0 && n <= PF_MAX_HEAD) {
		if (!c->pend && !(c->pend = malloc(PF_MAX_HEAD)))
			h = -1;
		else
			memcpy(c->pend, p, c->npend = n);
		if (h == 0)
			return 0;
	}
	if (h <= 0 || c->outstanding == 0) { /* garbage, or unasked for */
		conn_fail(pf, c, ERR_MISMATCH);
		return -1;
	}
	if (r.status >= 100 && r.status < 200 && r.status != 101)
		return h; /* an interim response: the real one follows */
	return http_expect(pf, c, &r) < 0 ? -1 : h;
}

static void http_body(struct pf *pf, struct conn *c, const char *p, size_t n)
{
	const char *want = pf->o.body;

	if (want && !c->bad_body &&
	    (c->body_got + n > strlen(want) ||
	     memcmp(p, want + c->body_got, n) != 0))
		c->bad_body = true;
	c->body_got += n;
	if (!c->until_eof)
		c->body_left -= n;
}

/* A response is complete: count it. Returns -1 when c was closed. */
static int http_done(struct pf *pf, struct conn *c)
{
	uint64_t t0 = c->sent[c->ring_head];

	c->ring_head = (c->ring_head + 1) % pf->o.depth;
	c->outstanding--;
	pf->inflight--;
	c->in_body = false;
	if (pf->o.body && !pf->o.head && c->body_got != strlen(pf->o.body))
		c->bad_body = true;
	if (c->bad_status)
		pf->err[ERR_STATUS]++;
	else if (c->bad_body)
		pf->err[ERR_MISMATCH]++;
	if (pf->o.mode == MODE_IDLE && !c->close_after) {
		conn_hold(pf, c);
		return 0;
	}
	if (!c->bad_status && !c->bad_body && pf->o.mode == MODE_HTTP) {
		pf->ok++;
		hist_add(&pf->hist, (pf->now - t0) / 1000);
	}
	if (pf->o.close || c->close_after) {
		conn_finish(pf, c);
		return -1;
	}
	return 0;
}

/* Once every request of the last batch has been answered, queues the next
 * batch of opts.depth requests (one write, the shape of wrk's and
 * TechEmpower's pipelining), and writes. */
static int http_refill(struct pf *pf, struct conn *c)
{
	unsigned k = c->outstanding ? 0 : pf->o.depth;

	if ((pf->o.close || pf->o.mode == MODE_IDLE) && c->nreq)
		k = 0; /* one request per connection */
	if (pf->limited && k > pf->budget)
		k = (unsigned)pf->budget;
	for (unsigned i = 0; i < k; i++) {
		unsigned slot = (c->ring_head + c->outstanding) % pf->o.depth;
		c->sent[slot] = pf->now;
		c->outstanding++;
	}
	if (pf->limited)
		pf->budget -= k;
	pf->inflight += k;
	c->nreq += k;
	c->wbytes += k * pf->reqlen;
	return http_write(pf, c);
}

int http_open(struct pf *pf, struct conn *c)
{
	return http_refill(pf, c);
}

/* Writes what is queued; the queue is always a suffix of reqs. */
int http_write(struct pf *pf, struct conn *c)
{
	size_t total = pf->reqlen * pf->o.depth;
	ssize_t n = conn_send(pf, c, pf->reqs + total - c->wbytes, c->wbytes);

	if (n < 0)
		return -1;
	c->wbytes -= (size_t)n;
	return 0;
}

/* Consumes len bytes of responses, then tops the pipeline up. Returns -1
 * when c was closed. */
int http_read(struct pf *pf, struct conn *c, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	for (;;) {
		if (!c->in_body) {
			ssize_t h;
			if (p == end)
				break;
			h = http_head(pf, c, p, (size_t)(end - p));
			if (h <= 0)
				return h < 0 ? -1 : http_refill(pf, c);
			p += h;
			continue;
		}
		size_t take = (size_t)(end - p);
		if (take > c->body_left)
			take = c->body_left;
		http_body(pf, c, p, take);
		p += take;
		if (c->body_left > 0 || c->until_eof)
			break;
		if (http_done(pf, c) < 0)
			return -1;
	}
	return http_refill(pf, c);
}

/* The server closed: the end of a body without length, or an error.
 * Always returns -1 (c is closed). */
int http_eof(struct pf *pf, struct conn *c)
{
	if (c->in_body && c->until_eof) {
		c->until_eof = false;
		if (http_done(pf, c) == 0)
			conn_finish(pf, c);
		return -1;
	}
	if (c->in_body || c->npend || pf->o.close)
		conn_fail(pf, c, ERR_SHORT);
	else
		conn_fail(pf, c, ERR_CLOSED);
	return -1;
}
