/* proc.c - worker processes: fork one with only its own descriptors, reap
 * them, describe how they ended (mechanism; the policy is in master.c) */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/log.h"
#include "privs.h"
#include "proc.h"
#include "core/proctitle.h"

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Closes [lo, hi]; close_range when the kernel has it, else one by one. */
static int close_span(unsigned lo, unsigned hi)
{
	if (lo > hi)
		return 0;
	if (close_range(lo, hi, 0) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	long max = sysconf(_SC_OPEN_MAX);
	for (unsigned fd = lo; fd <= hi && (long)fd < max; fd++)
		close((int)fd);
	return 0;
}

int proc_close_others(const int *keep, size_t n)
{
	int *v = malloc((n + 1) * sizeof(*v));
	unsigned next = 3;

	if (v == NULL)
		return -1;
	memcpy(v, keep, n * sizeof(*v));
	qsort(v, n, sizeof(*v), int_cmp);
	for (size_t i = 0; i < n; i++) {
		if (v[i] < (int)next)
			continue; /* stdio, or a duplicate */
		if (close_span(next, (unsigned)v[i] - 1) < 0)
			goto fail;
		next = (unsigned)v[i] + 1;
	}
	if (close_span(next, ~0u) < 0)
		goto fail;
	free(v);
	return 0;
fail:
	free(v);
	return -1;
}

/* The descriptors a worker keeps: its sockets and its channel. */
static int child_fds(const struct worker_args *a)
{
	int *keep = malloc((a->nsocks + 1) * sizeof(*keep));
	int rc;

	if (keep == NULL)
		return -1;
	for (size_t i = 0; i < a->nsocks; i++)
		keep[i] = a->socks[i].fd;
	keep[a->nsocks] = a->channel_fd;
	rc = proc_close_others(keep, a->nsocks + (a->channel_fd >= 0));
	free(keep);
	return rc;
}

/* SIGHUP, SIGPIPE, SIGTTIN and SIGTTOU (the master's scale signals, which
 * would stop a worker) ignored; only the worker's own signals stay blocked. */
static void child_signals(void)
{
	sigset_t set;

	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTTIN);
	sigaddset(&set, SIGTTOU);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void child_identity(const struct worker_args *a)
{
	char role[32];

	snprintf(role, sizeof(role), "worker %d", a->slot);
	log_set_role(role);
	proctitle_set("preforkd: worker %d (gen %u)", a->slot, a->generation);
}

static _Noreturn void child_main(const struct worker_args *a, pid_t master)
{
	char err[256];

	/* Die with the master; it may already be gone before prctl. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != master)
		_exit(WORKER_EXIT_SETUP);
	child_signals();
	child_identity(a);
	if (child_fds(a) < 0) {
		log_error("cannot close inherited descriptors: %s",
			  strerror(errno));
		_exit(WORKER_EXIT_SETUP);
	}
	if (privs_raise_nofile(privs_worker_nofile(a->conf, a->nsocks), err,
			       sizeof(err)) < 0)
		log_warn("%s", err);
	if (privs_drop(a->conf, err, sizeof(err)) < 0) {
		log_error("%s", err);
		_exit(WORKER_EXIT_SETUP);
	}
	_exit(worker_run(a));
}

pid_t proc_spawn(const struct worker_args *a, char *err, size_t errlen)
{
	pid_t master = getpid();
	pid_t pid = fork();

	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		child_main(a, master);
	return pid;
}

pid_t proc_reap(int *status)
{
	pid_t pid;

	do
		pid = waitpid(-1, status, WNOHANG);
	while (pid < 0 && errno == EINTR);
	return pid;
}

const char *proc_status_str(int status, char *buf, size_t len)
{
	if (WIFEXITED(status)) {
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		const char *name = sigabbrev_np(WTERMSIG(status));
		if (name != NULL)
			snprintf(buf, len, "killed by signal SIG%s%s", name,
				 WCOREDUMP(status) ? " (core dumped)" : "");
		else
			snprintf(buf, len, "killed by signal %d%s",
				 WTERMSIG(status),
				 WCOREDUMP(status) ? " (core dumped)" : "");
	} else {
		snprintf(buf, len, "ended with wait status 0x%x", status);
	}
	return buf;
}
