/* test_conf.c - table-driven tests of the configuration loader */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "conf.h"

static void test_placeholder(void **state)
{
	struct conf c;
	struct conf_errors e = { 0 };
	(void)state;
	assert_int_equal(conf_load_string("t.conf", "workers = 1;", &c, &e), -1);
	conf_errors_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_placeholder) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
