/* test_proxy_names.c - the metrics' reason labels (net/stats.h) spell
 * every PROXY rejection reason as proxy_reason_name does, index by index */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "net/proxy.h"
#include "net/stats.h"

static void test_labels_match_reason_names(void **state)
{
	static const char *const labels[STATS_PROXY_REASONS] =
	    STATS_PROXY_REASON_NAMES;

	(void)state;
	assert_int_equal(STATS_PROXY_REASONS, PROXY_REASON_COUNT);
	for (int r = 0; r < PROXY_REASON_COUNT; r++) {
		assert_non_null(labels[r]);
		assert_string_equal(labels[r],
				    proxy_reason_name((enum proxy_reason)r));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_labels_match_reason_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
