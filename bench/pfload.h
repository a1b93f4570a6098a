/* pfload.h - the load generator's shared state, and a map of its files */
#ifndef PFLOAD_H
#define PFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

enum pf_mode { MODE_HTTP, MODE_ECHO, MODE_IDLE };

/* Error counters, in the order of the machine-readable line. */
enum pf_err {
	ERR_CONNECT,
	ERR_RESET,
	ERR_TIMEOUT,
	ERR_STATUS,
	ERR_SHORT,
	ERR_MISMATCH,
	ERR_CLOSED,
	ERR_COUNT
};

struct pf_opts {
	enum pf_mode mode;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char hostport[80];	/* for the Host header: "127.0.0.1:8080" */
	unsigned conns;
	double duration;	/* seconds; 0: no limit */
	uint64_t count;		/* requests in total; 0: no limit */
	double timeout;		/* seconds per operation */
	unsigned depth;		/* http: requests in flight per connection */
	bool close;		/* http: -C, a connection per request */
	bool head;		/* http: the method is HEAD */
	bool warm;		/* idle: one GET per connection before holding */
	bool quiet;
	const char *path, *method, *body;
	int status;		/* expected status; 0: any 2xx */
	long long clen;		/* expected Content-Length; -1: any */
	size_t smin, smax;	/* echo message sizes */
	bool lines;		/* echo: -L, the lines module's answers */
	const char *req_file;	/* echo: -R, the one request sent each time */
	const char *ans_file;	/* echo: -A, its answer, exactly */
	uint64_t seed;
};

/* Latency histogram in microseconds: exact below 128, then 64 sub-buckets
 * per power of two (1.6% resolution). */
#define HIST_LINEAR 128
#define HIST_BUCKETS (HIST_LINEAR + 64 * 50)
struct pf_hist {
	uint64_t n, max;
	uint64_t b[HIST_BUCKETS];
};

/* What a response head says about its response. */
struct pf_resp {
	int status;
	long long clen;	/* -1: no Content-Length */
	bool close;	/* the server closes after this response */
	bool chunked;
};

enum conn_state { CS_IDLE, CS_WAIT, CS_CONNECTING, CS_OPEN, CS_DONE };

struct conn {
	int fd;
	enum conn_state state;
	bool want_out;		/* EPOLLOUT is registered */
	bool held;		/* idle mode: open and counted as held */
	unsigned idx;
	uint64_t since;		/* ns: connect start, or retry time (CS_WAIT) */
	uint64_t nreq;		/* requests started on this connection */
	/* http */
	unsigned outstanding;	/* sent or queued, not yet answered */
	unsigned ring_head;	/* index of the oldest in sent[] */
	uint64_t *sent;		/* send times (ns), a ring of opts.depth */
	size_t wbytes;		/* request bytes still to write */
	bool in_body, until_eof, bad_status, bad_body, close_after;
	size_t body_left, body_got;
	long long resp_clen;
	char *pend;		/* an incomplete response head */
	size_t npend;
	/* echo */
	bool active;		/* a round trip is under way */
	size_t msize, moff, wdone, rdone;
	uint64_t msg_start;
};

struct pf {
	struct pf_opts o;
	int ep;
	struct conn *conns;
	uint64_t now, start, end, deadline;	/* ns, monotonic */
	uint64_t next_tick;
	bool limited;		/* -n given */
	uint64_t budget;	/* requests that may still start when limited */
	uint64_t inflight;	/* requests started, not finished */
	uint64_t ok;
	uint64_t err[ERR_COUNT];
	unsigned cursor;	/* connections below it have been started */
	unsigned connecting, held, done, waiting;
	bool spread;		/* bind source addresses over 127.0.0.0/8 */
	bool announced;
	struct pf_hist hist;
	char *rbuf;		/* shared read buffer */
	size_t rbufsz;
	char *reqs;		/* opts.depth copies of the request */
	size_t reqlen;
	char *pattern;		/* echo payload source */
	size_t patlen;
	char *rpattern;		/* -L: each line of pattern reversed */
	char lprefix[24];	/* -L: "SIZE-1 " */
	char *answer;		/* -A: the expected answer (-R: pattern) */
	size_t anslen;
	size_t lprefix_len;
	uint64_t rng;
	char head_cache[512];	/* the last response head parsed, verbatim */
	size_t head_cache_len;
	struct pf_resp head_cache_resp;
};

#define NS_PER_SEC 1000000000ull
#define PF_MAX_HEAD 16384
#define PF_ECHO_SLACK 4096

/* pfload_conn.c */
int conn_run(struct pf *pf);
void conn_cleanup(struct pf *pf);
void conn_fail(struct pf *pf, struct conn *c, enum pf_err e);
void conn_finish(struct pf *pf, struct conn *c);
ssize_t conn_send(struct pf *pf, struct conn *c, const char *buf, size_t len);
void conn_hold(struct pf *pf, struct conn *c);
uint64_t conn_now(void);

/* pfload_http.c */
int http_setup(struct pf *pf);
ssize_t http_parse_head(const char *buf, size_t len, struct pf_resp *r);
int http_open(struct pf *pf, struct conn *c);
int http_read(struct pf *pf, struct conn *c, const char *buf, size_t len);
int http_eof(struct pf *pf, struct conn *c);
int http_write(struct pf *pf, struct conn *c);

/* pfload_echo.c */
int echo_setup(struct pf *pf);
int echo_open(struct pf *pf, struct conn *c);
int echo_read(struct pf *pf, struct conn *c, const char *buf, size_t len);
int echo_eof(struct pf *pf, struct conn *c);
int echo_write(struct pf *pf, struct conn *c);

/* pfload_stats.c */
void hist_add(struct pf_hist *h, uint64_t us);
uint64_t hist_percentile(const struct pf_hist *h, double p);
void stats_print(const struct pf *pf, double elapsed);
int stats_exit_code(const struct pf *pf);
uint64_t rng_next(uint64_t *s);

#endif
