/* module.c - the module mode: cuts each connection's input into messages
 * with the listener's framing and hands them, one at a time, to the
 * handler module's hooks; the handler never sees a descriptor */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "module.h"

static const struct pfd_handler *handler_of(const struct conn *c)
{
	return &module_lsn_of(c)->inst->mod->h;
}

/* Marks which hook runs, for the crash report. */
void module_hook_enter(const struct conn *c, const char *hook)
{
	module_cur = module_lsn_of(c)->inst->mod;
	module_cur_hook = hook;
}

void module_hook_leave(void)
{
	module_cur_hook = NULL;
}

/* Whether the next message may be handed over now. */
static bool can_deliver(const struct conn *c)
{
	return c->out == NULL && !(c->mode_flags & MCONN_JOB) &&
	       !(c->flags & (CONN_CLOSED | CONN_LINGER | CONN_DONE));
}

/* Closes once the answers are out. The client may be sending its next
 * message right now: FIN first and input discarded until it closes (no
 * reset that could destroy the answers); it sees EOF before an answer and
 * knows that message was not taken. */
static void finish(struct conn *c)
{
	c->flags |= CONN_UNREAD;
	conn_finish(c);
}

int module_after_hook(struct conn *c, enum pfd_next next)
{
	if (c->flags & CONN_CLOSED)
		return -1;
	if (next == PFD_CLOSE)
		finish(c);
	return (c->flags & CONN_CLOSED) ? -1 : 0;
}

/* framing = "none": the handler takes what it can of the bytes. */
static ssize_t deliver_bytes(struct conn *c, const char *buf, size_t len)
{
	const struct pfd_handler *h = handler_of(c);
	ptrdiff_t used;

	module_hook_enter(c, "on_bytes");
	used = h->on_bytes((struct pfd_conn *)c, buf, len);
	module_hook_leave();
	if (c->flags & CONN_CLOSED)
		return -1;
	if (used < 0) {
		conn_close(c, "closed by the handler");
		return -1;
	}
	return (size_t)used < len ? used : (ssize_t)len;
}

/* One whole frame, or the framing's verdict; -1 when c was closed. */
static ssize_t deliver_frame(struct conn *c, const char *buf, size_t len)
{
	const struct pfd_handler *h = handler_of(c);
	struct framing_state st = {.scanned = c->mode_word};
	struct framing_frame fr;
	enum pfd_next next;

	switch (framing_next(&module_lsn_of(c)->inst->framing, &st, buf, len,
			     &fr)) {
	case FRAMING_NEED_MORE:
		c->mode_word = (uint32_t)st.scanned;
		return 0;
	case FRAMING_TOO_BIG:
	case FRAMING_BAD:
		log_info("%s: fd %d: closed: %s", c->lsn->conf->name,
			 c->watch.fd, fr.why);
		conn_close(c, fr.why);
		return -1;
	case FRAMING_FRAME:
		break;
	}
	c->mode_word = 0;
	c->lsn->srv->requests++;
	c->lsn->stats.messages++;
	module_hook_enter(c, "on_message");
	next = h->on_message((struct pfd_conn *)c, buf + fr.off, fr.len);
	module_hook_leave();
	return module_after_hook(c, next) < 0 ? -1 : (ssize_t)fr.consumed;
}

/* Hands over messages from buf while c may take them; returns the bytes
 * used, or -1 when c was closed. */
static ssize_t process(struct conn *c, const char *buf, size_t len)
{
	bool raw = module_lsn_of(c)->inst->framing.kind == FRAMING_NONE;
	size_t pos = 0;

	while (pos < len && can_deliver(c)) {
		ssize_t n = raw ? deliver_bytes(c, buf + pos, len - pos)
				: deliver_frame(c, buf + pos, len - pos);
		if (n < 0)
			return -1;
		if (n == 0)
			break; /* a partial message: wait for more */
		pos += (size_t)n;
	}
	return (ssize_t)pos;
}

/* The most input a connection may hold: one message and its framing
 * (framing none: what on_bytes left unconsumed). */
