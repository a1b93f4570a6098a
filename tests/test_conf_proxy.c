/* test_conf_proxy.c - table-driven tests of the fleet settings: a
 * listener's proxy_protocol, proxy_protocol_from, proxy_protocol_timeout,
 * http.health_path and the globals drain_delay and cpu_affinity; also
 * that conf_copy duplicates the ranges and the CPU list */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "conf/conf.h"

#define HEAD "listeners = ({ name = \"p\"; listen = \"127.0.0.1:9000\"; "
#define ECHO HEAD "mode = \"echo\";\n"

struct proxy_case {
	const char *name;
	const char *text;
	int err_line; /* 0: must load */
	enum conf_error_kind kind;
	const char *words[3]; /* each in the first error */
	void (*check)(const struct conf *c);
};

static bool matches(const struct listener_conf *l, const char *ip4)
{
	struct sockaddr_in a = {.sin_family = AF_INET};

	inet_pton(AF_INET, ip4, &a.sin_addr);
	return cidr_match_list(l->proxy_from, l->nproxy_from,
			       (const struct sockaddr *)&a);
}

static void check_off(const struct conf *c)
{
	const struct listener_conf *l = &c->listeners[0];

	assert_int_equal(l->proxy_protocol, CONF_PROXY_OFF);
	assert_null(l->proxy_from);
	assert_true(l->proxy_timeout == 5.0);
	assert_true(c->drain_delay == 0.0);
}

static void check_v2_from(const struct conf *c)
{
	const struct listener_conf *l = &c->listeners[0];

	assert_int_equal(l->proxy_protocol, CONF_PROXY_V2);
	assert_int_equal(l->nproxy_from, 2);
	assert_true(matches(l, "10.1.2.3"));
	assert_true(matches(l, "192.168.7.7"));
	assert_false(matches(l, "127.0.0.1"));
	assert_true(l->proxy_timeout == 0.25);
}

static void check_any(const struct conf *c)
{
	assert_int_equal(c->listeners[0].proxy_protocol, CONF_PROXY_ANY);
	assert_int_equal(c->listeners[0].nproxy_from, 0);
}

static void check_v1(const struct conf *c)
{
	assert_int_equal(c->listeners[0].proxy_protocol, CONF_PROXY_V1);
}

static void check_health(const struct conf *c)
{
	assert_string_equal(c->listeners[0].http.health_path, "/healthz");
	assert_true(c->drain_delay == 2.5);
}

static void check_no_health(const struct conf *c)
{
	assert_null(c->listeners[0].http.health_path);
}

static void check_affinity_off(const struct conf *c)
{
	assert_int_equal(c->cpu_affinity, CONF_AFFINITY_OFF);
	assert_null(c->cpus);
}

static void check_affinity_auto(const struct conf *c)
{
	assert_int_equal(c->cpu_affinity, CONF_AFFINITY_AUTO);
}

static void check_affinity_list(const struct conf *c)
{
	assert_int_equal(c->cpu_affinity, CONF_AFFINITY_LIST);
	assert_int_equal(c->ncpus, 3);
	assert_int_equal(c->cpus[0], 3);
	assert_int_equal(c->cpus[1], 1);
	assert_int_equal(c->cpus[2], 0);
}

