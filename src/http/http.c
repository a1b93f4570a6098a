/* http.c - the HTTP/1.1 mode: requests in, responses out, keep-alive,
 * pipelining (answers batched into one write), bodies read and discarded,
 * static files by sendfile */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "http_cond.h"
#include "http_multipart.h"
#include "http_ranges.h"
#include "http_cache.h"
#include "http_date.h"
#include "http_log.h"
#include "http_parse.h"
#include "http_path.h"
#include "http_resp.h"
#include "http_static.h"
#include "core/log.h"

#define OUT_SIZE (64 * 1024)
#define SMALL_FILE (16 * 1024) /* copied into the batch, not sendfile'd */
/* Ranges this close are sent as one part: about the cost of a part head. */
#define RANGE_GAP 80

/* A prepared fixed response: head + body, Date patched in per second. */
struct fixed {
	char *buf;
	size_t head_len, len, date_off;
};

/* What an http listener serves (lsn->mode_data). */
struct http_site {
	const struct http_conf *conf;
	struct http_limits limits;
	int root_fd; /* -1: the fixed response */
	struct http_cache cache; /* small static files */
	struct fixed fixed[2][2]; /* [version_minor][keep_alive] */
	struct http_log *log;
};

/* The parts of a multipart/byteranges answer sent from a file. */
struct http_mp {
	struct http_ranges rs;
	size_t cur; /* the part being sent */
	uint64_t size;
	const char *content_type;
	char boundary[HTTP_MULTIPART_BOUNDARY_LEN + 1];
};

/* c->proto: a request not finished with one batch. */
struct http_tx {
	char *head; /* a request whose body is being discarded */
	size_t head_len;
	uint64_t body_left;
	bool chunked;
	struct http_chunked ch;
	int file_fd; /* a file being sent, or -1 */
	off_t file_off;
	uint64_t file_left;
	struct http_mp *mp; /* more parts of the file to send, or NULL */
};

/* Answers of one batch are gathered here and written at once. The worker
 * is single-threaded, so one buffer serves every connection in turn. */
static struct {
	char buf[OUT_SIZE];
	size_t len;
} out;

static struct http_site *site_of(const struct conn *c)
{
	return c->lsn->mode_data;
}

static int out_flush(struct conn *c)
{
	struct iovec iov = { out.buf, out.len };

	if (out.len == 0)
		return 0;
	out.len = 0;
	return conn_writev(c, &iov, 1);
}

/* Reserves n bytes of out (flushing first if needed); NULL when c closed. */
static char *out_reserve(struct conn *c, size_t n)
{
	if (OUT_SIZE - out.len < n && out_flush(c) < 0)
		return NULL;
	return out.buf + out.len;
}

static int out_append(struct conn *c, const void *p, size_t n)
{
	if (n > OUT_SIZE) {
		struct iovec iov = { (void *)p, n };
		return out_flush(c) < 0 ? -1 : conn_writev(c, &iov, 1);
	}
	char *dst = out_reserve(c, n);
	if (dst == NULL)
		return -1;
	memcpy(dst, p, n);
	out.len += n;
	return 0;
}

static struct http_tx *tx_get(struct conn *c)
{
	struct http_tx *tx = c->proto;

	if (tx == NULL) {
		tx = calloc(1, sizeof(*tx));
		if (tx == NULL)
			return NULL;
		tx->file_fd = -1;
		c->proto = tx;
	}
	return tx;
}

static void tx_free(struct conn *c)
{
	struct http_tx *tx = c->proto;

	if (tx == NULL)
		return;
	if (tx->file_fd >= 0)
		close(tx->file_fd);
	free(tx->mp);
	free(tx->head);
	free(tx);
	c->proto = NULL;
}

/* Whether this answer keeps the connection: the client wants it, we allow
 * keep-alive, we are not draining, and no earlier answer said close. */
static bool keep_alive(struct conn *c, const struct http_request *req)
{
	return req->keep_alive && !c->lsn->srv->draining &&
	       site_of(c)->conf->keepalive_timeout > 0 &&
	       !(c->flags & CONN_DONE);
}

/* No more requests on c: it finishes once its answers are out. */
static void mark_close(struct conn *c)
{
	c->flags |= CONN_DONE;
}

