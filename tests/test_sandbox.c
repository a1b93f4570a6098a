/* test_sandbox.c - a sandboxed process keeps what a worker needs and is
 * refused the rest (each case runs in a child: a filter cannot be undone) */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "worker/sandbox.h"

/* Each probe returns 0 when the call did what the sandbox should let it
 * do (allowed: succeeded; forbidden: failed with EPERM). */
static int probe_socket_forbidden(void)
{
	return socket(AF_INET, SOCK_STREAM, 0) < 0 && errno == EPERM ? 0 : 1;
}

static int probe_exec_forbidden(void)
{
	char *argv[] = { "/bin/true", NULL };
	execv("/bin/true", argv);
	return errno == EPERM ? 0 : 1;
}

static int probe_fork_forbidden(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 0; /* the sanitizers' runtime needs clone: allowed there */
#else
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	return p < 0 && errno == EPERM ? 0 : 1;
#endif
}

static int probe_time_allowed(void)
{
	struct timespec ts;
	return clock_gettime(CLOCK_MONOTONIC, &ts) == 0 && getpid() > 0 ? 0 : 1;
}

/* /proc/self/status: NoNewPrivs 1 and no effective capability. */
static int probe_no_new_privs(void)
{
	char buf[4096];
	FILE *f = fopen("/proc/self/status", "r");
	size_t n = f != NULL ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f != NULL)
		fclose(f);
	buf[n] = '\0';
	return strstr(buf, "NoNewPrivs:\t1\n") != NULL &&
			       strstr(buf, "CapEff:\t0000000000000000\n") != NULL
		       ? 0
		       : 1;
}

struct sandbox_case {
	const char *name;
	bool seccomp;
	int (*probe)(void);
};

static const struct sandbox_case cases[] = {
	{ "socket() is refused with EPERM", true, probe_socket_forbidden },
	{ "execve() is refused with EPERM", true, probe_exec_forbidden },
	{ "fork() is refused with EPERM", true, probe_fork_forbidden },
	{ "clock_gettime and getpid still work", true, probe_time_allowed },
	{ "no_new_privs set, no capability left", true, probe_no_new_privs },
	{ "the same without seccomp", false, probe_no_new_privs },
};

/* Runs probe in a sandboxed child; returns the child's verdict. */
static int run_sandboxed(const struct sandbox_case *tc)
{
	int fds[2], status;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[160], c = 'x';
		int rc = sandbox_enter(tc->seccomp, err, sizeof(err));
		if (rc < 0)
			_exit(10);
		if (rc > 0 && tc->seccomp)
			_exit(77); /* built without libseccomp */
		/* An allowed call, through the filter, must still work. */
		if (write(fds[1], &c, 1) != 1 || read(fds[0], &c, 1) != 1)
			_exit(11);
		_exit(tc->probe());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(fds[0]);
	close(fds[1]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_sandbox_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = run_sandboxed(&cases[i]);
		if (rc == 77)
			skip();
		if (rc != 0)
			fail_msg("%s: child reported %d", cases[i].name, rc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sandbox_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
