/* fakehost.h - a stand-in for preforkd's side of the handler ABI, so the
 * kvsync module can be tested without the daemon: settings from a table,
 * replies captured, defer run on a real thread. Test code only. */
#ifndef FAKEHOST_H
#define FAKEHOST_H

#include <stddef.h>
#include <stdint.h>

#include <preforkd/handler.h>

struct fake_setting {
	const char *key;
	const char *str; /* a string setting, or NULL: */
	int64_t num;	 /* an integer one */
};

struct pfd_cfg {
	const struct fake_setting *set; /* ends with a NULL key */
	char errkey[64], errwhy[256];	/* the last cfg_error */
};

struct fake_answer {
	char *buf; /* as reply got it: token head, payload, token tail */
	size_t len;
};

struct pfd_conn {
	void *worker;
	int pool;    /* 0: defer refuses (threads = 0) */
	int gone;    /* the client leaves while its job runs */
	int closing; /* reply and write fail */
	int jobs;    /* jobs deferred so far */
	int pending; /* a job is waiting for fake_pump */
	void (*work)(void *arg);
	enum pfd_next (*done)(struct pfd_conn *c, void *arg, enum pfd_end end);
	void *arg;
	struct fake_answer *ans;
	size_t nans, cap;
};

extern const struct pfd_host fake_host;

/* Loads the module at path and returns its handler (NULL with a message on
 * stderr). The handle stays open. */
const struct pfd_handler *fake_load(const char *path);

/* Runs the conn's deferred jobs: work on a new thread (joined), then done
 * on the caller's, until done defers nothing more. Returns the last done's
 * answer, or PFD_OK when nothing was pending. */
enum pfd_next fake_pump(struct pfd_conn *c);

/* Runs the pending job of each of the n conns at once, each work on its
 * own thread, then each done in turn on the caller's (a done that defers
 * again is pumped alone). */
void fake_pump_together(struct pfd_conn **c, int n);

/* on_message, then fake_pump: what the core does for one message. */
enum pfd_next fake_message(const struct pfd_handler *h, struct pfd_conn *c,
			   const char *msg, size_t len);

/* Frees the captured answers (the conn itself is the caller's). */
void fake_conn_clear(struct pfd_conn *c);

#endif
