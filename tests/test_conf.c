/* test_conf.c - table-driven tests of the configuration loader */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf/conf.h"

/* libconfig before 1.7 truncates an integer literal without L to 32 bits. */
#if LIBCONFIG_VER_MAJOR == 1 && LIBCONFIG_VER_MINOR < 7
#define INT_LITERAL_32_BITS 1
#else
#define INT_LITERAL_32_BITS 0
#endif

/*
 * libconfig 1.5 leaks the string token at which it finds a syntax error
 * (`a = 5 "x";` or `a = 1; "" b`: its parser frees no discarded token).
 * That is not the loader's to fix, so under ASan exactly the two sites that
 * allocate string tokens are ignored; every other leak fails the test.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

/* A temporary directory for roots and @included files; "@DIR@" in a case's
 * text, file or words stands for it. */
static char tmpdir[64];

struct want_error {
	bool set;
	const char *file; /* NULL: "t.conf" */
	int line;
	enum conf_error_kind kind;
	const char *words[4]; /* each must occur in the message */
};

struct conf_case {
	const char *name;
	const char *text;
	struct want_error errs[6]; /* none: the text must load */
	void (*check)(const struct conf *c);
};

#define E(l, k, ...)                                                           \
	{                                                                      \
		.set = true, .line = (l), .kind = (k), .words = {              \
			__VA_ARGS__                                            \
		}                                                              \
	}
#define EF(f, l, k, ...)                                                       \
	{                                                                      \
		.set = true, .file = (f), .line = (l), .kind = (k), .words = { \
			__VA_ARGS__                                            \
		}                                                              \
	}

/* One line: a valid echo listener, for cases about top-level settings. */
#define ECHO_LISTENERS                                                         \
	"listeners = ({ name = \"e\"; listen = \"127.0.0.1:7080\"; "           \
	"mode = \"echo\"; });\n"

/* ---- Checks of configurations that load ------------------------------- */

