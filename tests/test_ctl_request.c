/* test_ctl_request.c - the control request line: parsing and the table */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "master/ctl_request.h"

/* from test_http_guard.c */
const char *guard_place(const char *data, size_t len);

#define BIN(s) .in = (s), .len = sizeof(s) - 1 /* input with NUL bytes */

struct parse_case {
	const char *name;
	const char *in;
	ssize_t want;	   /* bytes consumed, or a CTL_PARSE_* */
	const char *words; /* the verb and arguments, joined by '|' */
	size_t len;	   /* 0: strlen(in) */
};

static const struct parse_case parse_cases[] = {
    /* ---- well-formed ---- */
    {"one word", .in = "ping\n", .want = 5, .words = "ping"},
    {"verb and argument", .in = "show info\n", .want = 10,
     .words = "show|info"},
    {"signed argument", .in = "scale -1\n", .want = 9, .words = "scale|-1"},
    {"a run of spaces splits once", .in = "show   info\n", .want = 12,
     .words = "show|info"},
    {"a tab is a blank", .in = "show\tinfo\n", .want = 10,
     .words = "show|info"},
    {"blanks mixed", .in = "stop \t fast\n", .want = 12, .words = "stop|fast"},
    {"leading blanks ignored", .in = "  ping\n", .want = 7, .words = "ping"},
    {"trailing blanks ignored", .in = "ping  \t\n", .want = 8, .words = "ping"},
    {"the maximum of arguments", .in = "a b c d e\n", .want = 10,
     .words = "a|b|c|d|e"},
    {"unknown verbs still parse", .in = "frobnicate now\n", .want = 15,
     .words = "frobnicate|now"},
    {"bytes after the line are left", .in = "ping\nshow info\n", .want = 5,
     .words = "ping"},
    {"punctuation is a word byte", .in = "scale +1\n", .want = 9,
     .words = "scale|+1"},
    {"tilde, the last printable", .in = "~\n", .want = 2, .words = "~"},

    /* ---- incomplete ---- */
    {"empty buffer", .in = "", .want = CTL_PARSE_NEED_MORE},
    {"no newline yet", .in = "show inf", .want = CTL_PARSE_NEED_MORE},
    {"only blanks so far", .in = "   ", .want = CTL_PARSE_NEED_MORE},

    /* ---- refused ---- */
    {"empty line", .in = "\n", .want = CTL_PARSE_INVALID},
    {"blank line", .in = " \t \n", .want = CTL_PARSE_INVALID},
    {"CRLF: CR is a control byte", .in = "ping\r\n", .want = CTL_PARSE_INVALID},
    {"NUL inside a word", BIN("pi\0ng\n"), .want = CTL_PARSE_INVALID},
    {"escape sequence", .in = "show \x1b[2Jinfo\n", .want = CTL_PARSE_INVALID},
    {"DEL", .in = "ping\x7f\n", .want = CTL_PARSE_INVALID},
    {"a byte above ASCII", .in = "sh\xc3\xb6w\n", .want = CTL_PARSE_INVALID},
    {"vertical tab is not a blank", .in = "show\vinfo\n",
     .want = CTL_PARSE_INVALID},
    {"a bad byte before the newline comes", .in = "pi\x01",
     .want = CTL_PARSE_INVALID},
    {"too many arguments", .in = "a b c d e f\n",
     .want = CTL_PARSE_TOO_MANY_ARGS},
    {"too many arguments before the newline", .in = "a b c d e f ",
     .want = CTL_PARSE_TOO_MANY_ARGS},
};

/* "w1|w2|..." of req, into out. */
static void join_words(const struct ctl_request *req, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%.*s", (int)req->verb.len, req->verb.p);

	for (size_t i = 0; i < req->nargs && n > 0 && (size_t)n < cap; i++)
		n += snprintf(out + n, cap - (size_t)n, "|%.*s",
			      (int)req->args[i].len, req->args[i].p);
}

static void test_parse(void **state)
{
	const struct parse_case *c = *state;
	size_t len = c->len ? c->len : strlen(c->in);
	const char *buf = guard_place(c->in, len);
	struct ctl_request req;
	char words[256];
	ssize_t r = ctl_request_parse(buf, len, &req);

	if (r != c->want)
		fail_msg("%s: returned %zd, want %zd", c->name, r, c->want);
	if (r <= 0)
		return;
	join_words(&req, words, sizeof(words));
	if (strcmp(words, c->words) != 0)
		fail_msg("%s: words \"%s\", want \"%s\"", c->name, words,
			 c->words);
	if (req.verb.p < buf || req.verb.p + req.verb.len > buf + r)
		fail_msg("%s: the verb does not point into the line", c->name);
}

