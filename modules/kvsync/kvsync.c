/* kvsync.c - the kvsync handler: preforkd's hooks, and one job per request
 * whose SQLite work runs on the pool and whose answers go out on the loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <preforkd/handler.h>

#include "kvsync.h"

#define KVSYNC_VERSION "1.0.0"

static const struct pfd_host *host;

struct kvsync_worker {
	const struct kvsync_conf *cf;
	struct kvsync_store *store;
};

/* A request on its way: parsed on the loop thread, its database work done
 * by kvsync_work (a pool thread), answered by kvsync_done (the loop). */
struct kvsync_job {
	struct kvsync_worker *w;
	struct kvsync_req req;
	enum kvsync_dbres res;
	char why[160];	    /* res BUSY or ERROR: what SQLite said */
	json_t *value;	    /* get */
	json_int_t version; /* put, get */
	struct kvsync_page pages[KVSYNC_BATCH_PAGES]; /* since */
	int npages, more;
};

static void job_free(struct kvsync_job *j)
{
	for (int i = 0; i < j->npages; i++)
		json_decref(j->pages[i].rows);
	json_decref(j->value);
	kvsync_req_clear(&j->req);
	free(j);
}

/* Sends answer a (taken) as one message: token head, JSON, token tail.
 * Returns 0, or -1 when it could not be sent (the connection is closing,
 * or memory ran out). */
static int kvsync_send(struct pfd_conn *c, const struct kvsync_conf *cf,
		       json_t *a)
{
	char head[KVSYNC_HALF], tail[KVSYNC_HALF];
	char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
	int rc = -1;

	json_decref(a);
	if (!text) {
		host->log(LOG_ERR, "kvsync: out of memory for an answer");
		return -1;
	}
	if (kvsync_token_sign(cf->key, cf->keylen, text, strlen(text), head,
			      tail) == 0) {
		struct iovec iov[3] = {{head, KVSYNC_HALF},
				       {text, strlen(text)},
				       {tail, KVSYNC_HALF}};
		rc = host->reply(c, iov, 3);
	} else
		host->log(LOG_ERR, "kvsync: HMAC failed");
	free(text);
	return rc;
}

static enum pfd_next kvsync_refuse(struct pfd_conn *c,
				   const struct kvsync_conf *cf,
				   const struct kvsync_req *r, const char *err)
{
	return kvsync_send(c, cf, kvsync_req_answer(r, err)) < 0 ? PFD_CLOSE
								 : PFD_OK;
}

/* The pool thread's part: only SQLite, no pfd_host call. */
static void kvsync_work(void *arg)
{
	struct kvsync_job *j = arg;
	struct kvsync_req *r = &j->req;
	struct kvsync_conn *k = kvsync_store_conn(j->w->store);
	char *text;

	j->res = KVSYNC_DB_ERROR;
	if (!k) {
		snprintf(j->why, sizeof(j->why), "out of memory");
		return;
	}
	switch (r->op) {
	case KVSYNC_PUT:
		text = json_dumps(r->value, JSON_COMPACT | JSON_ENCODE_ANY);
		if (text)
			j->res = kvsync_db_put(k, r->table, r->key, r->keylen,
					       text, strlen(text), &j->version);
		free(text);
		break;
	case KVSYNC_GET:
		j->res = kvsync_db_get(k, r->table, r->key, r->keylen,
				       &j->value, &j->version);
		break;
	case KVSYNC_SINCE:
		j->res = kvsync_db_since(k, r->table, r->version, j->pages,
					 &j->npages, &j->more);
		break;
	}
	if (j->res == KVSYNC_DB_BUSY || j->res == KVSYNC_DB_ERROR)
		snprintf(j->why, sizeof(j->why), "%s", kvsync_db_error(k));
}

