/*
 * test_strategy.c: strategies are reproducible from their seed, random
 * explores, and "NAME[:PARAM]" is checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sim.h"

/* Three threads, each locking and unlocking one shared mutex 5 times. */
static struct sim *contended(const char *strategy, uint64_t seed)
{
	return sim_contended(3, 5, strategy, seed);
}

static bool same_schedule(const struct sim *a, const struct sim *b)
{
	return a->nevents == b->nevents &&
	       memcmp(a->trace, b->trace, a->nevents * sizeof(uint32_t)) == 0;
}

/* Runs seeds 0..19 of a strategy twice each, asserting that a seed always
 * gives the same schedule; returns how many differ from seed 0's. */
static int seeds_repeat_and_differ(const char *strategy)
{
	int distinct = 0;
	struct sim *first = contended(strategy, 0);
	sim_run(first, NULL, 0);
	for (uint64_t seed = 0; seed < 20; seed++) {
		struct sim *a = contended(strategy, seed);
		struct sim *b = contended(strategy, seed);
		sim_run(a, NULL, 0);
		sim_run(b, NULL, 0);
		assert_int_equal(a->nevents, b->nevents);
		assert_memory_equal(a->trace, b->trace, a->nevents * sizeof(uint32_t));
		if (!same_schedule(a, first))
			distinct++;
		sim_free(a);
		sim_free(b);
	}
	sim_free(first);
	return distinct;
}

static void random_is_reproducible_and_explores(void **state)
{
	(void)state;
	assert_true(seeds_repeat_and_differ("random") >= 15);
}

static void random_percent_switches_less(void **state)
{
	(void)state;
	uint64_t full = 0, low = 0;
	for (uint64_t seed = 0; seed < 20; seed++) {
		struct sim *a = contended("random", seed);
		struct sim *b = contended("random:10", seed);
		sim_run(a, NULL, 0);
		sim_run(b, NULL, 0);
		full += a->m->switches;
		low += b->m->switches;
		sim_free(a);
		sim_free(b);
	}
	assert_true(low < full);
}

static void pct_is_reproducible_and_explores(void **state)
{
	(void)state;
	assert_true(seeds_repeat_and_differ("pct:3") >= 5);
}

static void pct_lowers_the_running_thread_at_a_change_point(void **state)
{
	(void)state;
	/* Depth 2: one change point.  Without it PCT runs threads one after
	 * the other; with it, the thread running at that step gives way. */
	struct sim *s = contended("pct:2", 7);
	s->m->pct_change[0] = 5;
	sim_run(s, NULL, 0);
	uint32_t at5 = s->trace[4], after = s->trace[5];
	assert_int_not_equal(at5, after);
	sim_free(s);
}

/* Thread 0 yields 40 times in a row (a spin on sched_yield for a flag);
 * thread 1 has two operations to do; no change point comes. */
static struct sim *yielder_and_worker(uint64_t seed)
{
	struct sim *s = sim_new(2, "pct:3", seed);
	s->m->pct_change[0] = s->m->pct_change[1] = 100000; /* none in this run */
	for (int i = 0; i < 40; i++)
		sim_add(s, 0, DEJA_OP_YIELD, -1, 0);
	sim_add(s, 0, DEJA_OP_THREAD_EXIT, -1, 0);
	sim_add(s, 1, DEJA_OP_MUTEX_LOCK, 0, 0);
	sim_add(s, 1, DEJA_OP_MUTEX_UNLOCK, 0, 0);
	sim_add(s, 1, DEJA_OP_THREAD_EXIT, -1, 0);
	return s;
}

/* Whatever the seed, once thread 0 yields, thread 1 runs next: a
 * yielding thread goes below the others. */
static void pct_lets_others_run_when_a_thread_yields(void **state)
{
	(void)state;
	for (uint64_t seed = 0; seed < 20; seed++) {
		struct sim *s = yielder_and_worker(seed);
		sim_run(s, NULL, 0);
		uint64_t first_yield = s->nevents, last_of_1 = 0;
		for (uint64_t i = 0; i < s->nevents; i++) {
			if (s->yielded[i] && first_yield == s->nevents)
				first_yield = i;
			if (s->trace[i] == 1)
				last_of_1 = i;
		}
		assert_true(first_yield < s->nevents);
		/* Thread 1's start, lock, unlock and exit follow the first yield
		 * at once (at most its own 4 events, plus the yield itself). */
		assert_true(last_of_1 <= first_yield + 5);
		sim_free(s);
	}
}

/* The same with thread 1 at priority 1, as a change point leaves a
 * thread: thread 0, yielding, went down to 1 as well and, the lower
 * thread id, won every tie: thread 1 ran only once thread 0 had ended. */
static void pct_lets_a_change_point_thread_run_when_a_thread_yields(void **state)
{
	(void)state;
	for (uint64_t seed = 0; seed < 20; seed++) {
		struct sim *s = yielder_and_worker(seed);
		s->m->pct_priority[1] = 1;
		sim_run(s, NULL, 0);
		uint64_t exit_of_0 = 0, exit_of_1 = 0;
		for (uint64_t i = 0; i < s->nevents; i++) {
			if (s->trace[i] == 0)
				exit_of_0 = i;
			if (s->trace[i] == 1)
				exit_of_1 = i;
		}
		assert_true(exit_of_1 < exit_of_0);
		sim_free(s);
	}
}

