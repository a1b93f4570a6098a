/* http_static.c - opening static files beneath the root, never outside it */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "http_static.h"
#include "mime.h"

/* openat2 with RESOLVE_BENEATH refuses "..", absolute paths and symlinks
 * that lead out of dirfd, in the kernel, with no race. */
static int open_beneath(int dirfd, const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
}

static int status_for(int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
	case EXDEV: /* a link that leaves the root: as if it did not exist */
		return 404;
	case EACCES:
	case EPERM:
	case ELOOP:
		return 403;
	default:
		return 500;
	}
}

int http_static_open(int root_fd, const char *path, struct http_file *f)
{
	const char *rel = path[1] != '\0' ? path + 1 : ".";
	struct stat st;
	int fd, idx;

	f->fd = -1;
	f->index = false;
	fd = open_beneath(root_fd, rel);
	if (fd < 0)
		return status_for(errno);
	if (fstat(fd, &st) < 0)
		goto fail;
	f->content_type = mime_type(path);
	if (S_ISDIR(st.st_mode) && path[strlen(path) - 1] != '/') {
		close(fd);
		return 301; /* relative links inside it need the slash */
	}
	if (S_ISDIR(st.st_mode)) {
		idx = open_beneath(fd, "index.html");
		close(fd);
		if (idx < 0)
			return errno == ENOENT ? 404 : status_for(errno);
		fd = idx;
		if (fstat(fd, &st) < 0)
			goto fail;
		f->content_type = mime_type("index.html");
		f->index = true;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return 403;
	}
	f->fd = fd;
	f->size = (uint64_t)st.st_size;
	f->mtime = st.st_mtime;
	f->st = st;
	return 0;
fail:
	close(fd);
	return 500;
}
