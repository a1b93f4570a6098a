/* pool.c - a worker's thread pool: a bounded job queue under one mutex,
 * idle threads handed jobs directly, completions on a second list that
 * wakes the loop through an eventfd once per batch */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/pool.h"

struct pool_thread {
	struct pool *pool;
	pthread_t tid;
	pthread_cond_t wake;  /* signalled when cur is set or on stop */
	struct pool_job *cur; /* the job it runs, or NULL when idle */
	uint64_t start_ms;    /* cur's start */
	struct pool_thread *next_idle;
};

struct pool_list {
	struct pool_job *head, *tail;
};

struct pool {
	/* Queue side, under lock: what threads take and submit feeds. */
	pthread_mutex_t lock;
	struct pool_list queue;
	unsigned queued, running, queue_max, queued_peak;
	struct pool_thread *idle; /* threads with cur == NULL, waiting */
	int stopping;
	/* Completion side, under done_lock: what threads hand back. */
	pthread_mutex_t done_lock;
	struct pool_list finished;
	uint64_t nfinished, wakeups;
	/* Loop thread only. */
	int efd;
	unsigned pending;
	uint64_t submitted, refused, completed;
	int room_wanted; /* a submit was refused since the last room call */
	pool_room_fn *room_fn;
	void *room_data;
	struct pool_job **overdue; /* scratch, one slot per thread */
	unsigned nthreads;
	struct pool_thread threads[];
};

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void list_push(struct pool_list *l, struct pool_job *job)
{
	job->next = NULL;
	if (l->tail != NULL)
		l->tail->next = job;
	else
		l->head = job;
	l->tail = job;
}

static struct pool_job *list_pop(struct pool_list *l)
{
	struct pool_job *job = l->head;

	if (job != NULL) {
		l->head = job->next;
		if (l->head == NULL)
			l->tail = NULL;
		job->next = NULL;
	}
	return job;
}

/* Under p->lock: t runs job from now on. */
static void thread_assign(struct pool_thread *t, struct pool_job *job,
			  uint64_t start_ms)
{
	t->cur = job;
	t->start_ms = start_ms;
	job->start_ms = start_ms;
	t->pool->running++;
}

/* Pool thread. Accounts for the job it finished (if any) and takes the next
 * one from the queue without waiting; with none, it is idle from here on (so
 * a submit can hand it a job at once) and NULL is returned. Taking the next
 * job before the finished one is handed back means that when the loop sees
 * a completion, the room it made in the queue is already visible. */
static struct pool_job *thread_next(struct pool_thread *t)
{
	struct pool *p = t->pool;
	struct pool_job *job;

	pthread_mutex_lock(&p->lock);
	if (t->cur != NULL) {
		t->cur = NULL;
		p->running--;
	}
	job = list_pop(&p->queue);
	if (job != NULL) {
		p->queued--;
		thread_assign(t, job, monotonic_ms());
	} else {
		t->next_idle = p->idle;
		p->idle = t;
	}
	pthread_mutex_unlock(&p->lock);
	return job;
}

/* Pool thread, idle: waits for a job handed by submit, or for stop (NULL). */
static struct pool_job *thread_wait(struct pool_thread *t)
{
	struct pool *p = t->pool;
	struct pool_job *job;

	pthread_mutex_lock(&p->lock);
	while (t->cur == NULL && !p->stopping)
		pthread_cond_wait(&t->wake, &p->lock);
	job = t->cur;
	pthread_mutex_unlock(&p->lock);
	return job;
}

/* Pool thread: hands a finished job back to the loop. Only the push that
 * makes the list non-empty writes the eventfd; later ones ride on it until
 * pool_complete takes the whole list. */
static void thread_finish(struct pool *p, struct pool_job *job)
{
	uint64_t one = 1;
	int first;

	pthread_mutex_lock(&p->done_lock);
	first = p->finished.head == NULL;
	list_push(&p->finished, job);
	p->nfinished++;
	if (first)
		p->wakeups++;
	pthread_mutex_unlock(&p->done_lock);
	/* An eventfd write fails only when the counter would overflow, which
	 * a counter of wake-ups never nears. */
	if (first && write(p->efd, &one, sizeof(one)) < 0)
		abort();
}

