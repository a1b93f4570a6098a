/* test_metrics.c - the master's metrics: Prometheus text rendering, counters
 * that never go down across worker exits, restarts and reloads, label
 * escaping, and the status listener's pure parts (routes, peers, readiness) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "master/master_impl.h"
#include "master/metrics.h"
#include "master/status.h"
#include "worker/worker.h"

/* ---- A master without processes ------------------------------------------ */

struct fixture {
	struct master m;
	char *text; /* the last rendering */
};

/* A generation of the given listeners ("name:mode" words), made active. */
static struct gen *add_gen(struct master *m, const char *const *lsn, size_t n)
{
	char text[2048];
	size_t len = (size_t)snprintf(text, sizeof(text), "listeners = (");
	struct conf_errors errs = {0};
	struct conf c;
	struct gen *g;

	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(lsn[i], ':');
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%s{ name = \"%.*s\"; listen = "
					"\"127.0.0.1:%zu\"; mode = \"%s\";"
					"%s }",
					i ? ", " : "", (int)(colon - lsn[i]),
					lsn[i], 17000 + i, colon + 1,
					strcmp(colon + 1, "http") == 0
					    ? " http = { response = \"x\"; };"
					    : "");
	}
	snprintf(text + len, sizeof(text) - len, ");\n");
	assert_int_equal(conf_load_string("t.conf", text, &c, &errs), 0);
	conf_errors_free(&errs);
	assert_non_null(g = gen_new(m, &c));
	g->state = GEN_ACTIVE;
	m->active = g;
	return g;
}

/* A ready worker entry of g (no process: a pid no one has). */
static struct mworker *add_worker(struct gen *g, int slot)
{
	struct mworker *w = mworker_new(g, slot);

	assert_non_null(w);
	w->pid = 999999;
	w->state = MW_READY;
	return w;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[128];

	log_init(LOG_ERR);
	assert_non_null(f);
	assert_non_null(f->m.loop = loop_new(err, sizeof(err)));
	f->m.announced = true;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	while (f->m.nw > 0)
		mworker_remove(f->m.w[f->m.nw - 1]);
	while (f->m.gens != NULL) {
		struct gen *g = f->m.gens;
		f->m.gens = g->next;
		conf_free(&g->conf);
		free(g);
	}
	free(f->m.w);
	metrics_free(&f->m.metrics);
	loop_free(f->m.loop);
	free(f->text);
	free(f);
	return 0;
}

static const char *render(struct fixture *f)
{
	size_t len;

	free(f->text);
	assert_non_null(f->text = metrics_render(&f->m, &len));
	assert_int_equal(strlen(f->text), len);
	return f->text;
}

/* The value of the sample whose name and labels are exactly series. */
static double sample(const char *text, const char *series)
{
	size_t n = strlen(series);

	for (const char *p = text; p != NULL && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, series, n) == 0 && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	fail_msg("no sample %s in:\n%s", series, text);
	return -1;
}

static bool has_series(const char *text, const char *prefix)
{
	return strstr(text, prefix) != NULL;
}

/* ---- The text format ------------------------------------------------------
 */

/* DESIGN.md's names, in the order they are rendered. */
static const char *const family_names[] = {
    "preforkd_build_info",
    "preforkd_generation",
    "preforkd_workers",
    "preforkd_worker_restarts_total",
    "preforkd_reloads_total",
    "preforkd_config_last_reload_successful",
    "preforkd_connections_accepted_total",
    "preforkd_connections_active",
    "preforkd_connections_rejected_total",
    "preforkd_received_bytes_total",
    "preforkd_sent_bytes_total",
    "preforkd_http_requests_total",
    "preforkd_http_responses_total",
    "preforkd_request_duration_seconds",
    "preforkd_messages_total",
    "preforkd_proxy_protocol_errors_total",
    "preforkd_worker_connections",
    "preforkd_worker_requests_total",
};

/* Every family: one HELP, then one TYPE, then only its own samples;
 * counters end in _total; no empty line (the control socket forbids it). */
