/* build.c - a test module compiled twice (BUILD "A" and "B") into two
 * files with different contents; each line "x" is answered "BUILD x", so
 * a client can tell which build served it across reloads */
#include <preforkd/handler.h>

static const struct pfd_host *host;

static enum pfd_next build_message(struct pfd_conn *c, const char *msg,
				   size_t len)
{
	struct iovec iov[2] = {{BUILD " ", 2}, {(void *)msg, len}};

	return host->reply(c, iov, 2) == 0 ? PFD_OK : PFD_CLOSE;
}

static const struct pfd_handler build_handler = {
	PFD_HANDLER_HEAD,
	.name = "build",
	.version = BUILD,
	.on_message = build_message,
};

const struct pfd_handler *preforkd_handler_1(const struct pfd_host *h)
{
	host = h;
	return &build_handler;
}