static void pos_is_reproducible_and_explores(void **state)
{
	(void)state;
	assert_true(seeds_repeat_and_differ("pos") >= 10);
}

static void surw_is_reproducible_and_explores(void **state)
{
	(void)state;
	assert_true(seeds_repeat_and_differ("surw") >= 15);
}

#define INTERLEAVING_RUNS 7000

/* How often each interleaving of two independent threads (4 events each:
 * start, lock and unlock of their own mutex, exit) comes up over
 * INTERLEAVING_RUNS seeds; returns the most and the fewest times any of
 * the C(8, 4) = 70 interleavings came up.  With `estimates`, surw is told
 * each thread's exact event count. */
static void interleaving_spread(const char *strategy, bool estimates, int *most, int *fewest)
{
	static int count[256];
	memset(count, 0, sizeof(count));
	for (uint64_t seed = 0; seed < INTERLEAVING_RUNS; seed++) {
		struct sim *s = sim_new(2, strategy, seed);
		for (int t = 0; t < 2; t++) {
			sim_add(s, t, DEJA_OP_MUTEX_LOCK, t, 0);
			sim_add(s, t, DEJA_OP_MUTEX_UNLOCK, t, 0);
			if (estimates)
				s->m->surw_events[t] = 4;
		}
		assert_int_equal(sim_run(s, NULL, 0), DEJA_DECIDE_ALL_DONE);
		assert_int_equal(s->nevents, 8);
		int key = 0;
		for (int i = 0; i < 8; i++)
			key |= (int)s->trace[i] << i;
		count[key]++;
		sim_free(s);
	}
	*most = 0;
	*fewest = INTERLEAVING_RUNS;
	int seen = 0;
	for (int key = 0; key < 256; key++) {
		if (__builtin_popcount((unsigned)key) != 4)
			continue;
		seen++;
		*most = count[key] > *most ? count[key] : *most;
		*fewest = count[key] < *fewest ? count[key] : *fewest;
	}
	assert_int_equal(seen, 70);
}

/* 7000 runs over 70 interleavings: 100 each if uniform (standard
 * deviation about 10).  A uniform choice per step instead gives "all of
 * thread 0 first" 1 time in 16, about 440. */
static void surw_is_uniform_over_interleavings(void **state)
{
	(void)state;
	int most, fewest;
	interleaving_spread("surw", true, &most, &fewest);
	print_message("surw with estimates: each interleaving %d to %d times\n", fewest, most);
	assert_in_range(most, 100, 150);
	assert_in_range(fewest, 50, 100);
	interleaving_spread("random", false, &most, &fewest);
	print_message("random: each interleaving %d to %d times\n", fewest, most);
	assert_true(most >= 300);
	/* Without estimates surw weighs every thread alike: random's skew. */
	interleaving_spread("surw", false, &most, &fewest);
	assert_true(most >= 300);
}

static void prng_is_a_pure_function_of_the_seed(void **state)
{
	(void)state;
	struct deja_model a = { .prng = 42 }, b = { .prng = 42 };
	for (int i = 0; i < 100; i++)
		assert_int_equal(deja_prng_next(&a), deja_prng_next(&b));
	for (int i = 0; i < 1000; i++)
		assert_true(deja_prng_below(&a, 7) < 7);
}

static void bad_specs_are_refused_with_a_message(void **state)
{
	(void)state;
	struct deja_model m;
	char err[128];
	assert_int_equal(deja_strategy_setup(&m, "bogus", 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown strategy"));
	assert_int_equal(deja_strategy_setup(&m, "random:0", 0, err, sizeof(err)), -1);
	assert_int_equal(deja_strategy_setup(&m, "random:abc", 0, err, sizeof(err)), -1);
	assert_int_equal(deja_strategy_setup(&m, "nonpreemptive:3", 0, err, sizeof(err)), -1);
	assert_int_equal(deja_strategy_setup(&m, "random:50", 7, err, sizeof(err)), 0);
	assert_int_equal(m.strategy, DEJA_STRATEGY_RANDOM);
	assert_int_equal(m.strategy_param, 50);
	assert_int_equal(m.seed, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_is_reproducible_and_explores),
		cmocka_unit_test(random_percent_switches_less),
		cmocka_unit_test(pct_is_reproducible_and_explores),
		cmocka_unit_test(pct_lowers_the_running_thread_at_a_change_point),
		cmocka_unit_test(pct_lets_others_run_when_a_thread_yields),
		cmocka_unit_test(pct_lets_a_change_point_thread_run_when_a_thread_yields),
		cmocka_unit_test(pos_is_reproducible_and_explores),
		cmocka_unit_test(surw_is_reproducible_and_explores),
		cmocka_unit_test(surw_is_uniform_over_interleavings),
		cmocka_unit_test(prng_is_a_pure_function_of_the_seed),
		cmocka_unit_test(bad_specs_are_refused_with_a_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