/* Lines around CTL_REQUEST_MAX, each placed against the guard page. */
static void test_length_limit(void **state)
{
	static char line[CTL_REQUEST_MAX + 2];
	struct ctl_request req;
	ssize_t r;

	(void)state;
	/* Exactly the maximum, its newline the last byte: taken. */
	memset(line, 'a', sizeof(line));
	line[CTL_REQUEST_MAX - 1] = '\n';
	r = ctl_request_parse(guard_place(line, CTL_REQUEST_MAX),
			      CTL_REQUEST_MAX, &req);
	assert_int_equal(r, CTL_REQUEST_MAX);
	assert_int_equal(req.verb.len, CTL_REQUEST_MAX - 1);
	/* One byte more before the newline: too long, the newline unread. */
	memset(line, 'a', sizeof(line));
	line[CTL_REQUEST_MAX] = '\n';
	r = ctl_request_parse(guard_place(line, CTL_REQUEST_MAX + 1),
			      CTL_REQUEST_MAX + 1, &req);
	assert_int_equal(r, CTL_PARSE_TOO_LONG);
	/* The maximum without a newline: too long, not "need more". */
	r = ctl_request_parse(guard_place(line, CTL_REQUEST_MAX),
			      CTL_REQUEST_MAX, &req);
	assert_int_equal(r, CTL_PARSE_TOO_LONG);
	/* One byte short of it: a newline may still come. */
	r = ctl_request_parse(guard_place(line, CTL_REQUEST_MAX - 1),
			      CTL_REQUEST_MAX - 1, &req);
	assert_int_equal(r, CTL_PARSE_NEED_MORE);
}

/* Every byte value as the second byte of "p?ng\n". */
static void test_every_byte(void **state)
{
	char in[] = "p?ng\n";
	struct ctl_request req;
	ssize_t r;

	(void)state;
	for (int b = 0; b < 256; b++) {
		in[1] = (char)b;
		r = ctl_request_parse(guard_place(in, 5), 5, &req);
		if (b > 0x20 && b < 0x7f) {
			if (r != 5 || req.verb.len != 4)
				fail_msg("byte 0x%02x: %zd", b, r);
		} else if (b == ' ' || b == '\t') {
			if (r != 5 || req.verb.len != 1 || req.nargs != 1)
				fail_msg("blank 0x%02x: %zd", b, r);
		} else if (b == '\n') {
			if (r != 2 || req.verb.len != 1)
				fail_msg("newline: %zd", r);
		} else if (r != CTL_PARSE_INVALID) {
			fail_msg("byte 0x%02x: %zd, want invalid", b, r);
		}
	}
}

struct lookup_case {
	const char *name;
	const char *line;
	enum ctl_refusal want;
	enum ctl_cmd cmd;
	int count;
};

