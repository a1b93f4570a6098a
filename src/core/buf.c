/* buf.c - I/O buffers from a per-worker pool */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

void buf_pool_init(struct buf_pool *p, size_t size, size_t maxfree)
{
	p->size = size;
	p->nfree = 0;
	p->maxfree = maxfree;
	p->free = NULL;
}

void buf_pool_clear(struct buf_pool *p)
{
	while (p->free != NULL) {
		struct buf *b = p->free;
		p->free = b->next;
		free(b);
	}
	p->nfree = 0;
}

struct buf *buf_get(struct buf_pool *p, size_t cap)
{
	struct buf *b;

	if (cap <= p->size && p->free != NULL) {
		b = p->free;
		p->free = b->next;
		p->nfree--;
	} else {
		if (cap < p->size)
			cap = p->size;
		b = malloc(sizeof(*b) + cap);
		if (b == NULL)
			return NULL;
		b->cap = cap;
	}
	b->off = b->len = 0;
	b->next = NULL;
	return b;
}

void buf_put(struct buf_pool *p, struct buf *b)
{
	if (b == NULL)
		return;
	if (b->cap != p->size || p->nfree >= p->maxfree) {
		free(b);
		return;
	}
	b->next = p->free;
	p->free = b;
	p->nfree++;
}

void buf_compact(struct buf *b)
{
	if (b->off == 0)
		return;
	memmove(b->data, b->data + b->off, b->len - b->off);
	b->len -= b->off;
	b->off = 0;
}

struct buf *buf_grow(struct buf *b, size_t cap)
{
	struct buf *g;

	buf_compact(b);
	if (cap <= b->cap)
		return b;
	if ((g = realloc(b, sizeof(*b) + cap)) == NULL)
		return NULL;
	g->cap = cap;
	return g;
}
