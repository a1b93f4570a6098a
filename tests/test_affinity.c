/* test_affinity.c - table-driven tests of affinity_cpu: which CPU each
 * worker slot gets under cpu_affinity "off", "auto" (the k-th CPU of the
 * mask, wrapping) and a list (wrapping) */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "worker/affinity.h"

struct aff_case {
	const char *name;
	enum conf_affinity mode;
	int list[4];
	size_t nlist;
	int mask[4]; /* CPUs in the process's mask, -1 ends */
	int slot;
	int want;
};

static const struct aff_case cases[] = {
    {"off_never_pins", CONF_AFFINITY_OFF, {0}, 0, {0, 1, -1}, 0, -1},
    {"auto_slot0_first_cpu_of_mask",
     CONF_AFFINITY_AUTO,
     {0},
     0,
     {2, 5, 7, -1},
     0,
     2},
    {"auto_slot2_third_cpu_of_mask",
     CONF_AFFINITY_AUTO,
     {0},
     0,
     {2, 5, 7, -1},
     2,
     7},
    {"auto_wraps_past_the_mask",
     CONF_AFFINITY_AUTO,
     {0},
     0,
     {2, 5, 7, -1},
     4,
     5},
    {"auto_single_cpu_mask", CONF_AFFINITY_AUTO, {0}, 0, {1, -1}, 3, 1},
    {"auto_empty_mask_does_not_pin", CONF_AFFINITY_AUTO, {0}, 0, {-1}, 0, -1},
    {"list_by_slot", CONF_AFFINITY_LIST, {3, 1, 0}, 3, {0, -1}, 1, 1},
    {"list_wraps", CONF_AFFINITY_LIST, {3, 1, 0}, 3, {0, -1}, 3, 3},
    {"list_ignores_mask", CONF_AFFINITY_LIST, {6}, 1, {0, 1, -1}, 0, 6},
};

static void run_case(void **state)
{
	const struct aff_case *t = *state;
	struct conf c = {
	    .cpu_affinity = t->mode, .cpus = (int *)t->list, .ncpus = t->nlist};
	cpu_set_t mask;

	CPU_ZERO(&mask);
	for (int i = 0; t->mask[i] >= 0; i++)
		CPU_SET(t->mask[i], &mask);
	assert_int_equal(affinity_cpu(&c, &mask, t->slot), t->want);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0])];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tests[i] = (struct CMUnitTest){cases[i].name, run_case, NULL,
					       NULL, (void *)&cases[i]};
	return _cmocka_run_group_tests(
	    "affinity", tests, sizeof(cases) / sizeof(cases[0]), NULL, NULL);
}
