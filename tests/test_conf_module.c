/* test_conf_module.c - table-driven tests of a listener's module group:
 * defaults, framing, delimiter, limits, and the settings kept for the
 * module with their types and lines */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "conf/conf.h"

#define HEAD "listeners = ({ name = \"m\"; listen = \"127.0.0.1:9000\"; "

struct mod_case {
	const char *name;
	const char *text;
	int err_line;		 /* 0: must load */
	enum conf_error_kind kind;
	const char *words[3];	 /* each in the first error */
	void (*check)(const struct module_conf *m);
};

static void check_defaults(const struct module_conf *m)
{
	assert_string_equal(m->path, "/x/echo.so");
	assert_int_equal(m->framing, CONF_FRAMING_NONE);
	assert_null(m->delimiter);
	assert_int_equal(m->max_message, 1 << 20);
	assert_int_equal(m->threads, 0);
	assert_int_equal(m->queue, 256);
	assert_true(m->job_timeout == 30.0);
	assert_int_equal(m->nsettings, 0);
	assert_int_equal(m->line, 2);
	assert_string_equal(m->file, "t.conf");
}

static void check_design_example(const struct module_conf *m)
{
	assert_int_equal(m->framing, CONF_FRAMING_DELIMITER);
	assert_int_equal(m->delimiter_len, 7);
	assert_memory_equal(m->delimiter, "\r\nEOF\r\n", 7);
	assert_int_equal(m->threads, 4);
	assert_int_equal(m->queue, 256);
	assert_true(m->job_timeout == 30.0);
	assert_int_equal(m->nsettings, 3);
	assert_string_equal(m->settings[0].key, "db");
	assert_int_equal(m->settings[0].type, SETTING_STRING);
	assert_string_equal(m->settings[0].str, "/var/lib/preforkd/kv.db");
	assert_int_equal(m->settings[0].line, 5);
	assert_int_equal(m->settings[1].type, SETTING_INT);
	assert_int_equal(m->settings[1].num, 5000000000LL);
	assert_int_equal(m->settings[2].type, SETTING_OTHER);
	assert_string_equal(m->settings[2].what, "a list");
	assert_int_equal(m->settings_line, 5);
}

static void check_netstring(const struct module_conf *m)
{
	assert_int_equal(m->framing, CONF_FRAMING_NETSTRING);
	assert_int_equal(m->max_message, 0);
}

