/* tlist.h - timeout lists: one FIFO per timeout value, so arming, touching
 * and cancelling a deadline are O(1) for any number of connections */
#ifndef PREFORKD_TLIST_H
#define PREFORKD_TLIST_H

#include <stdbool.h>
#include <stdint.h>

struct tnode {
	struct tnode *prev, *next; /* NULL when in no list */
	uint64_t deadline;
};

/* Every node in a list has the same timeout, so the list stays sorted by
 * deadline when nodes are only ever appended. */
struct tlist {
	struct tnode head; /* sentinel */
	uint64_t timeout;
};

void tlist_init(struct tlist *l, uint64_t timeout);
static inline bool tlist_empty(const struct tlist *l)
{
	return l->head.next == &l->head;
}
static inline bool tnode_linked(const struct tnode *n)
{
	return n->next != NULL;
}

/* Unlinks n from whatever list holds it (no-op when in none). */
void tnode_unlink(struct tnode *n);

/* Moves n to the tail of l with deadline now + l->timeout. */
void tlist_touch(struct tlist *l, struct tnode *n, uint64_t now);

/* The first node whose deadline is <= now, or NULL. */
struct tnode *tlist_expired(struct tlist *l, uint64_t now);

/* The earliest deadline in l, or UINT64_MAX when empty. */
uint64_t tlist_next_deadline(const struct tlist *l);

#endif