static const struct lookup_case lookup_cases[] = {
    /* ---- every command of DESIGN.md ---- */
    {"ping", "ping\n", .want = CTL_OK, .cmd = CTL_CMD_PING},
    {"show info", "show info\n", .want = CTL_OK, .cmd = CTL_CMD_SHOW_INFO},
    {"show proc", "show proc\n", .want = CTL_OK, .cmd = CTL_CMD_SHOW_PROC},
    {"show metrics", "show metrics\n", .want = CTL_OK,
     .cmd = CTL_CMD_SHOW_METRICS},
    {"reload", "reload\n", .want = CTL_OK, .cmd = CTL_CMD_RELOAD},
    {"scale N", "scale 4\n", .want = CTL_OK, .cmd = CTL_CMD_SCALE, .count = 4},
    {"scale 1, the least", "scale 1\n", .want = CTL_OK, .cmd = CTL_CMD_SCALE,
     .count = 1},
    {"scale to the most workers", "scale 1024\n", .want = CTL_OK,
     .cmd = CTL_CMD_SCALE, .count = 1024},
    {"scale +1", "scale +1\n", .want = CTL_OK, .cmd = CTL_CMD_SCALE_UP},
    {"scale -1", "scale -1\n", .want = CTL_OK, .cmd = CTL_CMD_SCALE_DOWN},
    {"scale config", "scale config\n", .want = CTL_OK,
     .cmd = CTL_CMD_SCALE_CONFIG},
    {"drain", "drain\n", .want = CTL_OK, .cmd = CTL_CMD_DRAIN},
    {"undrain", "undrain\n", .want = CTL_OK, .cmd = CTL_CMD_UNDRAIN},
    {"stop", "stop\n", .want = CTL_OK, .cmd = CTL_CMD_STOP},
    {"stop fast", "stop fast\n", .want = CTL_OK, .cmd = CTL_CMD_STOP_FAST},
    {"reopen", "reopen\n", .want = CTL_OK, .cmd = CTL_CMD_REOPEN},
    {"blanks do not matter", "\tscale   +1 \n", .want = CTL_OK,
     .cmd = CTL_CMD_SCALE_UP},

    /* ---- unknown verbs ---- */
    {"unknown verb", "restart\n", .want = CTL_ERR_UNKNOWN_COMMAND},
    {"verbs are case-sensitive", "PING\n", .want = CTL_ERR_UNKNOWN_COMMAND},
    {"a prefix of a verb", "rel\n", .want = CTL_ERR_UNKNOWN_COMMAND},
    {"a verb with a suffix", "pings\n", .want = CTL_ERR_UNKNOWN_COMMAND},
    {"an argument is no verb", "info\n", .want = CTL_ERR_UNKNOWN_COMMAND},

    /* ---- known verbs, wrong arguments ---- */
    {"ping takes nothing", "ping now\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"reload takes nothing", "reload fast\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"show needs a word", "show\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"show of something else", "show config\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"show with two words", "show info proc\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"scale needs an argument", "scale\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"scale 0", "scale 0\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"scale over the most workers", "scale 1025\n",
     .want = CTL_ERR_BAD_ARGUMENT},
    {"scale far over", "scale 99999999999\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"scale with a leading zero", "scale 04\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"scale +2 is no step", "scale +2\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"scale -2 is no step", "scale -2\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"scale +4 is no count", "scale +4\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"scale a word", "scale many\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"scale a number with a tail", "scale 4x\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"scale with two arguments", "scale 4 5\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"stop of something else", "stop now\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"stop fast fast", "stop fast fast\n", .want = CTL_ERR_BAD_ARGUMENT},
    {"arguments are case-sensitive", "show INFO\n",
     .want = CTL_ERR_BAD_ARGUMENT},
};

static void test_lookup(void **state)
{
	const struct lookup_case *c = *state;
	size_t len = strlen(c->line);
	struct ctl_request req;
	struct ctl_command cmd = {0};
	enum ctl_refusal r;

	if (ctl_request_parse(guard_place(c->line, len), len, &req) !=
	    (ssize_t)len)
		fail_msg("%s: the line does not parse", c->name);
	r = ctl_request_lookup(&req, &cmd);
	if (r != c->want)
		fail_msg("%s: %s, want %s", c->name, ctl_refusal_token(r),
			 ctl_refusal_token(c->want));
	if (r == CTL_OK && (cmd.cmd != c->cmd || cmd.count != c->count))
		fail_msg("%s: command %d count %d, want %d count %d", c->name,
			 cmd.cmd, cmd.count, c->cmd, c->count);
}

/* Each verb has a usage line that starts with it; tokens are distinct. */
static void test_usage_and_tokens(void **state)
{
	const char *u;
	size_t i;

	(void)state;
	for (i = 0; (u = ctl_request_usage_line(i)) != NULL; i++) {
		size_t n = strcspn(u, " ");

		assert_string_equal(ctl_request_usage(u, n), u);
	}
	assert_int_equal(i, 8);
	assert_string_equal(ctl_request_usage("scale", 5),
			    "scale N|+1|-1|config");
	assert_null(ctl_request_usage("sca", 3));
	assert_string_equal(ctl_refusal_token(CTL_ERR_BAD_REQUEST),
			    "bad-request");
	assert_string_equal(ctl_refusal_token(CTL_ERR_TOO_LONG), "too-long");
	assert_string_equal(ctl_refusal_token(CTL_ERR_UNKNOWN_COMMAND),
			    "unknown-command");
	assert_string_equal(ctl_refusal_token(CTL_ERR_BAD_ARGUMENT),
			    "bad-argument");
	assert_int_equal(ctl_request_refusal(5), CTL_OK);
	assert_int_equal(ctl_request_refusal(CTL_PARSE_INVALID),
			 CTL_ERR_BAD_REQUEST);
	assert_int_equal(ctl_request_refusal(CTL_PARSE_TOO_LONG),
			 CTL_ERR_TOO_LONG);
	assert_int_equal(ctl_request_refusal(CTL_PARSE_TOO_MANY_ARGS),
			 CTL_ERR_BAD_ARGUMENT);
}

#define NP (sizeof(parse_cases) / sizeof(parse_cases[0]))
#define NL (sizeof(lookup_cases) / sizeof(lookup_cases[0]))

int main(void)
{
	static struct CMUnitTest tests[NP + NL + 3];
	size_t i, n = 0;

	for (i = 0; i < NP; i++)
		tests[n++] =
		    (struct CMUnitTest){parse_cases[i].name, test_parse, NULL,
					NULL, (void *)&parse_cases[i]};
	for (i = 0; i < NL; i++)
		tests[n++] =
		    (struct CMUnitTest){lookup_cases[i].name, test_lookup, NULL,
					NULL, (void *)&lookup_cases[i]};
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_length_limit);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_every_byte);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_usage_and_tokens);
	return _cmocka_run_group_tests("ctl_request", tests, n, NULL, NULL);
}
