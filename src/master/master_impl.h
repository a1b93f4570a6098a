/* master_impl.h - the master's state: generations, the worker table, and
 * the functions master.c, gen.c, mworker.c and reload.c share */
#ifndef PREFORKD_MASTER_IMPL_H
#define PREFORKD_MASTER_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/backoff.h"
#include "conf/conf.h"
#include "listeners.h"
#include "core/loop.h"
#include "metrics.h"

/* How long a new generation (or a restarted worker) may take to be ready. */
#define READY_TIMEOUT_MS 10000
/* How long SIGQUIT gives workers before SIGKILL. */
#define QUIT_TIMEOUT_MS 1000
#define TICK_MS		1000
/* The most workers `scale` may ask for (conf's limit on `workers`). */
#define MAX_SCALE 1024

enum gen_state {
	GEN_STARTING, /* not every worker has been ready yet */
	GEN_ACTIVE,   /* serving */
	GEN_RETIRING, /* told to stop: draining, rolled back, or shutting down */
};

struct master;
struct status_server;

/* One generation: a configuration and the workers started with it. */
struct gen {
	struct master *m;
	unsigned id;
	enum gen_state state;
	struct conf conf;
	size_t nworkers;	 /* its entries in the worker table */
	struct loop_timer timer; /* ready deadline, or SIGKILL deadline */
	struct gen *next;
	unsigned serial;  /* the reload or scale that started it */
	int file_workers; /* the file's `workers` (conf.workers may differ) */
	uint64_t started_ms;
	char note[160]; /* for the reload's answer: what happened to workers */
};

enum mworker_state {
	MW_STARTING, /* forked, not ready yet */
	MW_READY,    /* its loop runs */
	MW_BACKOFF,  /* dead, waiting to be restarted */
	MW_STOPPING, /* told to stop */
};

/* One entry of the worker table: a slot of a generation. */
struct mworker {
	struct master *m;
	struct gen *gen;
	int slot;
	pid_t pid; /* 0 while no process runs */
	enum mworker_state state;
	uint64_t started_ms, last_msg_ms;
	unsigned restarts;
	bool killed; /* SIGKILL sent: do not send it again */
	uint64_t abort_ms; /* when a hung worker was sent SIGABRT, or 0 */
	struct backoff backoff;
	int chan; /* master's end of the channel, or -1 */
	struct loop_watch watch;
	struct loop_timer restart;
	uint32_t connections;
	uint64_t requests;
	struct net_stats *lstats; /* per listener of gen->conf, as last
				   * reported; zeroed once added to metrics */
};

enum master_phase { PHASE_RUNNING, PHASE_STOPPING, PHASE_QUITTING };

struct master {
	struct loop *loop;
	int sigfd;
	struct loop_watch sigwatch;
	struct loop_timer tick, watchdog;
	struct loop_timer drain_timer; /* SIGTERM + drain_delay: then stop */
	uint64_t watchdog_ms;
	struct listeners ls;
	struct gen *gens;    /* every live generation, newest first */
	struct gen *active;  /* the one serving (or, at start, starting) */
	struct gen *pending; /* a reload's new generation, not ready yet */
	struct mworker **w;  /* the worker table */
	size_t nw, wcap;
	unsigned last_gen;
	bool reload_queued;
	bool announced; /* "ready: " and READY=1 sent */
	enum master_phase phase;
	char last_reload[480]; /* "10:42:07 ok", "failed: ...", or "" */
	uint64_t requests, tick_requests, tick_ms;
	uint64_t rps;
	char status[640]; /* as last sent */
	/* The control socket (control.c) and what it shows. */
	struct control *ctl;
	unsigned reload_serial; /* reloads and scales started */
	int scale_workers;	/* the runtime count, 0: the file's */
	int scale_file_workers; /* the file's workers when it was set */
	bool scale_queued;
	bool draining; /* `drain` or SIGTERM: health says draining */
	unsigned reloads_ok, reloads_failed;
	uint64_t started_ms;
	char last_result[480]; /* "2026-...T10:42:07+0000 ok, generation 3" */
	struct metrics metrics;		/* counters that outlive workers */
	struct status_server *statsrv; /* the status listener, or NULL */
};

/* gen.c */
struct gen *gen_new(struct master *m, struct conf *c);
/* 0; -1: a listener cannot be bound; -2: a worker cannot be started. */
int gen_start(struct gen *g, char *err, size_t errlen);
bool gen_all_ready(const struct gen *g);
void gen_retire(struct gen *g, int sig, uint64_t timeout_ms);
void gen_sweep(struct master *m);
size_t gen_count_state(const struct gen *g, enum mworker_state st);

/* mworker.c */
struct mworker *mworker_new(struct gen *g, int slot);
int mworker_spawn(struct mworker *w);
void mworker_exited(struct mworker *w, int status);
void mworker_restart(struct mworker *w);
void mworker_signal(struct mworker *w, int sig);
void mworker_stop(struct mworker *w, int sig);
void mworker_remove(struct mworker *w);
void mworker_check(struct mworker *w, uint64_t now);
/* Tells w's process (if it runs) whether health checks fail (m->draining). */
void mworker_tell_health(struct mworker *w);
struct mworker *mworker_by_pid(const struct master *m, pid_t pid);

/* master.c */
/* Tells every worker what m->draining says health is. */
void master_tell_health(struct master *m);

/* reload.c */
/* Reloads (or queues a reload behind the pending one). Returns the serial
 * whose result control_reload_done will report, always reload_serial + 1
 * as it was before the call; 0 when stopping (nothing happens). */
unsigned reload_request(struct master *m);
/* Scales to count workers (delta 0), by delta, or back to the file's
 * (both 0), now or after the pending reload. Returns the serial as
 * reload_request does; 0 when stopping or out of 1..MAX_SCALE. */
unsigned reload_scale(struct master *m, int delta, int count);
/* The worker count `scale` by delta would ask for. */
int reload_scale_target(const struct master *m, int delta);
void reload_worker_ready(struct gen *g);
void reload_worker_failed(struct mworker *w, const char *how);

/* master.c */
void master_status(struct master *m);
void master_announce_ready(struct master *m);

#endif
