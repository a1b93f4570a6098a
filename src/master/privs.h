/* privs.h - a worker's privileges: user and group, file descriptor limit */
#ifndef PREFORKD_PRIVS_H
#define PREFORKD_PRIVS_H

#include <stddef.h>
#include <sys/resource.h>

#include "conf/conf.h"

/*
 * Switches to c->uid/c->gid (setgroups, setresgid, setresuid) when running
 * as root and a user or group is configured, then checks that root cannot
 * be regained. Does nothing when not root. Returns 0, or -1 with err.
 */
int privs_drop(const struct conf *c, char *err, size_t errlen);

/*
 * Raises RLIMIT_NOFILE to at least need (the hard limit too when allowed).
 * Returns 0, or -1 with err when need cannot be met; the soft limit is then
 * as high as it could go.
 */
int privs_raise_nofile(rlim_t need, char *err, size_t errlen);

/* File descriptors a worker needs for max_connections and nsocks. */
rlim_t privs_worker_nofile(const struct conf *c, size_t nsocks);

#endif