static void access_log(struct conn *c, const struct http_request *req,
		       int status, uint64_t bytes)
{
	struct http_site *site = site_of(c);
	const char *line = req != NULL ? req->method : "-";
	uint32_t now = (uint32_t)loop_now(c->lsn->srv->loop);
	size_t len = 1;

	/* Every answer passes here once: it is also where answers are counted. */
	stats_response(&c->lsn->stats, status, now - c->mode_word);
	if (site->log == NULL)
		return;
	if (req != NULL) /* method through version: the request line */
		len = (size_t)(req->target + req->target_len - req->method) + 9;
	http_log_request(site->log, c, line, len, status, bytes);
}

/* Answers status with a short text body. Errors that break the framing
 * (every 4xx/5xx from the parser) close the connection after it. */
static int send_error(struct conn *c, const struct http_request *req,
		      int status, bool close, const char *extra)
{
	static char head[20 * 1024]; /* room for a Location of a long path */
	char body[64];
	struct http_head h = {
		.status = status,
		.version_minor = req != NULL ? req->version_minor : 1,
		.keep_alive = !close && req != NULL && keep_alive(c, req),
		.content_type = "text/plain; charset=utf-8",
		.extra = extra,
	};
	size_t blen = (size_t)snprintf(body, sizeof(body), "%d %s\n", status,
				       http_reason(status));
	size_t hlen;

	h.content_length = blen;
	hlen = http_head_format(head, sizeof(head), &h);
	if (!h.keep_alive)
		mark_close(c);
	if (close) /* the client may still be sending what we did not read */
		c->flags |= CONN_UNREAD;
	access_log(c, req, status, blen);
	if (out_append(c, head, hlen) < 0)
		return -1;
	if (req != NULL && req->meth == HTTP_HEAD)
		return 0;
	return out_append(c, body, blen);
}

static int send_fixed(struct conn *c, const struct http_request *req)
{
	struct http_site *site = site_of(c);
	bool ka = keep_alive(c, req);
	const struct fixed *f = &site->fixed[req->version_minor][ka];
	bool head = req->meth == HTTP_HEAD;
	char *dst = out_reserve(c, head ? f->head_len : f->len);

	if (dst == NULL)
		return -1;
	if (!ka)
		mark_close(c);
	access_log(c, req, 200, head ? 0 : f->len - f->head_len);
	memcpy(dst, f->buf, f->head_len);
	memcpy(dst + f->date_off, http_now_date(time(NULL)), HTTP_DATE_LEN);
	out.len += f->head_len;
	return head ? 0 : out_append(c, f->buf + f->head_len, f->len - f->head_len);
}

/* After a part of a multipart answer: writes the next part's head and
 * aims tx at its bytes (1), or writes the close delimiter (0); -1 when c
 * closed. */
static int part_next(struct conn *c, struct http_tx *tx)
{
	struct http_mp *mp = tx->mp;
	char buf[HTTP_MULTIPART_PART_MAX];
	struct iovec iov = {buf, 0};
	bool more = ++mp->cur < mp->rs.n;

	if (more) {
		const struct http_range *rg = &mp->rs.r[mp->cur];

		iov.iov_len = http_multipart_part(buf, sizeof(buf), mp->boundary,
						  mp->content_type, rg, mp->size);
		tx->file_off = (off_t)rg->first;
		tx->file_left = rg->last - rg->first + 1;
	} else {
		iov.iov_len = http_multipart_end(buf, sizeof(buf), mp->boundary);
	}
	return conn_writev(c, &iov, 1) < 0 ? -1 : more;
}

/* Sends what is left of tx's file (and of its other parts); 1 when done,
 * 0 when the socket is full (we wait for it), -1 when c closed. */
static int file_send(struct conn *c, struct http_tx *tx)
{
	for (;;) {
		while (tx->file_left > 0) {
			size_t chunk = tx->file_left > (1u << 30)
					   ? 1u << 30 : (size_t)tx->file_left;
			ssize_t n = sendfile(c->watch.fd, tx->file_fd,
					     &tx->file_off, chunk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN)
				return conn_wait_writable(c) < 0 ? -1 : 0;
			if (n <= 0) {
				conn_close(c, n == 0 ? "file shrank while sent"
						     : strerror(errno));
				return -1;
			}
			tx->file_left -= (uint64_t)n;
			c->lsn->stats.tx_bytes += (uint64_t)n;
		}
		if (tx->mp == NULL)
			break;
		int r = part_next(c, tx);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		if (c->out != NULL)
			return 0; /* the part head waits; on_drained goes on */
	}
	close(tx->file_fd);
	tx->file_fd = -1;
	free(tx->mp);
	tx->mp = NULL;
	return 1;
}