static void test_families_once_with_help_and_type(void **state)
{
	static const char *const lsn[] = {"web:http", "e:echo"};
	struct fixture *f = *state;
	struct gen *g = add_gen(&f->m, lsn, 2);
	char fam[128] = "", type[32] = "", seen[64][128];
	size_t nseen = 0, nsamples = 0;
	const char *text;

	add_worker(g, 0);
	text = render(f);
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		char line[512], name[128];
		assert_non_null(nl);
		assert_true(nl > p); /* no empty line */
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		if (sscanf(line, "# HELP %127s", name) == 1) {
			for (size_t i = 0; i < nseen; i++)
				assert_string_not_equal(seen[i], name);
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
			snprintf(fam, sizeof(fam), "%s", name);
			type[0] = '\0';
		} else if (sscanf(line, "# TYPE %127s %31s", name, type) == 2) {
			assert_string_equal(name, fam);
			if (strcmp(type, "counter") == 0)
				assert_non_null(strstr(fam, "_total"));
		} else {
			size_t k = strcspn(line, "{ ");
			snprintf(name, sizeof(name), "%.*s", (int)k, line);
			assert_true(type[0] != '\0'); /* TYPE came first */
			if (strcmp(type, "histogram") == 0)
				assert_true(strncmp(name, fam, strlen(fam)) ==
					    0);
			else
				assert_string_equal(name, fam);
			nsamples++;
		}
		p = nl + 1;
	}
	assert_int_equal(nseen, sizeof(family_names) / sizeof(family_names[0]));
	for (size_t i = 0; i < nseen; i++)
		assert_string_equal(seen[i], family_names[i]);
	assert_true(nsamples > 30);
	/* http families only for http listeners */
	assert_true(
	    has_series(text, "preforkd_http_requests_total{listener=\"web\"}"));
	assert_false(
	    has_series(text, "preforkd_http_requests_total{listener=\"e\"}"));
	assert_true(sample(text, "preforkd_workers{state=\"ready\"}") == 1);
	assert_true(sample(text, "preforkd_worker_requests_total{slot=\"0\","
				 "generation=\"1\"}") == 0);
}

/* Cumulative buckets, +Inf equal to _count, _sum in seconds. */
static void test_histogram_cumulative(void **state)
{
	static const char *const lsn[] = {"web:http"};
	static const char *const le[] = {"0.0005", "0.001", "0.0025", "0.005",
					 "0.01",   "0.025", "0.05",   "0.1",
					 "0.25",   "0.5",   "1",      "2.5",
					 "5",	   "10",    "+Inf"};
	struct fixture *f = *state;
	struct mworker *w = add_worker(add_gen(&f->m, lsn, 1), 0);
	struct net_stats *st = &w->lstats[0];
	const uint64_t ms[] = {0, 0, 1, 3, 7, 7, 700, 20000};
	double prev = 0, v;
	char series[128];
	const char *text;

	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++)
		stats_response(st, 200, ms[i]);
	text = render(f);
	for (size_t b = 0; b < sizeof(le) / sizeof(le[0]); b++) {
		snprintf(
		    series, sizeof(series),
		    "preforkd_request_duration_seconds_bucket{listener=\"web\","
		    "le=\"%s\"}",
		    le[b]);
		v = sample(text, series);
		assert_true(v >= prev);
		prev = v;
	}
	assert_true(sample(text, "preforkd_request_duration_seconds_bucket{"
				 "listener=\"web\",le=\"0.0005\"}") == 2);
	assert_true(sample(text, "preforkd_request_duration_seconds_bucket{"
				 "listener=\"web\",le=\"0.001\"}") == 3);
	assert_true(sample(text, "preforkd_request_duration_seconds_bucket{"
				 "listener=\"web\",le=\"0.01\"}") == 6);
	assert_true(sample(text, "preforkd_request_duration_seconds_bucket{"
				 "listener=\"web\",le=\"1\"}") == 7);
	assert_true(sample(text, "preforkd_request_duration_seconds_bucket{"
				 "listener=\"web\",le=\"10\"}") == 7);
	assert_true(prev == 8); /* +Inf */
	assert_true(
	    sample(
		text,
		"preforkd_request_duration_seconds_count{listener=\"web\"}") ==
	    prev);
	assert_true(
	    sample(text,
		   "preforkd_request_duration_seconds_sum{listener=\"web\"}") ==
	    20.718);
	assert_true(sample(text, "preforkd_http_responses_total{listener="
				 "\"web\",code=\"2xx\"}") == 8);
}

