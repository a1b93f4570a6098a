/* fakehost.c - the test stand-in for preforkd's pfd_host: settings from a
 * table, replies captured per connection, defer on a real thread. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.h"

static int fake_keep(struct pfd_conn *c, const struct iovec *iov, int n)
{
	size_t len = 0, off = 0;
	char *buf;

	if (c->closing)
		return -1;
	for (int i = 0; i < n; i++)
		len += iov[i].iov_len;
	buf = malloc(len + 1);
	if (!buf)
		return -1;
	for (int i = 0; i < n; i++) {
		memcpy(buf + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	buf[len] = '\0';
	if (c->nans == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct fake_answer *a = realloc(c->ans, cap * sizeof(*a));
		if (!a) {
			free(buf);
			return -1;
		}
		c->ans = a;
		c->cap = cap;
	}
	c->ans[c->nans].buf = buf;
	c->ans[c->nans++].len = len;
	return 0;
}

static int fake_reply(struct pfd_conn *c, const struct iovec *iov, int n)
{
	return fake_keep(c, iov, n);
}

static void *fake_state(struct pfd_conn *c)
{
	(void)c; /* kvsync has no state_size */
	return NULL;
}

static void *fake_worker(struct pfd_conn *c)
{
	return c->worker;
}

static int fake_peer(struct pfd_conn *c, char *buf, size_t len)
{
	(void)c;
	snprintf(buf, len, "127.0.0.1:1");
	return 0;
}

/* As the contract says: -1 without a pool or with a job already waiting.
 * The job slot is free again when done runs, so done may defer anew. */
static int fake_defer(struct pfd_conn *c, void (*work)(void *arg),
		      enum pfd_next (*done)(struct pfd_conn *c, void *arg,
					    enum pfd_end end),
		      void *arg)
{
	if (!c->pool || c->pending)
		return -1;
	c->pending = 1;
	c->jobs++;
	c->work = work;
	c->done = done;
	c->arg = arg;
	return 0;
}

static int fake_find(const struct pfd_cfg *g, const char *key,
		     const struct fake_setting **s)
{
	for (const struct fake_setting *p = g->set; p->key; p++)
		if (strcmp(p->key, key) == 0) {
			*s = p;
			return 0;
		}
	return -1;
}

static int fake_cfg_str(const struct pfd_cfg *g, const char *key,
			const char **val)
{
	const struct fake_setting *s;

	if (fake_find(g, key, &s) < 0 || !s->str)
		return -1;
	*val = s->str;
	return 0;
}

static int fake_cfg_int(const struct pfd_cfg *g, const char *key, int64_t *val)
{
	const struct fake_setting *s;

	if (fake_find(g, key, &s) < 0 || s->str)
		return -1;
	*val = s->num;
	return 0;
}

static void fake_cfg_error(const struct pfd_cfg *g, const char *key,
			   const char *why)
{
	struct pfd_cfg *w = (struct pfd_cfg *)g;

	snprintf(w->errkey, sizeof(w->errkey), "%s", key);
	snprintf(w->errwhy, sizeof(w->errwhy), "%s", why);
}

static void fake_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (!getenv("FAKEHOST_LOG"))
		return;
	va_start(ap, fmt);
	fprintf(stderr, "log<%d>: ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

const struct pfd_host fake_host = {
    .size = sizeof(struct pfd_host),
    .abi_minor = PFD_ABI_MINOR,
    .reply = fake_reply,
    .write = fake_keep,
    .state = fake_state,
    .worker = fake_worker,
    .peer = fake_peer,
    .defer = fake_defer,
    .cfg_str = fake_cfg_str,
    .cfg_int = fake_cfg_int,
    .cfg_error = fake_cfg_error,
    .log = fake_log,
};

const struct pfd_handler *fake_load(const char *path)
{
	void *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	const struct pfd_handler *(*entry)(const struct pfd_host *);

	if (!so) {
		fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
		return NULL;
	}
	*(void **)&entry = dlsym(so, "preforkd_handler_1");
	if (!entry) {
		fprintf(stderr, "%s: no preforkd_handler_1\n", path);
		return NULL;
	}
	return entry(&fake_host);
}

static void *fake_thread(void *arg)
{
	struct pfd_conn *c = arg;

	c->work(c->arg);
	return NULL;
}

enum pfd_next fake_pump(struct pfd_conn *c)
{
	enum pfd_next next = PFD_OK;
	pthread_t t;

	while (c->pending) {
		if (pthread_create(&t, NULL, fake_thread, c) != 0) {
			fprintf(stderr, "fake_pump: no thread\n");
			abort();
		}
		pthread_join(t, NULL);
		c->pending = 0;
		next = c->done(c, c->arg, c->gone ? PFD_GONE : PFD_DONE);
	}
	return next;
}

void fake_pump_together(struct pfd_conn **c, int n)
{
	pthread_t t[n];

	for (int i = 0; i < n; i++)
		if (c[i]->pending &&
		    pthread_create(&t[i], NULL, fake_thread, c[i]) != 0)
			abort();
	for (int i = 0; i < n; i++) {
		if (!c[i]->pending)
			continue;
		pthread_join(t[i], NULL);
		c[i]->pending = 0;
		c[i]->done(c[i], c[i]->arg, c[i]->gone ? PFD_GONE : PFD_DONE);
		fake_pump(c[i]);
	}
}

enum pfd_next fake_message(const struct pfd_handler *h, struct pfd_conn *c,
			   const char *msg, size_t len)
{
	enum pfd_next next = h->on_message(c, msg, len);

	if (c->pending)
		next = fake_pump(c);
	return next;
}

void fake_conn_clear(struct pfd_conn *c)
{
	for (size_t i = 0; i < c->nans; i++)
		free(c->ans[i].buf);
	free(c->ans);
	c->ans = NULL;
	c->nans = c->cap = 0;
}
