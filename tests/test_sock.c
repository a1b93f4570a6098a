/* test_sock.c - listening sockets: options the accepted connections get,
 * SO_REUSEPORT sharing, and errors reported into the caller's buffer */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#include "conf/conf.h"
#include "core/sock.h"

static int listen_on(const char *spec, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;

	assert_int_equal(conf_parse_listen(spec, &ss, &len, err, errlen), 0);
	return sock_listen(&ss, len, 16, err, errlen);
}

static uint16_t port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

static void test_accepted_socket_has_nodelay(void **state)
{
	char err[128], spec[32];
	int lfd, cfd, afd = -1, v = 0;
	socklen_t vl = sizeof(v);
	struct sockaddr_in a = { .sin_family = AF_INET };

	(void)state;
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", test_free_port());
	lfd = listen_on(spec, err, sizeof(err));
	assert_true(lfd >= 0);
	a.sin_port = htons(port_of(lfd));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(cfd, (struct sockaddr *)&a, sizeof(a)), 0);
	for (int i = 0; i < 100 && (afd = accept(lfd, NULL, NULL)) < 0; i++)
		usleep(10000); /* the listener is non-blocking */
	assert_true(afd >= 0);
	assert_int_equal(getsockopt(afd, IPPROTO_TCP, TCP_NODELAY, &v, &vl), 0);
	assert_int_equal(v, 1);
	close(afd);
	close(cfd);
	close(lfd);
}

static void test_two_sockets_share_a_port(void **state)
{
	char err[128], spec[32];
	int a, b;

	(void)state;
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", test_free_port());
	a = listen_on(spec, err, sizeof(err));
	assert_true(a >= 0);
	b = listen_on(spec, err, sizeof(err));
	assert_true(b >= 0); /* SO_REUSEPORT: one socket per worker slot */
	close(a);
	close(b);
}

static void test_bind_error_names_the_address(void **state)
{
	char err[128];
	int fd = listen_on("192.0.2.1:80", err, sizeof(err));

	(void)state;
	assert_int_equal(fd, -1);
	assert_non_null(strstr(err, "bind 192.0.2.1:80: "));
}

static void test_probe_sees_another_listener(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char err[160], spec[32];
	int other = socket(AF_INET, SOCK_STREAM, 0), mine;

	(void)state;
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", test_free_port());
	assert_int_equal(conf_parse_listen(spec, &ss, &len, err, sizeof(err)), 0);
	assert_int_equal(sock_probe_free(&ss, len, err, sizeof(err)), 0);
	/* "Another process": a plain listener on the same address. */
	assert_int_equal(bind(other, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(listen(other, 1), 0);
	assert_int_equal(sock_probe_free(&ss, len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "another process listens there"));
	close(other);
	/* Our own SO_REUSEPORT set is seen too: a second preforkd fails. */
	mine = sock_listen(&ss, len, 16, err, sizeof(err));
	assert_true(mine >= 0);
	assert_int_equal(sock_probe_free(&ss, len, err, sizeof(err)), -1);
	close(mine);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted_socket_has_nodelay),
		cmocka_unit_test(test_two_sockets_share_a_port),
		cmocka_unit_test(test_bind_error_names_the_address),
		cmocka_unit_test(test_probe_sees_another_listener),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
