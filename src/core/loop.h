/* loop.h - the event loop: fds with masks and callbacks, timers; the only
 * module that calls epoll_* */
#ifndef PREFORKD_LOOP_H
#define PREFORKD_LOOP_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct loop_watch;
struct loop_timer;

/* Event bits, equal to their EPOLL* counterparts. */
#define LOOP_IN 0x001u
#define LOOP_OUT 0x004u
#define LOOP_ERR 0x008u
#define LOOP_HUP 0x010u
#define LOOP_RDHUP 0x2000u
#define LOOP_EDGE (1u << 31)

typedef void loop_io_fn(struct loop *l, struct loop_watch *w, uint32_t events);
typedef void loop_timer_fn(struct loop *l, struct loop_timer *t);
typedef void loop_batch_fn(struct loop *l, void *data);

/* Embed one in the object that owns the fd; recover it with container_of. */
struct loop_watch {
	int fd;
	uint32_t events; /* as registered */
	loop_io_fn *fn;
};

/* Embed one per timer; set fn before arming. */
struct loop_timer {
	uint64_t deadline_ms;
	size_t heap_index; /* 0: not armed */
	loop_timer_fn *fn;
};

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* Creates a loop (an epoll instance). NULL with err filled on failure. */
struct loop *loop_new(char *err, size_t errlen);
void loop_free(struct loop *l);

/* Register, change or remove w->fd. Return 0 or -1 (errno set). */
int loop_watch_add(struct loop *l, struct loop_watch *w, int fd,
		   uint32_t events, loop_io_fn *fn);
int loop_watch_mod(struct loop *l, struct loop_watch *w, uint32_t events);
/* Safe while a batch is dispatched: once it returns, no event of the batch
 * reaches w, so its owner may be freed. Call it before close(fd). */
int loop_watch_del(struct loop *l, struct loop_watch *w);
/* As loop_watch_del without the epoll_ctl, for an fd about to be closed
 * that no other process or descriptor shares (close removes it). */
void loop_watch_forget(struct loop *l, struct loop_watch *w);

/* Arms t to fire after ms milliseconds (re-arming moves it). */
void loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t ms);
void loop_timer_cancel(struct loop *l, struct loop_timer *t);

/* Called once after each batch of events, e.g. to free closed objects. */
void loop_on_batch_end(struct loop *l, loop_batch_fn *fn, void *data);

/* Monotonic milliseconds, read once per loop turn. */
uint64_t loop_now(const struct loop *l);
/* Re-reads the clock (after a long callback). */
uint64_t loop_update_now(struct loop *l);

/* Runs until loop_stop; returns 0, or -1 when epoll_wait fails. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

#endif