static void check_status_remote(const struct conf *c)
{
	const struct sockaddr_in *a = (const void *)&c->status.addr;

	assert_string_equal(c->status.listen, "127.0.0.1:9180");
	assert_int_equal(c->status.addrlen, sizeof(struct sockaddr_in));
	assert_int_equal(ntohs(a->sin_port), 9180);
	assert_int_equal(ntohl(a->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_true(c->status.allow_remote);
}

static void check_status_loopback_only(const struct conf *c)
{
	assert_string_equal(c->status.listen, "[::1]:9180");
	assert_int_equal(c->status.addr.ss_family, AF_INET6);
	assert_false(c->status.allow_remote);
}

static const struct sockaddr_in *v4(const struct listener_conf *l)
{
	assert_int_equal(l->addr.ss_family, AF_INET);
	assert_int_equal(l->addrlen, sizeof(struct sockaddr_in));
	return (const struct sockaddr_in *)&l->addr;
}

static const struct sockaddr_in6 *v6(const struct listener_conf *l)
{
	assert_int_equal(l->addr.ss_family, AF_INET6);
	assert_int_equal(l->addrlen, sizeof(struct sockaddr_in6));
	return (const struct sockaddr_in6 *)&l->addr;
}

static void check_defaults(const struct conf *c)
{
	const struct listener_conf *l = &c->listeners[0];

	assert_string_equal(c->path, "t.conf");
	assert_int_equal(c->workers, 1);
	assert_false(c->workers_auto);
	assert_null(c->user);
	assert_null(c->group);
	assert_int_equal(c->uid, (uid_t)-1);
	assert_int_equal(c->gid, (gid_t)-1);
	assert_true(c->shutdown_timeout == 10.0);
	assert_true(c->worker_timeout == 30.0);
	assert_int_equal(c->max_connections, 10000);
	assert_int_equal(c->log_level, LOG_INFO);
	assert_true(c->seccomp);
	assert_int_equal(c->nlisteners, 1);
	assert_string_equal(l->name, "e");
	assert_string_equal(l->listen, "127.0.0.1:7080");
	assert_int_equal(ntohs(v4(l)->sin_port), 7080);
	assert_int_equal(ntohl(v4(l)->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_equal(l->mode, MODE_ECHO);
	assert_int_equal(l->trigger, TRIGGER_EDGE);
	assert_int_equal(l->backlog, 511);
	assert_true(l->idle_timeout == 60.0);
	assert_true(l->send_timeout == 60.0);
	assert_int_equal(l->line, 1);
	assert_null(c->status.listen); /* no status group: no status listener */
	assert_null(l->http.response);
	assert_null(l->http.root);
	/* No control group, no control socket (as HAProxy's stats socket). */
	assert_null(c->control_socket);
}

static void check_control_absolute(const struct conf *c)
{
	assert_string_equal(c->control_socket, "/tmp/pfd-test/control.sock");
	assert_int_equal(c->control_mode, 0600);
}

/* "t.conf" lies in the working directory: so does a relative socket. */
static void check_control_relative(const struct conf *c)
{
	char cwd[4096], want[4200];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "%s/run/ctl.sock", cwd);
	assert_string_equal(c->control_socket, want);
	assert_int_equal(c->control_mode, 0660);
}

static void check_control_default_path(const struct conf *c)
{
	assert_string_equal(c->control_socket, PREFORKD_CONTROL_SOCKET);
	assert_int_equal(c->control_mode, 0600);
}

static void check_design_example(const struct conf *c)
{
	const struct listener_conf *e = conf_find_listener(c, "echo");
	const struct listener_conf *h = conf_find_listener(c, "hello");

	assert_int_equal(c->workers, 2);
	assert_true(c->shutdown_timeout == 10.0);
	assert_int_equal(c->max_connections, 10000);
	assert_int_equal(c->log_level, LOG_INFO);
	assert_non_null(e);
	assert_non_null(h);
	assert_null(conf_find_listener(c, "nope"));
	assert_int_equal(e->line, 7);
	assert_int_equal(h->line, 14);
	assert_int_equal(e->trigger, TRIGGER_EDGE);
	assert_int_equal(e->backlog, 511);
	assert_true(e->idle_timeout == 60.0);
	assert_int_equal(h->mode, MODE_HTTP);
	assert_int_equal(v4(h)->sin_addr.s_addr, htonl(INADDR_ANY));
	assert_int_equal(ntohs(v4(h)->sin_port), 8080);
	assert_string_equal(h->http.response, "Hello, world!\n");
	assert_int_equal(h->http.response_len, 14);
	assert_string_equal(h->http.content_type, "text/plain");
	assert_null(h->http.root);
	assert_true(h->http.keepalive_timeout == 5.0);
	assert_true(h->http.header_timeout == 10.0);
	assert_int_equal(h->http.max_header_size, 8192);
	assert_int_equal(h->http.max_body_size, 1048576);
	assert_null(h->http.access_log);
}

static void check_http_defaults(const struct conf *c)
{
	const struct http_conf *h = &c->listeners[0].http;

	assert_string_equal(h->response, "hi");
	assert_int_equal(h->response_len, 2);
	assert_string_equal(h->content_type, "text/plain");
	assert_true(h->keepalive_timeout == 5.0);
	assert_true(h->header_timeout == 10.0);
	assert_int_equal(h->max_header_size, 8192);
	assert_int_equal(h->max_body_size, 1048576);
	assert_null(h->access_log);
}

static void check_workers_auto(const struct conf *c)
{
	cpu_set_t set;
	long ncpu;

	/* The CPUs this process may run on, not every online one. */
	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	ncpu = CPU_COUNT(&set);
	assert_true(c->workers_auto);
	assert_int_equal(c->workers, ncpu > 1024 ? 1024 : ncpu);
}

static void check_int_seconds(const struct conf *c)
{
	assert_true(c->shutdown_timeout == 3.0);
	assert_true(c->worker_timeout == 0.0);
	assert_true(c->listeners[0].idle_timeout == 2.0);
	assert_true(c->listeners[0].send_timeout == 0.5);
}

static void check_star_is_any(const struct conf *c)
{
	assert_int_equal(v4(&c->listeners[0])->sin_addr.s_addr,
			 htonl(INADDR_ANY));
	assert_int_equal(ntohs(v4(&c->listeners[0])->sin_port), 80);
}

static void check_ipv6_loopback(const struct conf *c)
{
	const struct sockaddr_in6 *a = v6(&c->listeners[0]);

	assert_true(IN6_IS_ADDR_LOOPBACK(&a->sin6_addr));
	assert_int_equal(ntohs(a->sin6_port), 80);
}

static void check_localhost(const struct conf *c)
{
	assert_int_equal(ntohl(v4(&c->listeners[0])->sin_addr.s_addr),
			 INADDR_LOOPBACK);
	assert_int_equal(ntohs(v4(&c->listeners[0])->sin_port), 65535);
}

static void check_root(const struct conf *c)
{
	char want[128];

	snprintf(want, sizeof(want), "%s/www", tmpdir);
	assert_string_equal(c->listeners[0].http.root, want);
	assert_null(c->listeners[0].http.response);
	assert_string_equal(c->listeners[0].http.content_type, "text/html");
	assert_string_equal(c->listeners[0].http.access_log, "/dev/null");
}

static void check_level_trigger_http(const struct conf *c)
{
	assert_int_equal(c->listeners[0].mode, MODE_HTTP);
	assert_int_equal(c->listeners[0].trigger, TRIGGER_LEVEL);
}

static void check_root_user(const struct conf *c)
{
	assert_string_equal(c->user, "root");
	assert_string_equal(c->group, "root");
	assert_int_equal(c->uid, 0);
	assert_int_equal(c->gid, 0);
}

static void check_four_listeners(const struct conf *c)
{
	assert_int_equal(c->nlisteners, 4);
	assert_false(conf_same_address(&c->listeners[0], &c->listeners[1]));
	assert_false(conf_same_address(&c->listeners[2], &c->listeners[3]));
	assert_false(conf_same_address(&c->listeners[0], &c->listeners[2]));
	assert_true(conf_same_address(&c->listeners[0], &c->listeners[0]));
}

static void check_int64(const struct conf *c)
{
	assert_int_equal(c->listeners[0].http.max_body_size, 5000000000L);
	assert_int_equal(c->listeners[0].backlog, 256);
}

static void check_debug_level(const struct conf *c)
{
	assert_int_equal(c->log_level, LOG_DEBUG);
	assert_false(c->seccomp);
	assert_int_equal(c->max_connections, 1);
}

static void check_included(const struct conf *c)
{
	assert_int_equal(c->workers, 3);
}

static void check_empty_response(const struct conf *c)
{
	assert_string_equal(c->listeners[0].http.response, "");
	assert_int_equal(c->listeners[0].http.response_len, 0);
}

static void check_comments(const struct conf *c)
{
	assert_int_equal(c->workers, 4);
	assert_int_equal(c->nlisteners, 1);
}

static void check_escapes(const struct conf *c)
{
	assert_string_equal(c->listeners[0].http.response, "a\"b\\c\n\x01");
	assert_int_equal(c->listeners[0].http.response_len, 7);
}

/* ---- The cases --------------------------------------------------------- */

/* Error cases leave out the check function. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct conf_case cases[] = {
    /* Configurations that load, and what they load into. */
    {"valid_minimal_echo_listener_gets_every_default",
     "listeners = ({ name = \"e\"; listen = \"127.0.0.1:7080\"; mode = "
     "\"echo\"; });\n",
     {{0}},
     check_defaults},
    {"valid_design_example_loads_as_written",
     "workers = 2;\n"
     "shutdown_timeout = 10.0;\n"
     "max_connections = 10000;\n"
     "log_level = \"info\";\n"
     "\n"
     "listeners = (\n"
     "  { name = \"echo\";\n" /* 7 */
     "    listen = \"127.0.0.1:7080\";\n"
     "    mode = \"echo\";\n"
     "    trigger = \"edge\";\n"
     "    backlog = 511;\n"
     "    idle_timeout = 60.0;\n"
     "  },\n"
     "  { name = \"hello\";\n" /* 14 */
     "    listen = \"*:8080\";\n"
     "    mode = \"http\";\n"
     "    http = {\n"
     "      response = \"Hello, world!\\n\";\n"
     "      content_type = \"text/plain\";\n"
     "      keepalive_timeout = 5.0;\n"
     "      header_timeout = 10.0;\n"
     "      max_header_size = 8192;\n"
     "      max_body_size = 1048576;\n"
     "    };\n"
     "  }\n"
     ");\n",
     {{0}},
     check_design_example},
    {"valid_http_listener_gets_http_defaults",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:8080\"; mode = "
     "\"http\"; http = { response = \"hi\"; }; });\n",
     {{0}},
     check_http_defaults},
    {"valid_workers_auto_is_the_online_cpu_count",
     "workers = \"auto\";\n" ECHO_LISTENERS,
     {{0}},
     check_workers_auto},
    {"valid_control_absolute_socket_default_mode",
     "control = { socket = \"/tmp/pfd-test/control.sock\"; };\n" ECHO_LISTENERS,
     {{0}},
     check_control_absolute},
    {"valid_control_relative_socket_is_taken_from_the_file_folder",
     "control = { socket = \"run/ctl.sock\"; mode = \"0660\"; "
     "};\n" ECHO_LISTENERS,
     {{0}},
     check_control_relative},
    {"valid_empty_control_group_gets_the_configured_path",
     "control = { };\n" ECHO_LISTENERS,
     {{0}},
     check_control_default_path},
    {"valid_integer_accepted_for_seconds",
     "shutdown_timeout = 3;\n"
     "worker_timeout = 0;\n"
     "listeners = ({ name = \"e\"; listen = \"127.0.0.1:7080\"; mode = "
     "\"echo\"; idle_timeout = 2; send_timeout = 0.5; });\n",
     {{0}},
     check_int_seconds},
    {"valid_star_port_is_every_ipv4_address",
     "listeners = ({ name = \"e\"; listen = \"*:80\"; mode = \"echo\"; "
     "});\n",
     {{0}},
     check_star_is_any},
    {"valid_bracketed_ipv6_loopback",
     "listeners = ({ name = \"e\"; listen = \"[::1]:80\"; mode = "
     "\"echo\"; });\n",
     {{0}},
     check_ipv6_loopback},
    {"valid_localhost_is_ipv4_loopback_and_port_65535_is_allowed",
     "listeners = ({ name = \"e\"; listen = \"localhost:65535\"; mode = "
     "\"echo\"; });\n",
     {{0}},
     check_localhost},
    {"valid_http_root_directory",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\";\n"
     "  http = { root = \"@DIR@/www\"; content_type = \"text/html\"; "
     "access_log = \"/dev/null\"; }; });\n",
     {{0}},
     check_root},
    {"valid_level_trigger_on_http_listener",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\"; trigger = \"level\"; http = { response = \"x\"; }; "
     "});\n",
     {{0}},
     check_level_trigger_http},
    {"valid_user_and_group_root_resolve_to_ids",
     "user = \"root\";\n"
     "group = \"root\";\n" ECHO_LISTENERS,
     {{0}},
     check_root_user},
    {"valid_same_port_on_different_addresses_and_families",
     "listeners = (\n"
     "  { name = \"a\"; listen = \"127.0.0.1:80\"; mode = \"echo\"; },\n"
     "  { name = \"b\"; listen = \"127.0.0.2:80\"; mode = \"echo\"; },\n"
     "  { name = \"c\"; listen = \"[::]:80\"; mode = \"echo\"; },\n"
     "  { name = \"d\"; listen = \"*:81\"; mode = \"echo\"; }\n"
     ");\n",
     {{0}},
     check_four_listeners},
    {"valid_64_bit_integer_with_l_suffix_and_hex",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\"; backlog = 0x100;\n"
     "  http = { response = \"x\"; max_body_size = 5000000000L; }; });\n",
     {{0}},
     check_int64},
    {"valid_log_level_debug_seccomp_off_one_connection",
     "log_level = \"debug\";\n"
     "seccomp = false;\n"
     "max_connections = 1;\n" ECHO_LISTENERS,
     {{0}},
     check_debug_level},
    {"valid_include_of_an_absolute_path",
     "@include \"@DIR@/inc-ok.conf\"\n" ECHO_LISTENERS,
     {{0}},
     check_included},
    {"valid_empty_response_body",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\"; http = { response = \"\"; }; });\n",
     {{0}},
     check_empty_response},
    {"valid_all_three_comment_styles",
     "# hash\n"
     "// slashes\n"
     "/* block, 123456789012345 \"not a string\n"
     "   @include \"not-an-include\" */\n"
     "workers = 4; # trailing 99999999999\n" ECHO_LISTENERS,
     {{0}},
     check_comments},
    {"valid_string_escapes_and_control_bytes_in_response",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\"; http = { response = \"a\\\"b\\\\c\\n\\x01\"; }; });\n",
     {{0}},
     check_escapes},

    /* The control group. */
    {"control_not_a_group_says_group",
     "control = \"/run/x.sock\";\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_TYPE, "'control' must be a group", "not a string")}},
    {"control_mode_not_octal_is_refused",
     "control = {\n socket = \"/tmp/x.sock\";\n mode = \"rw-\"; "
     "};\n" ECHO_LISTENERS,
     {E(3, CONF_ERR_VALUE, "'mode' = \"rw-\"", "octal")}},
    {"control_mode_above_0777_is_refused",
     "control = { mode = \"1777\"; };\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_VALUE, "'mode' = \"1777\"", "at most")}},
    {"control_mode_as_integer_must_be_a_string",
     "control = { mode = 600; };\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_TYPE, "'mode' must be a string")}},
    {"control_empty_socket_is_refused",
     "control = { socket = \"\"; };\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_VALUE, "'socket' must name a file")}},
    {"control_socket_path_over_107_bytes_is_refused",
     "control = { socket = \"/tmp/"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\"; };\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_RANGE, "'socket'", "at most 107")}},
    {"typo_in_control_hints_socket",
     "control = {\n  sockt = \"/tmp/x.sock\"; };\n" ECHO_LISTENERS,
     {E(2, CONF_ERR_UNKNOWN, "unknown setting 'sockt' in 'control'",
	"did you mean 'socket'?")}},
    {"listener_setting_in_control_says_where_it_belongs",
     "control = { listen = \"x\"; };\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_UNKNOWN, "'listen' in 'control'", "a listener setting")}},

    /* Unknown settings. */
    {"typo_workrs_at_top_level_hints_workers",
     "workrs = 2;\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_UNKNOWN, "unknown setting 'workrs'",
	"did you mean 'workers'?")}},
    {"unknown_setting_without_a_close_name_has_no_hint",
     "frobnicate = 1;\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_UNKNOWN, "unknown setting 'frobnicate'")}},
    {"typo_in_a_listener_hints_the_listener_setting",
     "listeners = (\n"
     "  { name = \"e\"; listen = \"127.0.0.1:80\"; mode = \"echo\";\n"
     "    backlg = 10; }\n"
     ");\n",
     {E(3, CONF_ERR_UNKNOWN, "'backlg' in a listener",
	"did you mean 'backlog'?")}},
    {"typo_in_http_hints_the_http_setting",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\";\n"
     "  http = { response = \"x\";\n"
     "    keepalive_timout = 1.0; }; });\n",
     {E(3, CONF_ERR_UNKNOWN, "'keepalive_timout' in 'http'",
	"did you mean 'keepalive_timeout'?")}},
    {"http_setting_in_a_listener_says_where_it_belongs",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\";\n"
     "  response = \"x\";\n"
     "  http = { response = \"x\"; }; });\n",
     {E(2, CONF_ERR_UNKNOWN, "'response' in a listener", "'http' group")}},
    {"listener_setting_at_top_level_says_where_it_belongs",
     "listen = \"127.0.0.1:80\";\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_UNKNOWN, "unknown setting 'listen'",
	"a listener setting")}},
    {"top_level_setting_in_a_listener_says_where_it_belongs",
     "listeners = ({ name = \"e\"; listen = \"127.0.0.1:80\"; mode = "
     "\"echo\";\n"
     "  workers = 2; });\n",
     {E(2, CONF_ERR_UNKNOWN, "'workers' in a listener",
	"a top-level setting")}},

    /* Wrong types. */
    {"string_for_int_backlog",
     "listeners = ({ name = \"e\"; listen = \"127.0.0.1:80\"; mode = "
     "\"echo\";\n"
     "  backlog = \"511\"; });\n",
     {E(2, CONF_ERR_TYPE, "'backlog' must be an integer", "a string")}},
    {"float_for_int_backlog",
     "listeners = ({ name = \"e\"; listen = \"127.0.0.1:80\"; mode = "
     "\"echo\";\n"
     "  backlog = 10.0; });\n",
     {E(2, CONF_ERR_TYPE, "'backlog' must be an integer", "floating-point")}},
    {"float_for_workers_says_integer_or_auto",
     "workers = 2.5;\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_TYPE, "'workers' must be an integer >= 1 or \"auto\"",
	"floating-point")}},
    {"string_other_than_auto_for_workers",
     "workers = \"many\";\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_VALUE, "\"many\"", "\"auto\"")}},
    {"boolean_for_seconds",
     "shutdown_timeout = true;\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_TYPE, "'shutdown_timeout' must be a number of seconds",
	"a boolean")}},
    {"integer_for_string_listen",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = 80; });\n",
     {E(2, CONF_ERR_TYPE, "'listen' must be a string", "an integer")}},
    {"integer_for_mode_is_a_type_error_not_a_missing_mode",
     "listeners = ({ name = \"e\"; listen = \"127.0.0.1:80\";\n"
     "  mode = 1; });\n",
     {E(2, CONF_ERR_TYPE, "'mode' must be a string")}},
    {"list_for_http_group",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\";\n"
     "  http = ( \"x\" ); });\n",
     {E(2, CONF_ERR_TYPE, "'http' must be a group", "a list")}},
    {"group_for_listeners_list",
     "listeners = {\n"
     "  name = \"e\"; };\n",
     {E(1, CONF_ERR_TYPE, "'listeners' must be a list", "a group")}},
    {"listener_that_is_not_a_group",
     "listeners = (\n"
     "  \"127.0.0.1:80\" );\n",
     {E(2, CONF_ERR_TYPE, "each listener must be a group", "a string")}},
    {"integer_for_boolean_seccomp",
     "seccomp = 1;\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_TYPE, "'seccomp' must be true or false")}},

    /* Numbers out of range. */
    {"workers_zero_is_out_of_range",
     "workers = 0;\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_RANGE, "'workers' = 0", "1..1024")}},
    {"workers_above_1024_is_out_of_range",
     "workers = 1025;\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_RANGE, "'workers' = 1025", "1..1024")}},
    {"backlog_zero_and_65536_are_out_of_range",
     "listeners = (\n"
     "  { name = \"a\"; listen = \"127.0.0.1:80\"; mode = \"echo\";\n"
     "    backlog = 0; },\n"
     "  { name = \"b\"; listen = \"127.0.0.1:81\"; mode = \"echo\";\n"
     "    backlog = 65536; }\n"
     ");\n",
     {E(3, CONF_ERR_RANGE, "'backlog' = 0", "1..65535"),
      E(5, CONF_ERR_RANGE, "'backlog' = 65536", "1..65535")}},
    {"negative_timeouts_are_out_of_range",
     "shutdown_timeout = -5;\n"
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\";\n"
     "  idle_timeout = -1.0;\n"
     "  http = { response = \"x\";\n"
     "    keepalive_timeout = -0.5; }; });\n",
     {E(1, CONF_ERR_RANGE, "'shutdown_timeout' = -5"),
      E(3, CONF_ERR_RANGE, "'idle_timeout' = -1", "seconds"),
      E(5, CONF_ERR_RANGE, "'keepalive_timeout' = -0.5")}},
    {"zero_idle_timeout_is_out_of_range",
     "listeners = ({ name = \"e\"; listen = \"127.0.0.1:80\"; mode = "
     "\"echo\";\n"
     "  idle_timeout = 0; });\n",
     {E(2, CONF_ERR_RANGE, "'idle_timeout' = 0")}},
    {"max_header_size_below_256_and_above_1mib",
     "listeners = (\n"
     "  { name = \"a\"; listen = \"127.0.0.1:80\"; mode = \"http\";\n"
     "    http = { response = \"x\"; max_header_size = 100; }; },\n"
     "  { name = \"b\"; listen = \"127.0.0.1:81\"; mode = \"http\";\n"
     "    http = { response = \"x\"; max_header_size = 1048577; }; }\n"
     ");\n",
     {E(3, CONF_ERR_RANGE, "'max_header_size' = 100", "256..1048576"),
      E(5, CONF_ERR_RANGE, "'max_header_size' = 1048577")}},
    {"max_connections_zero",
     "max_connections = 0;\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_RANGE, "'max_connections' = 0")}},
    {"huge_float_seconds_is_out_of_range",
     "shutdown_timeout = 1e400;\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_RANGE, "'shutdown_timeout'", "inf")}},
    {"integer_beyond_64_bits_is_reported_once",
     "max_connections = 99999999999999999999;\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_RANGE, "99999999999999999999", "does not fit in 64 bits")}},
    {"integer_beyond_64_bits_with_l_suffix_is_reported_once",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\";\n"
     "  http = { response = \"x\";\n"
     "    max_body_size = -99999999999999999999L; }; });\n",
     {E(3, CONF_ERR_RANGE, "-99999999999999999999",
	"does not fit in 64 bits")}},
#if INT_LITERAL_32_BITS
    {"integer_beyond_32_bits_without_l_is_not_silently_truncated",
     "workers = 4294967297;\n"
     "max_connections = -2147483649;\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_RANGE, "4294967297", "32 bits", "4294967297L"),
      E(2, CONF_ERR_RANGE, "-2147483649", "32 bits")}},
    {"hex_beyond_32_bits_without_l_is_not_silently_truncated",
     "listeners = ({ name = \"e\"; listen = \"127.0.0.1:80\"; mode = "
     "\"echo\";\n"
     "  backlog = 0x100000001; });\n",
     {E(2, CONF_ERR_RANGE, "0x100000001", "32 bits")}},
#endif

    /* listen strings. */
    {"listen_without_port",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = \"127.0.0.1\"; });\n",
     {E(2, CONF_ERR_LISTEN, "bad listen \"127.0.0.1\"", "missing port")}},
    {"listen_port_zero",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = \"127.0.0.1:0\"; });\n",
     {E(2, CONF_ERR_LISTEN, "\"127.0.0.1:0\"", "1..65535")}},
    {"listen_port_65536",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = \"127.0.0.1:65536\"; });\n",
     {E(2, CONF_ERR_LISTEN, "\"127.0.0.1:65536\"", "1..65535")}},
    {"listen_empty_port",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = \"1.2.3.4:\"; });\n",
     {E(2, CONF_ERR_LISTEN, "\"1.2.3.4:\"", "port")}},
    {"listen_port_with_trailing_garbage",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = \"1.2.3.4:80x\"; });\n",
     {E(2, CONF_ERR_LISTEN, "port must be a number")}},
    {"listen_missing_host_suggests_star",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = \":80\"; });\n",
     {E(2, CONF_ERR_LISTEN, "missing host", "*:PORT")}},
    {"listen_bad_ipv4_host",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = \"300.1.1.1:80\"; });\n",
     {E(2, CONF_ERR_LISTEN, "'300.1.1.1' is not an IPv4 address")}},
    {"listen_hostname_other_than_localhost",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = \"example.com:80\"; });\n",
     {E(2, CONF_ERR_LISTEN, "'example.com'", "localhost")}},
    {"listen_ipv6_without_port",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = \"[::1]\"; });\n",
     {E(2, CONF_ERR_LISTEN, "[IPV6]:PORT")}},
    {"listen_ipv6_without_closing_bracket",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = \"[::1:80\"; });\n",
     {E(2, CONF_ERR_LISTEN, "[IPV6]:PORT")}},
    {"listen_ipv6_without_brackets_shows_the_fix",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = \"::1:80\"; });\n",
     {E(2, CONF_ERR_LISTEN, "brackets", "\"[::1]:80\"")}},
    {"listen_bracketed_address_that_is_not_ipv6",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = \"[1.2.3.4]:80\"; });\n",
     {E(2, CONF_ERR_LISTEN, "'1.2.3.4' is not an IPv6 address")}},
    {"listen_stray_bracket_after_ipv4_is_an_ipv4_error",
     "listeners = ({ name = \"e\"; mode = \"echo\";\n"
     "  listen = \"1.2.3.4]:80\"; });\n",
     {E(2, CONF_ERR_LISTEN, "'1.2.3.4]' is not an IPv4 address")}},

    /* Duplicates. */
    {"duplicate_listener_name_points_at_the_first",
     "listeners = (\n"
     "  { name = \"a\"; listen = \"127.0.0.1:80\"; mode = \"echo\"; },\n"
     "  { listen = \"127.0.0.1:81\"; mode = \"echo\";\n"
     "    name = \"a\"; }\n"
     ");\n",
     {E(4, CONF_ERR_DUPLICATE, "duplicate listener name \"a\"",
	"first at line 2")}},
    {"duplicate_address",
     "listeners = (\n"
     "  { name = \"a\"; mode = \"echo\";\n"
     "    listen = \"127.0.0.1:80\"; },\n"
     "  { name = \"b\"; mode = \"echo\";\n"
     "    listen = \"127.0.0.1:80\"; }\n"
     ");\n",
     {E(5, CONF_ERR_DUPLICATE, "duplicate listen \"127.0.0.1:80\"",
	"listener \"a\"", "line 3")}},
    {"ipv4_wildcard_overlaps_a_specific_address",
     "listeners = (\n"
     "  { name = \"a\"; listen = \"*:80\"; mode = \"echo\"; },\n"
     "  { name = \"b\"; listen = \"127.0.0.1:80\"; mode = \"echo\"; }\n"
     ");\n",
     {E(3, CONF_ERR_DUPLICATE, "\"127.0.0.1:80\" overlaps \"*:80\"")}},
    {"ipv6_wildcard_overlaps_ipv6_loopback",
     "listeners = (\n"
     "  { name = \"a\"; listen = \"[::1]:80\"; mode = \"echo\"; },\n"
     "  { name = \"b\"; listen = \"[::]:80\"; mode = \"echo\"; }\n"
     ");\n",
     {E(3, CONF_ERR_DUPLICATE, "overlaps \"[::1]:80\"")}},
    {"three_listeners_with_one_name_give_two_errors",
     "listeners = (\n"
     "  { name = \"a\"; listen = \"127.0.0.1:80\"; mode = \"echo\"; },\n"
     "  { name = \"a\"; listen = \"127.0.0.1:81\"; mode = \"echo\"; },\n"
     "  { name = \"a\"; listen = \"127.0.0.1:82\"; mode = \"echo\"; }\n"
     ");\n",
     {E(3, CONF_ERR_DUPLICATE, "\"a\"", "line 2"),
      E(4, CONF_ERR_DUPLICATE, "\"a\"", "line 2")}},

    /* Values that are not one of the allowed ones. */
    {"unknown_mode_hints_the_nearest",
     "listeners = ({ name = \"e\"; listen = \"127.0.0.1:80\";\n"
     "  mode = \"htp\"; });\n",
     {E(2, CONF_ERR_VALUE, "'mode' = \"htp\"", "echo, http",
	"did you mean \"http\"?")}},
    {"unknown_mode_far_from_any",
     "listeners = ({ name = \"e\"; listen = \"127.0.0.1:80\";\n"
     "  mode = \"proxy\"; });\n",
     {E(2, CONF_ERR_VALUE,
	"'mode' = \"proxy\" is not one of echo, "
	"http")}},
    {"unknown_trigger",
     "listeners = ({ name = \"e\"; listen = \"127.0.0.1:80\"; mode = "
     "\"echo\";\n"
     "  trigger = \"both\"; });\n",
     {E(2, CONF_ERR_VALUE, "'trigger' = \"both\"", "edge, level")}},
    {"unknown_log_level",
     "log_level = \"verbose\";\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_VALUE, "'log_level' = \"verbose\"",
	"error, warning, notice, info, debug")}},
    {"bad_listener_name_characters",
     "listeners = ({ listen = \"127.0.0.1:80\"; mode = \"echo\";\n"
     "  name = \"a b\"; });\n",
     {E(2, CONF_ERR_VALUE, "\"a b\"", "letters, digits")}},
    {"control_characters_in_a_message_are_neutralised",
     "listeners = ({ listen = \"127.0.0.1:80\"; mode = \"echo\";\n"
     "  name = \"a\\nb\"; });\n",
     {E(2, CONF_ERR_VALUE, "\"a?b\"")}},
    {"content_type_with_crlf_would_inject_headers",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\";\n"
     "  http = { response = \"x\";\n"
     "    content_type = \"text/plain\\r\\nX-Evil: 1\"; }; });\n",
     {E(3, CONF_ERR_VALUE, "'content_type'", "control characters")}},
    {"empty_access_log",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\";\n"
     "  http = { response = \"x\"; access_log = \"\"; }; });\n",
     {E(2, CONF_ERR_VALUE, "'access_log'", "empty")}},
    {"nul_escape_in_a_string_is_refused",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\";\n"
     "  http = { response = \"a\\x00b\"; }; });\n",
     {E(2, CONF_ERR_VALUE, "\\x00")}},

    /* http: response and root. */
    {"http_with_both_response_and_root",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\";\n"
     "  http = { response = \"x\";\n"
     "    root = \"@DIR@/www\"; }; });\n",
     {E(3, CONF_ERR_EXCLUSIVE, "'response' and 'root'", "exactly one")}},
    {"http_with_neither_response_nor_root",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\";\n"
     "  http = { content_type = \"text/plain\"; }; });\n",
     {E(2, CONF_ERR_EXCLUSIVE, "one of 'response' or 'root'")}},
    {"http_listener_without_http_group",
     "listeners = (\n"
     "  { name = \"h\"; listen = \"127.0.0.1:80\"; mode = \"http\"; }\n"
     ");\n",
     {E(2, CONF_ERR_MISSING, "needs an 'http' group")}},
    {"http_root_that_does_not_exist",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\";\n"
     "  http = { root = \"@DIR@/missing\"; }; });\n",
     {E(2, CONF_ERR_ROOT, "\"@DIR@/missing\"", "not a readable directory",
	"No such file")}},
    {"http_root_that_is_a_file",
     "listeners = ({ name = \"h\"; listen = \"127.0.0.1:80\"; mode = "
     "\"http\";\n"
     "  http = { root = \"@DIR@/file.txt\"; }; });\n",
     {E(2, CONF_ERR_ROOT, "\"@DIR@/file.txt\"", "not a readable directory")}},
    {"http_group_on_an_echo_listener",
     "listeners = ({ name = \"e\"; listen = \"127.0.0.1:80\"; mode = "
     "\"echo\";\n"
     "  http = { response = \"x\"; }; });\n",
     {E(2, CONF_ERR_VALUE,
	"'http' settings are only for mode = "
	"\"http\"")}},

    /* Users and groups. */
    {"unknown_user",
     "user = \"no-such-user-preforkd\";\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_USER, "unknown user \"no-such-user-preforkd\"")}},
    {"unknown_group",
     "group = \"no-such-group-preforkd\";\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_USER, "unknown group \"no-such-group-preforkd\"")}},

    /* Missing required settings. */
    {"listener_without_name",
     "listeners = (\n"
     "  { listen = \"127.0.0.1:80\"; mode = \"echo\"; }\n"
     ");\n",
     {E(2, CONF_ERR_MISSING, "listener has no 'name'")}},
    {"listener_without_listen",
     "listeners = (\n"
     "  { name = \"e\"; mode = \"echo\"; }\n"
     ");\n",
     {E(2, CONF_ERR_MISSING, "listener has no 'listen'")}},
    {"listener_without_mode",
     "listeners = (\n"
     "  { name = \"e\"; listen = \"127.0.0.1:80\"; }\n"
     ");\n",
     {E(2, CONF_ERR_MISSING, "listener has no 'mode'", "echo, http or module")}},
    {"no_listeners_at_all",
     "workers = 1;\n",
     {E(0, CONF_ERR_MISSING, "no 'listeners'", "nothing to serve")}},
    {"empty_listeners_list",
     "workers = 1;\n"
     "listeners = ();\n",
     {E(2, CONF_ERR_MISSING, "'listeners' is empty")}},
    {"empty_text", "", {E(0, CONF_ERR_MISSING, "no 'listeners'")}},

    /* Syntax, at the line libconfig gives. */
    {"syntax_error_missing_value",
     "workers = 1;\n"
     "max_connections = ;\n" ECHO_LISTENERS,
     {E(2, CONF_ERR_SYNTAX, "syntax error")}},
    {"syntax_error_unclosed_group_at_the_end",
     "workers = 1;\n"
     "listeners = ({ name = \"e\";\n",
     {E(3, CONF_ERR_SYNTAX, "syntax error")}},
    {"syntax_error_unterminated_string",
     "workers = 1;\n"
     "log_level = \"info;\n"
     "x = 1;\n",
     {E(4, CONF_ERR_SYNTAX, "syntax error")}},
    {"duplicate_setting_is_a_syntax_error",
     "workers = 1;\n"
     "workers = 2;\n" ECHO_LISTENERS,
     {E(2, CONF_ERR_SYNTAX, "duplicate setting name")}},
    {"unterminated_comment_at_the_end_is_not_silently_accepted",
     ECHO_LISTENERS "workers = 2;\n"
		    "/* workers = 4;\n"
		    "log_level = \"debug\";\n",
     {E(3, CONF_ERR_SYNTAX, "unterminated /* comment")}},
    {"stray_quote_at_the_end_is_not_silently_accepted",
     ECHO_LISTENERS "\n"
		    "\"x",
     {E(3, CONF_ERR_SYNTAX, "unterminated string")}},

    /* Several errors, all reported, in line order. */
    {"three_different_mistakes_are_all_reported",
     "workrs = 2;\n"
     "listeners = (\n"
     "  { name = \"e\"; listen = \"127.0.0.1:99999\"; mode = \"echo\"; "
     "},\n"
     "  { name = \"h\"; listen = \"127.0.0.1:81\"; mode = \"htpp\"; }\n"
     ");\n",
     {E(1, CONF_ERR_UNKNOWN, "'workrs'"), E(3, CONF_ERR_LISTEN, "1..65535"),
      E(4, CONF_ERR_VALUE, "'mode' = \"htpp\"")}},
    {"duplicate_errors_sort_between_listener_errors",
     "listeners = (\n"
     "  { name = \"a\"; listen = \"127.0.0.1:80\"; mode = \"echo\"; },\n"
     "  { name = \"a\"; listen = \"127.0.0.1:81\"; mode = \"echo\"; },\n"
     "  { name = \"c\"; listen = \"127.0.0.1:82\"; mode = \"echo\";\n"
     "    backlog = -1; }\n"
     ");\n"
     "log_level = \"loud\";\n",
     {E(3, CONF_ERR_DUPLICATE, "\"a\""), E(5, CONF_ERR_RANGE, "'backlog' = -1"),
      E(7, CONF_ERR_VALUE, "'log_level'")}},
    {"errors_within_one_listener_come_in_line_order",
     "listeners = (\n"
     "  { mode = \"nope\";\n"
     "    listen = \"bad\";\n"
     "    bogus = 1;\n"
     "    name = \"x y\"; }\n"
     ");\n",
     {E(2, CONF_ERR_VALUE, "'mode'"), E(3, CONF_ERR_LISTEN, "\"bad\""),
      E(4, CONF_ERR_UNKNOWN, "'bogus'"), E(5, CONF_ERR_VALUE, "\"x y\"")}},

    /* @include */
    {"include_of_a_missing_file",
     "workers = 1;\n"
     "@include \"@DIR@/nope.conf\"\n" ECHO_LISTENERS,
     {E(2, CONF_ERR_IO, "cannot @include \"@DIR@/nope.conf\"",
	"No such file")}},
    {"include_of_a_directory_is_an_error_not_an_exit",
     "workers = 1;\n"
     "@include \"@DIR@/www\"\n" ECHO_LISTENERS,
     {E(2, CONF_ERR_IO, "cannot @include", "Is a directory")}},
    {"include_of_a_device_is_refused",
     "@include \"/dev/zero\"\n" ECHO_LISTENERS,
     {E(1, CONF_ERR_IO, "not a regular file")}},
    {"error_in_an_included_file_names_that_file",
     "log_level = \"info\";\n"
     "@include \"@DIR@/inc-bad.conf\"\n"
     "max_connections = 0;\n" ECHO_LISTENERS,
     {E(3, CONF_ERR_RANGE, "'max_connections' = 0"),
      EF("@DIR@/inc-bad.conf", 2, CONF_ERR_UNKNOWN, "'shutdown_timout'",
	 "did you mean 'shutdown_timeout'?"),
      EF("@DIR@/inc-bad.conf", 3, CONF_ERR_RANGE, "99999999999999999999",
	 "does not fit in 64 bits")}},
    {"syntax_error_in_an_included_file_names_that_file",
     "workers = 1;\n"
     "@include \"@DIR@/inc-syntax.conf\"\n" ECHO_LISTENERS,
     {EF("@DIR@/inc-syntax.conf", 2, CONF_ERR_SYNTAX, "syntax error")}},
    {"missing_include_inside_an_include_names_the_outer_include",
     "@include \"@DIR@/inc-nested.conf\"\n" ECHO_LISTENERS,
     {EF("@DIR@/inc-nested.conf", 2, CONF_ERR_IO, "cannot @include",
	 "No such file")}},
    {"include_that_includes_itself_stops_at_libconfigs_depth",
     "@include \"@DIR@/inc-self.conf\"\n" ECHO_LISTENERS,
     {EF("@DIR@/inc-self.conf", 1, CONF_ERR_SYNTAX, "too deep")}},
    {"include_cycle_with_many_branches_stops_fast",
     "@include \"@DIR@/inc-fork.conf\"\n" ECHO_LISTENERS,
     {EF("@DIR@/inc-fork.conf", 1, CONF_ERR_SYNTAX, "too deep")}},

    /* status = { ... } */
    {"status_group_loads_its_address_and_allow_remote",
     ECHO_LISTENERS "status = { listen = \"127.0.0.1:9180\"; "
     "allow_remote = true; };\n",
     {{0}},
     check_status_remote},
    {"status_allow_remote_defaults_to_loopback_only",
     ECHO_LISTENERS "status = { listen = \"[::1]:9180\"; };\n",
     {{0}},
     check_status_loopback_only},
    {"status_without_listen_is_an_error",
     ECHO_LISTENERS "status = { allow_remote = false; };\n",
     {E(2, CONF_ERR_MISSING, "'status' has no 'listen'")}},
    {"status_bad_listen_names_its_line",
     ECHO_LISTENERS "status = {\n  listen = \"nowhere\"; };\n",
     {E(3, CONF_ERR_LISTEN, "bad status listen \"nowhere\"")}},
    {"status_unknown_setting_suggests_the_nearest",
     ECHO_LISTENERS "status = { listen = \"127.0.0.1:9180\";\n"
     "  allow_remot = true; };\n",
     {E(3, CONF_ERR_UNKNOWN, "'allow_remot' in 'status'",
	"did you mean 'allow_remote'?")}},
    {"status_allow_remote_must_be_a_boolean",
     ECHO_LISTENERS "status = { listen = \"127.0.0.1:9180\";\n"
     "  allow_remote = \"yes\"; };\n",
     {E(3, CONF_ERR_TYPE, "'allow_remote' must be true or false")}},
    {"status_must_be_a_group",
     ECHO_LISTENERS "status = \"127.0.0.1:9180\";\n",
     {E(2, CONF_ERR_TYPE, "'status' must be a group")}},
    {"status_address_may_not_overlap_a_listener",
     ECHO_LISTENERS "status = { listen = \"*:7080\"; };\n",
     {E(2, CONF_ERR_DUPLICATE, "status listen \"*:7080\" overlaps",
	"listener \"e\"")}},
};
#pragma GCC diagnostic pop

