/* preforkctl.c - command line of the control client: check, send, print */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "ctl/ctl_client.h"
#include "master/ctl_request.h"

/* Longer than a reload may take: the master waits up to 10 s for a new
 * generation to get ready, plus a worker's start. */
#define DEFAULT_TIMEOUT 30.0
#define MAX_TIMEOUT	86400.0

static void usage(FILE *out)
{
	const char *u;

	fprintf(out,
		"usage: preforkctl [-s SOCKET] [-t SECONDS] COMMAND [ARG...]\n"
		"       preforkctl -h | -V\n"
		"  -s SOCKET   the master's control socket (default: "
		"$PREFORKD_CONTROL,\n"
		"              else %s)\n"
		"  -t SECONDS  give up after this long (default: %.0f)\n"
		"  -V          print the version and exit\n"
		"  -h          print this help and exit\n"
		"Commands:\n",
		PREFORKD_CONTROL_SOCKET, DEFAULT_TIMEOUT);
	for (size_t i = 0; (u = ctl_request_usage_line(i)) != NULL; i++)
		fprintf(out, "  %s\n", u);
	fprintf(out, "Exit: 0 ok, 1 the daemon said no, 2 usage, 3 cannot "
		     "connect,\n4 timed out (outcome unknown), 5 protocol "
		     "error.\n");
}

/* Says what is wrong and how to get help; returns CTL_EXIT_USAGE. */
__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt,
							     ...)
{
	va_list ap;

	fprintf(stderr, "preforkctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'preforkctl -h' for help.\n");
	return CTL_EXIT_USAGE;
}

/* A timeout: a finite number of seconds, > 0 and <= MAX_TIMEOUT. */
static int parse_timeout(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v <= 0 ||
	    v > MAX_TIMEOUT)
		return -1;
	*out = v;
	return 0;
}

/* Joins the command's words into raw (CTL_REQUEST_MAX bytes) as a line;
 * returns its length, or -1 after saying why on stderr. */
static ssize_t join_words(int argc, char **argv, char *raw)
{
	size_t len = 0, n;

	for (int i = 0; i < argc; i++) {
		if (strchr(argv[i], '\n') != NULL) {
			usage_error("an argument holds a newline: '%s'",
				    argv[i]);
			return -1;
		}
		n = strlen(argv[i]);
		if (len + n + 1 > CTL_REQUEST_MAX) {
			usage_error("the request is over %d bytes",
				    CTL_REQUEST_MAX);
			return -1;
		}
		memcpy(raw + len, argv[i], n);
		len += n;
		raw[len++] = i + 1 < argc ? ' ' : '\n';
	}
	return (ssize_t)len;
}

/* Checks req as the master will: 0, or -1 after saying why on stderr. */
static int check_request(ssize_t parsed, const struct ctl_request *req)
{
	struct ctl_command cmd;

	if (parsed < 0) {
		usage_error("%s", parsed == CTL_PARSE_TOO_MANY_ARGS
				      ? "too many arguments"
				      : "a command is words of "
					"printable ASCII");
		return -1;
	}
	switch (ctl_request_lookup(req, &cmd)) {
	case CTL_OK: return 0;
	case CTL_ERR_UNKNOWN_COMMAND:
		usage_error("unknown command '%.*s'", (int)req->verb.len,
			    req->verb.p);
		return -1;
	default:
		fprintf(stderr, "preforkctl: usage: preforkctl %s\n",
			ctl_request_usage(req->verb.p, req->verb.len));
		return -1;
	}
}

/*
 * The request line of the command's words, into line (CTL_REQUEST_MAX
 * bytes): the words as the master will parse them, one space between
 * them. Returns its length, or -1 after saying why on stderr.
 */
static ssize_t build_request(int argc, char **argv, char *line)
{
	char raw[CTL_REQUEST_MAX];
	struct ctl_request req;
	ssize_t len = join_words(argc, argv, raw);
	size_t n;

	if (len < 0 ||
	    check_request(ctl_request_parse(raw, (size_t)len, &req), &req) < 0)
		return -1;
	memcpy(line, req.verb.p, req.verb.len);
	n = req.verb.len;
	for (size_t i = 0; i < req.nargs; i++) {
		line[n++] = ' ';
		memcpy(line + n, req.args[i].p, req.args[i].len);
		n += req.args[i].len;
	}
	line[n++] = '\n';
	return (ssize_t)n;
}

/* The socket: -s, else $PREFORKD_CONTROL when set and not empty, else the
 * built-in default. NULL after saying why. */
static const char *socket_path(const char *opt)
{
	const char *env = getenv("PREFORKD_CONTROL");
	const char *path = opt		 ? opt
			   : env && *env ? env
					 : PREFORKD_CONTROL_SOCKET;
	struct sockaddr_un sa;

	if (*path == '\0') {
		usage_error("%s", "the socket path is empty");
		return NULL;
	}
	if (strlen(path) >= sizeof(sa.sun_path)) {
		usage_error("the socket path is too long: '%s'", path);
		return NULL;
	}
	return path;
}

/* Prints the answer: the body on stdout for OK; for ERR the token and
 * the body on stderr. Returns the exit status it stands for. */
static int print_answer(const struct ctl_answer *a, const char *line,
			size_t len)
{
	if (a->ok) {
		fwrite(a->body, 1, a->body_len, stdout);
		if (fflush(stdout) != 0 || ferror(stdout))
			fprintf(stderr,
				"preforkctl: cannot write the answer: "
				"%s\n",
				strerror(errno));
		return CTL_EXIT_OK;
	}
	fprintf(stderr, "preforkctl: %.*s failed: %.*s\n", (int)len - 1, line,
		(int)a->token_len, a->token);
	fwrite(a->body, 1, a->body_len, stderr);
	return CTL_EXIT_REFUSED;
}

int main(int argc, char **argv)
{
	const char *sock_opt = NULL, *path;
	double timeout = DEFAULT_TIMEOUT;
	char line[CTL_REQUEST_MAX + 1];
	struct ctl_client c;
	ssize_t len;
	int opt, rc;

	/* '+': stop at the command, so that `scale -1` is not an option. */
	while ((opt = getopt(argc, argv, "+s:t:Vh")) != -1) {
		switch (opt) {
		case 's': sock_opt = optarg; break;
		case 't':
			if (parse_timeout(optarg, &timeout) < 0)
				return usage_error("-t wants seconds > 0 (at "
						   "most 86400), not '%s'",
						   optarg);
			break;
		case 'V': printf("preforkctl %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return CTL_EXIT_USAGE;
		}
	}
	if (optind == argc)
		return usage_error("%s", "no command given");
	len = build_request(argc - optind, argv + optind, line);
	if (len < 0)
		return CTL_EXIT_USAGE;
	path = socket_path(sock_opt);
	if (path == NULL)
		return CTL_EXIT_USAGE;
	rc = ctl_client_exchange(&c, path, line, (size_t)len, timeout);
	if (rc == CTL_EXIT_OK)
		rc = print_answer(&c.answer, line, (size_t)len);
	else
		fprintf(stderr, "preforkctl: %s\n", c.err);
	ctl_client_free(&c);
	return rc;
}