static size_t input_limit(const struct conn *c)
{
	const struct framing *f = &module_lsn_of(c)->inst->framing;

	return f->kind == FRAMING_NONE ? f->max_message : framing_bound(f);
}

static void drop_in(struct conn *c)
{
	buf_put(&c->lsn->srv->pool, c->in);
	c->in = NULL;
}

/* Runs the kept input; -1 when c closed. */
static int consume_in(struct conn *c)
{
	ssize_t n = process(c, c->in->data + c->in->off, buf_used(c->in));

	if (n < 0)
		return -1;
	c->in->off += (size_t)n;
	if (buf_used(c->in) == 0)
		drop_in(c);
	return 0;
}

/* Runs fresh input from the scratch buffer; keeps what is left over. */
static int consume_scratch(struct conn *c, size_t len)
{
	struct server *s = c->lsn->srv;
	ssize_t n = process(c, s->scratch, len);
	size_t left;

	if (n < 0)
		return -1;
	if ((left = len - (size_t)n) == 0)
		return 0;
	if ((c->in = buf_get(&s->pool, left)) == NULL) {
		conn_close(c, "out of memory for input");
		return -1;
	}
	memcpy(c->in->data, s->scratch + n, left);
	c->in->len = left;
	return 0;
}

/* Room at the end of c->in, growing it (doubling) up to the limit; 0 when
 * it is full and at the limit. */
static size_t in_room(struct conn *c)
{
	size_t used, limit = input_limit(c);
	struct buf *b;

	buf_compact(c->in);
	used = buf_used(c->in);
	if (c->in->cap > used || c->in->cap >= limit)
		return c->in->cap - used;
	b = buf_grow(c->in, c->in->cap * 2 < limit ? c->in->cap * 2 : limit);
	if (b == NULL)
		return 0;
	c->in = b;
	return b->cap - used;
}

/* Its input is not read while a job runs, but a FIN still shows (in the
 * event that brought the message, or later): the client left, as nginx
 * takes it, and the job's done will say PFD_GONE. True when c closed. */
static bool left_during_job(struct conn *c)
{
	if (!(c->mode_flags & MCONN_JOB) || !(c->flags & CONN_PEER_EOF))
		return false;
	conn_close(c, "the client left during a job");
	return true;
}

/* After a batch: close when draining and idle, else wait for input. */
static void settle(struct conn *c)
{
	if (c->out != NULL || (c->flags & (CONN_CLOSED | CONN_LINGER | CONN_DONE)))
		return; /* the send timeout runs, or c is finishing */
	if (c->mode_flags & MCONN_JOB) {
		if (!left_during_job(c))
			conn_set_timeout(c, CONN_T_NONE); /* job_timeout runs */
		return;
	}
	if ((c->mode_flags & MCONN_SHUTDOWN) && c->in == NULL)
		finish(c);
	else
		conn_set_timeout(c, CONN_T_IDLE);
}

static void module_read(struct conn *c)
{
	struct server *s = c->lsn->srv;

	if (left_during_job(c))
		return;

	while (conn_can_read(c) && can_deliver(c)) {
		char *dst = s->scratch;
		size_t room = s->scratch_size;
		ssize_t n;

		if (c->in != NULL) {
			if ((room = in_room(c)) == 0) {
				log_info("%s: fd %d: closed: more than "
					 "max_message unconsumed input",
					 c->lsn->conf->name, c->watch.fd);
				conn_close(c, "input over max_message");
				return;
			}
			dst = c->in->data + c->in->len;
		}
		if ((n = conn_read(c, dst, room)) < 0)
			return;
		if (n == 0)
			break;
		if (c->in != NULL) {
			c->in->len += (size_t)n;
			if (consume_in(c) < 0)
				return;
		} else if (consume_scratch(c, (size_t)n) < 0)
			return;
	}
	settle(c);
}

void module_resume(struct conn *c)
{
	if (c->in != NULL && consume_in(c) < 0)
		return;
	if (c->out == NULL)
		module_read(c);
	else
		settle(c);
}

