/* lines.c - a handler module for framing "delimiter" with "\n": answers
 * each line with its length, a space, and its bytes reversed */
#include <stdio.h>
#include <stdlib.h>

#include <preforkd/handler.h>

#define STACK_LINE 4096

static const struct pfd_host *host;

static void reverse(char *dst, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = src[len - 1 - i];
}

static enum pfd_next lines_message(struct pfd_conn *c, const char *msg,
				   size_t len)
{
	char stack[STACK_LINE], count[24];
	char *rev = len <= sizeof(stack) ? stack : malloc(len);
	struct iovec iov[2];
	int rc;

	if (rev == NULL) {
		host->log(LOG_ERR, "out of memory for a %zu-byte line", len);
		return PFD_CLOSE;
	}
	reverse(rev, msg, len);
	iov[0].iov_base = count;
	iov[0].iov_len = (size_t)snprintf(count, sizeof(count), "%zu ", len);
	iov[1].iov_base = rev;
	iov[1].iov_len = len;
	rc = host->reply(c, iov, 2);
	if (rev != stack)
		free(rev);
	return rc == 0 ? PFD_OK : PFD_CLOSE;
}

static const struct pfd_handler lines_handler = {
	PFD_HANDLER_HEAD,
	.name = "lines",
	.version = "1.0",
	.on_message = lines_message,
};

const struct pfd_handler *preforkd_handler_1(const struct pfd_host *h)
{
	host = h;
	return &lines_handler;
}
