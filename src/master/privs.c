/* privs.c - a worker's privileges: user and group, file descriptor limit */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privs.h"

int privs_drop(const struct conf *c, char *err, size_t errlen)
{
	if (geteuid() != 0 || (c->uid == (uid_t)-1 && c->gid == (gid_t)-1))
		return 0;
	if (c->gid != (gid_t)-1 &&
	    (setgroups(1, &c->gid) < 0 || setresgid(c->gid, c->gid, c->gid) < 0)) {
		snprintf(err, errlen, "cannot switch to group %u: %s",
			 (unsigned)c->gid, strerror(errno));
		return -1;
	}
	if (c->uid == (uid_t)-1 || c->uid == 0)
		return 0;
	if (setresuid(c->uid, c->uid, c->uid) < 0) {
		snprintf(err, errlen, "cannot switch to user %s: %s",
			 c->user ? c->user : "?", strerror(errno));
		return -1;
	}
	/* Paranoia, as OpenBSD daemons do: root must be gone for good. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		snprintf(err, errlen, "root privileges could be regained");
		return -1;
	}
	return 0;
}

int privs_raise_nofile(rlim_t need, char *err, size_t errlen)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		snprintf(err, errlen, "getrlimit: %s", strerror(errno));
		return -1;
	}
	if (rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max < need) {
		struct rlimit want = { need, need };
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return 0;
	}
	rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		snprintf(err, errlen, "setrlimit: %s", strerror(errno));
		return -1;
	}
	if (rl.rlim_cur < need) {
		snprintf(err, errlen,
			 "RLIMIT_NOFILE is %llu, below the %llu that "
			 "max_connections needs",
			 (unsigned long long)rl.rlim_cur,
			 (unsigned long long)need);
		return -1;
	}
	return 0;
}

rlim_t privs_worker_nofile(const struct conf *c, size_t nsocks)
{
	/* Plus logs, epoll, signalfd, the channel, files being sent; the
	 * worker survives EMFILE, so this need not be exact. */
	return (rlim_t)c->max_connections + nsocks + 64;
}
