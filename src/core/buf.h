/* buf.h - I/O buffers from a per-worker pool; a connection holds one only
 * while it has data in flight */
#ifndef PREFORKD_BUF_H
#define PREFORKD_BUF_H

#include <stddef.h>

struct buf {
	size_t off; /* first unconsumed byte */
	size_t len; /* end of data */
	size_t cap;
	struct buf *next; /* in the pool's free list */
	char data[];
};

struct buf_pool {
	size_t size;	   /* capacity of pooled buffers */
	size_t nfree, maxfree;
	struct buf *free;
};

#define BUF_POOL_SIZE (16 * 1024 - sizeof(struct buf))

void buf_pool_init(struct buf_pool *p, size_t size, size_t maxfree);
void buf_pool_clear(struct buf_pool *p);

/* A buffer of at least cap bytes (empty), or NULL when out of memory.
 * Buffers of the pool's size are recycled; larger ones are malloc'd. */
struct buf *buf_get(struct buf_pool *p, size_t cap);

/* Returns b to the pool (or frees it). NULL is fine. */
void buf_put(struct buf_pool *p, struct buf *b);

static inline size_t buf_used(const struct buf *b)
{
	return b->len - b->off;
}

/* Makes b hold at least cap bytes, keeping its data (compacted); realloc
 * moves large buffers by remapping, without a second copy in memory.
 * Returns the buffer, which may have moved, or NULL (b is then unchanged).
 * A grown buffer is freed, not pooled, by buf_put. */
struct buf *buf_grow(struct buf *b, size_t cap);

/* Moves unconsumed bytes to the front, making room at the end. */
void buf_compact(struct buf *b);

#endif