/* Sends what a worker's last heartbeat would: requests and accepted. */
static void send_report(int fd, uint32_t total, uint64_t requests,
			uint64_t accepted)
{
	struct {
		struct worker_msg_listeners h;
		struct net_stats st[1];
	} m = {{WORKER_MSG_LISTENERS, 0, 1, total}, {{0}}};

	m.st[0].requests = requests;
	m.st[0].accepted = accepted;
	m.st[0].active = 3;
	assert_int_equal(send(fd, &m, sizeof(m), 0), sizeof(m));
}

/* A kill -9 and a restart: the counts the worker sent last (still in its
 * channel when it is reaped) are kept, its open connections are not, and
 * the restarted worker's counts add on top: nothing goes down. */
static void test_worker_exit_and_restart_never_lower(void **state)
{
	static const char *const lsn[] = {"web:http"};
	struct fixture *f = *state;
	struct mworker *w = add_worker(add_gen(&f->m, lsn, 1), 0);
	const char *req = "preforkd_http_requests_total{listener=\"web\"}";
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	w->chan = sv[0];
	w->lstats[0].requests = 10;
	w->lstats[0].accepted = 4;
	w->lstats[0].active = 3;
	assert_true(sample(render(f), req) == 10);
	assert_true(
	    sample(f->text, "preforkd_connections_active{listener=\"web\"}") ==
	    3);
	send_report(sv[1], 7, 99, 99); /* another configuration's: ignored */
	send_report(sv[1], 1, 12, 5);  /* its last heartbeat */
	mworker_exited(w, 9);	       /* killed by SIGKILL */
	close(sv[1]);
	assert_int_equal(w->chan, -1);
	assert_true(sample(render(f), req) == 12);
	assert_true(
	    sample(f->text,
		   "preforkd_connections_accepted_total{listener=\"web\"}") ==
	    5);
	assert_true(
	    sample(f->text, "preforkd_connections_active{listener=\"web\"}") ==
	    0);
	assert_true(sample(f->text, "preforkd_worker_restarts_total") == 1);
	assert_false(
	    has_series(f->text, "preforkd_worker_requests_total{slot"));
	/* restarted: its counters start again at 0 */
	w->pid = 999999;
	w->state = MW_READY;
	w->lstats[0].requests = 1;
	assert_true(sample(render(f), req) == 13);
}

/* A reload: counters are kept per listener name, whatever the order of the
 * listeners in the new file; a listener the new file drops keeps its
 * last total; one it adds starts at its own. */
static void test_reload_keeps_counters_by_name(void **state)
{
	static const char *const old_lsn[] = {"a:http", "b:http"};
	static const char *const new_lsn[] = {"c:http", "b:http"};
	struct fixture *f = *state;
	struct gen *g1 = add_gen(&f->m, old_lsn, 2);
	struct mworker *w1 = add_worker(g1, 0), *w2;

	w1->lstats[0].requests = 5;
	w1->lstats[1].requests = 7;
	assert_true(
	    sample(render(f), "preforkd_http_requests_total{listener=\"b\"}") ==
	    7);
	w2 = add_worker(add_gen(&f->m, new_lsn, 2), 0);
	w2->lstats[0].requests = 2;
	w2->lstats[1].requests = 1;
	g1->state = GEN_RETIRING;
	w1->state = MW_STOPPING;
	mworker_exited(w1, 0); /* drained; its last report was the one kept */
	render(f);
	assert_true(
	    sample(f->text, "preforkd_http_requests_total{listener=\"a\"}") ==
	    5);
	assert_true(
	    sample(f->text, "preforkd_http_requests_total{listener=\"b\"}") ==
	    8);
	assert_true(
	    sample(f->text, "preforkd_http_requests_total{listener=\"c\"}") ==
	    2);
	assert_true(sample(f->text, "preforkd_generation") == 2);
	assert_true(sample(f->text, "preforkd_worker_restarts_total") == 0);
}

