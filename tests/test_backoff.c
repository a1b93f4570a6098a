/* test_backoff.c - table-driven tests of the crash-loop backoff */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/backoff.h"

#define MAX_STEPS 24

/* A run of worker deaths (uptime of each) and the delay expected after it. */
struct backoff_case {
	const char *name;
	size_t n;
	uint64_t uptime_ms[MAX_STEPS];
	uint32_t delay_ms[MAX_STEPS];
};

static const struct backoff_case cases[] = {
	{ "a stable worker is restarted at once", 2,
	  { 60000, 3000 }, { 0, 0 } },
	{ "quick deaths double from 100 ms", 5,
	  { 0, 10, 50, 2999, 1 }, { 100, 200, 400, 800, 1600 } },
	{ "the delay stops at 30 s", 12,
	  { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	  { 100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000,
	    30000 } },
	{ "staying up resets the delay", 6,
	  { 0, 0, 0, 5000, 0, 0 }, { 100, 200, 400, 0, 100, 200 } },
	{ "exactly the stable time counts as up", 3,
	  { 0, BACKOFF_STABLE_MS, 0 }, { 100, 0, 100 } },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct backoff b = { 0 };

		for (size_t k = 0; k < cases[i].n; k++) {
			uint32_t got = backoff_next(&b, cases[i].uptime_ms[k]);
			if (got != cases[i].delay_ms[k])
				fail_msg("%s: step %zu: got %u ms, want %u ms",
					 cases[i].name, k, got,
					 cases[i].delay_ms[k]);
		}
	}
}

static void test_reset(void **state)
{
	struct backoff b = { 0 };

	(void)state;
	backoff_next(&b, 0);
	backoff_next(&b, 0);
	assert_int_equal(b.failures, 2);
	backoff_reset(&b);
	assert_int_equal(b.failures, 0);
	assert_int_equal(backoff_next(&b, 0), BACKOFF_MIN_MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
