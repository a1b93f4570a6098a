/* loop.c - the event loop: epoll over watches, a binary heap of timers;
 * the only file that calls epoll_* */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

_Static_assert(LOOP_IN == (unsigned)EPOLLIN && LOOP_OUT == (unsigned)EPOLLOUT &&
		       LOOP_ERR == (unsigned)EPOLLERR &&
		       LOOP_HUP == (unsigned)EPOLLHUP &&
		       LOOP_RDHUP == (unsigned)EPOLLRDHUP &&
		       LOOP_EDGE == (unsigned)EPOLLET,
	       "LOOP_* bits must equal EPOLL* bits");

#define LOOP_BATCH 256

struct loop {
	int epfd;
	int stopped;
	int ndispatch, idispatch; /* the batch being dispatched */
	uint64_t now;
	struct loop_timer **heap; /* 1-based min-heap on deadline_ms */
	size_t nheap, capheap;
	loop_batch_fn *batch_fn;
	void *batch_data;
	struct epoll_event events[LOOP_BATCH];
};

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct loop *loop_new(char *err, size_t errlen)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (l == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		snprintf(err, errlen, "epoll_create1: %s", strerror(errno));
		free(l);
		return NULL;
	}
	l->now = monotonic_ms();
	return l;
}

void loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	close(l->epfd);
	free(l->heap);
	free(l);
}

static int ctl(struct loop *l, int op, struct loop_watch *w)
{
	struct epoll_event ev = { .events = w->events, .data.ptr = w };

	return epoll_ctl(l->epfd, op, w->fd, &ev);
}

int loop_watch_add(struct loop *l, struct loop_watch *w, int fd,
		   uint32_t events, loop_io_fn *fn)
{
	w->fd = fd;
	w->events = events;
	w->fn = fn;
	return ctl(l, EPOLL_CTL_ADD, w);
}

int loop_watch_mod(struct loop *l, struct loop_watch *w, uint32_t events)
{
	if (w->events == events)
		return 0;
	w->events = events;
	return ctl(l, EPOLL_CTL_MOD, w);
}

void loop_watch_forget(struct loop *l, struct loop_watch *w)
{
	/* Forget events of this batch not yet dispatched to w: its owner may
	 * be freed (and its memory reused) as soon as we return. */
	for (int i = l->idispatch + 1; i < l->ndispatch; i++)
		if (l->events[i].data.ptr == w)
			l->events[i].data.ptr = NULL;
}

int loop_watch_del(struct loop *l, struct loop_watch *w)
{
	loop_watch_forget(l, w);
	return epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

static void heap_set(struct loop *l, size_t i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->heap_index = i;
}

static void heap_up(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	while (i > 1 && l->heap[i / 2]->deadline_ms > t->deadline_ms) {
		heap_set(l, i, l->heap[i / 2]);
		i /= 2;
	}
	heap_set(l, i, t);
}

static void heap_down(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i;
		if (c > l->nheap)
			break;
		if (c < l->nheap &&
		    l->heap[c + 1]->deadline_ms < l->heap[c]->deadline_ms)
			c++;
		if (l->heap[c]->deadline_ms >= t->deadline_ms)
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	size_t i = t->heap_index;
	struct loop_timer *last;

	if (i == 0)
		return;
	t->heap_index = 0;
	last = l->heap[l->nheap--];
	if (last == t)
		return;
	heap_set(l, i, last);
	heap_up(l, i);
	heap_down(l, last->heap_index);
}

void loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t ms)
{
	loop_timer_cancel(l, t);
	if (l->nheap + 1 >= l->capheap) {
		size_t cap = l->capheap ? l->capheap * 2 : 16;
		void *h = realloc(l->heap, cap * sizeof(*l->heap));
		if (h == NULL)
			abort(); /* a handful of timers per process */
		l->heap = h;
		l->capheap = cap;
	}
	t->deadline_ms = l->now + ms;
	heap_set(l, ++l->nheap, t);
	heap_up(l, l->nheap);
}

void loop_on_batch_end(struct loop *l, loop_batch_fn *fn, void *data)
{
	l->batch_fn = fn;
	l->batch_data = data;
}

uint64_t loop_now(const struct loop *l)
{
	return l->now;
}

uint64_t loop_update_now(struct loop *l)
{
	return l->now = monotonic_ms();
}

void loop_stop(struct loop *l)
{
	l->stopped = 1;
}

static int next_timeout(const struct loop *l)
{
	uint64_t d;

	if (l->nheap == 0)
		return -1;
	d = l->heap[1]->deadline_ms;
	return d <= l->now ? 0 : (int)(d - l->now < 60000 ? d - l->now : 60000);
}

static void run_timers(struct loop *l)
{
	while (l->nheap > 0 && l->heap[1]->deadline_ms <= l->now &&
	       !l->stopped) {
		struct loop_timer *t = l->heap[1];
		loop_timer_cancel(l, t);
		t->fn(l, t);
	}
}

int loop_run(struct loop *l)
{
	l->stopped = 0;
	while (!l->stopped) {
		int n = epoll_wait(l->epfd, l->events, LOOP_BATCH, next_timeout(l));

		if (n < 0 && errno != EINTR)
			return -1;
		l->now = monotonic_ms();
		l->ndispatch = n;
		for (l->idispatch = 0; l->idispatch < n; l->idispatch++) {
			struct loop_watch *w = l->events[l->idispatch].data.ptr;
			if (w != NULL)
				w->fn(l, w, l->events[l->idispatch].events);
		}
		l->ndispatch = 0;
		if (l->batch_fn != NULL)
			l->batch_fn(l, l->batch_data);
		run_timers(l);
	}
	return 0;
}
