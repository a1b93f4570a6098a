/* fuzz_ctl.c - libFuzzer target for the control protocol's request and
 * answer parsers, and their invariants */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl_answer.h"
#include "master/ctl_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* An exact-size heap copy, so that ASan catches reads past its end. */
static char *dup_exact(const uint8_t *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	CHECK(p != NULL);
	if (n > 0)
		memcpy(p, s, n);
	return p;
}

static void check_word(const char *buf, ssize_t ret, const struct ctl_word *w)
{
	CHECK(w->p >= buf && w->len > 0 && w->p + w->len < buf + ret);
	for (size_t i = 0; i < w->len; i++)
		CHECK((unsigned char)w->p[i] > 0x20 &&
		      (unsigned char)w->p[i] < 0x7f);
}

/* A known request, written back with single spaces, means the same. */
static void check_round_trip(const struct ctl_request *req,
			     const struct ctl_command *cmd)
{
	char line[CTL_REQUEST_MAX];
	struct ctl_request again;
	struct ctl_command cmd2;
	size_t n = req->verb.len;

	memcpy(line, req->verb.p, n);
	for (size_t i = 0; i < req->nargs; i++) {
		line[n++] = ' ';
		memcpy(line + n, req->args[i].p, req->args[i].len);
		n += req->args[i].len;
	}
	line[n++] = '\n';
	CHECK(ctl_request_parse(line, n, &again) == (ssize_t)n);
	CHECK(ctl_request_lookup(&again, &cmd2) == CTL_OK);
	CHECK(cmd2.cmd == cmd->cmd && cmd2.count == cmd->count);
}

static void fuzz_request(const char *buf, size_t size)
{
	struct ctl_request req, again;
	struct ctl_command cmd;
	ssize_t ret = ctl_request_parse(buf, size, &req);
	enum ctl_refusal r;

	CHECK(ctl_refusal_token(ctl_request_refusal(ret)) != NULL);
	if (ret == CTL_PARSE_NEED_MORE)
		CHECK(size < CTL_REQUEST_MAX &&
		      memchr(buf, '\n', size) == NULL);
	if (ret == CTL_PARSE_TOO_LONG)
		CHECK(size >= CTL_REQUEST_MAX &&
		      memchr(buf, '\n', CTL_REQUEST_MAX) == NULL);
	if (ret <= 0)
		return;
	CHECK((size_t)ret <= size && ret <= CTL_REQUEST_MAX);
	CHECK(buf[ret - 1] == '\n' && memchr(buf, '\n', ret - 1) == NULL);
	check_word(buf, ret, &req.verb);
	CHECK(req.nargs <= CTL_ARGS_MAX);
	for (size_t i = 0; i < req.nargs; i++)
		check_word(buf, ret, &req.args[i]);
	/* The line alone parses the same. */
	CHECK(ctl_request_parse(buf, (size_t)ret, &again) == ret);
	CHECK(again.nargs == req.nargs);
	r = ctl_request_lookup(&req, &cmd);
	if (r == CTL_OK)
		check_round_trip(&req, &cmd);
	/* A verb has a usage line exactly when the table knows it. */
	CHECK((ctl_request_usage(req.verb.p, req.verb.len) == NULL) ==
	      (r == CTL_ERR_UNKNOWN_COMMAND));
}

static void fuzz_answer(const char *buf, size_t size)
{
	struct ctl_answer a, again;
	ssize_t ret = ctl_answer_parse(buf, size, &a);

	CHECK(ret >= -1 && ret <= (ssize_t)size);
	if (ret <= 0)
		return;
	CHECK(ret >= 4 && buf[ret - 1] == '\n' && buf[ret - 2] == '\n');
	CHECK(a.body >= buf && a.body + a.body_len + 1 == buf + ret);
	CHECK(memmem(a.body, a.body_len, "\n\n", 2) == NULL);
	CHECK(a.ok == (a.token == NULL));
	if (!a.ok)
		CHECK(a.token == buf + 4 && a.token_len > 0);
	CHECK(ctl_answer_parse(buf, (size_t)ret, &again) == ret);
	CHECK(ctl_answer_parse(buf, (size_t)ret - 1, &again) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = dup_exact(data, size);

	fuzz_request(buf, size);
	fuzz_answer(buf, size);
	free(buf);
	return 0;
}