/* ---- Running a case ---------------------------------------------------- */

/* s with every "@DIR@" replaced by tmpdir, in buf. */
static const char *subst(const char *s, char *buf, size_t len)
{
	const char *at;
	size_t n = 0;

	buf[0] = '\0';
	while ((at = strstr(s, "@DIR@")) != NULL) {
		n += (size_t)snprintf(buf + n, len - n, "%.*s%s", (int)(at - s),
				      s, tmpdir);
		assert_true(n < len);
		s = at + 5;
	}
	n += (size_t)snprintf(buf + n, len - n, "%s", s);
	assert_true(n < len);
	return buf;
}

static void print_errors(const struct conf_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		print_message("  got: kind %d line %d: %s\n", errs->v[i].kind,
			      errs->v[i].line, errs->v[i].msg);
}

static void check_error(const struct conf_error *e, const struct want_error *w)
{
	char file[256], word[256], prefix[320];

	subst(w->file != NULL ? w->file : "t.conf", file, sizeof(file));
	if (w->line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%d: ", file, w->line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", file);
	if (strncmp(e->msg, prefix, strlen(prefix)) != 0)
		fail_msg("\"%s\" does not start with \"%s\"", e->msg, prefix);
	assert_int_equal(e->line, w->line);
	assert_int_equal(e->kind, w->kind);
	assert_int_equal(e->file, w->file != NULL ? 1 : 0);
	for (size_t i = 0; i < 4 && w->words[i] != NULL; i++)
		if (strstr(e->msg, subst(w->words[i], word, sizeof(word))) ==
		    NULL)
			fail_msg("\"%s\" lacks \"%s\"", e->msg, word);
}

