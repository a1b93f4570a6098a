/* echo.c - the smallest handler module: framing "none", every byte back.
 * Build out of tree with:
 *   cc -shared -fPIC $(pkg-config --cflags preforkd) echo.c -o echo.so */
#include <preforkd/handler.h>

static const struct pfd_host *host;

/* Takes every byte: write() copies them, and the core holds back further
 * input while they wait to be sent. */
static ptrdiff_t echo_bytes(struct pfd_conn *c, const char *buf, size_t len)
{
	struct iovec iov = {(void *)buf, len};

	return host->write(c, &iov, 1) == 0 ? (ptrdiff_t)len : -1;
}

static const struct pfd_handler echo_handler = {
	PFD_HANDLER_HEAD,
	.name = "echo",
	.version = "1.0",
	.on_bytes = echo_bytes,
};

const struct pfd_handler *preforkd_handler_1(const struct pfd_host *h)
{
	host = h;
	return &echo_handler;
}
