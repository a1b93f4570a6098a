/* kvsync_pipe.c - serves the kvsync module over stdin/stdout through the
 * fake host: reads messages ending in "\r\nEOF\r\n", writes each answer with
 * the same ending. Lets the Python client's test talk to the real module
 * without preforkd. Usage: kvsync_pipe MODULE.so DB KEYHEX CLIENTS TABLES;
 * with KVSYNC_PIPE_INLINE set, defer refuses (threads = 0), so the work
 * runs inline (and the fake's thread per job does not cost). */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakehost.h"

#define DELIM	  "\r\nEOF\r\n"
#define DELIM_LEN 7
#define MAX_MSG	  (1 << 20)

static int write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(1, p, n);
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes and forgets c's answers, each with the delimiter after it. */
static int flush_answers(struct pfd_conn *c)
{
	for (size_t i = 0; i < c->nans; i++)
		if (write_all(c->ans[i].buf, c->ans[i].len) < 0 ||
		    write_all(DELIM, DELIM_LEN) < 0)
			return -1;
	fake_conn_clear(c);
	return 0;
}

/* Hands each whole message in buf to the module; returns the bytes used,
 * or -1 when it asked to close. */
static ssize_t serve(const struct pfd_handler *h, struct pfd_conn *c,
		     const char *buf, size_t len)
{
	size_t used = 0;
	const char *end;

	while ((end = memmem(buf + used, len - used, DELIM, DELIM_LEN))) {
		size_t n = (size_t)(end - (buf + used));
		if (fake_message(h, c, buf + used, n) == PFD_CLOSE ||
		    flush_answers(c) < 0)
			return -1;
		used += n + DELIM_LEN;
	}
	return (ssize_t)used;
}

static int loop(const struct pfd_handler *h, struct pfd_conn *c)
{
	char *buf = malloc(MAX_MSG + DELIM_LEN);
	size_t len = 0;
	ssize_t r, used;

	if (!buf)
		return -1;
	while ((r = read(0, buf + len, MAX_MSG + DELIM_LEN - len)) > 0) {
		len += (size_t)r;
		used = serve(h, c, buf, len);
		if (used < 0 || (used == 0 && len == MAX_MSG + DELIM_LEN))
			break;
		memmove(buf, buf + used, len - (size_t)used);
		len -= (size_t)used;
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const struct pfd_handler *h;
	struct pfd_conn c = {.pool = 1};
	void *conf, *worker;

	if (argc != 6) {
		fprintf(stderr,
			"usage: kvsync_pipe MODULE.so DB KEYHEX CLIENTS "
			"TABLES\n");
		return 2;
	}
	struct fake_setting set[] = {{.key = "db", .str = argv[2]},
				     {.key = "key", .str = argv[3]},
				     {.key = "clients", .str = argv[4]},
				     {.key = "tables", .str = argv[5]},
				     {.key = NULL}};
	struct pfd_cfg g = {.set = set};
	h = fake_load(argv[1]);
	if (!h)
		return 1;
	if (h->conf(&g, &conf) < 0) {
		fprintf(stderr, "settings: %s: %s\n", g.errkey, g.errwhy);
		return 1;
	}
	if (h->worker_init(conf, &worker) < 0)
		return 1;
	c.worker = worker;
	c.pool = getenv("KVSYNC_PIPE_INLINE") == NULL;
	loop(h, &c);
	h->worker_exit(worker);
	h->conf_free(conf);
	fake_conn_clear(&c);
	return 0;
}