static void run_case(void **state)
{
	const struct conf_case *tc = *state;
	struct conf_errors errs = {0};
	struct conf c;
	char text[4096];
	size_t want = 0;
	int rc;

	while (want < 6 && tc->errs[want].set)
		want++;
	rc = conf_load_string("t.conf", subst(tc->text, text, sizeof(text)), &c,
			      &errs);
	if (errs.n != want) {
		print_errors(&errs);
		fail_msg("%zu errors, expected %zu", errs.n, want);
	}
	for (size_t i = 0; i < want; i++)
		check_error(&errs.v[i], &tc->errs[i]);
	assert_int_equal(rc, want > 0 ? -1 : 0);
	if (want > 0) {
		assert_null(c.listeners); /* failure leaves out empty */
		assert_null(c.path);
	} else if (tc->check != NULL)
		tc->check(&c);
	conf_free(&c);
	conf_errors_free(&errs);
}

/* ---- Tests that are not one text -------------------------------------- */

static void write_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* conf_load reads a file; the path names it in messages. */
/* A copy outlives its source: every string is its own (ASan would see a
 * shared one freed twice or read after free). */
static void test_copy_is_deep(void **state)
{
	struct conf_errors errs = {0};
	struct conf src, dst;
	const char *text =
	    "workers = 3;\nuser = \"root\";\ngroup = \"root\";\n"
	    "control = { socket = \"/tmp/c.sock\"; mode = \"0640\"; };\n"
	    "listeners = ({ name = \"h\"; listen = \"127.0.0.1:8080\";"
	    " mode = \"http\"; http = { response = \"a\\nb\";"
	    " access_log = \"/tmp/a.log\"; }; },\n"
	    " { name = \"e\"; listen = \"127.0.0.1:7080\"; mode = \"echo\"; "
	    "});\n";

	(void)state;
	if (conf_load_string("t.conf", text, &src, &errs) < 0)
		fail_msg("%s", errs.n > 0 ? errs.v[0].msg : "?");
	assert_int_equal(conf_copy(&dst, &src), 0);
	assert_ptr_not_equal(dst.listeners, src.listeners);
	assert_ptr_not_equal(dst.path, src.path);
	conf_free(&src);
	assert_string_equal(dst.path, "t.conf");
	assert_int_equal(dst.workers, 3);
	assert_string_equal(dst.user, "root");
	assert_string_equal(dst.group, "root");
	assert_string_equal(dst.control_socket, "/tmp/c.sock");
	assert_int_equal(dst.control_mode, 0640);
	assert_int_equal(dst.nlisteners, 2);
	assert_string_equal(dst.listeners[0].name, "h");
	assert_string_equal(dst.listeners[0].listen, "127.0.0.1:8080");
	assert_int_equal(dst.listeners[0].http.response_len, 3);
	assert_string_equal(dst.listeners[0].http.response, "a\nb");
	assert_string_equal(dst.listeners[0].http.content_type, "text/plain");
	assert_string_equal(dst.listeners[0].http.access_log, "/tmp/a.log");
	assert_null(dst.listeners[1].http.response);
	assert_string_equal(dst.listeners[1].name, "e");
	conf_free(&dst);
	conf_errors_free(&errs);
}