/* The body of a static answer: small ones join the batch, large ones go
 * by sendfile once the batch is written. */
static int send_file_body(struct conn *c, struct http_file *f, uint64_t first,
			  uint64_t len)
{
	struct http_tx *tx;
	char *dst;

	if (len <= SMALL_FILE) {
		ssize_t n = -1;
		if ((dst = out_reserve(c, len)) != NULL)
			n = pread(f->fd, dst, len, (off_t)first);
		close(f->fd);
		if (dst == NULL)
			return -1;
		if (n != (ssize_t)len) {
			conn_close(c, "short read of a file");
			return -1;
		}
		out.len += len;
		return 0;
	}
	if (out_flush(c) < 0 || (tx = tx_get(c)) == NULL) {
		close(f->fd);
		return -1;
	}
	tx->file_fd = f->fd;
	tx->file_off = (off_t)first;
	tx->file_left = len;
	return c->out != NULL ? 0 : file_send(c, tx) < 0 ? -1 : 0;
}

/* A static answer: the file's metadata, and its body in memory (cached)
 * or in an open file. */
struct rep {
	uint64_t size;
	time_t mtime;
	const char *content_type;
	const char *last_modified;
	const char *etag;
	size_t etag_len;
	const char *mem;
	struct http_file *file;
};

static void rep_close(struct rep *r)
{
	if (r->file != NULL)
		close(r->file->fd);
}

static int rep_body(struct conn *c, struct rep *r, uint64_t first, uint64_t len)
{
	if (r->mem != NULL)
		return out_append(c, r->mem + first, (size_t)len);
	return send_file_body(c, r->file, first, len);
}

/* Writes h with keep-alive decided and the request logged; -1 when c
 * closed. */
static int rep_head(struct conn *c, const struct http_request *req,
		    struct http_head *h)
{
	char head[1024];

	h->keep_alive = keep_alive(c, req);
	if (!h->keep_alive)
		mark_close(c);
	access_log(c, req, h->status, h->status == 304 ? 0 : h->content_length);
	return out_append(c, head, http_head_format(head, sizeof(head), h));
}

/* The body of a multipart/byteranges answer from a file: the first part's
 * head joins the batch, then file_send sends each part and the heads of
 * the others. */
static int multipart_file(struct conn *c, struct rep *r, struct http_mp *mp)
{
	struct http_tx *tx;

	if (out_flush(c) < 0 || (tx = tx_get(c)) == NULL) {
		free(mp);
		rep_close(r);
		return -1;
	}
	tx->mp = mp;
	tx->file_fd = r->file->fd;
	tx->file_off = (off_t)mp->rs.r[0].first;
	tx->file_left = mp->rs.r[0].last - mp->rs.r[0].first + 1;
	return c->out != NULL ? 0 : file_send(c, tx) < 0 ? -1 : 0;
}

/* 206 with several ranges, as multipart/byteranges (RFC 9110 14.6). */
static int send_multipart(struct conn *c, const struct http_request *req,
			  struct rep *r, const struct http_ranges *rs,
			  struct http_head *h)
{
	static uint64_t seq;
	char ctype[64 + HTTP_MULTIPART_BOUNDARY_LEN], part[HTTP_MULTIPART_PART_MAX];
	struct http_mp *mp = calloc(1, sizeof(*mp));

