/* test_master_listeners.c - the master's socket set: sockets are kept per
 * address across generations, handed to surviving slots, closed only when
 * no generation uses them */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "testutil.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "master/listeners.h"

/* Loads a configuration of `workers` workers and listeners on ports[] in
 * mode ("echo" or "http"). */
static void make_conf_mode(struct conf *c, int workers, const int *ports,
			   size_t n, int backlog, const char *mode)
{
	struct conf_errors e = { 0 };
	char text[2048];
	size_t len;

	len = (size_t)snprintf(text, sizeof(text),
			       "workers = %d;\nlisteners = (\n", workers);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%s{ name = \"l%d\"; listen = "
					"\"127.0.0.1:%d\"; mode = \"%s\"; "
					"backlog = %d; %s}\n",
					i ? "," : "", ports[i], ports[i], mode,
					backlog, strcmp(mode, "http") == 0 ?
					"http = { response = \"x\"; }; " : "");
	snprintf(text + len, sizeof(text) - len, ");\n");
	if (conf_load_string("t.conf", text, c, &e) < 0)
		fail_msg("%s", e.n ? e.v[0].msg : "conf_load_string failed");
	conf_errors_free(&e);
}

static void make_conf(struct conf *c, int workers, const int *ports, size_t n,
		      int backlog)
{
	make_conf_mode(c, workers, ports, n, backlog, "echo");
}

static int is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* The fds slot serves, sorted as listeners_for_slot returns them. */
static size_t slot_fds(struct listeners *ls, struct conf *c, unsigned gen,
		       int slot, int *out)
{
	struct worker_socket *s;
	size_t n;

	assert_int_equal(listeners_for_slot(ls, c, gen, slot, &s, &n), 0);
	for (size_t i = 0; i < n; i++)
		out[i] = s[i].fd;
	free(s);
	return n;
}

static void test_one_socket_per_slot(void **state)
{
	struct listeners ls = { 0 };
	struct conf c;
	int port = test_free_port(), fds[8];
	char err[256];

	(void)state;
	make_conf(&c, 3, &port, 1, 128);
	assert_int_equal(listeners_acquire(&ls, &c, 1, err, sizeof(err)), 0);
	assert_int_equal(listeners_count(&ls), 3);
	for (int slot = 0; slot < 3; slot++) {
		assert_int_equal(slot_fds(&ls, &c, 1, slot, fds), 1);
		assert_int_equal(fds[0], ls.v[0]->fds[slot]);
	}
	listeners_release(&ls, 1);
	assert_int_equal(listeners_count(&ls), 0);
	assert_int_equal(ls.n, 0);
	conf_free(&c);
}

static void test_reload_keeps_sockets(void **state)
{
	struct listeners ls = { 0 };
	struct conf c1, c2;
	int port = test_free_port(), before[2];
	char err[256];

	(void)state;
	make_conf(&c1, 2, &port, 1, 128);
	make_conf(&c2, 2, &port, 1, 128);
	assert_int_equal(listeners_acquire(&ls, &c1, 1, err, sizeof(err)), 0);
	memcpy(before, ls.v[0]->fds, sizeof(before));
	assert_int_equal(listeners_acquire(&ls, &c2, 2, err, sizeof(err)), 0);
	assert_int_equal(listeners_count(&ls), 2);
	listeners_release(&ls, 1); /* the old generation is gone */
	assert_int_equal(listeners_count(&ls), 2);
	assert_memory_equal(ls.v[0]->fds, before, sizeof(before));
	assert_true(is_open(before[0]) && is_open(before[1]));
	listeners_close_all(&ls);
	assert_false(is_open(before[0]) || is_open(before[1]));
	conf_free(&c1);
	conf_free(&c2);
}

