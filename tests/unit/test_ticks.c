/*
 * test_ticks.c: the scheduler side of ticks (preemptions inside plain
 * code, runtime/ticks.c): where each strategy offers the next preemption,
 * that those offers come from the seed alone and leave the schedule of a
 * program without ticks as it was, pct's change points by tick count,
 * follow's recorded tick stops, and the TICK operation itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim.h"

static struct sim *two_threads(const char *strategy, uint64_t seed)
{
	return sim_new(2, strategy, seed);
}

static void nonpreemptive_never_offers(void **state)
{
	(void)state;
	struct sim *s = two_threads("nonpreemptive", 1);
	struct deja_sched_input in = { 0 };
	for (uint64_t ticks = 0; ticks < 1000; ticks += 37)
		assert_true(deja_sched_tick_offer(s->m, &in, 0, 0, ticks) == DEJA_NO_TICK);
	sim_free(s);
}

/* The offers thread 0 gets, asking at ticks 0, 100, 200...: each comes
 * after the tick it is asked at. */
static void offers(const char *strategy, uint64_t seed, uint64_t *out, int n, uint64_t *gap)
{
	struct sim *s = two_threads(strategy, seed);
	struct deja_sched_input in = { 0 };
	*gap = s->m->tick_gap;
	for (int i = 0; i < n; i++) {
		uint64_t now = (uint64_t)i * 100;
		out[i] = deja_sched_tick_offer(s->m, &in, 0, 0, now);
		assert_true(out[i] > now);
	}
	sim_free(s);
}

static void random_offers_come_from_the_seed(void **state)
{
	(void)state;
	uint64_t a[32], b[32], gap_a, gap_b;
	int differ = 0;
	for (uint64_t seed = 0; seed < 20; seed++) {
		offers("random", seed, a, 32, &gap_a);
		offers("random", seed, b, 32, &gap_b);
		assert_memory_equal(a, b, sizeof(a));
		/* Uniform in [1, 2 * gap] after the asking tick. */
		for (int i = 0; i < 32; i++)
			assert_true(a[i] - (uint64_t)i * 100 <= 2 * gap_a);
		uint64_t c[32], gap_c;
		offers("random", seed + 1000, c, 32, &gap_c);
		differ += memcmp(a, c, sizeof(a)) != 0;
	}
	assert_true(differ >= 19);
}

static void random_gap_is_drawn_per_run(void **state)
{
	(void)state;
	uint64_t lo = UINT64_MAX, hi = 0;
	for (uint64_t seed = 0; seed < 200; seed++) {
		struct sim *s = two_threads("random", seed);
		uint64_t g = s->m->tick_gap;
		assert_true(g >= 4 && g <= 16384);
		assert_true((g & (g - 1)) == 0);
		lo = g < lo ? g : lo;
		hi = g > hi ? g : hi;
		sim_free(s);
	}
	assert_true(lo <= 8 && hi >= 4096); /* the whole range is used */
}

/* A run known to pass many ticks gets fewer, wider-spaced offers. */
static void long_runs_get_wider_gaps(void **state)
{
	(void)state;
	for (uint64_t seed = 0; seed < 50; seed++) {
		struct sim *s = two_threads("random", seed);
		char err[64];
		s->m->expected_ticks = 400000000;
		assert_int_equal(deja_strategy_setup(s->m, "random", seed, err, sizeof(err)), 0);
		assert_true(s->m->tick_gap >= 400000000 / 4096);
		sim_free(s);
	}
}

/* Offers stop once the run has spent half its step budget: ticks, and
 * the switches they lead to, never make a run end as a timeout. */
static void offers_stop_at_half_the_step_budget(void **state)
{
	(void)state;
	struct sim *s = two_threads("random", 3);
	struct deja_sched_input in = { 0 };
	s->m->max_steps = 100;
	s->m->steps = 49;
	assert_true(deja_sched_tick_offer(s->m, &in, 0, 0, 10) != DEJA_NO_TICK);
	deja_model_set_pending(s->m, 0, DEJA_OP_TICK, NULL, 11, 0);
	struct deja_event ev;
	deja_sched_step(s->m, 0, &ev);
	assert_int_equal(s->m->steps, 50);
	assert_true(deja_sched_tick_offer(s->m, &in, 0, 0, 11) == DEJA_NO_TICK);
	sim_free(s);
}

/* A program without ticks must be scheduled exactly as before ticks
 * existed: offers draw from their own PRNG, never from m->prng. */
static void offers_leave_the_schedule_prng_alone(void **state)
{
	(void)state;
	const char *strategies[] = { "random", "pct:3", "pos" };
	for (size_t k = 0; k < sizeof(strategies) / sizeof(*strategies); k++) {
		struct sim *s = two_threads(strategies[k], 42);
		uint64_t before = s->m->prng;
		struct deja_sched_input in = { 0 };
		for (uint64_t ticks = 0; ticks < 50; ticks++)
			deja_sched_tick_offer(s->m, &in, 0, 0, ticks);
		assert_true(s->m->prng == before);
		sim_free(s);
	}
	/* And setting up a strategy draws from m->prng what it always did:
	 * random draws nothing at setup. */
	struct sim *r = two_threads("random", 42);
	assert_true(r->m->prng == 42);
	sim_free(r);
}