	if (mp == NULL) {
		rep_close(r);
		conn_close(c, "out of memory");
		return -1;
	}
	if (seq == 0)
		seq = (uint64_t)time(NULL) << 24 ^ (uint64_t)getpid();
	http_multipart_boundary(mp->boundary, ++seq);
	mp->rs = *rs;
	mp->size = r->size;
	mp->content_type = r->content_type;
	snprintf(ctype, sizeof(ctype), "multipart/byteranges; boundary=%s",
		 mp->boundary);
	h->status = 206;
	h->content_type = ctype;
	h->content_length =
	    http_multipart_length(rs, mp->boundary, r->content_type, r->size);
	if (rep_head(c, req, h) < 0 ||
	    out_append(c, part, http_multipart_part(part, sizeof(part), mp->boundary,
						   r->content_type, &rs->r[0],
						   r->size)) < 0) {
		free(mp);
		rep_close(r);
		return -1;
	}
	if (r->mem == NULL)
		return multipart_file(c, r, mp);
	for (size_t i = 0; i < rs->n; i++) {
		const struct http_range *rg = &rs->r[i];
		size_t n = i == 0 ? 0
				  : http_multipart_part(part, sizeof(part),
							mp->boundary, r->content_type,
							rg, r->size);
		if (out_append(c, part, n) < 0 ||
		    out_append(c, r->mem + rg->first,
			       (size_t)(rg->last - rg->first + 1)) < 0)
			break;
	}
	size_t n = http_multipart_end(part, sizeof(part), mp->boundary);
	free(mp);
	return c->flags & CONN_CLOSED ? -1 : out_append(c, part, n);
}

/* Answers with r: 412 or 304 by the preconditions, 206 (one part or
 * several) or 416 for a Range, else 200. */
static int send_rep(struct conn *c, const struct http_request *req,
		    struct rep *r)
{
	const struct http_validators v = {r->etag, r->etag_len, r->mtime};
	char extra[128];
	struct http_head h = {
		.status = 200, .version_minor = req->version_minor,
		.content_type = r->content_type, .last_modified = r->last_modified,
		.etag = r->etag, .content_length = r->size,
		.extra = "Accept-Ranges: bytes\r\n",
	};
	struct http_ranges rs;
	uint64_t first = 0;
	int n = 0;

	h.status = http_cond_check(req, &v);
	if (h.status == 412) {
		rep_close(r);
		return send_error(c, req, 412, false, NULL);
	}
	/* Range is defined for GET only (RFC 9110 14.2), after If-Range */
	if (h.status == 200 && req->range != NULL && req->meth == HTTP_GET &&
	    http_cond_range_ok(req, &v))
		n = http_ranges_parse(req->range, req->range_len, r->size,
				      RANGE_GAP, &rs);
	if (n == HTTP_RANGES_UNSATISFIABLE) {
		rep_close(r);
		snprintf(extra, sizeof(extra), "Content-Range: bytes */%llu\r\n",
			 (unsigned long long)r->size);
		return send_error(c, req, 416, false, extra);
	}
	if (n > 1)
		return send_multipart(c, req, r, &rs, &h);
	if (n == 1) {
		h.status = 206;
		first = rs.r[0].first;
		h.content_length = rs.r[0].last - first + 1;
		snprintf(extra, sizeof(extra), "Content-Range: bytes %llu-%llu/%llu\r\n",
			 (unsigned long long)first, (unsigned long long)rs.r[0].last,
			 (unsigned long long)r->size);
		h.extra = extra;
	}
	if (rep_head(c, req, &h) < 0 || h.status == 304 ||
	    req->meth == HTTP_HEAD || h.content_length == 0) {
		rep_close(r);
		return c->flags & CONN_CLOSED ? -1 : 0;
	}
	return rep_body(c, r, first, h.content_length);
}

/* 301 to the slashed path of a directory, with the target's query. */
static int send_redirect(struct conn *c, const struct http_request *req,
			 const char *path)
{
	static char extra[16 * 1024];
	const char *q = memchr(req->target, '?', req->target_len);
	size_t qlen = q != NULL ? (size_t)(req->target + req->target_len - q) : 0;
	size_t n = sizeof("Location: ") - 1;
	int e;

	memcpy(extra, "Location: ", n);
	e = http_path_encode(path, extra + n, sizeof(extra) - n);
	if (e < 0 || n + (size_t)e + qlen + 4 > sizeof(extra))
		return send_error(c, req, 404, false, NULL); /* cannot say where */
	n += (size_t)e;
	extra[n++] = '/';
	if (q != NULL)
		memcpy(extra + n, q, qlen);
	n += qlen;
	memcpy(extra + n, "\r\n", 3);
	return send_error(c, req, 301, false, extra);
}

