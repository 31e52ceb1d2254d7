/*
 * test_search_ipb.c: iterative preemption bounding over simulated runs.
 * The search must hand out exactly the schedules with at most K
 * preemptions (counts worked out by hand below), each once, cheapest
 * first, and then say it is exhausted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "search_ipb.h"
#include "sim.h"

#define MAX_RUNS 256

typedef struct sim *(*program_fn)(void);

/* Each of two threads locks and unlocks its own mutex: every operation
 * can always go on, so every switch away from a live thread is a
 * preemption. */
static struct sim *two_independent(void)
{
	struct sim *s = sim_new(2, "script", 0);
	for (int t = 0; t < 2; t++) {
		sim_add(s, t, DEJA_OP_MUTEX_LOCK, t, 0);
		sim_add(s, t, DEJA_OP_MUTEX_UNLOCK, t, 0);
	}
	return s;
}

/* Three threads that only start and end. */
static struct sim *three_empty(void)
{
	return sim_new(3, "script", 0);
}

static void observe(void *ctx, const struct deja_event *ev)
{
	ipb_observe(ctx, ev);
}

struct outcome {
	uint64_t runs;
	bool exhausted;
	uint32_t traces[MAX_RUNS][64];
	uint64_t lengths[MAX_RUNS];
	uint32_t preemptions[MAX_RUNS]; /* as the scheduler counted them */
	uint32_t promised[MAX_RUNS];    /* as the search built them */
};

static void search(program_fn program, uint32_t bound, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	struct ipb_search *ipb = ipb_new(bound, 0);
	assert_non_null(ipb);
	while (o->runs < MAX_RUNS) {
		const struct deja_script_entry *script;
		uint64_t len;
		uint32_t p;
		if (ipb_next(ipb, &script, &len, &p) == IPB_EXHAUSTED) {
			o->exhausted = true;
			break;
		}
		struct sim *s = program();
		s->switches = script;
		s->nswitches = len;
		s->observe = observe;
		s->observe_ctx = ipb;
		assert_int_equal(sim_run(s, NULL, 0), DEJA_DECIDE_ALL_DONE);
		ipb_end(ipb);
		assert_true(s->nevents <= 64);
		memcpy(o->traces[o->runs], s->trace, s->nevents * sizeof(uint32_t));
		o->lengths[o->runs] = s->nevents;
		o->preemptions[o->runs] = (uint32_t)s->m->preemptions;
		o->promised[o->runs] = p;
		o->runs++;
		sim_free(s);
	}
	assert_int_equal(ipb_runs(ipb), o->runs);
	assert_true(ipb_complete(ipb));
	ipb_free(ipb);
}

/* No two runs interleave the same way. */
static void assert_all_distinct(const struct outcome *o)
{
	for (uint64_t i = 0; i < o->runs; i++)
		for (uint64_t j = i + 1; j < o->runs; j++)
			assert_false(o->lengths[i] == o->lengths[j] &&
				     memcmp(o->traces[i], o->traces[j],
					    o->lengths[i] * sizeof(uint32_t)) == 0);
}

/* Each run has the preemptions it was built with, within the bound, and
 * the runs come cheapest first. */
static void assert_costs(const struct outcome *o, uint32_t bound)
{
	for (uint64_t i = 0; i < o->runs; i++) {
		assert_int_equal(o->preemptions[i], o->promised[i]);
		assert_true(o->preemptions[i] <= bound);
		if (i > 0)
			assert_true(o->promised[i - 1] <= o->promised[i]);
	}
}

/*
 * Two threads of 4 events each (start, lock, unlock, exit); thread 0 runs
 * first.  0 preemptions: thread 0, then thread 1: 1 schedule.  Exactly
 * 1: thread 1 preempts thread 0 before one of its 4 events: 4.  Exactly
 * 2: that, then thread 1 preempted after 1 to 3 of its events (after all
 * 4 the switch back is free): 4 * 3 = 12.  Exactly 3: thread 0 preempted
 * before event j, thread 1 after m of 3, thread 0 again after r of its
 * 4 - j - 1 remaining: (3 + 2 + 1 + 0) * 3 = 18.  With no bound that
 * counts, all C(8, 4) = 70 interleavings.
 */
static void counts_two_threads(void **state)
{
	(void)state;
	static const uint32_t expected[] = { 1, 5, 17, 35 };
	static struct outcome o;
	for (uint32_t k = 0; k < 4; k++) {
		search(two_independent, k, &o);
		assert_true(o.exhausted);
		assert_int_equal(o.runs, expected[k]);
		assert_all_distinct(&o);
		assert_costs(&o, k);
	}
	search(two_independent, IPB_MAX_BOUND, &o);
	assert_true(o.exhausted);
	assert_int_equal(o.runs, 70);
	assert_all_distinct(&o);
}

/* The first runs of a larger bound are the runs of a smaller one. */
static void iterative_in_the_bound(void **state)
{
	(void)state;
	static struct outcome small, large;
	search(two_independent, 1, &small);
	search(two_independent, 3, &large);
	assert_true(small.runs < large.runs);
	for (uint64_t i = 0; i < small.runs; i++) {
		assert_int_equal(small.lengths[i], large.lengths[i]);
		assert_memory_equal(small.traces[i], large.traces[i],
				    small.lengths[i] * sizeof(uint32_t));
	}
}

/*
 * Choices made because a thread ended are free: with no preemption at
 * all, three threads that only start and end still run in two orders
 * (after thread 0 ends, thread 1 or thread 2 goes next).
 */
static void free_choices_at_bound_zero(void **state)
{
	(void)state;
	static struct outcome o;
	search(three_empty, 0, &o);
	assert_true(o.exhausted);
	assert_int_equal(o.runs, 2);
	assert_all_distinct(&o);
	assert_costs(&o, 0);
	assert_int_not_equal(o.traces[0][2], o.traces[1][2]);
}

/* Too many waiting schedules: the search says it is not complete. */
static void overflow_is_reported(void **state)
{
	(void)state;
	struct ipb_search *ipb = ipb_new(2, 3);
	const struct deja_script_entry *script;
	uint64_t len;
	uint32_t p;
	assert_int_equal(ipb_next(ipb, &script, &len, &p), IPB_RUN);
	assert_int_equal(len, 0);
	struct sim *s = two_independent();
	s->observe = observe;
	s->observe_ctx = ipb;
	sim_run(s, NULL, 0);
	ipb_end(ipb);
	sim_free(s);
	assert_false(ipb_complete(ipb));
	uint64_t runs = 0;
	while (ipb_next(ipb, &script, &len, &p) == IPB_RUN) {
		ipb_end(ipb);
		runs++;
	}
	assert_int_equal(runs, 3);
	ipb_free(ipb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_two_threads),
		cmocka_unit_test(iterative_in_the_bound),
		cmocka_unit_test(free_choices_at_bound_zero),
		cmocka_unit_test(overflow_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
