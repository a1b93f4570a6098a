/* preforkd/handler.h - the handler module ABI: what a protocol module
 * exports (struct pfd_handler) and what preforkd offers it (struct
 * pfd_host). Both structs are sized and only ever appended to; see
 * preforkd-handler(3). */
#ifndef PREFORKD_HANDLER_H
#define PREFORKD_HANDLER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <syslog.h> /* LOG_ERR ... LOG_DEBUG, for log() */

#ifdef __cplusplus
extern "C" {
#endif

#define PFD_ABI_MAJOR 1 /* also in the entry symbol's name */
#define PFD_ABI_MINOR 0 /* grows when calls or hooks are appended */

struct pfd_conn; /* a client connection; loop thread only */
struct pfd_cfg;	 /* this listener's module.settings group */
enum pfd_next { PFD_OK, PFD_CLOSE }; /* PFD_CLOSE: close once output is flushed */
enum pfd_end { PFD_DONE, PFD_GONE };	/* PFD_GONE: the client left meanwhile */

struct pfd_host { /* preforkd's calls; only ever appended to */
	uint32_t size, abi_minor;
	int (*reply)(struct pfd_conn *c, const struct iovec *iov, int iovcnt); /* one message, framed by the core */
	int (*write)(struct pfd_conn *c, const struct iovec *iov, int iovcnt); /* raw bytes */
	void *(*state)(struct pfd_conn *c);  /* state_size zeroed bytes, per connection */
	void *(*worker)(struct pfd_conn *c); /* what worker_init returned */
	int (*peer)(struct pfd_conn *c, char *buf, size_t len); /* client address, as text */
	/* work(arg) on the worker's thread pool, then done() on the loop
	 * thread exactly once; c gets no message meanwhile. */
	int (*defer)(struct pfd_conn *c, void (*work)(void *arg),
		     enum pfd_next (*done)(struct pfd_conn *c, void *arg, enum pfd_end end),
		     void *arg);
	int (*cfg_str)(const struct pfd_cfg *g, const char *key, const char **val);
	int (*cfg_int)(const struct pfd_cfg *g, const char *key, int64_t *val);
	void (*cfg_error)(const struct pfd_cfg *g, const char *key, const char *why);
	void (*log)(int level, const char *fmt, ...);
};

struct pfd_handler {
	uint32_t abi_major, abi_minor, size; /* PFD_HANDLER_HEAD fills these */
	const char *name, *version;
	size_t state_size; /* per connection */
	int (*conf)(const struct pfd_cfg *g, void **conf); /* master, before fork */
	void (*conf_free)(void *conf);
	int (*worker_init)(void *conf, void **worker); /* each worker, before its sandbox */
	void (*worker_exit)(void *worker);
	/* loop thread; never block; a NULL hook takes the default */
	enum pfd_next (*on_open)(struct pfd_conn *c);
	enum pfd_next (*on_message)(struct pfd_conn *c, const char *msg, size_t len);
	ptrdiff_t (*on_bytes)(struct pfd_conn *c, const char *buf, size_t len); /* framing none: bytes used, -1 close */
	enum pfd_next (*on_drained)(struct pfd_conn *c);
	void (*on_shutdown)(struct pfd_conn *c);
	void (*on_close)(struct pfd_conn *c);
};
#define PFD_HANDLER_HEAD .abi_major = PFD_ABI_MAJOR, .abi_minor = PFD_ABI_MINOR, \
	.size = sizeof(struct pfd_handler)

/* The one symbol a module exports (visible even under -fvisibility=hidden). */
__attribute__((visibility("default")))
const struct pfd_handler *preforkd_handler_1(const struct pfd_host *host);

#ifdef __cplusplus
}
#endif

#endif
