/*
 * test_script.c: schedules as lists of switches.  A run's switches re-create
 * it under the script strategy, dropping a preemption leaves the others
 * in force, and the lookup finds exactly the listed points.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "script.h"
#include "sim.h"

/* Three threads, each locking and unlocking one shared mutex 4 times. */
static struct sim *contended(const char *strategy, uint64_t seed)
{
	return sim_contended(3, 4, strategy, seed);
}

static uint64_t switches_of(const struct sim *s, struct deja_script_entry *out, bool *preempt)
{
	return deja_script_from_schedule(s->trace, s->preempted, s->yielded, NULL, NULL, NULL, s->nevents, out,
					 preempt, NULL);
}

static void script_recreates_random_runs(void **state)
{
	(void)state;
	for (uint64_t seed = 0; seed < 30; seed++) {
		struct sim *orig = contended("random", seed);
		sim_run(orig, NULL, 0);
		struct deja_script_entry sw[4096];
		uint64_t n = switches_of(orig, sw, NULL);
		n = deja_script_sort(sw, n);
		struct sim *again = contended("script", 0);
		again->switches = sw;
		again->nswitches = n;
		sim_run(again, NULL, 0);
		assert_int_equal(again->nevents, orig->nevents);
		assert_memory_equal(again->trace, orig->trace, orig->nevents * sizeof(uint32_t));
		assert_int_equal(again->m->preemptions, orig->m->preemptions);
		sim_free(orig);
		sim_free(again);
	}
}

static void empty_script_is_nonpreemptive(void **state)
{
	(void)state;
	struct sim *a = contended("script", 0);
	struct sim *b = contended("nonpreemptive", 0);
	sim_run(a, NULL, 0);
	sim_run(b, NULL, 0);
	assert_int_equal(a->nevents, b->nevents);
	assert_memory_equal(a->trace, b->trace, a->nevents * sizeof(uint32_t));
	assert_int_equal(a->m->preemptions, 0);
}

/* Find a random run with at least two preemptions; drop the first one and
 * run the rest: the second still happens where it did. */
static void dropping_a_preemption_keeps_the_others(void **state)
{
	(void)state;
	bool checked = false;
	for (uint64_t seed = 0; seed < 50 && !checked; seed++) {
		struct sim *orig = contended("random", seed);
		sim_run(orig, NULL, 0);
		struct deja_script_entry sw[4096];
		bool pre[4096];
		uint64_t n = switches_of(orig, sw, pre);
		struct deja_script_entry only[4096];
		uint64_t k = 0, seen = 0;
		struct deja_script_entry second = { 0 };
		for (uint64_t i = 0; i < n; i++) {
			if (!pre[i])
				continue;
			if (seen++ == 0)
				continue; /* the dropped one */
			if (seen == 2)
				second = sw[i];
			only[k++] = sw[i];
		}
		if (seen < 2 || second.thread != 0) {
			sim_free(orig);
			continue;
		}
		/* Thread 0 runs first and alone until its first switch, so its
		 * second preemption point is reached unchanged. */
		k = deja_script_sort(only, k);
		struct sim *cut = contended("script", 0);
		cut->switches = only;
		cut->nswitches = k;
		sim_run(cut, NULL, 0);
		uint64_t done = 0;
		bool found = false;
		for (uint64_t i = 0; i + 1 < cut->nevents; i++) {
			if (cut->trace[i] == 0)
				done++;
			if (cut->trace[i] == 0 && done == second.after)
				found = cut->trace[i + 1] == second.to;
		}
		assert_true(found);
		assert_true(cut->m->preemptions >= 1);
		checked = true;
		sim_free(cut);
		sim_free(orig);
	}
	assert_true(checked);
}

/* Ticks: a switch away from a thread stopped in plain code names the tick
 * of its stop (its next event, or where it still stood when the run
 * ended); a stop it went straight on from is no switch and is not counted. */
