/* module_pool.c - a module listener's thread pool in a worker: defer()
 * runs a handler's blocking work on a pool thread and its done on the
 * loop thread, exactly once; a full queue holds the connection back
 * (nothing is dropped), job_timeout closes a connection whose job runs
 * too long, and a closed connection's slot waits for its job (PFD_GONE) */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/pool.h"
#include "module.h"

#define OVERDUE_CHECK_MS 250

/* One deferred call; lives from defer to the end of its done. */
struct mjob {
	struct pool_job pj;
	struct conn *c;
	void (*work)(void *arg);
	enum pfd_next (*done)(struct pfd_conn *c, void *arg, enum pfd_end end);
	void *arg;
	struct mjob *next; /* in module_lsn's waiting list */
};

static void job_work(struct pool_job *pj)
{
	struct mjob *j = container_of(pj, struct mjob, pj);

	j->work(j->arg);
}

/* On the loop thread. The connection may defer again from done (its job
 * flag is clear by then); otherwise it goes on with its input. */
static void job_done(struct pool_job *pj)
{
	struct mjob *j = container_of(pj, struct mjob, pj);
	struct conn *c = j->c;
	enum pfd_next next;
	bool gone;

	/* A FIN the loop has not seen yet (it was busy) still means the
	 * client left: PFD_GONE whatever the loop's speed. */
	if (!(c->flags & CONN_CLOSED) && conn_peer_gone(c))
		conn_close(c, "the client left during a job");
	gone = (c->flags & CONN_CLOSED) != 0;

	c->mode_flags &= (uint8_t)~MCONN_JOB;
	module_hook_enter(c, "done");
	next = j->done((struct pfd_conn *)c, j->arg, gone ? PFD_GONE : PFD_DONE);
	module_hook_leave();
	free(j);
	if (gone) {
		conn_unhold(c); /* the slot may now be reused */
		return;
	}
	conn_unhold(c);
	if (module_after_hook(c, next) < 0 || (c->mode_flags & MCONN_JOB))
		return;
	if (conn_pause_input(c, false) == 0)
		module_resume(c);
}

static int submit(struct module_lsn *ml, struct mjob *j)
{
	return pool_submit(ml->pool, &j->pj, job_work, job_done,
			   loop_now(ml->lsn->srv->loop));
}

/* Room in the queue again: the held-back jobs go, oldest first. */
static void on_room(struct pool *p, void *data)
{
	struct module_lsn *ml = data;

	while (ml->wait_head != NULL && submit(ml, ml->wait_head) == 0) {
		ml->wait_head = ml->wait_head->next;
		if (ml->wait_head == NULL)
			ml->wait_tail = NULL;
	}
}

int module_defer(struct conn *c, void (*work)(void *arg),
		 enum pfd_next (*done)(struct pfd_conn *c, void *arg,
				       enum pfd_end end),
		 void *arg)
{
	struct module_lsn *ml = c->lsn->mode_data;
	struct mjob *j;

	if (ml->pool == NULL || work == NULL || done == NULL ||
	    (c->mode_flags & MCONN_JOB) || (c->flags & CONN_CLOSED))
		return -1;
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return -1;
	*j = (struct mjob){.c = c, .work = work, .done = done, .arg = arg};
	if (ml->wait_head != NULL || submit(ml, j) < 0) {
		if (ml->wait_head == NULL && errno != EAGAIN) {
			free(j); /* the pool is stopping */
			return -1;
		}
		if (ml->wait_tail != NULL)
			ml->wait_tail->next = j;
		else
			ml->wait_head = j;
		ml->wait_tail = j;
	}
	c->mode_flags |= MCONN_JOB;
	conn_hold(c);
	conn_pause_input(c, true);
	return 0;
}

static void on_pool(struct loop *l, struct loop_watch *w, uint32_t ev)
{
	struct module_lsn *ml = container_of(w, struct module_lsn, pool_watch);

	pool_complete(ml->pool);
}

static void close_overdue(struct pool_job *pj, void *data)
{
	struct mjob *j = container_of(pj, struct mjob, pj);
	const struct module_lsn *ml = data;

	if (j->c->flags & CONN_CLOSED)
		return;
	log_notice("%s: fd %d: closed: its job ran past job_timeout (%.3g s)",
		   ml->lsn->conf->name, j->c->watch.fd,
		   ml->inst->mc->job_timeout);
	conn_close(j->c, "job timeout");
}

static void check_overdue(struct loop *l, struct loop_timer *t)
{
	struct module_lsn *ml = container_of(t, struct module_lsn, overdue);

	pool_overdue(ml->pool, loop_now(l),
		     (uint64_t)(ml->inst->mc->job_timeout * 1000), close_overdue,
		     ml);
	loop_timer_arm(l, t, OVERDUE_CHECK_MS);
}

int module_pool_start(struct module_lsn *ml)
{
	const struct module_conf *mc = ml->inst->mc;
	struct loop *l = ml->lsn->srv->loop;
	char err[160];

	if (mc->threads == 0)
		return 0;
	ml->pool = pool_start((unsigned)mc->threads, (unsigned)mc->queue, err,
			      sizeof(err));
	if (ml->pool == NULL) {
		log_error("%s: thread pool: %s", ml->lsn->conf->name, err);
		return -1;
	}
	pool_on_room(ml->pool, on_room, ml);
	if (loop_watch_add(l, &ml->pool_watch, pool_fd(ml->pool), LOOP_IN,
			   on_pool) < 0) {
		log_error("%s: thread pool: epoll_ctl failed", ml->lsn->conf->name);
		return -1;
	}
	ml->overdue.fn = check_overdue;
	loop_timer_arm(l, &ml->overdue, OVERDUE_CHECK_MS);
	return 0;
}

void module_pool_stop(struct module_lsn *ml)
{
	struct loop *l = ml->lsn->srv->loop;

	if (ml->pool == NULL)
		return;
	loop_timer_cancel(l, &ml->overdue);
	loop_watch_del(l, &ml->pool_watch);
	/* Held-back jobs still run: every done comes exactly once. */
	pool_on_room(ml->pool, NULL, NULL);
	while (ml->wait_head != NULL) {
		struct mjob *j = ml->wait_head;

		ml->wait_head = j->next;
		j->work(j->arg);
		job_done(&j->pj);
	}
	ml->wait_tail = NULL;
	pool_stop(ml->pool);
	ml->pool = NULL;
}
