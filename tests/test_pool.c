/* test_pool.c - the worker thread pool: throughput, exactly-once dones on
 * the loop thread, the queue bound and its room callback, batched wake-ups,
 * stuck and overdue detection, and stop; mostly table-driven */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/pool.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAXJOBS 128

static pthread_t main_thread;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A gate a job's work waits on until the test opens it. */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int open;
};

static void gate_init(struct gate *g)
{
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->open = 0;
}

static void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = 1;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

static void gate_pass(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

static void gate_destroy(struct gate *g)
{
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->cond);
}

/* A test job: work sleeps or waits at its gate; both hooks count calls. */
struct tjob {
	struct pool_job job;
	unsigned sleep_ms;
	struct gate *gate;
	atomic_int worked;
	atomic_int worked_on_main;
	atomic_int mask_ok; /* work ran with TERM, INT, HUP, CHLD blocked */
	char thread_name[16]; /* the name of the thread work ran on */
	int done, done_off_main;
	int resubmit; /* done submits the job again this many times */
	int submit_in_done; /* what that submit returned (-1: errno kept) */
	int submit_errno;
	struct pool *pool;
};

#define TJOB(j) \
	((struct tjob *)(void *)((char *)(j)-offsetof(struct tjob, job)))

static int signals_blocked(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1 };
	sigset_t cur;

	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	for (size_t i = 0; i < NELEM(sigs); i++)
		if (!sigismember(&cur, sigs[i]))
			return 0;
	return 1;
}

static void tjob_work(struct pool_job *job)
{
	struct tjob *t = TJOB(job);

	t->worked++;
	if (pthread_equal(pthread_self(), main_thread))
		t->worked_on_main++;
	t->mask_ok = signals_blocked();
	pthread_getname_np(pthread_self(), t->thread_name,
			   sizeof(t->thread_name));
	if (t->gate != NULL)
		gate_pass(t->gate);
	if (t->sleep_ms > 0)
		sleep_ms(t->sleep_ms);
}

static void tjob_done(struct pool_job *job)
{
	struct tjob *t = TJOB(job);

	t->done++;
	if (!pthread_equal(pthread_self(), main_thread))
		t->done_off_main++;
	if (t->resubmit > 0) {
		t->resubmit--;
		t->submit_in_done = pool_submit(t->pool, job, tjob_work,
						tjob_done, now_ms());
		t->submit_errno = errno;
	}
}

static int submit(struct pool *p, struct tjob *t)
{
	t->pool = p;
	return pool_submit(p, &t->job, tjob_work, tjob_done, now_ms());
}

/* Every job's work and done ran exactly `times` times, work on a pool
 * thread with signals blocked, done on this thread. */
static void check_once(const struct tjob *jobs, size_t n, int times)
{
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].worked != times || jobs[i].done != times)
			fail_msg("job %zu: work ran %d times, done %d, want %d",
				 i, (int)jobs[i].worked, jobs[i].done, times);
		assert_int_equal(jobs[i].worked_on_main, 0);
		assert_int_equal(jobs[i].done_off_main, 0);
		assert_int_equal(jobs[i].mask_ok, 1);
	}
}

/* The loop, reduced to poll() on the pool's eventfd: completes until
 * pool_idle or timeout_ms. Returns how many dones ran. */
static unsigned drive_until_idle(struct pool *p, unsigned timeout_ms)
{
	uint64_t deadline = now_ms() + timeout_ms;
	unsigned n = 0;

	while (!pool_idle(p) && now_ms() < deadline) {
		struct pollfd pfd = { .fd = pool_fd(p), .events = POLLIN };

		if (poll(&pfd, 1, 50) > 0)
			n += pool_complete(p);
	}
	return n;
}