static void *thread_main(void *arg)
{
	struct pool_thread *t = arg;
	struct pool_job *job = thread_wait(t);

	while (job != NULL) {
		struct pool_job *next;

		job->work(job);
		job->end_ms = monotonic_ms();
		next = thread_next(t);
		thread_finish(t->pool, job);
		job = next != NULL ? next : thread_wait(t);
	}
	return NULL;
}

static struct pool *pool_alloc(unsigned nthreads, unsigned queue_max)
{
	struct pool *p;

	p = calloc(1, sizeof(*p) + nthreads * sizeof(p->threads[0]));
	if (p == NULL)
		return NULL;
	p->overdue = calloc(nthreads, sizeof(p->overdue[0]));
	if (p->overdue == NULL) {
		free(p);
		return NULL;
	}
	p->queue_max = queue_max;
	p->efd = -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_init(&p->done_lock, NULL);
	/* Every thread starts idle, so the first submits are handed over at
	 * once, before the threads have even been scheduled. */
	for (unsigned i = nthreads; i-- > 0;) {
		struct pool_thread *t = &p->threads[i];

		t->pool = p;
		pthread_cond_init(&t->wake, NULL);
		t->next_idle = p->idle;
		p->idle = t;
	}
	return p;
}

static void pool_free(struct pool *p, unsigned ncond)
{
	for (unsigned i = 0; i < ncond; i++)
		pthread_cond_destroy(&p->threads[i].wake);
	pthread_mutex_destroy(&p->lock);
	pthread_mutex_destroy(&p->done_lock);
	if (p->efd >= 0)
		close(p->efd);
	free(p->overdue);
	free(p);
}

/* Tells every thread to stop and joins the first n. */
static void pool_join(struct pool *p, unsigned n)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	for (unsigned i = 0; i < n; i++)
		pthread_cond_signal(&p->threads[i].wake);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < n; i++)
		pthread_join(p->threads[i].tid, NULL);
}

/* Creates the threads with every signal blocked (they inherit the mask);
 * the caller's mask is restored. Each is named "pool N" (ps -L, top -H).
 * Returns how many were started. */
