/* pool.h - a worker's thread pool: intrusive jobs run off the loop thread,
 * their completions handed back to the loop through one eventfd */
#ifndef PREFORKD_CORE_POOL_H
#define PREFORKD_CORE_POOL_H

#include <stddef.h>
#include <stdint.h>

struct pool;
struct pool_job;

/* work runs on a pool thread; it may block, and must not touch loop-thread
 * state. done runs on the loop thread, inside pool_complete or pool_stop,
 * exactly once per accepted submit; from done on the job is the caller's
 * again (it may be freed or submitted anew). */
typedef void pool_work_fn(struct pool_job *job);
typedef void pool_done_fn(struct pool_job *job);
/* Called on the loop thread by pool_complete once the queue has room again
 * after a pool_submit was refused for a full queue. */
typedef void pool_room_fn(struct pool *p, void *data);

/* Embed one in the object that owns the work; recover it with container_of
 * (core/loop.h). Zero it before its first submit; the pool writes every
 * field from then on. The caller may read submit_ms, start_ms and end_ms in
 * done, and nothing while the job is in the pool. */
struct pool_job {
	struct pool_job *next; /* queue or completion list */
	pool_work_fn *work;
	pool_done_fn *done;
	uint64_t submit_ms; /* the now_ms given to pool_submit */
	uint64_t start_ms;  /* when a thread took it (CLOCK_MONOTONIC ms) */
	uint64_t end_ms;    /* when work returned */
	/* Loop thread only: */
	unsigned in_pool : 1; /* submitted, done not yet run */
	unsigned overdue : 1; /* reported by pool_overdue */
};

struct pool_stats {
	uint64_t submitted;   /* submits accepted */
	uint64_t refused;     /* submits refused because the queue was full */
	uint64_t finished;    /* jobs whose work returned */
	uint64_t completed;   /* jobs whose done ran */
	uint64_t wakeups;     /* eventfd writes by the threads */
	unsigned queued_peak; /* most jobs ever waiting in the queue */
};

/*
 * Thread contract: pool_start and pool_stop run on the loop thread (the one
 * thread that owns the pool), as does every other function here; pool
 * threads only ever run work. No function may be called from work or from a
 * signal handler.
 */

/* Starts nthreads threads (>= 1) that run jobs from a queue of at most
 * queue_max (>= 1) jobs waiting for a thread (so at most nthreads +
 * queue_max jobs are submitted and not yet finished). Call it in the process that
 * will use the pool (after fork: threads do not survive fork) and before
 * a sandbox that forbids clone. The threads block every signal, so that
 * signals reach the process's signalfd; the caller's mask is unchanged.
 * Returns the pool, or NULL with err filled (nothing left running). */
struct pool *pool_start(unsigned nthreads, unsigned queue_max, char *err,
			size_t errlen);

/* Refuses new jobs, lets the threads run every job already queued or
 * running, joins them, runs every outstanding done (before returning), and
 * frees the pool. It blocks as long as some work does: a draining worker
 * waits for pool_idle in its loop first, within its shutdown timeout. A
 * pool_submit from a done run here fails (ESHUTDOWN). NULL is a no-op. */
void pool_stop(struct pool *p);

/* The eventfd the loop watches for LOOP_IN; on each event, call
 * pool_complete. Owned by the pool. */
int pool_fd(const struct pool *p);

/* Hands job to an idle thread, or queues it. now_ms is the loop's cached
 * monotonic clock (loop_now); it becomes start_ms when a thread is idle.
 * Returns 0: done(job) will run exactly once. -1 with errno: EAGAIN when
 * queue_max jobs already wait (the caller holds its input back until the
 * room callback), EBUSY when job is still in the pool, ESHUTDOWN once
 * pool_stop began. A refused job is untouched and not the pool's. */
int pool_submit(struct pool *p, struct pool_job *job, pool_work_fn *work,
		pool_done_fn *done, uint64_t now_ms);

/* Drains the eventfd and runs done for every job whose work returned, in
 * the order they finished; then, if a submit was refused since the last
 * room callback and the queue has room, calls the room callback once.
 * Returns how many dones ran (0 after a spurious wake-up). */
unsigned pool_complete(struct pool *p);

/* Sets (or clears, with NULL) the room callback. */
void pool_on_room(struct pool *p, pool_room_fn *fn, void *data);

/* Whether every thread has been running one job for timeout_ms or more at
 * now_ms (monotonic ms): the worker is then unhealthy. 0 or 1. */
int pool_stuck(struct pool *p, uint64_t now_ms, uint64_t timeout_ms);

/* Calls fn(job, data) for each running job started timeout_ms or more
 * before now_ms that no earlier call reported; the pool's lock is not held
 * during fn, and the job stays in the pool (its done still comes when work
 * returns, so its memory must stay valid until then). fn may submit other
 * jobs but must not call pool_stop. Returns how many it reported. */
unsigned pool_overdue(struct pool *p, uint64_t now_ms, uint64_t timeout_ms,
		      void (*fn)(struct pool_job *job, void *data), void *data);

/* Jobs submitted whose done has not yet run (queued, running, or finished
 * and waiting for pool_complete); pool_idle: none. */
unsigned pool_pending(const struct pool *p);
int pool_idle(const struct pool *p);
/* A snapshot of the jobs waiting for a thread, and of those running. */
unsigned pool_queued(struct pool *p);
unsigned pool_running(struct pool *p);
/* Whether a pool_submit now would be refused with EAGAIN. */
int pool_full(struct pool *p);
void pool_stats(struct pool *p, struct pool_stats *st);

#endif