static const struct proxy_case cases[] = {
    {"proxy_defaults_off", ECHO "});\n", 0, 0, {0}, check_off},
    {"proxy_v2_with_ranges_and_timeout",
     ECHO "  proxy_protocol = \"v2\"; proxy_protocol_timeout = 0.25;\n"
	  "  proxy_protocol_from = [\"10.0.0.0/8\", \"192.168.0.0/16\"]; });\n",
     0,
     0,
     {0},
     check_v2_from},
    {"proxy_any_without_ranges",
     ECHO "  proxy_protocol = \"any\"; });\n",
     0,
     0,
     {0},
     check_any},
    {"proxy_v1", ECHO "  proxy_protocol = \"v1\"; });\n", 0, 0, {0}, check_v1},
    {"proxy_unknown_version_named",
     ECHO "  proxy_protocol = \"v3\"; });\n",
     2,
     CONF_ERR_VALUE,
     {"t.conf:2:", "'proxy_protocol' = \"v3\"", "off, v1, v2, any"},
     NULL},
    {"proxy_bad_range_names_entry_and_line",
     ECHO "  proxy_protocol = \"v1\";\n"
	  "  proxy_protocol_from = [\"10.0.0.0/8\",\n"
	  "    \"10.0.0.1/8\"]; });\n",
     4,
     CONF_ERR_VALUE,
     {"t.conf:4:", "\"10.0.0.1/8\"", "proxy_protocol_from"},
     NULL},
    {"proxy_range_not_a_string",
     ECHO "  proxy_protocol = \"v1\"; proxy_protocol_from = [ 10 ]; });\n",
     2,
     CONF_ERR_TYPE,
     {"t.conf:2:", "must be strings"},
     NULL},
    {"proxy_from_not_a_list",
     ECHO
     "  proxy_protocol = \"v1\"; proxy_protocol_from = \"10.0.0.0/8\"; });\n",
     2,
     CONF_ERR_TYPE,
     {"t.conf:2:", "must be a list"},
     NULL},
    {"proxy_from_empty_list",
     ECHO "  proxy_protocol = \"v1\"; proxy_protocol_from = [ ]; });\n",
     2,
     CONF_ERR_VALUE,
     {"is empty"},
     NULL},
    {"proxy_from_without_protocol",
     ECHO "  proxy_protocol_from = [\"10.0.0.0/8\"]; });\n",
     2,
     CONF_ERR_VALUE,
     {"t.conf:2:", "needs 'proxy_protocol'"},
     NULL},
    {"proxy_timeout_without_protocol",
     ECHO "  proxy_protocol_timeout = 1.0; });\n",
     2,
     CONF_ERR_VALUE,
     {"needs 'proxy_protocol'"},
     NULL},
    {"proxy_timeout_out_of_range",
     ECHO "  proxy_protocol = \"any\"; proxy_protocol_timeout = 0.0; });\n",
     2,
     CONF_ERR_RANGE,
     {"proxy_protocol_timeout"},
     NULL},
    {"health_path_and_drain_delay",
     "drain_delay = 2.5;\n" HEAD "mode = \"http\";\n"
     "  http = { response = \"x\"; health_path = \"/healthz\"; }; });\n",
     0,
     0,
     {0},
     check_health},
    {"health_path_absent_by_default",
     HEAD "mode = \"http\"; http = { response = \"x\"; }; });\n",
     0,
     0,
     {0},
     check_no_health},
    {"health_path_must_be_absolute",
     HEAD "mode = \"http\";\n"
	  "  http = { response = \"x\"; health_path = \"healthz\"; }; });\n",
     2,
     CONF_ERR_VALUE,
     {"t.conf:2:", "absolute path"},
     NULL},
    {"health_path_no_query",
     HEAD "mode = \"http\";\n"
	  "  http = { response = \"x\"; health_path = \"/h?x=1\"; }; });\n",
     2,
     CONF_ERR_VALUE,
     {"absolute path"},
     NULL},
    {"affinity_default_off", ECHO "});\n", 0, 0, {0}, check_affinity_off},
    {"affinity_off",
     "cpu_affinity = \"off\";\n" ECHO "});\n",
     0,
     0,
     {0},
     check_affinity_off},
    {"affinity_auto",
     "cpu_affinity = \"auto\";\n" ECHO "});\n",
     0,
     0,
     {0},
     check_affinity_auto},
    {"affinity_list",
     "cpu_affinity = [3, 1, 0];\n" ECHO "});\n",
     0,
     0,
     {0},
     check_affinity_list},
    {"affinity_unknown_word",
     "cpu_affinity = \"all\";\n" ECHO "});\n",
     1,
     CONF_ERR_VALUE,
     {"t.conf:1:", "\"all\"", "off, auto"},
     NULL},
    {"affinity_empty_list",
     "cpu_affinity = [];\n" ECHO "});\n",
     1,
     CONF_ERR_VALUE,
     {"empty list"},
     NULL},
    {"affinity_negative_cpu",
     "cpu_affinity = [0,\n -1];\n" ECHO "});\n",
     2,
     CONF_ERR_RANGE,
     {"t.conf:2:", "CPU -1"},
     NULL},
    {"affinity_not_a_number",
     "cpu_affinity = [\"0\"];\n" ECHO "});\n",
     1,
     CONF_ERR_TYPE,
     {"must be CPU numbers"},
     NULL},
    {"affinity_wrong_type",
     "cpu_affinity = true;\n" ECHO "});\n",
     1,
     CONF_ERR_TYPE,
     {"cpu_affinity"},
     NULL},
    {"drain_delay_out_of_range",
     "drain_delay = -1.0;\n" ECHO "});\n",
     1,
     CONF_ERR_RANGE,
     {"t.conf:1:", "drain_delay"},
     NULL},
};