/* Completes until at least want dones ran (or timeout_ms). */
static unsigned drive_until(struct pool *p, unsigned want, unsigned timeout_ms)
{
	uint64_t deadline = now_ms() + timeout_ms;
	unsigned n = 0;

	while (n < want && now_ms() < deadline) {
		struct pollfd pfd = { .fd = pool_fd(p), .events = POLLIN };

		if (poll(&pfd, 1, 50) > 0)
			n += pool_complete(p);
	}
	return n;
}

static struct pool *start(unsigned nthreads, unsigned queue_max)
{
	char err[128];
	struct pool *p = pool_start(nthreads, queue_max, err, sizeof(err));

	if (p == NULL)
		fail_msg("pool_start(%u, %u): %s", nthreads, queue_max, err);
	return p;
}

/* --- pool_start refuses sizes it cannot honour */
static void test_start_refuses_empty_sizes(void **state)
{
	static const struct {
		const char *name;
		unsigned nthreads, queue_max;
	} cases[] = {
		{ "no thread", 0, 8 },
		{ "no room in the queue", 4, 0 },
		{ "neither", 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		char err[128] = "";
		struct pool *p;

		p = pool_start(cases[i].nthreads, cases[i].queue_max, err,
			       sizeof(err));

		if (p != NULL)
			fail_msg("%s: pool_start succeeded", cases[i].name);
		assert_true(err[0] != '\0');
	}
	pool_stop(NULL); /* a no-op */
}

/* --- throughput: jobs that sleep overlap across threads; submits refused
 * by a full queue resume from the room callback */
struct run {
	struct pool *pool;
	struct tjob *jobs;
	unsigned njobs, next;
	unsigned queue_max, queued_seen, room_calls;
};

/* Submits jobs until the pool refuses one (EAGAIN) or none are left. */
static void run_feed(struct run *r)
{
	while (r->next < r->njobs) {
		unsigned q;

		if (submit(r->pool, &r->jobs[r->next]) < 0) {
			assert_int_equal(errno, EAGAIN);
			break;
		}
		r->next++;
		q = pool_queued(r->pool);
		if (q > r->queued_seen)
			r->queued_seen = q;
	}
}

static void on_room(struct pool *p, void *data)
{
	struct run *r = data;

	assert_ptr_equal(p, r->pool);
	r->room_calls++;
	run_feed(r);
}

struct throughput_case {
	const char *name;
	unsigned threads, queue_max, jobs, sleep_ms;
	uint64_t min_ms, max_ms;
};

static const struct throughput_case throughput_cases[] = {
	{ "4 threads run 40 jobs of 100 ms in about 1 s", 4, 64, 40, 100, 900,
	  1600 },
	{ "a queue of 4 holds submits back, resumed on room, still about 1 s",
	  4, 4, 40, 100, 900, 1600 },
	{ "1 thread runs 10 jobs of 100 ms one after another", 1, 16, 10, 100,
	  900, 1600 },
};

static void run_throughput_case(const struct throughput_case *tc)
{
	static struct tjob jobs[MAXJOBS];
	struct run r = { .jobs = jobs, .njobs = tc->jobs,
			 .queue_max = tc->queue_max };
	struct pool_stats st;
	uint64_t t0, ms;
	unsigned ndone;

	memset(jobs, 0, sizeof(jobs));
	for (unsigned i = 0; i < tc->jobs; i++)
		jobs[i].sleep_ms = tc->sleep_ms;
	r.pool = start(tc->threads, tc->queue_max);
	pool_on_room(r.pool, on_room, &r);
	t0 = now_ms();
	run_feed(&r);
	ndone = drive_until_idle(r.pool, 10000);
	ms = now_ms() - t0;
	if (r.next != tc->jobs || ndone != tc->jobs)
		fail_msg("%s: submitted %u, done %u of %u", tc->name, r.next,
			 ndone, tc->jobs);
	if (ms < tc->min_ms || ms > tc->max_ms)
		fail_msg("%s: took %llu ms, want %llu..%llu", tc->name,
			 (unsigned long long)ms, (unsigned long long)tc->min_ms,
			 (unsigned long long)tc->max_ms);
	check_once(jobs, tc->jobs, 1);
	pool_stats(r.pool, &st);
	assert_int_equal(st.submitted, tc->jobs);
	assert_int_equal(st.completed, tc->jobs);
	assert_int_equal(st.finished, tc->jobs);
	assert_true(st.queued_peak <= tc->queue_max);
	assert_true(r.queued_seen <= tc->queue_max);
	assert_true(st.wakeups >= 1 && st.wakeups <= tc->jobs);
	/* Refusals happen exactly when the jobs outnumber threads + queue,
	 * and each refusal is followed by a room callback. */
	if (tc->jobs > tc->threads + tc->queue_max) {
		assert_true(st.refused > 0);
		assert_true(r.room_calls > 0);
	} else {
		assert_int_equal(st.refused, 0);
		assert_int_equal(r.room_calls, 0);
	}
	print_message("    %s: %llu ms, %llu wake-ups, %llu refused\n",
		      tc->name, (unsigned long long)ms,
		      (unsigned long long)st.wakeups,
		      (unsigned long long)st.refused);
	pool_stop(r.pool);
	check_once(jobs, tc->jobs, 1); /* stop runs nothing twice */
}

static void test_throughput_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(throughput_cases); i++)
		run_throughput_case(&throughput_cases[i]);
}

