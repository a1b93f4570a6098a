/* ctl_request.c - the control socket's request line: parse it, look it up */
#include "config.h"

#include <string.h>

#include "master/ctl_request.h"

/* What a command's argument must be. */
enum ctl_shape {
	SHAPE_NONE,  /* no argument */
	SHAPE_WORD,  /* exactly the word of the row */
	SHAPE_COUNT, /* a worker count, 1..CTL_SCALE_MAX */
};

struct ctl_row {
	const char *verb;
	enum ctl_shape shape;
	const char *word; /* for SHAPE_WORD */
	enum ctl_cmd cmd;
};

/* The commands of DESIGN.md "Control socket"; the master and preforkctl
 * both take them from here, so they cannot disagree. */
static const struct ctl_row ctl_rows[] = {
    {"ping", SHAPE_NONE, NULL, CTL_CMD_PING},
    {"show", SHAPE_WORD, "info", CTL_CMD_SHOW_INFO},
    {"show", SHAPE_WORD, "proc", CTL_CMD_SHOW_PROC},
    {"show", SHAPE_WORD, "metrics", CTL_CMD_SHOW_METRICS},
    {"reload", SHAPE_NONE, NULL, CTL_CMD_RELOAD},
    {"scale", SHAPE_COUNT, NULL, CTL_CMD_SCALE},
    {"scale", SHAPE_WORD, "+1", CTL_CMD_SCALE_UP},
    {"scale", SHAPE_WORD, "-1", CTL_CMD_SCALE_DOWN},
    {"scale", SHAPE_WORD, "config", CTL_CMD_SCALE_CONFIG},
    {"drain", SHAPE_NONE, NULL, CTL_CMD_DRAIN},
    {"undrain", SHAPE_NONE, NULL, CTL_CMD_UNDRAIN},
    {"stop", SHAPE_NONE, NULL, CTL_CMD_STOP},
    {"stop", SHAPE_WORD, "fast", CTL_CMD_STOP_FAST},
    {"reopen", SHAPE_NONE, NULL, CTL_CMD_REOPEN},
};

/* One line per verb, in the order of the rows above. */
static const struct {
	const char *verb;
	const char *usage;
} ctl_usages[] = {
    {"ping", "ping"},	     {"show", "show info|proc|metrics"},
    {"reload", "reload"},    {"scale", "scale N|+1|-1|config"},
    {"drain", "drain"},	     {"undrain", "undrain"},
    {"stop", "stop [fast]"}, {"reopen", "reopen"},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Printable ASCII: no control byte, no DEL, nothing above 0x7e. */
static int is_word_byte(char ch)
{
	unsigned char u = (unsigned char)ch;

	return u > 0x20 && u < 0x7f;
}

/* Adds the word buf[start..end) to req; -1 when there is no room. */
static int add_word(struct ctl_request *req, const char *buf, size_t start,
		    size_t end)
{
	struct ctl_word w = {buf + start, end - start};

	if (req->verb.p == NULL) {
		req->verb = w;
		return 0;
	}
	if (req->nargs == CTL_ARGS_MAX)
		return -1;
	req->args[req->nargs++] = w;
	return 0;
}

ssize_t ctl_request_parse(const char *buf, size_t len, struct ctl_request *req)
{
	size_t n = len < CTL_REQUEST_MAX ? len : CTL_REQUEST_MAX;
	size_t i, start = 0;
	int in_word = 0;

	memset(req, 0, sizeof(*req));
	for (i = 0; i < n; i++) {
		char ch = buf[i];

		if (is_word_byte(ch)) {
			if (!in_word)
				start = i;
			in_word = 1;
			continue;
		}
		if (ch != '\n' && !is_blank(ch))
			return CTL_PARSE_INVALID;
		if (in_word && add_word(req, buf, start, i) < 0)
			return CTL_PARSE_TOO_MANY_ARGS;
		in_word = 0;
		if (ch == '\n')
			return req->verb.p ? (ssize_t)(i + 1)
					   : CTL_PARSE_INVALID;
	}
	return len >= CTL_REQUEST_MAX ? CTL_PARSE_TOO_LONG
				      : CTL_PARSE_NEED_MORE;
}

static int word_is(const struct ctl_word *w, const char *s)
{
	size_t n = strlen(s);

	return w->len == n && memcmp(w->p, s, n) == 0;
}

/* A canonical decimal 1..CTL_SCALE_MAX (no sign, no leading zero);
 * returns it, or -1. */
static int parse_count(const struct ctl_word *w)
{
	int v = 0;

	if (w->len == 0 || w->len > 4 || w->p[0] == '0')
		return -1;
	for (size_t i = 0; i < w->len; i++) {
		if (w->p[i] < '0' || w->p[i] > '9')
			return -1;
		v = v * 10 + (w->p[i] - '0');
	}
	return v <= CTL_SCALE_MAX ? v : -1;
}

/* Whether req's arguments fit row; sets out when they do. */
static int row_matches(const struct ctl_row *row, const struct ctl_request *req,
		       struct ctl_command *out)
{
	int count = 0;

	switch (row->shape) {
	case SHAPE_NONE:
		if (req->nargs != 0)
			return 0;
		break;
	case SHAPE_WORD:
		if (req->nargs != 1 || !word_is(&req->args[0], row->word))
			return 0;
		break;
	case SHAPE_COUNT:
		if (req->nargs != 1)
			return 0;
		count = parse_count(&req->args[0]);
		if (count < 0)
			return 0;
		break;
	}
	out->cmd = row->cmd;
	out->count = count;
	return 1;
}

enum ctl_refusal ctl_request_lookup(const struct ctl_request *req,
				    struct ctl_command *out)
{
	int verb_known = 0;

	for (size_t i = 0; i < NELEM(ctl_rows); i++) {
		if (!word_is(&req->verb, ctl_rows[i].verb))
			continue;
		verb_known = 1;
		if (row_matches(&ctl_rows[i], req, out))
			return CTL_OK;
	}
	return verb_known ? CTL_ERR_BAD_ARGUMENT : CTL_ERR_UNKNOWN_COMMAND;
}

enum ctl_refusal ctl_request_refusal(ssize_t parse_result)
{
	if (parse_result >= 0)
		return CTL_OK;
	if (parse_result == CTL_PARSE_TOO_LONG)
		return CTL_ERR_TOO_LONG;
	if (parse_result == CTL_PARSE_TOO_MANY_ARGS)
		return CTL_ERR_BAD_ARGUMENT;
	return CTL_ERR_BAD_REQUEST;
}

const char *ctl_refusal_token(enum ctl_refusal r)
{
	switch (r) {
	case CTL_OK: return "ok";
	case CTL_ERR_BAD_REQUEST: return "bad-request";
	case CTL_ERR_TOO_LONG: return "too-long";
	case CTL_ERR_UNKNOWN_COMMAND: return "unknown-command";
	case CTL_ERR_BAD_ARGUMENT: return "bad-argument";
	}
	return "bad-request";
}

const char *ctl_request_usage(const char *verb, size_t len)
{
	struct ctl_word w = {verb, len};

	for (size_t i = 0; i < NELEM(ctl_usages); i++)
		if (word_is(&w, ctl_usages[i].verb))
			return ctl_usages[i].usage;
	return NULL;
}

const char *ctl_request_usage_line(size_t i)
{
	return i < NELEM(ctl_usages) ? ctl_usages[i].usage : NULL;
}
