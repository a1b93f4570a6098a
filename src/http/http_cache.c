/* http_cache.c - small static files kept in memory per worker, checked
 * against the file system at most once a second */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_cache.h"

/* FNV-1a: slots are direct-mapped by the path's hash. */
static struct http_cached *slot_for(struct http_cache *hc, const char *path)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		h = (h ^ *p) * 16777619u;
	return &hc->slot[h % HTTP_CACHE_SLOTS];
}

static void drop(struct http_cached *e)
{
	free(e->body);
	e->body = NULL;
	e->path[0] = '\0';
}

static bool same_file(const struct http_cached *e, const struct stat *st)
{
	return e->dev == st->st_dev && e->ino == st->st_ino &&
	       e->size == (uint64_t)st->st_size &&
	       e->mtim.tv_sec == st->st_mtim.tv_sec &&
	       e->mtim.tv_nsec == st->st_mtim.tv_nsec;
}

const struct http_cached *http_cache_get(struct http_cache *hc, int root_fd,
					 const char *path, time_t now)
{
	struct http_cached *e = slot_for(hc, path);
	struct stat st;

	if (e->path[0] == '\0' || strcmp(e->path, path) != 0)
		return NULL;
	if (e->checked == now)
		return e;
	if (fstatat(root_fd, e->file, &st, 0) < 0 || !same_file(e, &st)) {
		drop(e);
		return NULL;
	}
	e->checked = now;
	return e;
}

void http_cache_put(struct http_cache *hc, const char *path, const char *file,
		    int fd, const struct stat *st, const char *content_type,
		    time_t now)
{
	struct http_cached *e = slot_for(hc, path);
	size_t size = (size_t)st->st_size;
	char *body;

	if (strlen(path) >= HTTP_CACHE_PATH || strlen(file) >= HTTP_CACHE_PATH ||
	    st->st_size > HTTP_CACHE_MAX_FILE ||
	    (body = malloc(size ? size : 1)) == NULL)
		return;
	if (pread(fd, body, size, 0) != (ssize_t)size) {
		free(body);
		return;
	}
	drop(e);
	strcpy(e->path, path);
	strcpy(e->file, file);
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->mtim = st->st_mtim;
	e->size = size;
	e->checked = now;
	e->content_type = content_type;
	http_date_format(st->st_mtim.tv_sec, e->last_modified);
	e->etag_len = http_etag_format(e->etag, (uint64_t)st->st_ino,
				       http_mtime_ns(st), size);
	e->body = body;
}

void http_cache_free(struct http_cache *hc)
{
	for (size_t i = 0; i < HTTP_CACHE_SLOTS; i++)
		drop(&hc->slot[i]);
}
