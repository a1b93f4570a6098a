/* module.h - the module host: handler modules loaded from shared objects
 * (module_load.c), the calls preforkd offers them (module_host.c) and the
 * mode that frames their messages (module.c) */
#ifndef PREFORKD_MODULE_H
#define PREFORKD_MODULE_H

#include <stdbool.h>

#include "conf/conf.h"
#include "core/sha256.h"
#include "framing.h"
#include "net/conn.h"
#include "preforkd/handler.h"

/* One build of a module, loaded once per content and never unloaded (a
 * process may still run its code). */
struct module {
	struct pfd_handler h; /* the module's table, missing hooks NULL */
	char hash[2 * SHA256_LEN + 1];
	char *path;	      /* as first loaded from */
	void *dl;
	int fd; /* the sealed copy it was loaded from (master only) */
	struct module *next;
};

/* What a module listener's configuration became in the master: lives in
 * listener_conf.prepared, so the workers inherit it through fork. */
struct module_inst {
	const struct module *mod;
	const struct module_conf *mc;
	void *conf; /* what the module's conf hook returned */
	struct framing framing;
};

struct mjob;

/* A module listener in a worker (listener.mode_data). */
struct module_lsn {
	const struct module_inst *inst;
	void *worker; /* what worker_init returned */
	struct listener *lsn;
	struct pool *pool; /* NULL when threads = 0 */
	struct loop_watch pool_watch;
	struct loop_timer overdue; /* checks job_timeout each second */
	struct mjob *wait_head, *wait_tail; /* held back by a full queue */
};

/* Connection flags of the module mode (conn.mode_flags). */
enum {
	MCONN_JOB = 1 << 0,	 /* a deferred job runs: no message meanwhile */
	MCONN_SHUTDOWN = 1 << 1, /* the worker drains: close when idle */
};

extern const struct mode module_mode;
extern const struct pfd_host module_host;

/* The hook running now on the loop thread, for crash reports. */
extern const char *volatile module_cur_hook;
extern const struct module *volatile module_cur;

static inline const struct module_lsn *module_lsn_of(const struct conn *c)
{
	return c->lsn->mode_data;
}

/* module_load.c */
/* Loads lc's module (or reuses the build with the same contents), checks
 * its ABI and runs its conf hook on the settings; sets lc->prepared.
 * Returns 0, or -1 with every reason appended to errs as FILE:LINE. */
int module_prepare(struct listener_conf *lc, struct conf_errors *errs);

/* module.c */
/* Goes on with c after its job: kept input, then the socket. */
void module_resume(struct conn *c);
/* Acts on a hook's answer; -1 when c was closed. */
int module_after_hook(struct conn *c, enum pfd_next next);
void module_hook_enter(const struct conn *c, const char *hook);
void module_hook_leave(void);

/* module_pool.c */
/* Starts ml's thread pool when its listener has threads; 0 or -1. */
int module_pool_start(struct module_lsn *ml);
/* Lets every job finish (each done runs), then stops the threads. */
void module_pool_stop(struct module_lsn *ml);
/* The host's defer call. */
int module_defer(struct conn *c, void (*work)(void *arg),
		 enum pfd_next (*done)(struct pfd_conn *c, void *arg,
				       enum pfd_end end),
		 void *arg);

/* module_host.c */
/* Argument of the conf-time calls (cfg_str, cfg_int, cfg_error). */
struct module_cfg {
	const struct module_conf *mc;
	struct conf_errors *errs;
	unsigned nerr; /* errors reported through it */
};
/* Installs the crash reporter (SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL)
 * once per process; 0 or -1. */
int module_crash_report_install(void);

#endif
