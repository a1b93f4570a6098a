/* abi2.c - a test module that claims handler ABI major 2: preforkd 1.x
 * must refuse it, naming the file and line of its listener */
#include <preforkd/handler.h>

static const struct pfd_handler abi2_handler = {
	PFD_HANDLER_HEAD,
	.name = "abi2",
	.version = "2.0",
};

const struct pfd_handler *preforkd_handler_1(const struct pfd_host *h)
{
	static struct pfd_handler copy;

	(void)h;
	copy = abi2_handler;
	copy.abi_major = 2;
	return &copy;
}
