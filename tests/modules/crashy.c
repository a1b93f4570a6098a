/* crashy.c - a test module (framing "delimiter" "\n") that echoes lines,
 * answers "pid" with its worker's pid, and dies on a magic line: "segv",
 * "abort" or "bus", to show that a crash takes down only its worker and is
 * reported with the module and hook */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <preforkd/handler.h>

static const struct pfd_host *host;

/* Not a constant, so the compiler cannot see the write below is invalid. */
volatile int *crashy_nowhere;

static int is(const char *msg, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(msg, word, len) == 0;
}

/* A real fault even under -fsanitize=undefined, which would otherwise
 * catch the store to NULL itself and exit instead. */
__attribute__((no_sanitize("undefined"))) static enum pfd_next
crashy_message(struct pfd_conn *c, const char *msg, size_t len)
{
	struct iovec iov = {(void *)msg, len};
	char pid[24];

	if (is(msg, len, "pid")) {
		iov.iov_base = pid;
		iov.iov_len = (size_t)snprintf(pid, sizeof(pid), "%ld",
					       (long)getpid());
	}
	if (is(msg, len, "segv"))
		*crashy_nowhere = 1;
	if (is(msg, len, "abort"))
		abort();
	if (is(msg, len, "bus"))
		raise(SIGBUS);
	return host->reply(c, &iov, 1) == 0 ? PFD_OK : PFD_CLOSE;
}

static const struct pfd_handler crashy_handler = {
	PFD_HANDLER_HEAD,
	.name = "crashy",
	.version = "0.1",
	.on_message = crashy_message,
};

const struct pfd_handler *preforkd_handler_1(const struct pfd_host *h)
{
	host = h;
	return &crashy_handler;
}
