/* sleeper.c - a test module of defer (framing "delimiter" "\n"): "sleep
 * MS TAG" sleeps MS milliseconds on a pool thread and is answered "done
 * TAG"; "stats" answers, inline, how many dones this worker saw with
 * PFD_DONE and PFD_GONE, and "block MS" sleeps on the loop thread (what a
 * module must not do) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <preforkd/handler.h>

static const struct pfd_host *host;
static unsigned long long dones, gones; /* loop thread only */

struct sleep_job {
	long ms;
	char tag[64];
};

static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0)
		;
}

static void sleep_work(void *arg)
{
	nap(((struct sleep_job *)arg)->ms);
}

static enum pfd_next sleep_done(struct pfd_conn *c, void *arg,
				enum pfd_end end)
{
	struct sleep_job *j = arg;
	char line[80];
	struct iovec iov = {line, 0};
	int rc = 0;

	if (end == PFD_GONE) {
		gones++;
	} else {
		dones++;
		iov.iov_len = (size_t)snprintf(line, sizeof(line), "done %s", j->tag);
		rc = host->reply(c, &iov, 1);
	}
	free(j);
	return rc == 0 ? PFD_OK : PFD_CLOSE;
}

static enum pfd_next sleeper_message(struct pfd_conn *c, const char *msg,
				     size_t len)
{
	char line[128], out[96];
	struct iovec iov = {out, 0};
	struct sleep_job *j;
	long ms;

	if (len >= sizeof(line))
		return PFD_CLOSE;
	memcpy(line, msg, len);
	line[len] = '\0';
	if (strcmp(line, "stats") == 0) {
		iov.iov_len = (size_t)snprintf(out, sizeof(out), "done=%llu gone=%llu",
					       dones, gones);
		return host->reply(c, &iov, 1) == 0 ? PFD_OK : PFD_CLOSE;
	}
	if (sscanf(line, "block %ld", &ms) == 1) {
		nap(ms);
		return PFD_OK;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    sscanf(line, "sleep %ld %63s", &j->ms, j->tag) != 2) {
		free(j);
		return PFD_CLOSE;
	}
	if (host->defer(c, sleep_work, sleep_done, j) < 0) {
		free(j);
		host->log(LOG_ERR, "defer refused");
		return PFD_CLOSE;
	}
	return PFD_OK;
}

static const struct pfd_handler sleeper_handler = {
	PFD_HANDLER_HEAD,
	.name = "sleeper",
	.version = "0.1",
	.on_message = sleeper_message,
};

const struct pfd_handler *preforkd_handler_1(const struct pfd_host *h)
{
	host = h;
	return &sleeper_handler;
}