/* The file a request path names, relative to the root, for the cache. */
static void cache_file_name(const char *path, bool index, char *file,
			    size_t len)
{
	size_t n = strlen(path);

	if (!index || n + 12 > len)
		snprintf(file, len, "%s", path + 1); /* too long: not cached */
	else
		snprintf(file, len, "%s%sindex.html", path + 1,
			 n > 1 && path[n - 1] != '/' ? "/" : "");
}

static int send_static(struct conn *c, const struct http_request *req)
{
	struct http_site *site = site_of(c);
	char path[4096], file[4096 + 16], lm[HTTP_DATE_LEN + 1];
	char etag[HTTP_ETAG_SIZE];
	const struct http_cached *ce;
	time_t now = time(NULL);
	struct http_file f;
	int st;

	st = http_path_normalize(req->target, req->target_len, path, sizeof(path));
	if (st < 0)
		return send_error(c, req, st == HTTP_PATH_MISSING ? 404 : 400,
				  false, NULL);
	if ((ce = http_cache_get(&site->cache, site->root_fd, path, now)) != NULL) {
		struct rep r = {ce->size, ce->mtim.tv_sec, ce->content_type,
				ce->last_modified, ce->etag, ce->etag_len,
				ce->body, NULL};
		return send_rep(c, req, &r);
	}
	if ((st = http_static_open(site->root_fd, path, &f)) != 0)
		return st == 301 ? send_redirect(c, req, path)
				 : send_error(c, req, st, false, NULL);
	cache_file_name(path, f.index, file, sizeof(file));
	http_cache_put(&site->cache, path, file, f.fd, &f.st, f.content_type, now);
	http_date_format(f.mtime, lm);
	size_t elen = http_etag_format(etag, (uint64_t)f.st.st_ino,
				       http_mtime_ns(&f.st), f.size);
	struct rep r = {f.size, f.mtime, f.content_type, lm, etag, elen, NULL, &f};
	return send_rep(c, req, &r);
}

/* Whether req asks for the listener's health_path (a query is ignored). */
static bool is_health(const struct conn *c, const struct http_request *req)
{
	const char *hp = site_of(c)->conf->health_path;
	size_t n = req->target_len;
	const char *q;

	if (hp == NULL || (req->meth != HTTP_GET && req->meth != HTTP_HEAD))
		return false;
	if ((q = memchr(req->target, '?', n)) != NULL)
		n = (size_t)(q - req->target);
	return n == strlen(hp) && memcmp(req->target, hp, n) == 0;
}

/* The balancer's check: "200 ok", or "503 draining" once the worker was
 * told to leave; counted as an answer but not access-logged, as checks
 * come every few hundred milliseconds from every balancer. */
static int send_health(struct conn *c, const struct http_request *req)
{
	bool down = c->lsn->srv->unhealthy;
	const char *body = down ? "draining\n" : "ok\n";
	char head[512];
	struct http_head h = {
		.status = down ? 503 : 200,
		.version_minor = req->version_minor,
		.keep_alive = keep_alive(c, req),
		.content_type = "text/plain; charset=utf-8",
		.content_length = strlen(body),
		.extra = "Cache-Control: no-store\r\n",
	};
	size_t hlen = http_head_format(head, sizeof(head), &h);
	uint32_t now = (uint32_t)loop_now(c->lsn->srv->loop);

	if (!h.keep_alive)
		mark_close(c);
	stats_response(&c->lsn->stats, h.status, now - c->mode_word);
	if (out_append(c, head, hlen) < 0)
		return -1;
	return req->meth == HTTP_HEAD ? 0 : out_append(c, body, strlen(body));
}

/* Answers one complete request (its body, if any, already discarded). */
static int respond(struct conn *c, const struct http_request *req)
{
	c->lsn->srv->requests++;
	if (is_health(c, req))
		return send_health(c, req);
	if (req->meth == HTTP_OTHER_METHOD)
		return send_error(c, req, 405, false, "Allow: GET, HEAD\r\n");
	if (site_of(c)->root_fd < 0)
		return send_fixed(c, req);
	return send_static(c, req);
}