static void test_shrink_hands_sockets_over(void **state)
{
	struct listeners ls = { 0 };
	struct conf c4, c2;
	int port = test_free_port(), fds[8], all[4];
	char err[256];

	(void)state;
	make_conf(&c4, 4, &port, 1, 128);
	make_conf(&c2, 2, &port, 1, 128);
	assert_int_equal(listeners_acquire(&ls, &c4, 1, err, sizeof(err)), 0);
	memcpy(all, ls.v[0]->fds, sizeof(all));
	assert_int_equal(listeners_acquire(&ls, &c2, 2, err, sizeof(err)), 0);
	listeners_release(&ls, 1);
	assert_int_equal(listeners_count(&ls), 4); /* none closed */
	assert_int_equal(slot_fds(&ls, &c2, 2, 0, fds), 2);
	assert_int_equal(fds[0], all[0]);
	assert_int_equal(fds[1], all[2]);
	assert_int_equal(slot_fds(&ls, &c2, 2, 1, fds), 2);
	assert_int_equal(fds[0], all[1]);
	assert_int_equal(fds[1], all[3]);
	for (int i = 0; i < 4; i++)
		assert_true(is_open(all[i]));
	listeners_close_all(&ls);
	conf_free(&c4);
	conf_free(&c2);
}

static void test_grow_then_rollback(void **state)
{
	struct listeners ls = { 0 };
	struct conf c2, c4;
	int port = test_free_port(), fds[8], extra[2];
	char err[256];

	(void)state;
	make_conf(&c2, 2, &port, 1, 128);
	make_conf(&c4, 4, &port, 1, 128);
	assert_int_equal(listeners_acquire(&ls, &c2, 1, err, sizeof(err)), 0);
	assert_int_equal(listeners_acquire(&ls, &c4, 2, err, sizeof(err)), 0);
	assert_int_equal(listeners_count(&ls), 4);
	assert_int_equal(slot_fds(&ls, &c4, 2, 3, fds), 1);
	extra[0] = ls.v[0]->fds[2];
	extra[1] = ls.v[0]->fds[3];
	/* Generation 1 keeps serving only its two sockets. */
	assert_int_equal(slot_fds(&ls, &c2, 1, 0, fds), 1);
	listeners_release(&ls, 2); /* rolled back */
	assert_int_equal(listeners_count(&ls), 2);
	assert_false(is_open(extra[0]) || is_open(extra[1]));
	listeners_close_all(&ls);
	conf_free(&c2);
	conf_free(&c4);
}

static void test_removed_listener_closed_with_old_generation(void **state)
{
	struct listeners ls = { 0 };
	struct conf both, one;
	int ports[2] = { test_free_port(), 0 }, removed;
	char err[256];

	(void)state;
	do
		ports[1] = test_free_port();
	while (ports[1] == ports[0]);
	make_conf(&both, 1, ports, 2, 128);
	make_conf(&one, 1, ports, 1, 128);
	assert_int_equal(listeners_acquire(&ls, &both, 1, err, sizeof(err)), 0);
	removed = ls.v[1]->fds[0];
	assert_int_equal(listeners_acquire(&ls, &one, 2, err, sizeof(err)), 0);
	assert_true(is_open(removed)); /* the old generation still drains */
	listeners_release(&ls, 1);
	assert_false(is_open(removed));
	assert_int_equal(ls.n, 1);
	listeners_close_all(&ls);
	conf_free(&both);
	conf_free(&one);
}

static void test_bind_error_leaves_old_sockets(void **state)
{
	struct listeners ls = { 0 };
	struct conf c1, c2;
	int ports[2] = { test_free_port(), 0 }, blocker, keep;
	struct sockaddr_in a = { .sin_family = AF_INET };
	char err[256];

	(void)state;
	do
		ports[1] = test_free_port();
	while (ports[1] == ports[0]);
	/* A plain (not SO_REUSEPORT) socket holds the second port. */
	blocker = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)ports[1]);
	assert_int_equal(bind(blocker, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(blocker, 1), 0);
	make_conf(&c1, 2, ports, 1, 128);
	make_conf(&c2, 3, ports, 2, 128);
	assert_int_equal(listeners_acquire(&ls, &c1, 1, err, sizeof(err)), 0);
	keep = ls.v[0]->fds[1];
	assert_int_equal(listeners_acquire(&ls, &c2, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "listener \"l"));
	assert_non_null(strstr(err, "Address already in use"));
	assert_int_equal(listeners_count(&ls), 2); /* the third one closed */
	assert_int_equal(ls.n, 1);
	assert_true(is_open(keep));
	close(blocker);
	listeners_close_all(&ls);
	conf_free(&c1);
	conf_free(&c2);
}