/* --- many tiny jobs through a small queue: the races between submit,
 * take, finish and complete lose nothing and repeat nothing */
static void test_many_short_jobs_each_done_once(void **state)
{
	enum { NJOBS = 10000 };
	struct tjob *jobs = calloc(NJOBS, sizeof(*jobs));
	struct run r = { .jobs = jobs, .njobs = NJOBS, .queue_max = 8 };
	struct pool_stats st;

	(void)state;
	assert_non_null(jobs);
	r.pool = start(4, 8);
	pool_on_room(r.pool, on_room, &r);
	run_feed(&r);
	assert_int_equal(drive_until_idle(r.pool, 60000), NJOBS);
	assert_int_equal(r.next, NJOBS);
	check_once(jobs, NJOBS, 1);
	pool_stats(r.pool, &st);
	assert_true(st.queued_peak <= 8);
	assert_true(r.queued_seen <= 8);
	assert_true(st.wakeups <= NJOBS);
	print_message("    %d jobs: %llu wake-ups, %llu refused, %u room calls\n",
		      NJOBS, (unsigned long long)st.wakeups,
		      (unsigned long long)st.refused, r.room_calls);
	pool_stop(r.pool);
	free(jobs);
}

/* --- the queue bound, step by step: 2 threads, room for 3 */
static void test_queue_bound_refuses_then_reopens(void **state)
{
	struct tjob jobs[8] = { 0 };
	struct gate gates[8];
	struct run r = { .jobs = jobs, .njobs = 0, .queue_max = 3 };
	struct pool *p = start(2, 3);

	(void)state;
	r.pool = p;
	pool_on_room(p, on_room, &r);
	for (int i = 0; i < 8; i++) {
		gate_init(&gates[i]);
		jobs[i].gate = &gates[i];
	}
	/* Two go to the idle threads at once, three wait, the sixth fails. */
	for (int i = 0; i < 5; i++)
		assert_int_equal(submit(p, &jobs[i]), 0);
	assert_int_equal(pool_running(p), 2);
	assert_int_equal(pool_queued(p), 3);
	assert_true(pool_full(p));
	errno = 0;
	assert_int_equal(submit(p, &jobs[5]), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(pool_queued(p), 3);
	assert_int_equal(jobs[5].worked, 0);
	/* A job still in the pool cannot be submitted twice. */
	errno = 0;
	assert_int_equal(submit(p, &jobs[0]), -1);
	assert_int_equal(errno, EBUSY);

	/* One finishes: its thread takes a queued job, room appears, and the
	 * room callback (which submits nothing: njobs is 0) says so once. */
	gate_open(&gates[0]);
	assert_int_equal(drive_until(p, 1, 5000), 1);
	assert_int_equal(jobs[0].done, 1);
	assert_int_equal(r.room_calls, 1);
	assert_false(pool_full(p));
	assert_int_equal(pool_queued(p), 2);
	assert_int_equal(submit(p, &jobs[5]), 0);
	assert_int_equal(pool_queued(p), 3);
	assert_int_equal(submit(p, &jobs[6]), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(pool_pending(p), 5);

	for (int i = 1; i < 6; i++)
		gate_open(&gates[i]);
	assert_int_equal(drive_until_idle(p, 5000), 5);
	check_once(jobs, 6, 1);
	assert_int_equal(jobs[6].worked + jobs[6].done, 0);
	assert_int_equal(r.room_calls, 2);
	pool_stop(p);
	for (int i = 0; i < 8; i++)
		gate_destroy(&gates[i]);
}

/* --- a batch that finishes before the loop looks costs one wake-up */

/* Waits (bounded) until every submitted job's work has returned. */
static void wait_all_finished(struct pool *p, struct pool_stats *st)
{
	uint64_t deadline = now_ms() + 5000;

	for (;;) {
		pool_stats(p, st);
		if (st->finished == st->submitted || now_ms() >= deadline)
			break;
		sleep_ms(1);
	}
	assert_int_equal(st->finished, st->submitted);
}

static void test_batch_wakes_loop_once(void **state)
{
	static const unsigned batches[] = { 1, 8, 64 };
	static struct tjob jobs[64];
	struct pool *p = start(4, 64);

	(void)state;
	for (size_t b = 0; b < NELEM(batches); b++) {
		unsigned n = batches[b];
		struct pool_stats st;
		struct pollfd pfd = { .fd = pool_fd(p), .events = POLLIN };
		uint64_t count = 0;

		memset(jobs, 0, sizeof(jobs));
		for (unsigned i = 0; i < n; i++)
			assert_int_equal(submit(p, &jobs[i]), 0);
		wait_all_finished(p, &st);
		/* Read the eventfd ourselves: its counter sums the writes
		 * (the one write follows its push, so wait for it). */
		assert_int_equal(poll(&pfd, 1, 1000), 1);
		assert_int_equal(read(pool_fd(p), &count, sizeof(count)),
				 sizeof(count));
		if (count != 1)
			fail_msg("batch of %u: %llu eventfd writes, want 1", n,
				 (unsigned long long)count);
		assert_int_equal(st.wakeups, b + 1);
		assert_int_equal(pool_complete(p), n);
		assert_int_equal(poll(&pfd, 1, 0), 0);
		assert_int_equal(pool_complete(p), 0); /* spurious: harmless */
		assert_true(pool_idle(p));
		check_once(jobs, n, 1);
	}
	pool_stop(p);
}

/* --- pool_stuck: every thread blocked on one job past the timeout */
struct stuck_case {
	const char *name;
	unsigned blocked;   /* of 2 threads */
	int64_t elapsed_ms; /* the loop clock's now minus the jobs' start */
	uint64_t timeout_ms;
	int stuck;
};

static const struct stuck_case stuck_cases[] = {
	{ "an idle pool is never stuck", 0, 100000, 1000, 0 },
	{ "one blocked thread of two is not stuck", 1, 100000, 1000, 0 },
	{ "both threads blocked past the timeout are stuck", 2, 1000, 1000, 1 },
	{ "both blocked for less than the timeout are not stuck", 2, 999, 1000,
	  0 },
	{ "a loop clock behind the start counts as young", 2, -5, 1, 0 },
};

static void run_stuck_case(const struct stuck_case *tc)
{
	struct tjob jobs[2] = { 0 };
	struct gate gate;
	struct pool *p = start(2, 4);
	uint64_t base = now_ms();

	gate_init(&gate);
	for (unsigned i = 0; i < tc->blocked; i++) {
		jobs[i].gate = &gate;
		jobs[i].pool = p;
		/* Handed to an idle thread: start_ms is the given now. */
		assert_int_equal(pool_submit(p, &jobs[i].job, tjob_work,
					     tjob_done, base),
				 0);
	}
	if (pool_stuck(p, base + (uint64_t)tc->elapsed_ms, tc->timeout_ms) !=
	    tc->stuck)
		fail_msg("%s: pool_stuck is %d", tc->name, !tc->stuck);
	gate_open(&gate);
	assert_int_equal(drive_until_idle(p, 5000), tc->blocked);
	check_once(jobs, tc->blocked, 1);
	assert_false(pool_stuck(p, base + 100000, 1));
	pool_stop(p);
	gate_destroy(&gate);
}

static void test_stuck_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(stuck_cases); i++)
		run_stuck_case(&stuck_cases[i]);
}

