/* threaded.c - a test module whose conf hook starts a thread: a thread in
 * the master before it forks is refused (fork copies only one thread) */
#include <pthread.h>
#include <unistd.h>

#include <preforkd/handler.h>

static void *idle(void *arg)
{
	for (;;)
		pause();
	return arg;
}

static int threaded_conf(const struct pfd_cfg *g, void **conf)
{
	pthread_t t;

	(void)g;
	*conf = NULL;
	return pthread_create(&t, NULL, idle, NULL) == 0 ? 0 : -1;
}

static enum pfd_next threaded_message(struct pfd_conn *c, const char *msg,
				      size_t len)
{
	return PFD_OK;
}

static const struct pfd_handler threaded_handler = {
	PFD_HANDLER_HEAD,
	.name = "threaded",
	.version = "0.1",
	.conf = threaded_conf,
	.on_message = threaded_message,
};

const struct pfd_handler *preforkd_handler_1(const struct pfd_host *h)
{
	(void)h;
	return &threaded_handler;
}
