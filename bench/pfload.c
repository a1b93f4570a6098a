/* pfload.c - a load generator for loopback (http, echo, idle): the command
 * line and main */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pfload.h"

static void usage(FILE *out)
{
	fputs("usage: pfload -m http|echo|idle [-H HOST] -p PORT [-c CONNS]\n"
	      "              [-d SECONDS] [-n COUNT] [options]\n"
	      "  -H HOST     127.0.0.1 (default), any 127.x.y.z, or ::1\n"
	      "  -c CONNS    concurrent connections (default 1)\n"
	      "  -d SECONDS  stop after this long (default 5 unless -n)\n"
	      "  -n COUNT    stop after COUNT requests or round trips\n"
	      "  -t SECONDS  per-operation timeout (default 5)\n"
	      "  -q          no human summary on stderr\n"
	      "http: -P DEPTH pipeline depth (1); -C a new connection per\n"
	      "      request; -u PATH (/); -M METHOD (GET; HEAD: no body);\n"
	      "      -e STATUS expected status (200; 2xx: any 2xx);\n"
	      "      -b BODY expected body; -l LEN expected Content-Length\n"
	      "echo: -s SIZE or MIN-MAX message size (64); -S SEED (1);\n"
	      "      -L lines: each SIZE-byte message ends in \\n and is answered\n"
	      "      \"SIZE-1 \" and its other bytes reversed (modules/lines)\n"
	      "      -R REQFILE -A ANSFILE: each round trip sends REQFILE's\n"
	      "      bytes and expects ANSFILE's, exactly (e.g. a kvsync get)\n"
	      "idle: hold CONNS connections for -d seconds; -w send one GET\n"
	      "      on each and read the answer first\n"
	      "stdout: requests= rps= p50_us= p99_us= max_us= connect_errors=\n"
	      "  resets= timeouts= bad_status= short= mismatches= closed=\n"
	      "  cpu= (pfload's own CPU time / elapsed)\n"
	      "exit: 0 no errors, 1 errors, 2 usage\n",
	      out);
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return (errno || end == s || *end || *out < lo || *out > hi) ? -1 : 0;
}

static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *out < lo || *out > hi)
		return -1;
	return 0;
}

static int parse_unsigned(const char *s, unsigned lo, unsigned hi,
			  unsigned *out)
{
	uint64_t v;

	if (parse_u64(s, lo, hi, &v) < 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* SIZE or MIN-MAX, 1 byte to 64 MiB. */
static int parse_sizes(const char *s, size_t *min, size_t *max)
{
	char lo[32];
	const char *dash = strchr(s, '-');
	uint64_t a, b;

	if (!dash) {
		if (parse_u64(s, 1, 64 << 20, &a) < 0)
			return -1;
		*min = *max = a;
		return 0;
	}
	if ((size_t)(dash - s) >= sizeof(lo))
		return -1;
	memcpy(lo, s, (size_t)(dash - s));
	lo[dash - s] = '\0';
	if (parse_u64(lo, 1, 64 << 20, &a) < 0 ||
	    parse_u64(dash + 1, a, 64 << 20, &b) < 0)
		return -1;
	*min = a;
	*max = b;
	return 0;
}

/* Loopback only: 127.0.0.0/8 or ::1. */
static int parse_host(struct pf_opts *o, const char *host, unsigned port)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)&o->addr;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&o->addr;

	memset(&o->addr, 0, sizeof(o->addr));
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		if ((ntohl(a4->sin_addr.s_addr) >> 24) != 127)
			return -1;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		o->addrlen = sizeof(*a4);
		snprintf(o->hostport, sizeof(o->hostport), "%s:%u", host, port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1 ||
	    !IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr))
		return -1;
	a6->sin6_family = AF_INET6;
	a6->sin6_port = htons((uint16_t)port);
	o->addrlen = sizeof(*a6);
	snprintf(o->hostport, sizeof(o->hostport), "[::1]:%u", port);
	return 0;
}

static int parse_mode(const char *s, enum pf_mode *m)
{
	if (strcmp(s, "http") == 0)
		*m = MODE_HTTP;
	else if (strcmp(s, "echo") == 0)
		*m = MODE_ECHO;
	else if (strcmp(s, "idle") == 0)
		*m = MODE_IDLE;
	else
		return -1;
	return 0;
}