static void switches_at_ticks(void **state)
{
	(void)state;
	const uint32_t threads[] = { 0, 0, 1, 1, 0, 1, 1 };
	const uint64_t ticks[] = { 0, 0, 0, 4, 0, 9, 0 };
	uint64_t final_stops[DEJA_MAX_THREADS];
	for (uint32_t t = 0; t < DEJA_MAX_THREADS; t++)
		final_stops[t] = DEJA_NO_TICK;
	final_stops[0] = 12;
	struct deja_script_entry out[8];
	uint64_t n = deja_script_from_schedule(threads, NULL, NULL, NULL, ticks, final_stops, 7, out, NULL, NULL);
	assert_int_equal(n, 3);
	assert_int_equal(out[0].thread, 0);
	assert_int_equal(out[0].after, 2);
	assert_int_equal(out[0].to, 1);
	assert_int_equal(out[0].tick, 0);
	assert_int_equal(out[1].thread, 1);
	assert_int_equal(out[1].after, 1); /* the stop at tick 4 is not counted */
	assert_int_equal(out[1].to, 0);
	assert_int_equal(out[1].tick, 9);
	assert_int_equal(out[2].thread, 0);
	assert_int_equal(out[2].after, 3);
	assert_int_equal(out[2].tick, 12); /* never ran again: stopped at the end */
}

/* The entries of a schedule whose events carry these flags. */
static uint64_t switches_with_flags(const uint32_t *threads, const uint32_t *flags, uint64_t n,
				   struct deja_script_entry *out)
{
	bool counted[32], last_alone = false;
	for (uint64_t i = 0; i < n; i++)
		counted[i] = deja_script_counts(flags[i], &last_alone);
	return deja_script_from_schedule(threads, NULL, NULL, counted, NULL, NULL, n, out, NULL,
					 NULL);
}

/* A thread alone (CPython starting up, listing directories) makes as many
 * events as the world makes it: a stretch of them counts as one, so the
 * switches after it keep their positions however long it was; a stretch
 * after the other threads ended still moves the position on, so the
 * choices on either side of it stay apart. */
static void alone_stretches_count_once(void **state)
{
	(void)state;
	const uint32_t A = DEJA_EVENT_ALONE;
	const uint32_t short_threads[] = { 0, 0, 0, 1, 0, 1, 0, 0, 2 };
	const uint32_t short_flags[] = { A, A, A, 0, 0, 0, A, A, 0 };
	const uint32_t long_threads[] = { 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 2 };
	const uint32_t long_flags[] = { A, A, A, A, A, A, 0, 0, 0, A, A, A, A, 0 };
	struct deja_script_entry a[16], b[16];
	uint64_t na = switches_with_flags(short_threads, short_flags, 9, a);
	uint64_t nb = switches_with_flags(long_threads, long_flags, 14, b);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof(a[0]));
	assert_int_equal(na, 5);
	assert_int_equal(a[0].thread, 0); /* the stretch counts once */
	assert_int_equal(a[0].after, 1);
	assert_int_equal(a[1].thread, 1);
	assert_int_equal(a[1].after, 1);
	assert_int_equal(a[2].thread, 0);
	assert_int_equal(a[2].after, 2);
	/* T0 after T1's end: one more for the stretch, then the switch to T2. */
	assert_int_equal(a[3].thread, 1);
	assert_int_equal(a[4].thread, 0);
	assert_int_equal(a[4].after, 3);
	assert_int_equal(a[4].to, 2);
	/* Only the first of a stretch is counted. */
	bool last_alone = false;
	assert_true(deja_script_counts(0, &last_alone));
	assert_true(deja_script_counts(A, &last_alone));
	assert_false(deja_script_counts(A, &last_alone));
	assert_true(deja_script_counts(0, &last_alone));
}

static void find_and_sort(void **state)
{
	(void)state;
	struct deja_script_entry s[] = {
		{ .thread = 2, .after = 5, .to = 0 },
		{ .thread = 0, .after = 9, .to = 1 },
		{ .thread = 0, .after = 3, .to = 2 },
		{ .thread = 0, .after = 3, .to = 1 }, /* same point again: dropped */
	};
	uint64_t n = deja_script_sort(s, 4);
	assert_int_equal(n, 3);
	assert_int_equal(s[0].after, 3);
	assert_int_equal(s[0].to, 2);
	const struct deja_script_entry *e = deja_script_find(s, n, 0, 9);
	assert_non_null(e);
	assert_int_equal(e->to, 1);
	assert_non_null(deja_script_find(s, n, 2, 5));
	assert_null(deja_script_find(s, n, 2, 4));
	assert_null(deja_script_find(s, n, 1, 3));
	assert_null(deja_script_find(s, 0, 0, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(script_recreates_random_runs),
		cmocka_unit_test(empty_script_is_nonpreemptive),
		cmocka_unit_test(dropping_a_preemption_keeps_the_others),
		cmocka_unit_test(switches_at_ticks),
		cmocka_unit_test(alone_stretches_count_once),
		cmocka_unit_test(find_and_sort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