/* --- pool_overdue reports each long-running job once; done still comes */
struct overdue_log {
	struct pool_job *seen[4];
	unsigned n;
};

static void on_overdue(struct pool_job *job, void *data)
{
	struct overdue_log *log = data;

	assert_true(log->n < NELEM(log->seen));
	assert_int_equal(TJOB(job)->done, 0); /* still in the pool */
	log->seen[log->n++] = job;
}

static void test_overdue_reports_each_job_once(void **state)
{
	struct tjob jobs[2] = { 0 };
	struct gate gates[2];
	struct overdue_log log = { 0 };
	struct pool *p = start(3, 4);
	uint64_t base = now_ms();

	(void)state;
	for (int i = 0; i < 2; i++) {
		gate_init(&gates[i]);
		jobs[i].gate = &gates[i];
		jobs[i].pool = p;
		assert_int_equal(pool_submit(p, &jobs[i].job, tjob_work,
					     tjob_done, base + 500 * i),
				 0);
	}
	assert_int_equal(pool_overdue(p, base + 999, 1000, on_overdue, &log),
			 0);
	assert_int_equal(pool_overdue(p, base + 1000, 1000, on_overdue, &log),
			 1);
	assert_ptr_equal(log.seen[0], &jobs[0].job);
	assert_int_equal(pool_overdue(p, base + 1200, 1000, on_overdue, &log),
			 0);
	assert_int_equal(pool_overdue(p, base + 1500, 1000, on_overdue, &log),
			 1);
	assert_ptr_equal(log.seen[1], &jobs[1].job);
	/* One of three threads idle: overdue jobs, yet not stuck. */
	assert_false(pool_stuck(p, base + 5000, 1000));

	gate_open(&gates[0]);
	assert_int_equal(drive_until(p, 1, 5000), 1);
	assert_int_equal(jobs[0].done, 1);
	assert_true(jobs[0].job.end_ms >= jobs[0].job.start_ms);
	assert_int_equal(pool_overdue(p, base + 9000, 1000, on_overdue, &log),
			 0);
	gate_open(&gates[1]);
	assert_int_equal(drive_until_idle(p, 5000), 1);
	check_once(jobs, 2, 1);
	assert_int_equal(log.n, 2);
	pool_stop(p);
	for (int i = 0; i < 2; i++)
		gate_destroy(&gates[i]);
}