static void test_load_file(void **state)
{
	struct conf_errors errs = {0};
	char path[128];
	struct conf c;

	(void)state;
	write_file("ok.conf", "workers = 2;\n" ECHO_LISTENERS);
	snprintf(path, sizeof(path), "%s/ok.conf", tmpdir);
	assert_int_equal(conf_load(path, &c, &errs), 0);
	assert_string_equal(c.path, path);
	assert_int_equal(c.workers, 2);
	conf_free(&c);
	write_file("bad.conf", "workers = 2;\nworkrs = 2;\n" ECHO_LISTENERS);
	snprintf(path, sizeof(path), "%s/bad.conf", tmpdir);
	assert_int_equal(conf_load(path, &c, &errs), -1);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.v[0].line, 2);
	assert_true(strncmp(errs.v[0].msg, path, strlen(path)) == 0);
	assert_string_equal(errs.v[0].msg + strlen(path),
			    ":2: unknown "
			    "setting 'workrs' (did you mean 'workers'?)");
	conf_errors_free(&errs);
}

/* Files that cannot be read: an error without a line, not a crash. */
static void test_load_unreadable(void **state)
{
	static const struct {
		const char *path, *words;
	} bad[] = {
	    {"@DIR@/does-not-exist.conf", "cannot read: No such file"},
	    {"@DIR@/www", "cannot read: Is a directory"},
	    {"/dev/null", "cannot read: not a regular file"},
	    {"@DIR@/nul.conf", "NUL byte"},
	};
	struct conf_errors errs = {0};
	char path[128], want[256];
	struct conf c;

	(void)state;
	write_file("nul.conf", "workers = 1;");
	snprintf(path, sizeof(path), "%s/nul.conf", tmpdir);
	assert_int_equal(truncate(path, 20), 0); /* pads with NUL bytes */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		subst(bad[i].path, path, sizeof(path));
		assert_int_equal(conf_load(path, &c, &errs), -1);
		assert_int_equal(errs.n, 1);
		assert_int_equal(errs.v[0].kind, CONF_ERR_IO);
		assert_int_equal(errs.v[0].line, 0);
		snprintf(want, sizeof(want), "%s: ", path);
		assert_true(strncmp(errs.v[0].msg, want, strlen(want)) == 0);
		assert_non_null(strstr(errs.v[0].msg, bad[i].words));
		conf_errors_free(&errs);
	}
}

