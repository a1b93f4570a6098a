/* greeter.c - a test module of the whole ABI but defer: settings read in
 * conf (a string, an integer checked with cfg_error), a per-worker object,
 * per-connection state (a message count), the peer's address, and
 * on_open/on_close. Each line "x" is answered "N GREETING x" where N
 * counts this connection's messages; "peer" answers the client address. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <preforkd/handler.h>

static const struct pfd_host *host;

struct greeter_conf {
	char greeting[64];
	int64_t repeat;
};

struct greeter_worker {
	const struct greeter_conf *conf;
	long pid;
};

struct greeter_state {
	uint64_t messages;
	uint64_t opened; /* set by on_open: the state is zeroed before it */
};

static int greeter_conf(const struct pfd_cfg *g, void **out)
{
	struct greeter_conf *c = calloc(1, sizeof(*c));
	const char *greeting = "hello";

	if (c == NULL)
		return -1;
	c->repeat = 1;
	host->cfg_str(g, "greeting", &greeting);
	snprintf(c->greeting, sizeof(c->greeting), "%s", greeting);
	host->cfg_int(g, "repeat", &c->repeat);
	if (c->repeat < 1 || c->repeat > 10) {
		host->cfg_error(g, "repeat", "must be 1 to 10");
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

static int greeter_worker_init(void *conf, void **worker)
{
	struct greeter_worker *w = malloc(sizeof(*w));

	if (w == NULL)
		return -1;
	w->conf = conf;
	w->pid = (long)getpid();
	*worker = w;
	host->log(LOG_INFO, "worker %ld ready", w->pid);
	return 0;
}

static enum pfd_next greeter_open(struct pfd_conn *c)
{
	struct greeter_state *st = host->state(c);

	st->opened = st->messages == 0 ? 1 : 2;
	return PFD_OK;
}

static enum pfd_next greeter_message(struct pfd_conn *c, const char *msg,
				     size_t len)
{
	struct greeter_worker *w = host->worker(c);
	struct greeter_state *st = host->state(c);
	char head[160];
	struct iovec iov[2];

	st->messages++;
	if (len == 4 && memcmp(msg, "peer", 4) == 0) {
		if (host->peer(c, head, sizeof(head)) < 0)
			return PFD_CLOSE;
		iov[0] = (struct iovec){head, strlen(head)};
		return host->reply(c, iov, 1) == 0 ? PFD_OK : PFD_CLOSE;
	}
	if (len == 4 && memcmp(msg, "quit", 4) == 0)
		return PFD_CLOSE;
	for (int64_t i = 0; i < w->conf->repeat; i++) {
		int n = snprintf(head, sizeof(head), "%llu%s %s ",
				 (unsigned long long)st->messages,
				 st->opened == 1 ? "" : "!", w->conf->greeting);
		iov[0] = (struct iovec){head, (size_t)n};
		iov[1] = (struct iovec){(void *)msg, len};
		if (host->reply(c, iov, 2) < 0)
			return PFD_CLOSE;
	}
	return PFD_OK;
}

static void greeter_worker_exit(void *worker)
{
	free(worker);
}

static const struct pfd_handler greeter_handler = {
	PFD_HANDLER_HEAD,
	.name = "greeter",
	.version = "0.1",
	.state_size = sizeof(struct greeter_state),
	.conf = greeter_conf,
	.conf_free = free,
	.worker_init = greeter_worker_init,
	.worker_exit = greeter_worker_exit,
	.on_open = greeter_open,
	.on_message = greeter_message,
};

const struct pfd_handler *preforkd_handler_1(const struct pfd_host *h)
{
	host = h;
	return &greeter_handler;
}
