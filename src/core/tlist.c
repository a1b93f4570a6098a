/* tlist.c - timeout lists: one FIFO per timeout value */
#include "config.h"

#include <stddef.h>

#include "tlist.h"

void tlist_init(struct tlist *l, uint64_t timeout)
{
	l->head.prev = l->head.next = &l->head;
	l->head.deadline = 0;
	l->timeout = timeout;
}

void tnode_unlink(struct tnode *n)
{
	if (n->next == NULL)
		return;
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n->next = NULL;
}

void tlist_touch(struct tlist *l, struct tnode *n, uint64_t now)
{
	tnode_unlink(n);
	n->deadline = now + l->timeout;
	n->prev = l->head.prev;
	n->next = &l->head;
	l->head.prev->next = n;
	l->head.prev = n;
}

struct tnode *tlist_expired(struct tlist *l, uint64_t now)
{
	struct tnode *first = l->head.next;

	return first != &l->head && first->deadline <= now ? first : NULL;
}

uint64_t tlist_next_deadline(const struct tlist *l)
{
	return tlist_empty(l) ? UINT64_MAX : l->head.next->deadline;
}
