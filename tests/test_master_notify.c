/* test_master_notify.c - plays systemd's side of sd_notify: binds the
 * datagram socket that NOTIFY_SOCKET names, runs the real preforkd, and
 * checks READY, RELOADING + MONOTONIC_USEC, STATUS, WATCHDOG and STOPPING */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WATCHDOG_USEC 400000 /* preforkd pings every 200 ms */

struct manager {
	char dir[64];
	char conf[128];
	int fd; /* our end of NOTIFY_SOCKET */
	pid_t pid;
	int port;
	int watchdogs; /* WATCHDOG=1 seen so far */
	char last_status[512];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void write_conf(const struct manager *m, const char *extra)
{
	FILE *f = fopen(m->conf, "w");

	assert_non_null(f);
	fprintf(f,
		"workers = 2;\nshutdown_timeout = 2.0;\nlog_level = \"notice\";\n"
		"%s"
		"listeners = ({ name = \"echo\"; listen = \"127.0.0.1:%d\"; "
		"mode = \"echo\"; });\n",
		extra, m->port);
	fclose(f);
}

static int bind_notify_socket(struct manager *m)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/notify", m->dir);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void start_preforkd(struct manager *m)
{
	const char *bin = getenv("PREFORKD");
	char path[128], log[128];

	snprintf(path, sizeof(path), "%s/notify", m->dir);
	snprintf(log, sizeof(log), "%s/log", m->dir);
	m->pid = fork();
	assert_true(m->pid >= 0);
	if (m->pid == 0) {
		int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		setenv("NOTIFY_SOCKET", path, 1);
		setenv("WATCHDOG_USEC", "400000", 1);
		unsetenv("WATCHDOG_PID");
		execl(bin, bin, "-c", m->conf, (char *)NULL);
		_exit(127);
	}
}

/* Reads one datagram within ms; 0 and the text in buf, or -1. */
static int recv_one(struct manager *m, int ms, char *buf, size_t len)
{
	struct pollfd p = { .fd = m->fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return -1;
	n = recv(m->fd, buf, len - 1, 0);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	if (getenv("NOTIFY_VERBOSE") != NULL) /* for debugging the test */
		fprintf(stderr, "notify: %s\n", buf);
	if (strcmp(buf, "WATCHDOG=1") == 0)
		m->watchdogs++;
	if (strncmp(buf, "STATUS=", 7) == 0)
		snprintf(m->last_status, sizeof(m->last_status), "%s", buf + 7);
	return 0;
}

/* Waits up to ms for a message containing needle; copies it to out. */
static int expect(struct manager *m, const char *needle, int ms, char *out,
		  size_t len)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	char buf[1024];

	while (now_ms() < end) {
		if (recv_one(m, (int)(end - now_ms()), buf, sizeof(buf)) < 0)
			break;
		if (strstr(buf, needle) != NULL) {
			if (out != NULL)
				snprintf(out, len, "%s", buf);
			return 0;
		}
	}
	fail_msg("no \"%s\" from preforkd within %d ms (see %s/log)", needle,
		 ms, m->dir);
	return -1;
}

static int setup(void **state)
{
	static struct manager m;

	if (getenv("PREFORKD") == NULL)
		return 0; /* the test skips */
	snprintf(m.dir, sizeof(m.dir), "/tmp/pf-notify.XXXXXX");
	assert_non_null(mkdtemp(m.dir));
	snprintf(m.conf, sizeof(m.conf), "%s/p.conf", m.dir);
	m.port = test_free_port();
	m.fd = bind_notify_socket(&m);
	*state = &m;
	return 0;
}

static int teardown(void **state)
{
	struct manager *m = *state;
	char cmd[160];

	if (m == NULL)
		return 0;
	if (m->pid > 0 && kill(m->pid, SIGKILL) == 0)
		waitpid(m->pid, NULL, 0);
	close(m->fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", m->dir);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

static void check_monotonic(const char *msg)
{
	const char *p = strstr(msg, "MONOTONIC_USEC=");
	unsigned long long usec;

	assert_non_null(p);
	assert_int_equal(sscanf(p, "MONOTONIC_USEC=%llu", &usec), 1);
	/* Our clock, read just now, is within a few seconds of it. */
	assert_true(usec / 1000 <= now_ms() && usec / 1000 + 5000 >= now_ms());
}

static void start_and_ready(struct manager *m)
{
	char msg[1024], want[64];

	write_conf(m, "");
	start_preforkd(m);
	expect(m, "READY=1", 10000, msg, sizeof(msg));
	snprintf(want, sizeof(want), "MAINPID=%d", (int)m->pid);
	assert_non_null(strstr(msg, want));
}

static void watchdog_at_rate(struct manager *m)
{
	char msg[1024];
	uint64_t end = now_ms() + 1000;
	int before = m->watchdogs;

	while (now_ms() < end)
		recv_one(m, (int)(end - now_ms()), msg, sizeof(msg));
	/* Every WATCHDOG_USEC / 2 = 200 ms: about 5 in a second. */
	if (m->watchdogs - before < 3 || m->watchdogs - before > 8)
		fail_msg("%d WATCHDOG=1 in 1 s, want about 5",
			 m->watchdogs - before);
}

static void reload_ok(struct manager *m)
{
	char msg[1024];

	kill(m->pid, SIGHUP);
	expect(m, "RELOADING=1", 5000, msg, sizeof(msg));
	check_monotonic(msg);
	expect(m, "READY=1", 10000, NULL, 0);
	expect(m, "STATUS=2 workers (gen 2)", 3000, NULL, 0);
	assert_non_null(strstr(m->last_status, "ok"));
}

static void reload_broken(struct manager *m)
{
	char msg[1024], want[256];

	write_conf(m, "workrs = 3;\n");
	kill(m->pid, SIGHUP);
	expect(m, "RELOADING=1", 5000, msg, sizeof(msg));
	expect(m, "READY=1", 5000, NULL, 0);
	snprintf(want, sizeof(want), "reload failed: %s:4: unknown setting",
		 m->conf);
	expect(m, want, 3000, NULL, 0);
	assert_non_null(strstr(m->last_status, "2 workers (gen 2)"));
}

static void stop(struct manager *m)
{
	int status;

	kill(m->pid, SIGTERM);
	expect(m, "STOPPING=1", 5000, NULL, 0);
	expect(m, "EXTEND_TIMEOUT_USEC=", 5000, NULL, 0);
	assert_int_equal(waitpid(m->pid, &status, 0), m->pid);
	m->pid = 0;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_notify_lifecycle(void **state)
{
	struct manager *m = *state;

	if (m == NULL)
		skip();
#ifndef HAVE_LIBSYSTEMD
	skip(); /* sd_notify is a no-op in this build */
#endif
	start_and_ready(m);
	watchdog_at_rate(m);
	reload_ok(m);
	reload_broken(m);
	watchdog_at_rate(m);
	stop(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_notify_lifecycle, setup,
						teardown),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