static unsigned pool_spawn(struct pool *p, unsigned nthreads, int *err)
{
	sigset_t all, old;
	char name[16]; /* the kernel's limit, with the NUL */
	unsigned n;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (n = 0; n < nthreads; n++) {
		*err = pthread_create(&p->threads[n].tid, NULL, thread_main,
				      &p->threads[n]);
		if (*err != 0)
			break;
		snprintf(name, sizeof(name), "pool %u", n);
		pthread_setname_np(p->threads[n].tid, name); /* a nicety */
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return n;
}

struct pool *pool_start(unsigned nthreads, unsigned queue_max, char *err,
			size_t errlen)
{
	struct pool *p;
	int rc = 0;

	if (nthreads == 0 || queue_max == 0) {
		snprintf(err, errlen,
			 "a pool needs at least one thread and "
			 "room for one queued job");
		return NULL;
	}
	p = pool_alloc(nthreads, queue_max);
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (p->efd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	p->nthreads = pool_spawn(p, nthreads, &rc);
	if (p->nthreads < nthreads) {
		snprintf(err, errlen, "pthread_create: %s", strerror(rc));
		pool_join(p, p->nthreads);
		goto fail;
	}
	return p;
fail:
	pool_free(p, nthreads);
	return NULL;
}

void pool_stop(struct pool *p)
{
	if (p == NULL)
		return;
	pool_join(p, p->nthreads);
	pool_complete(p);
	pool_free(p, p->nthreads);
}

int pool_fd(const struct pool *p)
{
	return p->efd;
}

int pool_submit(struct pool *p, struct pool_job *job, pool_work_fn *work,
		pool_done_fn *done, uint64_t now_ms)
{
	struct pool_thread *t;
	int rc = 0;

	if (job->in_pool) {
		errno = EBUSY;
		return -1;
	}
	job->work = work;
	job->done = done;
	job->submit_ms = now_ms;
	job->start_ms = job->end_ms = 0;
	job->overdue = 0;
	pthread_mutex_lock(&p->lock);
	if (p->stopping) {
		errno = ESHUTDOWN;
		rc = -1;
	} else if ((t = p->idle) != NULL) {
		p->idle = t->next_idle;
		thread_assign(t, job, now_ms);
		pthread_cond_signal(&t->wake);
	} else if (p->queued < p->queue_max) {
		list_push(&p->queue, job);
		if (++p->queued > p->queued_peak)
			p->queued_peak = p->queued;
	} else {
		errno = EAGAIN;
		rc = -1;
	}
	pthread_mutex_unlock(&p->lock);
	if (rc == 0) {
		job->in_pool = 1;
		p->pending++;
		p->submitted++;
	} else if (errno == EAGAIN) {
		p->refused++;
		p->room_wanted = 1;
	}
	return rc;
}

/* Reads the eventfd to zero; EAGAIN (nothing written since) is fine. */
static void pool_drain_fd(struct pool *p)
{
	uint64_t n;

	while (read(p->efd, &n, sizeof(n)) < 0 && errno == EINTR)
		;
}

unsigned pool_complete(struct pool *p)
{
	struct pool_list done;
	struct pool_job *job;
	unsigned n = 0;

	/* Drain before taking the list: a write that lands after the drain
	 * belongs to a push the next call will see. */
	pool_drain_fd(p);
	pthread_mutex_lock(&p->done_lock);
	done = p->finished;
	p->finished.head = p->finished.tail = NULL;
	pthread_mutex_unlock(&p->done_lock);
	while ((job = list_pop(&done)) != NULL) {
		job->in_pool = 0;
		p->pending--;
		p->completed++;
		n++;
		job->done(job);
	}
	if (p->room_wanted && p->room_fn != NULL && !p->stopping &&
	    !pool_full(p)) {
		p->room_wanted = 0;
		p->room_fn(p, p->room_data);
	}
	return n;
}

void pool_on_room(struct pool *p, pool_room_fn *fn, void *data)
{
	p->room_fn = fn;
	p->room_data = data;
}

/* Whether t's job started timeout_ms or more before now_ms (the loop's
 * cached clock may lag a thread's reading: a start after now is young). */
static int thread_overdue(const struct pool_thread *t, uint64_t now_ms,
			  uint64_t timeout_ms)
{
	return t->cur != NULL && t->start_ms <= now_ms &&
	       now_ms - t->start_ms >= timeout_ms;
}

int pool_stuck(struct pool *p, uint64_t now_ms, uint64_t timeout_ms)
{
	int stuck = 1;

	pthread_mutex_lock(&p->lock);
	for (unsigned i = 0; i < p->nthreads && stuck; i++)
		stuck = thread_overdue(&p->threads[i], now_ms, timeout_ms);
	pthread_mutex_unlock(&p->lock);
	return stuck;
}

unsigned pool_overdue(struct pool *p, uint64_t now_ms, uint64_t timeout_ms,
		      void (*fn)(struct pool_job *job, void *data), void *data)
{
	unsigned n = 0;

	pthread_mutex_lock(&p->lock);
	for (unsigned i = 0; i < p->nthreads; i++) {
		struct pool_thread *t = &p->threads[i];

		if (thread_overdue(t, now_ms, timeout_ms) && !t->cur->overdue) {
			t->cur->overdue = 1;
			p->overdue[n++] = t->cur;
		}
	}
	pthread_mutex_unlock(&p->lock);
	/* The jobs stay valid: their done runs on this thread, not before
	 * this returns. */
	for (unsigned i = 0; i < n; i++)
		fn(p->overdue[i], data);
	return n;
}

unsigned pool_pending(const struct pool *p)
{
	return p->pending;
}

int pool_idle(const struct pool *p)
{
	return p->pending == 0;
}

unsigned pool_queued(struct pool *p)
{
	unsigned n;

	pthread_mutex_lock(&p->lock);
	n = p->queued;
	pthread_mutex_unlock(&p->lock);
	return n;
}

unsigned pool_running(struct pool *p)
{
	unsigned n;

	pthread_mutex_lock(&p->lock);
	n = p->running;
	pthread_mutex_unlock(&p->lock);
	return n;
}

int pool_full(struct pool *p)
{
	int full;

	pthread_mutex_lock(&p->lock);
	full = p->idle == NULL && p->queued >= p->queue_max;
	pthread_mutex_unlock(&p->lock);
	return full;
}

void pool_stats(struct pool *p, struct pool_stats *st)
{
	st->submitted = p->submitted;
	st->refused = p->refused;
	st->completed = p->completed;
	pthread_mutex_lock(&p->lock);
	st->queued_peak = p->queued_peak;
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_lock(&p->done_lock);
	st->finished = p->nfinished;
	st->wakeups = p->wakeups;
	pthread_mutex_unlock(&p->done_lock);
}