/* A request with a body: keep its head, discard the body, then answer. */
static int body_start(struct conn *c, const struct http_request *req,
		      const char *head, size_t head_len)
{
	const struct http_conf *hc = site_of(c)->conf;
	struct http_tx *tx;

	if (req->has_content_length &&
	    req->content_length > (uint64_t)hc->max_body_size)
		return send_error(c, req, 413, true, NULL);
	if ((tx = tx_get(c)) == NULL || (tx->head = malloc(head_len)) == NULL) {
		conn_close(c, "out of memory");
		return -1;
	}
	memcpy(tx->head, head, head_len);
	tx->head_len = head_len;
	tx->chunked = req->chunked;
	tx->body_left = req->content_length;
	http_chunked_init(&tx->ch);
	return 0;
}

/* Consumes body bytes from data; when the body is complete, answers the
 * kept request. Returns bytes consumed, or -1 when c closed. */
static ssize_t body_consume(struct conn *c, struct http_tx *tx,
			    const char *data, size_t len)
{
	struct http_request req;
	size_t used = len;
	int st, r = 1;

	if (tx->chunked) {
		r = http_chunked_skip(&tx->ch, data, len,
				      (uint64_t)site_of(c)->conf->max_body_size, &used);
		if (r < 0)
			return send_error(c, NULL, r == -2 ? 413 : 400, true, NULL) < 0
				       ? -1 : (ssize_t)len;
	} else {
		used = len < tx->body_left ? len : (size_t)tx->body_left;
		tx->body_left -= used;
		r = tx->body_left == 0;
	}
	if (r == 1) {
		/* The kept head parsed once already: it parses again. */
		http_parse_request(tx->head, tx->head_len, NULL, &req, &st);
		r = respond(c, &req);
		free(tx->head);
		tx->head = NULL;
		if (r < 0)
			return -1;
	}
	return (ssize_t)used;
}

/* Handles every complete request in data, in order. Returns bytes
 * consumed (the rest is an incomplete request, or waits for output to
 * drain), or -1 when c closed. */
static ssize_t process(struct conn *c, const char *data, size_t len)
{
	const struct http_limits *lim = &site_of(c)->limits;
	struct http_request req;
	size_t pos = 0;
	int st;

	out.len = 0; /* whatever is left belonged to a connection that closed */
	while (pos < len && !(c->flags & CONN_DONE) && c->out == NULL) {
		struct http_tx *tx = c->proto;
		ssize_t n;

		if (tx != NULL && tx->file_fd >= 0)
			break; /* a file is still being sent */
		if (tx != NULL && tx->head != NULL) {
			n = body_consume(c, tx, data + pos, len - pos);
		} else {
			n = http_parse_request(data + pos, len - pos, lim, &req, &st);
			if (n == HTTP_PARSE_AGAIN)
				break;
			if (n == HTTP_PARSE_ERROR) {
				if (send_error(c, NULL, st, true, NULL) < 0)
					return -1;
				pos = len; /* nothing after it can be trusted */
				break;
			}
			if (req.has_content_length ? req.content_length > 0 : req.chunked)
				st = body_start(c, &req, data + pos, (size_t)n);
			else
				st = respond(c, &req);
			if (st < 0)
				return -1;
		}
		if (n < 0)
			return -1;
		pos += (size_t)n;
	}
	return out_flush(c) < 0 ? -1 : (ssize_t)pos;
}

static bool file_pending(const struct conn *c)
{
	const struct http_tx *tx = c->proto;
	return tx != NULL && tx->file_fd >= 0;
}

/* Runs the kept input through process(); -1 when c closed. */
static int consume_in(struct conn *c)
{
	ssize_t n = process(c, c->in->data + c->in->off, buf_used(c->in));

	if (n < 0)
		return -1;
	c->in->off += (size_t)n;
	if (buf_used(c->in) == 0) {
		buf_put(&c->lsn->srv->pool, c->in);
		c->in = NULL;
	}
	return 0;
}

/* Runs fresh input from the scratch buffer; keeps what is left over. */
static int consume_scratch(struct conn *c, size_t len)
{
	ssize_t n = process(c, c->lsn->srv->scratch, len);
	size_t left;

	if (n < 0)
		return -1;
	left = len - (size_t)n;
	if (left == 0 || (c->flags & CONN_DONE))
		return 0;
	c->in = buf_get(&c->lsn->srv->pool,
			left + (size_t)site_of(c)->conf->max_header_size + 1);
	if (c->in == NULL) {
		conn_close(c, "out of memory for input");
		return -1;
	}
	memcpy(c->in->data, c->lsn->srv->scratch + n, left);
	c->in->len = left;
	return 0;
}

