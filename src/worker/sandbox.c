/* sandbox.c - a serving worker's last privileges go: capabilities,
 * new privileges, and every system call it does not need */
#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef HAVE_LIBSECCOMP
#include <seccomp.h>
#endif

#include "sandbox.h"

static int drop_capabilities(char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	/* The bounding set needs CAP_SETPCAP to shrink: do it while we can. */
	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
			break;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capset, &hdr, data) < 0) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	return 0;
}

#ifdef HAVE_LIBSECCOMP
/* What a serving worker calls: the loop, sockets, files for static
 * answers and logs, memory, time, signals, and exit; and what a handler
 * module's work needs for files and databases (SQLite: writes, syncs,
 * truncation, journal unlinks, owner checks). exec, fork and everything
 * else fail with EPERM, an error the caller sees. */
static const int allowed[] = {
	SCMP_SYS(pwrite64), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(ftruncate), SCMP_SYS(unlink), SCMP_SYS(unlinkat),
	SCMP_SYS(fchown), SCMP_SYS(geteuid), SCMP_SYS(sched_yield),
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(readv),
	SCMP_SYS(pread64), SCMP_SYS(close), SCMP_SYS(accept4),
	SCMP_SYS(accept), SCMP_SYS(shutdown), SCMP_SYS(sendfile),
	SCMP_SYS(sendto), SCMP_SYS(sendmsg), SCMP_SYS(recvfrom),
	SCMP_SYS(recvmsg), SCMP_SYS(getpeername), SCMP_SYS(getsockname),
	SCMP_SYS(setsockopt), SCMP_SYS(getsockopt),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2),
	SCMP_SYS(epoll_ctl), SCMP_SYS(openat), SCMP_SYS(openat2),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx),
	SCMP_SYS(lseek), SCMP_SYS(fcntl), SCMP_SYS(dup3),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(brk),
	SCMP_SYS(madvise), SCMP_SYS(mprotect),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigaction), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(futex), SCMP_SYS(restart_syscall), SCMP_SYS(getrandom),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(tgkill),
#if defined(__SANITIZE_ADDRESS__)
	/* The sanitizers' runtime: LeakSanitizer stops the world at exit
	 * with a ptrace'ing clone, and reports through readlink/open. */
	SCMP_SYS(clone), SCMP_SYS(clone3), SCMP_SYS(ptrace), SCMP_SYS(wait4),
	SCMP_SYS(prctl), SCMP_SYS(sched_yield), SCMP_SYS(sigaltstack),
	SCMP_SYS(readlink), SCMP_SYS(open), SCMP_SYS(getppid),
	SCMP_SYS(sched_getaffinity), SCMP_SYS(getrlimit), SCMP_SYS(prlimit64),
	SCMP_SYS(pipe2), SCMP_SYS(kill), SCMP_SYS(getdents64),
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(uname),
#endif
};

static int install_filter(char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int rc = -1;

	if (ctx == NULL) {
		snprintf(err, errlen, "seccomp_init failed");
		return -1;
	}
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (allowed[i] < 0)
			continue; /* not a system call on this architecture */
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0) < 0) {
			snprintf(err, errlen, "seccomp_rule_add(%d) failed", allowed[i]);
			goto out;
		}
	}
	if ((rc = seccomp_load(ctx)) < 0)
		snprintf(err, errlen, "seccomp_load: %s", strerror(-rc));
out:
	seccomp_release(ctx);
	return rc < 0 ? -1 : 0;
}
#endif

int sandbox_enter(bool use_seccomp, char *err, size_t errlen)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (drop_capabilities(err, errlen) < 0)
		return -1;
	if (!use_seccomp)
		return 0;
#ifdef HAVE_LIBSECCOMP
	return install_filter(err, errlen);
#else
	snprintf(err, errlen, "built without libseccomp: no system call "
			      "filter (seccomp = false silences this)");
	return 1;
#endif
}
