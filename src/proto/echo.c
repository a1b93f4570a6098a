/* echo.c - the echo mode: every byte back, in order, with backpressure */
#include "config.h"

#include "echo.h"

/* While the worker drains, quiet connections close after CONN_T_LINGER. */
static void echo_wait(struct conn *c)
{
	conn_set_timeout(c, c->lsn->srv->draining ? CONN_T_LINGER : CONN_T_IDLE);
}

/* Reads into the worker's shared scratch buffer and writes straight back;
 * only what the socket refuses is copied into the connection (and then
 * reading stops until it is out). */
static void echo_read(struct conn *c)
{
	struct server *s = c->lsn->srv;
	bool any = false;
	ssize_t n;

	while (conn_can_read(c) &&
	       (n = conn_read(c, s->scratch, s->scratch_size)) != 0) {
		struct iovec iov = { s->scratch, (size_t)n };

		if (n < 0)
			return; /* closed */
		s->requests++;
		any = true;
		if (conn_writev(c, &iov, 1) < 0)
			return;
	}
	if (any && c->out == NULL)
		echo_wait(c);
}

static void echo_open(struct conn *c)
{
	echo_wait(c);
}

static void echo_drained(struct conn *c)
{
	echo_wait(c);
	echo_read(c);
}

/* Draining: echo has no request boundaries, so a connection closes once
 * it has been quiet for the linger time. */
static void echo_shutdown(struct conn *c)
{
	if (c->out == NULL)
		echo_wait(c);
}

const struct mode echo_mode = {
	.name = "echo",
	.on_open = echo_open,
	.on_read = echo_read,
	.on_drained = echo_drained,
	/* No on_timeout: every timeout closes, with its reason (conn.c). */
	.on_shutdown = echo_shutdown,
};
