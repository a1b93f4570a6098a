/* defer_echo.c - a bench module (framing "delimiter" "\n"): answers each
 * line with itself, through the thread pool (settings: defer = 1, the
 * default) or inline on the loop thread (defer = 0); the same job in
 * both, so the difference is the pool's cost */
#include <stdlib.h>
#include <string.h>

#include <preforkd/handler.h>

static const struct pfd_host *host;

struct echo_conf {
	int defer; /* 1: through the pool; 0: inline */
};

struct echo_job {
	size_t len;
	char msg[];
};

/* The trivial work: nothing but touching the message. */
static void echo_work(void *arg)
{
	struct echo_job *j = arg;

	if (j->len)
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* Sends the message back (unless the client left) and frees the job. */
static enum pfd_next echo_done(struct pfd_conn *c, void *arg, enum pfd_end end)
{
	struct echo_job *j = arg;
	struct iovec iov = {j->msg, j->len};
	int rc = end == PFD_DONE ? host->reply(c, &iov, 1) : 0;

	free(j);
	return rc == 0 ? PFD_OK : PFD_CLOSE;
}

static enum pfd_next echo_message(struct pfd_conn *c, const char *msg,
				  size_t len)
{
	struct echo_job *j = malloc(sizeof(*j) + len);

	if (j == NULL) {
		host->log(LOG_ERR, "out of memory for a %zu-byte line", len);
		return PFD_CLOSE;
	}
	j->len = len;
	memcpy(j->msg, msg, len);
	if (((const struct echo_conf *)host->worker(c))->defer) {
		if (host->defer(c, echo_work, echo_done, j) == 0)
			return PFD_OK;
		free(j);
		host->log(LOG_ERR, "defer refused (threads = 0?)");
		return PFD_CLOSE;
	}
	echo_work(j);
	return echo_done(c, j, PFD_DONE);
}

/* settings: defer = 0 or 1 (default 1). Returns 0 and a struct
 * echo_conf in *conf (freed by echo_conf_free), or -1 after cfg_error. */
static int echo_conf(const struct pfd_cfg *g, void **conf)
{
	struct echo_conf *cf = malloc(sizeof(*cf));
	int64_t v = 1;

	*conf = cf;
	if (cf == NULL) {
		host->cfg_error(g, NULL, "out of memory");
		return -1;
	}
	if (host->cfg_int(g, "defer", &v) == 0 && v != 0 && v != 1) {
		host->cfg_error(g, "defer", "must be 0 (inline) or 1 (pool)");
		return -1;
	}
	cf->defer = (int)v;
	return 0;
}

static void echo_conf_free(void *conf)
{
	free(conf);
}

/* Each worker shares its listener's conf (read only). */
static int echo_worker_init(void *conf, void **worker)
{
	*worker = conf;
	return 0;
}

static const struct pfd_handler defer_echo_handler = {
	PFD_HANDLER_HEAD,
	.name = "defer_echo",
	.version = "1.0",
	.conf = echo_conf,
	.conf_free = echo_conf_free,
	.worker_init = echo_worker_init,
	.on_message = echo_message,
};

const struct pfd_handler *preforkd_handler_1(const struct pfd_host *h)
{
	host = h;
	return &defer_echo_handler;
}
