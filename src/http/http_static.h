/* http_static.h - opening static files beneath the root, never outside it */
#ifndef PREFORKD_HTTP_STATIC_H
#define PREFORKD_HTTP_STATIC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

struct http_file {
	int fd;
	uint64_t size;
	time_t mtime;
	const char *content_type;
	struct stat st;
	bool index; /* the directory's index.html */
};

/*
 * Opens path (normalised by http_path_normalize, so it starts with '/')
 * relative to the directory root_fd, following symlinks only while they
 * stay beneath the root; a directory serves its index.html. Returns 0 with
 * *f filled (the caller closes f->fd), or the HTTP status to answer: 301
 * (a directory named without its trailing '/': the caller redirects to
 * path + "/"), 404
 * (missing, or a link leading out of the root), 403 (not readable, not a
 * regular file, a directory without index.html), 500 (anything else).
 */
int http_static_open(int root_fd, const char *path, struct http_file *f);

#endif