/* After a batch: finish, or wait under the right timeout. */
static void settle(struct conn *c)
{
	const struct http_tx *tx = c->proto;

	if (c->out != NULL || file_pending(c))
		return; /* the send timeout runs */
	if (tx != NULL && tx->head == NULL) {
		tx_free(c); /* idle connections keep no request state */
		tx = NULL;
	}
	if (c->flags & CONN_DONE)
		conn_finish(c);
	else if (tx != NULL && tx->head != NULL)
		conn_set_timeout(c, CONN_T_IDLE);
	else if (c->in != NULL) {
		if (c->timeout != CONN_T_HEADER) /* trickling does not extend it */
			conn_set_timeout(c, CONN_T_HEADER);
	} else
		conn_set_timeout(c, CONN_T_KEEPALIVE);
}

/* Whether the kept partial head may be complete now that bytes came after
 * the first before: a client trickling its head byte by byte then costs
 * a scan of the new bytes, not a parse of the whole head, per read. */
static bool head_may_be_complete(const struct conn *c, size_t before)
{
	const struct http_tx *tx = c->proto;
	size_t used = buf_used(c->in);

	return (tx != NULL && tx->head != NULL) ||
	       used >= (size_t)site_of(c)->conf->max_header_size ||
	       http_head_complete(c->in->data + c->in->off, used, before);
}

/* A read with no request part-way in: what it brings starts a request now
 * (its duration, from the loop's cached clock, runs from here). */
static void mark_request_start(struct conn *c)
{
	const struct http_tx *tx = c->proto;

	if (c->in == NULL && (tx == NULL || tx->head == NULL))
		c->mode_word = (uint32_t)loop_now(c->lsn->srv->loop);
}

static void http_read(struct conn *c)
{
	struct server *s = c->lsn->srv;

	while (conn_can_read(c) && !(c->flags & CONN_DONE) && !file_pending(c)) {
		char *dst = s->scratch;
		size_t room = s->scratch_size;
		ssize_t n;

		if (c->in != NULL) {
			buf_compact(c->in);
			dst = c->in->data + c->in->len;
			room = c->in->cap - c->in->len;
			if (room == 0)
				break;
		}
		mark_request_start(c);
		n = conn_read(c, dst, room);
		if (n < 0)
			return;
		if (n == 0)
			break;
		if (c->in != NULL) {
			size_t before = buf_used(c->in);
			c->in->len += (size_t)n;
			if (head_may_be_complete(c, before) && consume_in(c) < 0)
				return;
		} else if (consume_scratch(c, (size_t)n) < 0)
			return;
	}
	settle(c);
}

static void http_drained(struct conn *c)
{
	struct http_tx *tx = c->proto;

	if (tx != NULL && tx->file_fd >= 0 && file_send(c, tx) <= 0)
		return;
	if (c->in != NULL && consume_in(c) < 0)
		return;
	if (c->out != NULL || file_pending(c))
		return;
	http_read(c);
}

static void http_open(struct conn *c)
{
	conn_set_timeout(c, CONN_T_HEADER);
}

static void http_timeout(struct conn *c, enum conn_timeout which)
{
	bool started = c->in != NULL || c->proto != NULL;

	if ((which == CONN_T_HEADER || which == CONN_T_IDLE) && started &&
	    c->out == NULL && !file_pending(c)) {
		log_debug("fd %d: request timed out", c->watch.fd);
		out.len = 0;
		if (send_error(c, NULL, 408, true, NULL) == 0 && out_flush(c) == 0)
			conn_finish(c);
		return;
	}
	conn_close(c, which == CONN_T_SEND ? "send timeout" : "idle");
}

static void http_close(struct conn *c)
{
	tx_free(c);
}

/* Over max_connections: 503. The request is read first (with deferred
 * accept it is already in), so that the close is a FIN, not a reset that
 * could destroy the answer. Best effort: the socket is not waited for. */