/* {"ok": true, "op", "table", ...} for a request that succeeded. */
static json_t *job_answer(const struct kvsync_job *j, const char *op)
{
	json_t *a = kvsync_req_answer(&j->req, NULL);

	if (a &&
	    (json_object_set_new(a, "op", json_string(op)) < 0 ||
	     json_object_set_new(a, "table", json_string(j->req.table)) < 0)) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *job_row(const struct kvsync_job *j, const char *op)
{
	json_t *a = job_answer(j, op);

	if (a &&
	    (json_object_set_new(a, "key",
				 json_stringn(j->req.key, j->req.keylen)) < 0 ||
	     (j->value && json_object_set(a, "value", j->value) < 0) ||
	     json_object_set_new(a, "version", json_integer(j->version)) < 0)) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* Sends each page of a since batch; the last is "end": true unless more
 * rows remain. The pages are handed over as they go. */
static int job_pages(struct pfd_conn *c, struct kvsync_job *j)
{
	const struct kvsync_conf *cf = j->w->cf;

	for (int i = 0; i < j->npages; i++) {
		json_t *a = job_answer(j, "since");
		int end = i == j->npages - 1 && !j->more;
		if (a &&
		    (json_object_set_new(a, "rows", j->pages[i].rows) < 0 ||
		     json_object_set_new(a, "version",
					 json_integer(j->pages[i].last)) < 0 ||
		     json_object_set_new(a, "end", json_boolean(end)) < 0)) {
			json_decref(a);
			a = NULL;
		}
		j->pages[i].rows = NULL;
		if (kvsync_send(c, cf, a) < 0)
			return -1;
	}
	return 0;
}

static int job_reply(struct pfd_conn *c, struct kvsync_job *j)
{
	const struct kvsync_conf *cf = j->w->cf;

	switch (j->res) {
	case KVSYNC_DB_OK: break;
	case KVSYNC_DB_NOTFOUND:
		return kvsync_send(c, cf,
				   kvsync_req_answer(&j->req, "not_found"));
	case KVSYNC_DB_BUSY:
		host->log(LOG_WARNING, "kvsync: %s: busy: %s", j->req.table,
			  j->why);
		return kvsync_send(c, cf, kvsync_req_answer(&j->req, "busy"));
	case KVSYNC_DB_ERROR:
		host->log(LOG_ERR, "kvsync: %s: %s", j->req.table, j->why);
		return kvsync_send(c, cf,
				   kvsync_req_answer(&j->req, "db_error"));
	}
	switch (j->req.op) {
	case KVSYNC_PUT: return kvsync_send(c, cf, job_row(j, "put"));
	case KVSYNC_GET: return kvsync_send(c, cf, job_row(j, "get"));
	case KVSYNC_SINCE: return job_pages(c, j);
	}
	return -1;
}

/* The loop thread's part: answer, then, while a since has rows left, the
 * next batch goes to the pool again (or is read here when defer refuses:
 * no pool), so no job holds more than one batch in memory. */
static enum pfd_next kvsync_done(struct pfd_conn *c, void *arg,
				 enum pfd_end end)
{
	struct kvsync_job *j = arg;
	enum pfd_next next = PFD_OK;

	while (end == PFD_DONE) {
		if (job_reply(c, j) < 0) {
			next = PFD_CLOSE;
			break;
		}
		if (j->req.op != KVSYNC_SINCE || j->res != KVSYNC_DB_OK ||
		    !j->more)
			break;
		j->req.version = j->pages[j->npages - 1].last;
		j->npages = 0;
		if (host->defer(c, kvsync_work, kvsync_done, j) == 0)
			return PFD_OK;
		kvsync_work(j);
	}
	job_free(j);
	return next;
}

/* One message: token, JSON, allowed client and table are checked here;
 * errors are answered at once and the connection goes on. Then the
 * database work is deferred to the pool; when defer refuses (the listener
 * has threads = 0), it runs here on the loop thread and blocks it. */
static enum pfd_next kvsync_on_message(struct pfd_conn *c, const char *msg,
				       size_t len)
{
	struct kvsync_worker *w = host->worker(c);
	const char *payload, *err;
	size_t plen;
	struct kvsync_job *j;
	enum pfd_next next;

	if (kvsync_token_check(w->cf->key, w->cf->keylen, msg, len, &payload,
			       &plen) < 0)
		return kvsync_refuse(c, w->cf, NULL, "bad_token");
	j = calloc(1, sizeof(*j));
	if (!j)
		return kvsync_refuse(c, w->cf, NULL, "no_memory");
	j->w = w;
	if (kvsync_req_parse(payload, plen, w->cf, &j->req, &err) < 0) {
		next = kvsync_refuse(c, w->cf, &j->req, err);
		job_free(j);
		return next;
	}
	if (host->defer(c, kvsync_work, kvsync_done, j) == 0)
		return PFD_OK;
	kvsync_work(j);
	return kvsync_done(c, j, PFD_DONE);
}

static int kvsync_conf(const struct pfd_cfg *g, void **conf)
{
	struct kvsync_conf *cf;

	if (kvsync_conf_read(host, g, &cf) < 0)
		return -1;
	*conf = cf;
	return 0;
}

static void kvsync_conf_drop(void *conf)
{
	kvsync_conf_free(conf);
}

static int kvsync_worker_init(void *conf, void **worker)
{
	struct kvsync_worker *w = calloc(1, sizeof(*w));
	char err[256], head[KVSYNC_HALF], tail[KVSYNC_HALF];

	if (!w) {
		host->log(LOG_ERR, "kvsync: out of memory");
		return -1;
	}
	w->cf = conf;
	/* Before the sandbox: jansson reads /dev/urandom for its hash seed and
	 * libcrypto loads its configuration and providers on first use. */
	json_object_seed(0);
	if (kvsync_token_sign(w->cf->key, w->cf->keylen, "", 0, head, tail) <
	    0) {
		host->log(LOG_ERR,
			  "kvsync: libcrypto: HMAC-SHA256 unavailable");
		free(w);
		return -1;
	}
	if (kvsync_store_open(w->cf, &w->store, err, sizeof(err)) < 0) {
		host->log(LOG_ERR, "kvsync: %s", err);
		free(w);
		return -1;
	}
	*worker = w;
	return 0;
}

static void kvsync_worker_exit(void *worker)
{
	struct kvsync_worker *w = worker;

	if (!w)
		return;
	kvsync_store_close(w->store);
	free(w);
}

static const struct pfd_handler kvsync_handler = {
    PFD_HANDLER_HEAD,
    .name = "kvsync",
    .version = KVSYNC_VERSION,
    .state_size = 0, /* each message stands alone */
    .conf = kvsync_conf,
    .conf_free = kvsync_conf_drop,
    .worker_init = kvsync_worker_init,
    .worker_exit = kvsync_worker_exit,
    .on_message = kvsync_on_message,
};

/* The module's one export. Returns the handler, or NULL when host lacks a
 * call kvsync uses (a host older than ABI 1.0 could not offer them). */
__attribute__((visibility("default"))) const struct pfd_handler *
preforkd_handler_1(const struct pfd_host *h)
{
	if (!h || h->size < offsetof(struct pfd_host, log) + sizeof(h->log))
		return NULL;
	host = h;
	return &kvsync_handler;
}
