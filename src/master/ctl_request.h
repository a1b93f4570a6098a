/* ctl_request.h - the control socket's request line: parse it, look it up */
#ifndef PREFORKD_CTL_REQUEST_H
#define PREFORKD_CTL_REQUEST_H

#include <stddef.h>
#include <sys/types.h>

/* A request line is at most this many bytes, its newline included. */
#define CTL_REQUEST_MAX 1024
/* Words after the verb that a request may carry (no command takes more
 * than one; a few more are parsed so that the error names the arity). */
#define CTL_ARGS_MAX 4
/* The largest N of `scale N`: conf's limit on `workers`. */
#define CTL_SCALE_MAX 1024

/* What ctl_request_parse returns when it consumed no complete line. */
#define CTL_PARSE_INVALID   (-1) /* a control or non-ASCII byte, or no verb */
#define CTL_PARSE_NEED_MORE (-2) /* no newline yet, and still room for one */
#define CTL_PARSE_TOO_LONG  (-3) /* no newline within CTL_REQUEST_MAX bytes */
#define CTL_PARSE_TOO_MANY_ARGS                                                \
	(-4) /* more than CTL_ARGS_MAX words after the verb */

/* One word of a request: it points into the caller's buffer. */
struct ctl_word {
	const char *p;
	size_t len;
};

/* A parsed request line; every pointer points into the parsed buffer. */
struct ctl_request {
	struct ctl_word verb;
	struct ctl_word args[CTL_ARGS_MAX];
	size_t nargs;
};

/* Every command of DESIGN.md "Control socket". */
enum ctl_cmd {
	CTL_CMD_PING,
	CTL_CMD_SHOW_INFO,
	CTL_CMD_SHOW_PROC,
	CTL_CMD_SHOW_METRICS,
	CTL_CMD_RELOAD,
	CTL_CMD_SCALE,	      /* scale N: ctl_command.count holds N */
	CTL_CMD_SCALE_UP,     /* scale +1 */
	CTL_CMD_SCALE_DOWN,   /* scale -1 */
	CTL_CMD_SCALE_CONFIG, /* scale config: back to the file's workers */
	CTL_CMD_DRAIN,
	CTL_CMD_UNDRAIN,
	CTL_CMD_STOP,	   /* SIGTERM */
	CTL_CMD_STOP_FAST, /* SIGQUIT */
	CTL_CMD_REOPEN,	   /* SIGUSR1 */
};

/* Why a request is refused; each has the token of its `ERR` answer. */
enum ctl_refusal {
	CTL_OK = 0,
	CTL_ERR_BAD_REQUEST,	 /* "bad-request": not a well-formed line */
	CTL_ERR_TOO_LONG,	 /* "too-long": over CTL_REQUEST_MAX bytes */
	CTL_ERR_UNKNOWN_COMMAND, /* "unknown-command": no such verb */
	CTL_ERR_BAD_ARGUMENT,	 /* "bad-argument": the verb's arguments */
};

/* A request that the table knows. */
struct ctl_command {
	enum ctl_cmd cmd;
	int count; /* N of `scale N` (1..CTL_SCALE_MAX), else 0 */
};

/*
 * Parses the request line at the start of buf[0..len): printable ASCII
 * words separated by runs of blanks (space, tab; also allowed before the
 * first and after the last word), ended by '\n'. Returns the bytes
 * consumed, newline included (1..CTL_REQUEST_MAX), with *req filled; or
 * CTL_PARSE_INVALID at the first bad byte or for a line without a word,
 * CTL_PARSE_TOO_MANY_ARGS, CTL_PARSE_TOO_LONG, or CTL_PARSE_NEED_MORE.
 * Reads at most CTL_REQUEST_MAX bytes of buf; does no I/O, no allocation.
 */
ssize_t ctl_request_parse(const char *buf, size_t len, struct ctl_request *req);

/*
 * Looks the parsed request up in the command table. Returns CTL_OK with
 * *out set, CTL_ERR_UNKNOWN_COMMAND, or CTL_ERR_BAD_ARGUMENT (the verb is
 * known but not with these arguments: ctl_request_usage names them).
 */
enum ctl_refusal ctl_request_lookup(const struct ctl_request *req,
				    struct ctl_command *out);

/* The refusal that a negative ctl_request_parse result answers with. */
enum ctl_refusal ctl_request_refusal(ssize_t parse_result);

/* The token of `ERR <token>` for a refusal ("bad-argument"); static. */
const char *ctl_refusal_token(enum ctl_refusal r);

/*
 * The usage of a verb ("scale N|+1|-1|config"), or NULL when the verb is
 * unknown; static storage.
 */
const char *ctl_request_usage(const char *verb, size_t len);

/*
 * The i-th line of the usage of every command, in the table's order, or
 * NULL past the last one; static storage.
 */
const char *ctl_request_usage_line(size_t i);

#endif
