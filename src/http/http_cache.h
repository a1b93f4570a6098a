/* http_cache.h - small static files kept in memory per worker, checked
 * against the file system at most once a second */
#ifndef PREFORKD_HTTP_CACHE_H
#define PREFORKD_HTTP_CACHE_H

#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "http_cond.h"
#include "http_date.h"

#define HTTP_CACHE_SLOTS 128
#define HTTP_CACHE_PATH 192      /* longer paths are not cached */
#define HTTP_CACHE_MAX_FILE 8192 /* larger files are not cached */

struct http_cached {
	char path[HTTP_CACHE_PATH]; /* normalised request path; "" = free */
	char file[HTTP_CACHE_PATH]; /* what it serves, relative to the root */
	dev_t dev;
	ino_t ino;
	struct timespec mtim;
	uint64_t size;
	time_t checked; /* the second it was last found unchanged */
	const char *content_type;
	char last_modified[HTTP_DATE_LEN + 1];
	char etag[HTTP_ETAG_SIZE]; /* http_etag_format of the version */
	size_t etag_len;
	char *body;
};

struct http_cache {
	struct http_cached slot[HTTP_CACHE_SLOTS];
};

/*
 * The cached file for path (a normalised request path) if it is cached and
 * unchanged: a stat relative to root_fd, at most once a second, compares
 * device, inode, size and mtime (a path that now leads elsewhere, even out
 * of the root through a link, no longer matches). NULL otherwise; a stale
 * entry is dropped.
 */
const struct http_cached *http_cache_get(struct http_cache *hc, int root_fd,
					 const char *path, time_t now);

/* Keeps a copy of the regular file fd (with st) served for path, if it is
 * small enough; file is its path relative to the root (path itself, or
 * its index.html). */
void http_cache_put(struct http_cache *hc, const char *path, const char *file,
		    int fd, const struct stat *st, const char *content_type,
		    time_t now);

void http_cache_free(struct http_cache *hc);

#endif