/* --- a job's start time: the loop's now when handed to an idle thread,
 * the thread's clock when taken from the queue */
static void test_start_time_of_queued_job_is_the_threads(void **state)
{
	struct tjob jobs[2] = { 0 };
	struct pool *p = start(1, 4);
	uint64_t before;

	(void)state;
	jobs[0].sleep_ms = 50;
	jobs[0].pool = jobs[1].pool = p;
	assert_int_equal(pool_submit(p, &jobs[0].job, tjob_work, tjob_done, 7),
			 0);
	before = now_ms();
	assert_int_equal(pool_submit(p, &jobs[1].job, tjob_work, tjob_done, 7),
			 0);
	assert_int_equal(drive_until_idle(p, 5000), 2);
	assert_int_equal(jobs[0].job.start_ms, 7);
	assert_int_equal(jobs[1].job.submit_ms, 7);
	assert_true(jobs[1].job.start_ms >= before + 40);
	assert_true(jobs[1].job.end_ms >= jobs[1].job.start_ms);
	check_once(jobs, 2, 1);
	pool_stop(p);
}

/* --- pool_stop: every job queued or running is still worked and done */
struct stop_case {
	const char *name;
	unsigned threads, queue_max, jobs, first_sleep_ms;
};

static const struct stop_case stop_cases[] = {
	{ "stop with nothing submitted", 2, 4, 0, 0 },
	{ "stop runs every queued job and its done", 1, 8, 6, 200 },
	{ "stop with 4 busy threads and 20 queued", 4, 32, 24, 200 },
};