static void http_refuse(struct listener *lsn, int fd)
{
	static const char body[] = "503 Service Unavailable\n";
	const struct http_head h = {
		.status = 503,
		.version_minor = 1,
		.content_type = "text/plain; charset=utf-8",
		.content_length = sizeof(body) - 1,
		.extra = "Retry-After: 1\r\n",
	};
	char answer[512];
	size_t len = http_head_format(answer, sizeof(answer) - sizeof(body), &h);

	if (len == 0)
		return;
	memcpy(answer + len, body, sizeof(body) - 1);
	len += sizeof(body) - 1;
	if (read(fd, lsn->srv->scratch, lsn->srv->scratch_size) < 0 &&
	    errno != EAGAIN)
		return;
	(void)!send(fd, answer, len, MSG_NOSIGNAL);
}

static int fixed_prepare(struct fixed *f, const struct http_conf *hc,
			 int minor, bool ka)
{
	struct http_head h = {
		.status = 200,
		.version_minor = minor,
		.keep_alive = ka,
		.content_type = hc->content_type,
		.content_length = hc->response_len,
	};
	char head[1024];
	size_t hlen = http_head_format(head, sizeof(head), &h);
	const char *date = strstr(head, "\r\nDate: ");

	if (hlen == 0 || date == NULL || (f->buf = malloc(hlen + hc->response_len)) == NULL)
		return -1;
	memcpy(f->buf, head, hlen);
	memcpy(f->buf + hlen, hc->response, hc->response_len);
	f->head_len = hlen;
	f->len = hlen + hc->response_len;
	f->date_off = (size_t)(date - head) + 8;
	return 0;
}

/* Prepares lsn->mode_data (the fixed response, the root, the access log).
 * Returns 0, or -1 after logging why. */
static int http_listener_init(struct listener *lsn)
{
	const struct http_conf *hc = &lsn->conf->http;
	struct http_site *site = calloc(1, sizeof(*site));

	if (site == NULL)
		return -1;
	lsn->mode_data = site;
	site->conf = hc;
	site->limits.max_header_size = (size_t)hc->max_header_size;
	site->root_fd = -1;
	if (hc->root != NULL) {
		site->root_fd = open(hc->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (site->root_fd < 0) {
			log_error("%s: root %s: %s", lsn->conf->name, hc->root,
				  strerror(errno));
			return -1;
		}
	} else {
		for (int minor = 0; minor < 2; minor++)
			for (int ka = 0; ka < 2; ka++)
				if (fixed_prepare(&site->fixed[minor][ka], hc, minor, ka) < 0)
					return -1;
	}
	if (hc->access_log != NULL &&
	    (site->log = http_log_open(hc->access_log)) == NULL) {
		log_error("%s: access_log %s: %s", lsn->conf->name, hc->access_log,
			  strerror(errno));
		return -1;
	}
	return 0;
}

static void http_listener_free(struct listener *lsn)
{
	struct http_site *site = lsn->mode_data;

	if (site == NULL)
		return;
	if (site->root_fd >= 0)
		close(site->root_fd);
	http_cache_free(&site->cache);
	for (int minor = 0; minor < 2; minor++)
		for (int ka = 0; ka < 2; ka++)
			free(site->fixed[minor][ka].buf);
	http_log_close(site->log);
	free(site);
	lsn->mode_data = NULL;
}

static void http_timeouts(const struct listener_conf *lc,
			  double secs[CONN_T_COUNT])
{
	secs[CONN_T_KEEPALIVE] = lc->http.keepalive_timeout;
	secs[CONN_T_HEADER] = lc->http.header_timeout;
}

const struct mode http_mode = {
	.name = "http",
	.client_speaks_first = true,
	.listener_init = http_listener_init,
	.listener_free = http_listener_free,
	.timeouts = http_timeouts,
	.on_open = http_open,
	.on_read = http_read,
	.on_drained = http_drained,
	.on_timeout = http_timeout,
	/* Draining needs no hook: a connection between requests stays until
	 * its next request (answered with Connection: close) or its
	 * keep-alive timeout, so no client sees a request go unanswered. */
	.on_close = http_close,
	.on_refuse = http_refuse,
	.flush = http_log_flush_all,
	.reopen = http_log_reopen_all,
};
