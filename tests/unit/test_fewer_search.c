/*
 * test_fewer_search.c: the fewer-preemption search of deja shrink over
 * simulated runs and a synthetic oracle.  The "bug": thread 1 runs
 * between thread 0's two critical sections, which takes one preemption
 * of thread 0.  From a best of three preemptions the search must find a
 * failing run with one (not zero: none fails), fewest first; with a best
 * of one it must run every schedule without preemption and report none;
 * and it must stop at its run budget and pass trouble on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fewer_search.h"
#include "sim.h"

static struct sim *program(const struct deja_script_entry *script, uint64_t len)
{
	struct sim *s = sim_new(2, "script", 0);
	for (int i = 0; i < 2; i++) {
		sim_add(s, 0, DEJA_OP_MUTEX_LOCK, 0, 0);
		sim_add(s, 0, DEJA_OP_MUTEX_UNLOCK, 0, 0);
	}
	sim_add(s, 1, DEJA_OP_MUTEX_LOCK, 0, 0);
	sim_add(s, 1, DEJA_OP_MUTEX_UNLOCK, 0, 0);
	s->switches = script;
	s->nswitches = len;
	return s;
}

/* Thread 1's lock (its second event, after its start) comes after
 * thread 0's first unlock (its third event) and before thread 0's second
 * lock. */
static bool fails(const struct sim *s)
{
	uint64_t done[2] = { 0, 0 };
	for (uint64_t i = 0; i < s->nevents; i++) {
		uint32_t t = s->trace[i];
		done[t]++;
		if (t == 1 && done[1] == 2)
			return done[0] == 3;
	}
	return false;
}

struct ctx {
	uint64_t have;        /* the best's preemptions */
	uint64_t found_preemptions;
	uint64_t max_preemptions_run;
	int trouble_at;       /* run number that reports trouble (0: none) */
	int runs;
};

static void observe(void *ctx, const struct deja_event *ev)
{
	ipb_observe(ctx, ev);
}

static int run(void *ctx, const struct deja_script_entry *script, uint64_t len,
	       struct ipb_search *ipb)
{
	struct ctx *c = ctx;
	c->runs++;
	if (c->trouble_at == c->runs)
		return -1;
	struct sim *s = program(script, len);
	s->observe = observe;
	s->observe_ctx = ipb;
	assert_int_equal(sim_run(s, NULL, 0), DEJA_DECIDE_ALL_DONE);
	uint64_t p = s->m->preemptions;
	if (p > c->max_preemptions_run)
		c->max_preemptions_run = p;
	bool hit = fails(s) && p < c->have;
	if (hit)
		c->found_preemptions = p;
	sim_free(s);
	return hit ? 1 : 0;
}

static void finds_the_one_preemption(void **state)
{
	(void)state;
	struct ctx c = { .have = 3 };
	uint64_t runs;
	assert_int_equal(fewer_search(3, 1000, run, &c, &runs), 1);
	assert_int_equal(c.found_preemptions, 1);
	assert_true(c.max_preemptions_run <= 1); /* fewest first: never tried 2 */
	assert_int_equal(runs, (uint64_t)c.runs);
}

static void none_below_one(void **state)
{
	(void)state;
	struct ctx c = { .have = 1 };
	uint64_t runs;
	assert_int_equal(fewer_search(1, 1000, run, &c, &runs), 0);
	assert_int_equal(c.max_preemptions_run, 0);
	/* Without preemptions only the free choices vary (who runs when a
	 * thread ends): a handful of schedules, each run once. */
	assert_true(runs >= 1 && runs < 10);
	assert_int_equal(fewer_search(0, 1000, run, &c, &runs), 0);
	assert_int_equal(runs, 0);
}

static void stops_at_budget_and_trouble(void **state)
{
	(void)state;
	struct ctx c = { .have = 3 };
	uint64_t runs;
	assert_int_equal(fewer_search(3, 1, run, &c, &runs), 0);
	assert_int_equal(runs, 1);
	struct ctx t = { .have = 3, .trouble_at = 2 };
	assert_int_equal(fewer_search(3, 1000, run, &t, &runs), -1);
	assert_int_equal(runs, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_the_one_preemption),
		cmocka_unit_test(none_below_one),
		cmocka_unit_test(stops_at_budget_and_trouble),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