static void run_stop_case(const struct stop_case *tc)
{
	static struct tjob jobs[MAXJOBS];
	struct pool *p = start(tc->threads, tc->queue_max);

	memset(jobs, 0, sizeof(jobs));

	for (unsigned i = 0; i < tc->jobs; i++) {
		jobs[i].sleep_ms = i < tc->threads ? tc->first_sleep_ms : 0;
		jobs[i].resubmit = 1; /* from done, during stop: refused */
		assert_int_equal(submit(p, &jobs[i]), 0);
	}
	if (tc->jobs > tc->threads)
		assert_int_equal(pool_queued(p), tc->jobs - tc->threads);
	pool_stop(p);
	check_once(jobs, tc->jobs, 1);
	for (unsigned i = 0; i < tc->jobs; i++) {
		assert_int_equal(jobs[i].submit_in_done, -1);
		assert_int_equal(jobs[i].submit_errno, ESHUTDOWN);
	}
}

static void test_stop_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(stop_cases); i++)
		run_stop_case(&stop_cases[i]);
}

/* --- a done may submit its own job again (the next message) */
static void test_done_resubmits_its_job(void **state)
{
	struct tjob job = { .resubmit = 4 };
	struct pool *p = start(2, 2);

	(void)state;
	assert_int_equal(submit(p, &job), 0);
	assert_int_equal(drive_until(p, 5, 5000), 5);
	assert_int_equal(job.worked, 5);
	assert_int_equal(job.done, 5);
	assert_int_equal(job.submit_in_done, 0);
	assert_true(pool_idle(p));
	pool_stop(p);
}

/* --- the threads block every signal and are named; the caller's mask is
 * untouched */
static void test_threads_block_signals_named_caller_mask_kept(void **state)
{
	sigset_t before, after, usr2;
	struct tjob job = { 0 };
	struct pool *p;

	(void)state;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	pthread_sigmask(SIG_BLOCK, NULL, &before); /* a mask of our own */
	p = start(2, 2);
	pthread_sigmask(SIG_BLOCK, NULL, &after);
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&before, s) != sigismember(&after, s))
			fail_msg("signal %d changed in the caller's mask", s);
	assert_false(sigismember(&after, SIGTERM));
	assert_int_equal(submit(p, &job), 0);
	assert_int_equal(drive_until_idle(p, 5000), 1);
	check_once(&job, 1, 1); /* includes mask_ok */
	assert_true(strncmp(job.thread_name, "pool ", 5) == 0);
	pool_stop(p);
	pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_refuses_empty_sizes),
		cmocka_unit_test(test_throughput_table),
		cmocka_unit_test(test_many_short_jobs_each_done_once),
		cmocka_unit_test(test_queue_bound_refuses_then_reopens),
		cmocka_unit_test(test_batch_wakes_loop_once),
		cmocka_unit_test(test_stuck_table),
		cmocka_unit_test(test_overdue_reports_each_job_once),
		cmocka_unit_test(test_start_time_of_queued_job_is_the_threads),
		cmocka_unit_test(test_stop_table),
		cmocka_unit_test(test_done_resubmits_its_job),
		cmocka_unit_test(test_threads_block_signals_named_caller_mask_kept),
	};

	main_thread = pthread_self();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