/* A second load appends after earlier errors and leaves them in place. */
static void test_errors_append(void **state)
{
	struct conf_errors errs = {0};
	struct conf c;

	(void)state;
	assert_int_equal(
	    conf_load_string("a.conf", "\nworkers = 0;\n", &c, &errs), -1);
	assert_int_equal(errs.n, 2);
	assert_int_equal(conf_load_string("b.conf", "workrs = 1;\n", &c, &errs),
			 -1);
	assert_int_equal(errs.n, 4);
	assert_string_equal(errs.v[0].msg,
			    "a.conf: no 'listeners' list: nothing to serve");
	assert_true(strncmp(errs.v[1].msg, "a.conf:2: ", 10) == 0);
	assert_true(strncmp(errs.v[2].msg, "b.conf: ", 8) == 0);
	assert_true(strncmp(errs.v[3].msg, "b.conf:1: ", 10) == 0);
	conf_errors_free(&errs);
}

/* conf_parse_listen is public: its errors say why. */
static void test_parse_listen(void **state)
{
	struct sockaddr_storage a;
	socklen_t len = 0;
	char err[128];

	(void)state;
	assert_int_equal(conf_parse_listen("[::ffff:127.0.0.1]:1", &a, &len,
					   err, sizeof(err)),
			 0);
	assert_int_equal(a.ss_family, AF_INET6);
	assert_int_equal(conf_parse_listen("1.2.3.4:99999999999999999999", &a,
					   &len, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "1..65535"));
	assert_int_equal(conf_parse_listen("", &a, &len, err, sizeof(err)), -1);
	assert_int_equal(conf_parse_listen("[]:80", &a, &len, err, sizeof(err)),
			 -1);
	assert_int_equal(
	    conf_parse_listen("1.2.3.4:+80", &a, &len, err, sizeof(err)), -1);
}