/* One option; returns 0, or -1 for a bad value. */
static int parse_opt(struct pf_opts *o, int ch, const char *arg)
{
	uint64_t v;
	double d;

	switch (ch) {
	case 'c': return parse_unsigned(arg, 1, 1000000, &o->conns);
	case 'd': return parse_double(arg, 0.001, 86400, &o->duration);
	case 'n': return parse_u64(arg, 1, UINT64_MAX / 2, &o->count);
	case 't': return parse_double(arg, 0.001, 3600, &o->timeout);
	case 'P': return parse_unsigned(arg, 1, 1024, &o->depth);
	case 'C': o->close = true; return 0;
	case 'u': o->path = arg; return arg[0] == '/' ? 0 : -1;
	case 'b': o->body = arg; return 0;
	case 'M': o->method = arg; return arg[0] ? 0 : -1;
	case 'q': o->quiet = true; return 0;
	case 'w': o->warm = true; return 0;
	case 's': return parse_sizes(arg, &o->smin, &o->smax);
	case 'S': return parse_u64(arg, 0, UINT64_MAX, &o->seed);
	case 'L': o->lines = true; return 0;
	case 'R': o->req_file = arg; return 0;
	case 'A': o->ans_file = arg; return 0;
	case 'l':
		if (parse_u64(arg, 0, 1ull << 50, &v) < 0)
			return -1;
		o->clen = (long long)v;
		return 0;
	case 'e':
		if (strcmp(arg, "2xx") == 0) {
			o->status = 0;
			return 0;
		}
		if (parse_double(arg, 100, 599, &d) < 0 || d != (int)d)
			return -1;
		o->status = (int)d;
		return 0;
	default: return -1;
	}
}

static int parse_args(struct pf_opts *o, int argc, char **argv)
{
	const char *host = "127.0.0.1", *mode = NULL;
	unsigned port = 0;
	int ch;

	while ((ch = getopt(argc, argv, "m:H:p:c:d:n:t:P:Cu:e:b:l:M:s:S:LR:A:qwh")) !=
	       -1) {
		if (ch == 'h') {
			usage(stdout);
			exit(0);
		}
		if (ch == 'm')
			mode = optarg;
		else if (ch == 'H')
			host = optarg;
		else if (ch == 'p') {
			if (parse_unsigned(optarg, 1, 65535, &port) < 0)
				goto bad;
		} else if (ch == '?' || parse_opt(o, ch, optarg) < 0)
			goto bad;
	}
	if (optind != argc || !mode || parse_mode(mode, &o->mode) < 0) {
		fprintf(stderr, "pfload: -m http|echo|idle is required\n");
		return -1;
	}
	if (!port || parse_host(o, host, port) < 0) {
		fprintf(stderr, "pfload: -p PORT and a loopback -H are required\n");
		return -1;
	}
	return 0;
bad:
	if (ch != '?')
		fprintf(stderr, "pfload: bad value for -%c: %s\n", ch, optarg);
	return -1;
}

/* Fills in defaults and reconciles the options. Returns 0 or -1. */
static int settle_opts(struct pf_opts *o)
{
	if (o->close && o->depth > 1) {
		fprintf(stderr, "pfload: -C and -P do not mix\n");
		return -1;
	}
	if (o->lines && (o->mode != MODE_ECHO || o->smin != o->smax ||
			 o->smin < 2)) {
		fprintf(stderr, "pfload: -L needs -m echo and one -s SIZE >= 2\n");
		return -1;
	}
	if ((!o->req_file != !o->ans_file) ||
	    (o->req_file && (o->mode != MODE_ECHO || o->lines))) {
		fprintf(stderr, "pfload: -R and -A go together, with -m echo "
				"and without -L\n");
		return -1;
	}
	if (o->mode == MODE_IDLE)
		o->count = 0; /* idle connections are held for -d */
	if (!o->duration && !o->count)
		o->duration = 5;
	if (o->close || o->mode == MODE_IDLE)
		o->depth = 1;
	if (o->count && o->conns > o->count)
		o->conns = (unsigned)o->count;
	o->head = strcmp(o->method, "HEAD") == 0;
	return 0;
}

static int run(struct pf *pf)
{
	int rc;

	if ((pf->o.mode == MODE_ECHO ? echo_setup(pf) : http_setup(pf)) < 0 ||
	    conn_run(pf) < 0) {
		perror("pfload");
		conn_cleanup(pf);
		return 2;
	}
	stats_print(pf, (double)(pf->end - pf->start) / NS_PER_SEC);
	rc = stats_exit_code(pf);
	conn_cleanup(pf);
	return rc;
}

int main(int argc, char **argv)
{
	static struct pf pf = {
		.ep = -1,
		.o = { .conns = 1, .timeout = 5, .depth = 1, .path = "/",
		       .method = "GET", .status = 200, .clen = -1, .smin = 64,
		       .smax = 64, .seed = 1 },
	};
	int rc;

	if (parse_args(&pf.o, argc, argv) < 0 || settle_opts(&pf.o) < 0) {
		usage(stderr);
		return 2;
	}
	pf.limited = pf.o.count > 0;
	pf.budget = pf.o.count;
	pf.rng = pf.o.seed ^ 0x9e3779b97f4a7c15ull;
	if (!pf.rng)
		pf.rng = 1;
	rc = run(&pf);
	free(pf.reqs);
	free(pf.pattern);
	free(pf.answer);
	return rc;
}