static const struct mod_case cases[] = {
    {"module_defaults", HEAD "mode = \"module\";\n"
     "  module = { path = \"/x/echo.so\"; }; });\n", 0, 0, {0},
     check_defaults},
    {"module_design_example_loads",
     HEAD "mode = \"module\";\n"
     "  module = { path = \"/x/kv.so\";\n"
     "    framing = \"delimiter\"; delimiter = \"\\r\\nEOF\\r\\n\";\n"
     "    max_message = 1048576; threads = 4; queue = 256; job_timeout = 30.0;\n"
     "    settings = { db = \"/var/lib/preforkd/kv.db\"; big = 5000000000L;\n"
     "                 list = ( 1, 2 ); }; }; });\n",
     0, 0, {0}, check_design_example},
    {"module_empty_max_message_allowed_for_netstring",
     HEAD "mode = \"module\";\n"
     "  module = { path = \"a.so\"; framing = \"netstring\"; max_message = 0; }; });\n",
     0, 0, {0}, check_netstring},
    {"module_mode_without_group_is_an_error",
     HEAD "mode = \"module\"; });\n", 1, CONF_ERR_MISSING,
     {"module", "path"}, NULL},
    {"module_group_without_path",
     HEAD "mode = \"module\";\n  module = { framing = \"none\"; }; });\n", 2,
     CONF_ERR_MISSING, {"'path'"}, NULL},
    {"module_group_not_a_group",
     HEAD "mode = \"module\";\n  module = \"x.so\"; });\n", 2, CONF_ERR_TYPE,
     {"group"}, NULL},
    {"module_unknown_framing_names_the_choices",
     HEAD "mode = \"module\";\n  module = { path = \"a.so\";\n"
     "    framing = \"lines\"; }; });\n", 3, CONF_ERR_VALUE,
     {"lines", "netstring"}, NULL},
    {"module_delimiter_framing_needs_a_delimiter",
     HEAD "mode = \"module\";\n  module = { path = \"a.so\";\n"
     "    framing = \"delimiter\"; }; });\n", 2, CONF_ERR_MISSING,
     {"delimiter"}, NULL},
    {"module_delimiter_only_for_delimiter_framing",
     HEAD "mode = \"module\";\n  module = { path = \"a.so\";\n"
     "    framing = \"length32\";\n    delimiter = \"\\n\"; }; });\n", 4,
     CONF_ERR_VALUE, {"only for"}, NULL},
    {"module_delimiter_over_64_bytes",
     HEAD "mode = \"module\";\n  module = { path = \"a.so\"; framing = \"delimiter\";\n"
     "    delimiter = \"0123456789012345678901234567890123456789012345678901234567890123456789\"; }; });\n",
     3, CONF_ERR_VALUE, {"1 to 64"}, NULL},
    {"module_threads_out_of_range",
     HEAD "mode = \"module\";\n  module = { path = \"a.so\";\n    threads = 1000; }; });\n",
     3, CONF_ERR_RANGE, {"threads", "0..256"}, NULL},
    {"module_queue_zero_out_of_range",
     HEAD "mode = \"module\";\n  module = { path = \"a.so\"; queue = 0; }; });\n",
     2, CONF_ERR_RANGE, {"queue"}, NULL},
    {"module_unknown_setting_in_module_group",
     HEAD "mode = \"module\";\n  module = { path = \"a.so\";\n    thread = 4; }; });\n",
     3, CONF_ERR_UNKNOWN, {"thread", "threads"}, NULL},
    {"module_settings_must_be_a_group",
     HEAD "mode = \"module\";\n  module = { path = \"a.so\";\n    settings = 3; }; });\n",
     3, CONF_ERR_TYPE, {"settings", "group"}, NULL},
    {"module_group_on_an_echo_listener",
     HEAD "mode = \"echo\";\n  module = { path = \"a.so\"; }; });\n", 2,
     CONF_ERR_VALUE, {"only for mode"}, NULL},
    {"module_setting_named_in_listener_is_pointed_to_its_group",
     HEAD "mode = \"module\"; framing = \"none\";\n  module = { path = \"a.so\"; }; });\n",
     1, CONF_ERR_UNKNOWN, {"framing", "'module' group"}, NULL},
};

static void run_case(void **state)
{
	const struct mod_case *t = *state;
	struct conf_errors errs = {0};
	struct conf c;
	int rc = conf_load_string("t.conf", t->text, &c, &errs);

	if (t->err_line == 0) {
		for (size_t i = 0; i < errs.n; i++)
			print_error("unexpected: %s\n", errs.v[i].msg);
		assert_int_equal(rc, 0);
		assert_int_equal(c.listeners[0].mode, MODE_MODULE);
		t->check(&c.listeners[0].module);
		conf_free(&c);
	} else {
		assert_int_equal(rc, -1);
		assert_true(errs.n >= 1);
		assert_int_equal(errs.v[0].line, t->err_line);
		assert_int_equal(errs.v[0].kind, t->kind);
		for (int i = 0; i < 3 && t->words[i] != NULL; i++)
			if (strstr(errs.v[0].msg, t->words[i]) == NULL)
				fail_msg("'%s' not in: %s", t->words[i], errs.v[0].msg);
	}
	conf_errors_free(&errs);
}

/* conf_errors_add formats as the loader does. */
static void test_errors_add_formats_file_line(void **state)
{
	struct conf_errors errs = {0};

	conf_errors_add(&errs, CONF_ERR_MODULE, "a.conf", 7, "module '%s': %s",
			"x", "no");
	conf_errors_add(&errs, CONF_ERR_MODULE, "a.conf", 0, "whole %d", 1);
	assert_int_equal(errs.n, 2);
	assert_string_equal(errs.v[0].msg, "a.conf:7: module 'x': no");
	assert_int_equal(errs.v[0].line, 7);
	assert_string_equal(errs.v[1].msg, "a.conf: whole 1");
	conf_errors_free(&errs);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 1];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tests[n++] = (struct CMUnitTest){cases[i].name, run_case, NULL,
						 NULL, (void *)&cases[i]};
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_errors_add_formats_file_line);
	return _cmocka_run_group_tests("conf_module", tests, n, NULL, NULL);
}
