/* test_ctl_answer.c - recognising the control socket's answer */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ctl/ctl_answer.h"

/* from test_http_guard.c */
const char *guard_place(const char *data, size_t len);

#define NEED_MORE 0
#define REFUSED	  (-1)

struct answer_case {
	const char *name;
	const char *in;
	ssize_t want;	   /* the answer's length, NEED_MORE or REFUSED */
	bool ok;	   /* for a complete answer */
	const char *token; /* of ERR */
	const char *body;
};

static const struct answer_case cases[] = {
    /* ---- complete ---- */
    {"OK without a body", "OK\n\n", .want = 4, .ok = true, .token = NULL,
     .body = ""},
    {"OK with a line", "OK\npong\n\n", .want = 9, .ok = true, .token = NULL,
     .body = "pong\n"},
    {"OK with lines", "OK\npid: 1\nworkers: 2\n\n", .want = 22, .ok = true,
     .token = NULL, .body = "pid: 1\nworkers: 2\n"},
    {"ERR with a token", "ERR busy\n\n", .want = 10, .ok = false,
     .token = "busy", .body = ""},
    {"ERR with error lines", "ERR config\nf.conf:3: bad\n\n", .want = 26,
     .ok = false, .token = "config", .body = "f.conf:3: bad\n"},
    {"ERR with a dashed token", "ERR worker-exit\n\n", .want = 17, .ok = false,
     .token = "worker-exit", .body = ""},
    {"bytes after the empty line are not looked at", "OK\nx\n\ngarbage",
     .want = 6, .ok = true, .token = NULL, .body = "x\n"},

    /* ---- incomplete ---- */
    {"nothing yet", "", .want = NEED_MORE},
    {"half of OK", "O", .want = NEED_MORE},
    {"OK without its newline", "OK", .want = NEED_MORE},
    {"OK, no empty line yet", "OK\n", .want = NEED_MORE},
    {"a body line, no empty line yet", "OK\npong\n", .want = NEED_MORE},
    {"a body line cut", "OK\npo", .want = NEED_MORE},
    {"start of ERR", "ER", .want = NEED_MORE},
    {"ERR, token cut", "ERR bu", .want = NEED_MORE},

    /* ---- not an answer ---- */
    {"an empty first line", "\n\n", .want = REFUSED},
    {"lowercase ok", "ok\n\n", .want = REFUSED},
    {"OK with a tail", "OK then\n\n", .want = REFUSED},
    {"OK with CRLF", "OK\r\n\r\n", .want = REFUSED},
    {"ERR without a token", "ERR\n\n", .want = REFUSED},
    {"ERR with an empty token", "ERR \n\n", .want = REFUSED},
    {"ERR with two words", "ERR busy now\n\n", .want = REFUSED},
    {"a token with a control byte", "ERR bu\x01sy\n\n", .want = REFUSED},
    {"garbage", "HELLO\n\n", .want = REFUSED},
    {"garbage before its newline", "HEL", .want = REFUSED},
    {"a wrong byte early", "OX", .want = REFUSED},
    {"an HTTP answer", "HTTP/1.1 200 OK\r\n", .want = REFUSED},
    {"a token over 64 bytes",
     "ERR "
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\n",
     .want = REFUSED},
};

static void test_case(void **state)
{
	const struct answer_case *c = *state;
	size_t len = strlen(c->in);
	const char *buf = guard_place(c->in, len);
	struct ctl_answer a;
	ssize_t r = ctl_answer_parse(buf, len, &a);

	if (r != c->want)
		fail_msg("%s: returned %zd, want %zd", c->name, r, c->want);
	if (r <= 0)
		return;
	if (a.ok != c->ok)
		fail_msg("%s: ok is %d", c->name, a.ok);
	if (c->token != NULL && (a.token_len != strlen(c->token) ||
				 memcmp(a.token, c->token, a.token_len) != 0))
		fail_msg("%s: token \"%.*s\"", c->name, (int)a.token_len,
			 a.token);
	if (c->token == NULL && a.token != NULL)
		fail_msg("%s: a token for OK", c->name);
	if (a.body_len != strlen(c->body) ||
	    memcmp(a.body, c->body, a.body_len) != 0)
		fail_msg("%s: body \"%.*s\"", c->name, (int)a.body_len, a.body);
}

/* Fed a byte at a time, a complete answer is seen exactly at its end. */
static void test_bytewise(void **state)
{
	static const char in[] = "ERR config\na:1: x\nb:2: y\n\n";
	size_t n = sizeof(in) - 1;
	struct ctl_answer a;

	(void)state;
	for (size_t k = 0; k < n; k++)
		assert_int_equal(ctl_answer_parse(guard_place(in, k), k, &a),
				 NEED_MORE);
	assert_int_equal(ctl_answer_parse(guard_place(in, n), n, &a),
			 (ssize_t)n);
	assert_int_equal(a.body_len, 14);
}

int main(void)
{
	static struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 1];
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	for (i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){cases[i].name, test_case, NULL,
					       NULL, (void *)&cases[i]};
	tests[n] = (struct CMUnitTest)cmocka_unit_test(test_bytewise);
	return _cmocka_run_group_tests("ctl_answer", tests, n + 1, NULL, NULL);
}