static const char fuzz_seed[] =
    "workers = \"auto\";\n"
    "user = \"root\"; group = \"root\";\n"
    "shutdown_timeout = 10.0; max_connections = 100;\n"
    "log_level = \"info\"; seccomp = true;\n"
    "listeners = (\n"
    "  { name = \"echo\"; listen = \"127.0.0.1:7080\"; mode = \"echo\";\n"
    "    trigger = \"edge\"; backlog = 511; idle_timeout = 60.0; },\n"
    "  { name = \"hello\"; listen = \"[::1]:8080\"; mode = \"http\";\n"
    "    http = { response = \"Hello\\n\"; content_type = \"text/plain\";\n"
    "      keepalive_timeout = 5; header_timeout = 10.0;\n"
    "      max_header_size = 8192; max_body_size = 1048576L; }; }\n"
    ");\n";

/* Loads text; a failure must come with errors that name the file. */
static void load_any(const char *text)
{
	struct conf_errors errs = {0};
	struct conf c;
	int rc = conf_load_string("f.conf", text, &c, &errs);

	assert_true(rc == 0 ? errs.n == 0 : errs.n > 0);
	for (size_t i = 0; i < errs.n; i++)
		assert_true(strncmp(errs.v[i].msg, "f.conf", 6) == 0 &&
			    strchr(errs.v[i].msg, '\n') == NULL);
	conf_free(&c);
	conf_errors_free(&errs);
}

