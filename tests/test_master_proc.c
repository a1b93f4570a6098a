/* test_master_proc.c - the process mechanism: exit descriptions, closing
 * inherited descriptors, process titles, the open file limit */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "master/privs.h"
#include "master/proc.h"
#include "core/proctitle.h"

struct status_case {
	const char *name;
	int exit_code; /* -1: killed by sig */
	int sig;
	const char *want;
};

static const struct status_case status_cases[] = {
	{ "clean exit", 0, 0, "exited with status 0" },
	{ "setup failure", 3, 0, "exited with status 3" },
	{ "SIGKILL by name", -1, SIGKILL, "killed by signal SIGKILL" },
	{ "SIGSEGV by name", -1, SIGSEGV, "killed by signal SIGSEGV" },
	{ "SIGTERM by name", -1, SIGTERM, "killed by signal SIGTERM" },
};

/* A real child that ends as the case says, reaped with proc_reap. */
static int child_status(const struct status_case *c)
{
	pid_t pid = fork(), got;
	int status = 0;

	if (pid == 0) {
		if (c->exit_code >= 0)
			_exit(c->exit_code);
		signal(c->sig, SIG_DFL);
		raise(c->sig);
		_exit(99);
	}
	for (int i = 0; i < 2000; i++) {
		if ((got = proc_reap(&status)) == pid)
			return status;
		usleep(1000);
	}
	fail_msg("%s: child not reaped", c->name);
	return 0;
}

static void test_status_str(void **state)
{
	char buf[96];

	(void)state;
	for (size_t i = 0; i < sizeof(status_cases) / sizeof(status_cases[0]);
	     i++) {
		const struct status_case *c = &status_cases[i];
		int status = child_status(c);
		proc_status_str(status, buf, sizeof(buf));
		/* SIGSEGV may add " (core dumped)". */
		if (strncmp(buf, c->want, strlen(c->want)) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", c->name, buf,
				 c->want);
	}
	assert_int_equal(proc_reap(&(int){ 0 }), -1); /* no children left */
}

static void test_close_others(void **state)
{
	int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);
	int c = open("/dev/null", O_RDONLY);
	pid_t pid;
	int status;

	(void)state;
	assert_true(a > 2 && b > 2 && c > 2);
	pid = fork();
	if (pid == 0) {
		int keep[] = { c, a, a };
		if (proc_close_others(keep, 3) < 0)
			_exit(1);
		/* a and c stay, b and everything above c are gone. */
		_exit(fcntl(a, F_GETFD) >= 0 && fcntl(c, F_GETFD) >= 0 &&
				      fcntl(b, F_GETFD) < 0 &&
				      fcntl(c + 1, F_GETFD) < 0 &&
				      fcntl(2, F_GETFD) >= 0
			      ? 0
			      : 2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(a);
	close(b);
	close(c);
}

static void test_proctitle(void **state)
{
	/* argv as the kernel lays it out: strings one after another. */
	static char area[] = "preforkd\0-c\0/etc/preforkd/preforkd.conf";
	char *argv[] = { area, area + 9, area + 12, NULL };
	size_t len = sizeof(area) - 1; /* the last NUL is the area's end */

	(void)state;
	proctitle_init(3, argv);
	proctitle_set("preforkd: worker %d (gen %u)", 3, 2u);
	assert_string_equal(area, "preforkd: worker 3 (gen 2)");
	for (size_t i = strlen(area); i < len; i++)
		assert_int_equal(area[i], 0);
	proctitle_set("preforkd: %s", "a title much longer than the area it "
					"has to fit in, which gets cut");
	assert_int_equal(strlen(area), len);
	assert_null(argv[1]);
}

static void test_raise_nofile(void **state)
{
	struct rlimit rl;
	char err[160];

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(privs_raise_nofile(64, err, sizeof(err)), 0);
	if (rl.rlim_max != RLIM_INFINITY && geteuid() != 0) {
		assert_int_equal(privs_raise_nofile(rl.rlim_max + 1, err,
						    sizeof(err)), -1);
		assert_non_null(strstr(err, "RLIMIT_NOFILE"));
	}
	if (rl.rlim_max >= 1024) {
		assert_int_equal(privs_raise_nofile(1024, err, sizeof(err)), 0);
		assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
		assert_true(rl.rlim_cur >= 1024);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_str),
		cmocka_unit_test(test_close_others),
		cmocka_unit_test(test_proctitle),
		cmocka_unit_test(test_raise_nofile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
