/* oldminor.c - a test module built against tests/modules/old's shorter
 * struct pfd_handler: it must load, with the hooks it lacks as NULL, and
 * answer each line "old: LINE" */
#include <preforkd/handler.h>

static const struct pfd_host *host;

static enum pfd_next old_message(struct pfd_conn *c, const char *msg,
				 size_t len)
{
	struct iovec iov[2] = {{"old: ", 5}, {(void *)msg, len}};

	return host->reply(c, iov, 2) == 0 ? PFD_OK : PFD_CLOSE;
}

static const struct pfd_handler old_handler = {
	PFD_HANDLER_HEAD,
	.name = "oldminor",
	.version = "0.1",
	.on_message = old_message,
};

_Static_assert(sizeof(struct pfd_handler) <
		   offsetof(struct pfd_handler, on_bytes) + 2 * sizeof(void *),
	       "built against the short header");

const struct pfd_handler *preforkd_handler_1(const struct pfd_host *h)
{
	host = h;
	return &old_handler;
}