static void run_case(void **state)
{
	const struct proxy_case *t = *state;
	struct conf_errors errs = {0};
	struct conf c;
	int rc = conf_load_string("t.conf", t->text, &c, &errs);

	if (t->err_line == 0) {
		for (size_t i = 0; i < errs.n; i++)
			print_error("unexpected: %s\n", errs.v[i].msg);
		assert_int_equal(rc, 0);
		t->check(&c);
		conf_free(&c);
	} else {
		assert_int_equal(rc, -1);
		assert_true(errs.n >= 1);
		assert_int_equal(errs.v[0].line, t->err_line);
		assert_int_equal(errs.v[0].kind, t->kind);
		for (int i = 0; i < 3 && t->words[i] != NULL; i++)
			if (strstr(errs.v[0].msg, t->words[i]) == NULL)
				fail_msg("'%s' not in: %s", t->words[i],
					 errs.v[0].msg);
	}
	conf_errors_free(&errs);
}

/* The copy owns its ranges: the original can go first. */
static void test_copy_duplicates_ranges(void **state)
{
	struct conf_errors errs = {0};
	struct conf a, b;

	(void)state;
	assert_int_equal(conf_load_string("t.conf", cases[1].text, &a, &errs),
			 0);
	assert_int_equal(conf_copy(&b, &a), 0);
	assert_ptr_not_equal(b.listeners[0].proxy_from,
			     a.listeners[0].proxy_from);
	conf_free(&a);
	check_v2_from(&b);
	conf_free(&b);
	conf_errors_free(&errs);
}

static void test_copy_duplicates_cpus(void **state)
{
	struct conf_errors errs = {0};
	struct conf a, b;

	(void)state;
	assert_int_equal(conf_load_string("t.conf",
					  "cpu_affinity = [3, 1, 0];\n" ECHO
					  "});\n",
					  &a, &errs),
			 0);
	assert_int_equal(conf_copy(&b, &a), 0);
	assert_ptr_not_equal(b.cpus, a.cpus);
	conf_free(&a);
	check_affinity_list(&b);
	conf_free(&b);
	conf_errors_free(&errs);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 2];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tests[n++] = (struct CMUnitTest){cases[i].name, run_case, NULL,
						 NULL, (void *)&cases[i]};
	tests[n++] =
	    (struct CMUnitTest)cmocka_unit_test(test_copy_duplicates_ranges);
	tests[n++] =
	    (struct CMUnitTest)cmocka_unit_test(test_copy_duplicates_cpus);
	return _cmocka_run_group_tests("conf_proxy", tests, n, NULL, NULL);
}