/* Every prefix and thousands of byte mutations of a valid file: no crash,
 * no leak (run under ASan), never success with errors or failure without. */
static void test_fuzz_robustness(void **state)
{
	static const char bytes[] = "{}()[];:=,\"\\@#/*-+.0123456789xLe ab\n\t";
	size_t len = strlen(fuzz_seed);
	char text[sizeof(fuzz_seed)];
	unsigned seed = 12345;

	(void)state;
	load_any(fuzz_seed);
	for (size_t cut = 0; cut <= len; cut++) {
		memcpy(text, fuzz_seed, cut);
		text[cut] = '\0';
		load_any(text);
	}
	for (int round = 0; round < 4000; round++) {
		memcpy(text, fuzz_seed, len + 1);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			text[(seed >> 8) % len] =
			    bytes[(seed >> 20) % (sizeof(bytes) - 1)];
		}
		if (strstr(text, "@include") == NULL)
			load_any(text);
	}
}

/* ---- Fixture ----------------------------------------------------------- */

static int make_tmpdir(void **state)
{
	char path[1024];

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_conf.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/www", tmpdir);
	if (mkdir(path, 0755) < 0)
		return -1;
	write_file("file.txt", "not a directory\n");
	write_file("inc-ok.conf", "workers = 3;\n");
	write_file("inc-bad.conf", "workers = 1; # fine\n"
				   "shutdown_timout = 1;\n"
				   "worker_timeout = 99999999999999999999;\n");
	write_file("inc-syntax.conf", "log_level = \"info\";\nseccomp = ;\n");
	snprintf(path, sizeof(path),
		 "log_level = \"info\";\n@include \"%s/nope.conf\"\n", tmpdir);
	write_file("inc-nested.conf", path);
	snprintf(path, sizeof(path), "@include \"%s/inc-self.conf\"\n", tmpdir);
	write_file("inc-self.conf", path);
	/* Ten self-includes per level: 10^10 files unless the scan stops. */
	path[0] = '\0';
	for (int i = 0; i < 10; i++)
		snprintf(path + strlen(path), sizeof(path) - strlen(path),
			 "@include \"%s/inc-fork.conf\"\n", tmpdir);
	write_file("inc-fork.conf", path);
	return 0;
}

static int remove_tmpdir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(test_load_file),
	    cmocka_unit_test(test_copy_is_deep),
	    cmocka_unit_test(test_load_unreadable),
	    cmocka_unit_test(test_errors_append),
	    cmocka_unit_test(test_parse_listen),
	    cmocka_unit_test(test_fuzz_robustness),
	};
	size_t ncases = sizeof(cases) / sizeof(cases[0]);
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	struct CMUnitTest *tests = calloc(ncases + nfixed, sizeof(*tests));
	int rc;

	if (tests == NULL)
		return 1;
	for (size_t i = 0; i < ncases; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = run_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	memcpy(tests + ncases, fixed, sizeof(fixed));
	rc = _cmocka_run_group_tests("conf", tests, ncases + nfixed,
				     make_tmpdir, remove_tmpdir);
	free(tests);
	return rc;
}