static void test_reload_results(void **state)
{
	struct fixture *f = *state;

	metrics_reload(&f->m.metrics, true);
	metrics_reload(&f->m.metrics, false);
	render(f);
	assert_true(sample(f->text, "preforkd_reloads_total{result=\"ok\"}") ==
		    1);
	assert_true(
	    sample(f->text, "preforkd_reloads_total{result=\"failed\"}") == 1);
	assert_true(sample(f->text, "preforkd_config_last_reload_successful") ==
		    0);
	metrics_reload(&f->m.metrics, true);
	assert_true(
	    sample(render(f), "preforkd_config_last_reload_successful") == 1);
}

/* ---- Label escaping --------------------------------------------------------
 */

static void test_escape(void **state)
{
	static const struct {
		const char *in, *want;
		size_t len, need;
	} cases[] = {
	    {"plain-1.0", "plain-1.0", 64, 9},
	    {"a\\b", "a\\\\b", 64, 4},
	    {"say \"hi\"", "say \\\"hi\\\"", 64, 10},
	    {"two\nlines", "two\\nlines", 64, 10},
	    {"truncated\"", "trunc", 6, 11},
	    {"", "", 1, 0},
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(metrics_escape(cases[i].in, buf, cases[i].len),
				 cases[i].need);
		assert_string_equal(buf, cases[i].want);
	}
}

/* ---- The status listener's pure parts ---------------------------------------
 */

static void test_routes(void **state)
{
	static const struct {
		const char *request;
		enum status_route want;
	} cases[] = {
	    {"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", STATUS_METRICS},
	    {"GET /metrics?name[]=x HTTP/1.1\r\nHost: x\r\n\r\n",
	     STATUS_METRICS},
	    {"GET /livez HTTP/1.0\r\n\r\n", STATUS_LIVEZ},
	    {"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n", STATUS_READYZ},
	    {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", STATUS_NOT_FOUND},
	    {"GET /metricsx HTTP/1.1\r\nHost: x\r\n\r\n", STATUS_NOT_FOUND},
	    {"GET /livez/ HTTP/1.1\r\nHost: x\r\n\r\n", STATUS_NOT_FOUND},
	    {"HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n", STATUS_BAD_METHOD},
	    {"POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n", STATUS_BAD_METHOD},
	};
	struct http_request req;
	int st;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *r = cases[i].request;
		assert_int_equal(
		    http_parse_request(r, strlen(r), NULL, &req, &st),
		    (int)strlen(r));
		assert_int_equal(status_route(&req), cases[i].want);
	}
}

static void test_peers(void **state)
{
	static const struct {
		const char *addr;
		bool local;
	} cases[] = {
	    {"127.0.0.1", true},	{"127.1.2.3", true},
	    {"10.0.0.1", false},	{"192.168.1.1", false},
	    {"128.0.0.1", false},	{"::1", true},
	    {"::ffff:127.0.0.1", true}, {"::ffff:10.0.0.1", false},
	    {"2001:db8::1", false},	{"::", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockaddr_storage ss = {0};
		struct sockaddr_in *a4 = (void *)&ss;
		struct sockaddr_in6 *a6 = (void *)&ss;
		if (inet_pton(AF_INET, cases[i].addr, &a4->sin_addr) == 1)
			ss.ss_family = AF_INET;
		else {
			assert_int_equal(
			    inet_pton(AF_INET6, cases[i].addr, &a6->sin6_addr),
			    1);
			ss.ss_family = AF_INET6;
		}
		if (status_peer_allowed((void *)&ss, false) != cases[i].local)
			fail_msg("%s: expected %s", cases[i].addr,
				 cases[i].local ? "allowed" : "refused");
		assert_true(status_peer_allowed((void *)&ss, true));
	}
}

static void test_readiness(void **state)
{
	struct fixture *f = *state;

	f->m.announced = false;
	assert_string_equal(status_not_ready(&f->m), "starting");
	f->m.announced = true;
	assert_null(status_not_ready(&f->m));
	f->m.phase = PHASE_STOPPING;
	assert_string_equal(status_not_ready(&f->m), "stopping");
	f->m.phase = PHASE_RUNNING;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_families_once_with_help_and_type),
	    T(test_histogram_cumulative),
	    T(test_worker_exit_and_restart_never_lower),
	    T(test_reload_keeps_counters_by_name),
	    T(test_reload_results),
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_routes),
	    cmocka_unit_test(test_peers),
	    T(test_readiness),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
