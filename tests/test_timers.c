/* test_timers.c - timeout lists and the loop's timer heap, table-driven */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/loop.h"
#include "core/tlist.h"

/* --- tlist: a script of operations on 4 nodes and what must expire */
enum op { END, TOUCH, UNLINK, EXPIRE }; /* END: zeroed trailing steps */
struct step {
	enum op op;
	int node;     /* TOUCH, UNLINK */
	uint64_t now; /* TOUCH, EXPIRE */
	const char *expect; /* EXPIRE: nodes expired in order, e.g. "021" */
};
struct tlist_case {
	const char *name;
	uint64_t timeout;
	struct step steps[8];
};

static const struct tlist_case tlist_cases[] = {
	{ "nothing expires before its deadline", 100,
	  { { TOUCH, 0, 0, 0 }, { EXPIRE, 0, 99, "" }, { EXPIRE, 0, 100, "0" } } },
	{ "expiry follows insertion order", 100,
	  { { TOUCH, 2, 0, 0 }, { TOUCH, 0, 10, 0 }, { TOUCH, 1, 20, 0 },
	    { EXPIRE, 0, 200, "201" } } },
	{ "a touch moves a node to the back", 100,
	  { { TOUCH, 0, 0, 0 }, { TOUCH, 1, 10, 0 }, { TOUCH, 0, 50, 0 },
	    { EXPIRE, 0, 110, "1" }, { EXPIRE, 0, 150, "0" } } },
	{ "an unlinked node never expires", 100,
	  { { TOUCH, 0, 0, 0 }, { TOUCH, 1, 0, 0 }, { UNLINK, 0, 0, 0 },
	    { EXPIRE, 0, 1000, "1" } } },
	{ "unlinking twice is harmless", 100,
	  { { TOUCH, 3, 0, 0 }, { UNLINK, 3, 0, 0 }, { UNLINK, 3, 0, 0 },
	    { EXPIRE, 0, 1000, "" } } },
	{ "zero timeout expires at once", 0,
	  { { TOUCH, 0, 5, 0 }, { EXPIRE, 0, 5, "0" } } },
	{ "only the due prefix expires", 100,
	  { { TOUCH, 0, 0, 0 }, { TOUCH, 1, 50, 0 }, { TOUCH, 2, 100, 0 },
	    { EXPIRE, 0, 150, "01" }, { EXPIRE, 0, 199, "" }, { EXPIRE, 0, 200, "2" } } },
};

static void run_tlist_case(const struct tlist_case *tc)
{
	struct tnode nodes[4] = { 0 };
	struct tlist l;

	tlist_init(&l, tc->timeout);
	for (const struct step *s = tc->steps; s->op != END; s++) {
		char got[8] = { 0 };
		size_t n = 0;
		struct tnode *e;

		switch (s->op) {
		case TOUCH: tlist_touch(&l, &nodes[s->node], s->now); break;
		case UNLINK: tnode_unlink(&nodes[s->node]); break;
		case END: break;
		case EXPIRE:
			while ((e = tlist_expired(&l, s->now)) != NULL) {
				got[n++] = (char)('0' + (e - nodes));
				tnode_unlink(e);
			}
			if (strcmp(got, s->expect) != 0)
				fail_msg("%s: at %llu expired \"%s\", expected \"%s\"",
					 tc->name, (unsigned long long)s->now, got,
					 s->expect);
			break;
		}
	}
}

static void test_tlist_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(tlist_cases) / sizeof(tlist_cases[0]); i++)
		run_tlist_case(&tlist_cases[i]);
}

static void test_tlist_next_deadline(void **state)
{
	struct tnode a = { 0 }, b = { 0 };
	struct tlist l;

	(void)state;
	tlist_init(&l, 30);
	assert_int_equal(tlist_next_deadline(&l), UINT64_MAX);
	tlist_touch(&l, &a, 10);
	tlist_touch(&l, &b, 20);
	assert_int_equal(tlist_next_deadline(&l), 40);
	tnode_unlink(&a);
	assert_int_equal(tlist_next_deadline(&l), 50);
	tnode_unlink(&b);
	assert_true(tlist_empty(&l));
}

/* --- loop timers: armed in random order, they fire in deadline order */
static int fired[64], nfired;

static void on_timer(struct loop *l, struct loop_timer *t)
{
	fired[nfired++] = (int)(intptr_t)t->deadline_ms; /* deadline as id */
	if (nfired == 3)
		loop_stop(l);
}

static void test_loop_timers_fire_in_order(void **state)
{
	static const uint64_t delays[] = { 30, 5, 20, 60000, 10 };
	struct loop_timer t[5] = { 0 };
	char err[64];
	struct loop *l = loop_new(err, sizeof(err));
	uint64_t base;

	(void)state;
	assert_non_null(l);
	base = loop_now(l);
	for (int i = 0; i < 5; i++) {
		t[i].fn = on_timer;
		loop_timer_arm(l, &t[i], delays[i]);
	}
	loop_timer_cancel(l, &t[2]); /* 20 ms: cancelled, must not fire */
	loop_timer_cancel(l, &t[2]); /* twice is harmless */
	nfired = 0;
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(nfired, 3); /* 5, 10, 30; 60 s never */
	assert_int_equal(fired[0], base + 5);
	assert_int_equal(fired[1], base + 10);
	assert_int_equal(fired[2], base + 30);
	assert_true(loop_now(l) >= base + 30);
	loop_free(l);
}

static void test_loop_timer_rearm_moves(void **state)
{
	struct loop_timer t = { .fn = on_timer };
	char err[64];
	struct loop *l = loop_new(err, sizeof(err));

	(void)state;
	loop_timer_arm(l, &t, 50000);
	loop_timer_arm(l, &t, 1); /* re-arming moves it, does not duplicate */
	nfired = 2;
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(nfired, 3);
	assert_int_equal(t.heap_index, 0);
	loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tlist_table),
		cmocka_unit_test(test_tlist_next_deadline),
		cmocka_unit_test(test_loop_timers_fire_in_order),
		cmocka_unit_test(test_loop_timer_rearm_moves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