static void test_backlog_change_keeps_sockets(void **state)
{
	struct listeners ls = { 0 };
	struct conf c1, c2;
	int port = test_free_port(), fd;
	char err[256];

	(void)state;
	make_conf(&c1, 1, &port, 1, 128);
	make_conf(&c2, 1, &port, 1, 64);
	assert_int_equal(listeners_acquire(&ls, &c1, 1, err, sizeof(err)), 0);
	fd = ls.v[0]->fds[0];
	assert_int_equal(listeners_acquire(&ls, &c2, 2, err, sizeof(err)), 0);
	assert_int_equal(ls.v[0]->fds[0], fd);
	assert_int_equal(ls.v[0]->backlog, 64);
	listeners_release(&ls, 2); /* rolled back: the old backlog again */
	assert_int_equal(ls.v[0]->backlog, 128);
	assert_int_equal(ls.v[0]->fds[0], fd);
	listeners_close_all(&ls);
	conf_free(&c1);
	conf_free(&c2);
}

/* The kernel's TCP_DEFER_ACCEPT value on fd: 0 when off. */
static int deferred(int fd)
{
	int v = -1;
	socklen_t vl = sizeof(v);

	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &v, &vl), 0);
	return v;
}

/* HTTP listeners defer accept until the request's first bytes arrive;
 * echo ones do not. A reload that changes the mode changes it on the same
 * sockets (a slot added later included), and a rollback changes it back. */
static void test_defer_accept_follows_mode(void **state)
{
	struct listeners ls = { 0 };
	struct conf c1, c2;
	int port = test_free_port(), fd;
	char err[256];

	(void)state;
	make_conf_mode(&c1, 1, &port, 1, 128, "echo");
	make_conf_mode(&c2, 2, &port, 1, 128, "http");
	assert_int_equal(listeners_acquire(&ls, &c1, 1, err, sizeof(err)), 0);
	fd = ls.v[0]->fds[0];
	assert_int_equal(deferred(fd), 0);
	assert_int_equal(listeners_acquire(&ls, &c2, 2, err, sizeof(err)), 0);
	assert_int_equal(ls.v[0]->fds[0], fd);
	assert_int_equal(ls.v[0]->nfds, 2);
	assert_true(deferred(fd) > 0);
	assert_true(deferred(ls.v[0]->fds[1]) > 0);
	listeners_release(&ls, 2); /* rolled back to echo */
	assert_int_equal(ls.v[0]->nfds, 1);
	assert_int_equal(deferred(fd), 0);
	listeners_release(&ls, 1);

	assert_int_equal(listeners_acquire(&ls, &c2, 3, err, sizeof(err)), 0);
	assert_true(deferred(ls.v[0]->fds[0]) > 0);
	assert_true(deferred(ls.v[0]->fds[1]) > 0);
	listeners_close_all(&ls);
	conf_free(&c1);
	conf_free(&c2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_socket_per_slot),
		cmocka_unit_test(test_reload_keeps_sockets),
		cmocka_unit_test(test_shrink_hands_sockets_over),
		cmocka_unit_test(test_grow_then_rollback),
		cmocka_unit_test(test_removed_listener_closed_with_old_generation),
		cmocka_unit_test(test_bind_error_leaves_old_sockets),
		cmocka_unit_test(test_backlog_change_keeps_sockets),
		cmocka_unit_test(test_defer_accept_follows_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