static void pct_offers_at_its_tick_change_points(void **state)
{
	(void)state;
	struct sim *s = two_threads("pct:3", 5);
	struct deja_sched_input in = { 0 };
	s->m->pct_tick_change[0] = 500;
	s->m->pct_tick_change[1] = 300;
	s->m->pct_tick_passed = 0;
	/* All threads together had passed 100 ticks at their last points,
	 * thread 0's 40 among them; thread 0 is now at its tick 70, so 130
	 * have passed.  The first change point, at 300 overall, is 170 ahead:
	 * thread 0's tick 240. */
	s->m->ticks = 100;
	s->m->coverage[0].ticks = 40;
	assert_int_equal(deja_sched_tick_offer(s->m, &in, 0, 0, 70), 240);
	/* Thread 0 reached it (counted at its point): lowered there, and
	 * offered the next one, 500 overall, 200 further. */
	s->m->ticks = 300;
	s->m->coverage[0].ticks = 240;
	s->m->current = 0;
	deja_model_set_pending(s->m, 0, DEJA_OP_TICK, NULL, 240, 0);
	deja_model_set_pending(s->m, 1, DEJA_OP_YIELD, NULL, 0, 0);
	struct deja_decision d = deja_sched_choose(s->m, &in);
	assert_int_equal(d.kind, DEJA_DECIDE_RUN);
	assert_true(s->m->pct_tick_passed == 2u);
	assert_int_equal(s->m->pct_priority[0], 2); /* lowered: change point 2 */
	assert_int_equal(deja_sched_tick_offer(s->m, &in, 0, 0, 240), 440);
	s->m->ticks = 600;
	s->m->coverage[0].ticks = 540;
	s->m->pct_tick_passed = 3;
	assert_true(deja_sched_tick_offer(s->m, &in, 0, 0, 540) == DEJA_NO_TICK);
	sim_free(s);
}

static void follow_stops_where_the_recording_did(void **state)
{
	(void)state;
	struct sim *s = two_threads("follow", 0);
	uint32_t schedule[4] = { 0, 1, 0, 1 };
	uint64_t ticks[4] = { 1234, DEJA_NO_TICK, 99, DEJA_NO_TICK };
	struct deja_sched_input in = { .schedule = schedule, .schedule_len = 4, .ticks = ticks };
	assert_int_equal(deja_sched_tick_offer(s->m, &in, 0, 0, 10), 1234);
	assert_true(deja_sched_tick_offer(s->m, &in, 1, 1, 10) == DEJA_NO_TICK);
	assert_int_equal(deja_sched_tick_offer(s->m, &in, 0, 2, 10), 99);
	assert_true(deja_sched_tick_offer(s->m, &in, 0, 4, 10) == DEJA_NO_TICK);
	struct deja_sched_input none = { .schedule = schedule, .schedule_len = 4 };
	assert_true(deja_sched_tick_offer(s->m, &none, 0, 0, 10) == DEJA_NO_TICK);
	sim_free(s);
}

static void a_tick_is_always_enabled_and_a_switch_there_is_a_preemption(void **state)
{
	(void)state;
	struct sim *s = two_threads("nonpreemptive", 0);
	deja_model_set_pending(s->m, 0, DEJA_OP_TICK, NULL, 4321, 0);
	deja_model_set_pending(s->m, 1, DEJA_OP_YIELD, NULL, 0, 0);
	assert_true(deja_model_enabled(s->m, 0));
	struct deja_event ev;
	s->m->current = 0;
	assert_int_equal(deja_sched_step(s->m, 0, &ev), 0);
	assert_int_equal(ev.op, DEJA_OP_TICK);
	assert_int_equal(ev.arg, 4321); /* the tick count, for replay */
	/* Thread 0 at a tick again; switching to thread 1 preempts it. */
	deja_model_set_pending(s->m, 0, DEJA_OP_TICK, NULL, 5000, 0);
	struct deja_sched_input in = { 0 };
	s->m->strategy = DEJA_STRATEGY_FOLLOW;
	uint32_t schedule[2] = { 0, 1 };
	in.schedule = schedule;
	in.schedule_len = 2;
	struct deja_decision d = deja_sched_choose(s->m, &in);
	assert_int_equal(d.kind, DEJA_DECIDE_RUN);
	assert_int_equal(d.thread, 1);
	assert_true(s->m->chosen_flags & DEJA_EVENT_PREEMPT);
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nonpreemptive_never_offers),
		cmocka_unit_test(random_offers_come_from_the_seed),
		cmocka_unit_test(random_gap_is_drawn_per_run),
		cmocka_unit_test(long_runs_get_wider_gaps),
		cmocka_unit_test(offers_stop_at_half_the_step_budget),
		cmocka_unit_test(offers_leave_the_schedule_prng_alone),
		cmocka_unit_test(pct_offers_at_its_tick_change_points),
		cmocka_unit_test(follow_stops_where_the_recording_did),
		cmocka_unit_test(a_tick_is_always_enabled_and_a_switch_there_is_a_preemption),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