static void module_drained(struct conn *c)
{
	const struct pfd_handler *h = handler_of(c);

	if (c->mode_flags & MCONN_JOB) {
		conn_pause_input(c, true); /* answers sent before the defer */
		return;
	}
	if (h->on_drained != NULL) {
		enum pfd_next next;

		module_hook_enter(c, "on_drained");
		next = h->on_drained((struct pfd_conn *)c);
		module_hook_leave();
		if (module_after_hook(c, next) < 0 || c->out != NULL ||
		    (c->flags & CONN_DONE))
			return;
	}
	module_resume(c);
}

static void module_open(struct conn *c)
{
	const struct pfd_handler *h = handler_of(c);
	enum pfd_next next;

	if (h->state_size > 0 && (c->proto = calloc(1, h->state_size)) == NULL) {
		conn_close(c, "out of memory for the handler's state");
		return;
	}
	conn_set_timeout(c, CONN_T_IDLE);
	if (h->on_open == NULL)
		return;
	module_hook_enter(c, "on_open");
	next = h->on_open((struct pfd_conn *)c);
	module_hook_leave();
	module_after_hook(c, next);
}

static void module_shutdown(struct conn *c)
{
	const struct pfd_handler *h = handler_of(c);

	c->mode_flags |= MCONN_SHUTDOWN;
	if (h->on_shutdown != NULL) {
		module_hook_enter(c, "on_shutdown");
		h->on_shutdown((struct pfd_conn *)c);
		module_hook_leave();
		if (c->flags & CONN_CLOSED)
			return;
	}
	settle(c);
}

static void module_release(struct conn *c)
{
	free(c->proto);
	c->proto = NULL;
}

/* A connection with a job keeps its state until the job's done (the
 * slot is held: module_release). */
static void module_close(struct conn *c)
{
	const struct pfd_handler *h = handler_of(c);

	if (h->on_close != NULL) {
		module_hook_enter(c, "on_close");
		h->on_close((struct pfd_conn *)c);
		module_hook_leave();
	}
	if (!(c->mode_flags & MCONN_JOB))
		module_release(c);
}

static int module_listener_init(struct listener *lsn)
{
	const struct module_inst *inst = lsn->conf->prepared;
	struct module_lsn *ml;
	int rc = 0;

	if (inst == NULL || (ml = calloc(1, sizeof(*ml))) == NULL)
		return -1;
	ml->inst = inst;
	ml->lsn = lsn;
	if (module_crash_report_install() < 0)
		log_warn("%s: cannot install the crash report", lsn->conf->name);
	if (inst->mod->h.worker_init != NULL) {
		module_cur = inst->mod;
		module_cur_hook = "worker_init";
		rc = inst->mod->h.worker_init(inst->conf, &ml->worker);
		module_hook_leave();
	}
	if (rc < 0) {
		log_error("%s: module %s: worker_init failed", lsn->conf->name,
			  inst->mod->h.name);
		free(ml);
		return -1;
	}
	lsn->mode_data = ml;
	return module_pool_start(ml);
}

static void module_listener_free(struct listener *lsn)
{
	struct module_lsn *ml = lsn->mode_data;

	if (ml == NULL)
		return;
	module_pool_stop(ml); /* every done runs before worker_exit */
	if (ml->inst->mod->h.worker_exit != NULL) {
		module_cur = ml->inst->mod;
		module_cur_hook = "worker_exit";
		ml->inst->mod->h.worker_exit(ml->worker);
		module_hook_leave();
	}
	free(ml);
	lsn->mode_data = NULL;
}

const struct mode module_mode = {
	.name = "module",
	.prepare = module_prepare,
	.listener_init = module_listener_init,
	.listener_free = module_listener_free,
	.on_open = module_open,
	.on_read = module_read,
	.on_drained = module_drained,
	/* No on_timeout: every timeout closes, with its reason (conn.c). */
	.on_shutdown = module_shutdown,
	.on_close = module_close,
	.on_release = module_release,
};
