/*
 * test_shrink_fold.c: the fold move's candidates (cli/shrink_fold.h) on
 * the shape of a CPython GIL hand-over, as a shrink of py_job_queue met
 * it: thread 1 is preempted for thread 0 (which blocks in its 5 ms GIL
 * wait), and a second preemption, two events later, ends that wait by
 * timing out.  The fold must drop the second, make thread 0's blocking
 * point a stay, and move the first to the second's point, then one event
 * earlier at a time; and it must leave alone what is not such a pair.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "shrink_fold.h"

#define E(t, a, u) { .thread = (t), .after = (a), .to = (u) }

static const struct deja_script_entry gil[] = {
	E(0, 8034, 1), /* thread 0 waits for thread 1 to start: free */
	E(1, 25, 0),   /* preemption: thread 0 runs into its GIL wait */
	E(0, 8037, 1), /* thread 0 blocked in the wait: free */
	E(1, 27, 0),   /* preemption: thread 0's wait times out */
	E(0, 8039, 1), /* thread 0 waits again: free */
	E(1, 33, 0),   /* thread 1 let go of the GIL: free */
};
static const bool gil_preempt[] = { false, true, false, true, false, false };
static const bool gil_timed_out[] = { false, false, false, true, false, false };
#define NGIL (sizeof(gil) / sizeof(*gil))

static void assert_entry(const struct deja_script_entry *e, uint32_t t, uint64_t a, uint32_t u)
{
	assert_int_equal(e->thread, t);
	assert_int_equal(e->after, a);
	assert_int_equal(e->to, u);
}

static void folds_a_gil_hand_over(void **state)
{
	(void)state;
	struct fold_plan p;
	assert_true(fold_plan(gil, gil_preempt, gil_timed_out, NGIL, 3, &p));
	assert_int_equal(p.stop, 2);
	assert_int_equal(p.q, 1);
	assert_int_equal(fold_count(&p), 3); /* the first preemption at 27, 26, 25 */
	struct deja_script_entry out[NGIL];
	for (uint64_t k = 0; k < 3; k++) {
		assert_int_equal(fold_candidate(gil, NGIL, &p, k, out), NGIL - 1);
		assert_entry(&out[0], 0, 8034, 1);
		assert_entry(&out[1], 1, 27 - k, 0); /* moved */
		assert_entry(&out[2], 0, 8037, 0);   /* the stay: times out at once */
		assert_entry(&out[3], 0, 8039, 1);   /* the timed-out preemption is gone */
		assert_entry(&out[4], 1, 33, 0);
	}
}

static void only_timed_out_preemptions(void **state)
{
	(void)state;
	struct fold_plan p;
	for (uint64_t d = 0; d < NGIL; d++)
		if (d != 3)
			assert_false(fold_plan(gil, gil_preempt, gil_timed_out, NGIL, d, &p));
	/* The thread whose wait timed out had been preempted, not blocked. */
	const bool preempted_stop[] = { false, true, true, true, false, false };
	assert_false(fold_plan(gil, preempted_stop, gil_timed_out, NGIL, 3, &p));
	/* It never ran before: nothing to stay at. */
	const struct deja_script_entry fresh[] = { E(1, 3, 2) };
	const bool yes[] = { true }, timed[] = { true };
	assert_false(fold_plan(fresh, yes, timed, 1, 0, &p));
}

static void moves_nothing_without_a_preemption_of_the_same_thread(void **state)
{
	(void)state;
	/* Thread 0 ran into its wait because thread 2 blocked (free), and
	 * thread 1's preemption ends the wait: fold, but move nothing. */
	const struct deja_script_entry s[] = { E(2, 4, 0), E(0, 10, 1), E(1, 7, 0) };
	const bool preempt[] = { false, false, true }, timed_out[] = { false, false, true };
	struct fold_plan p;
	assert_true(fold_plan(s, preempt, timed_out, 3, 2, &p));
	assert_int_equal(fold_count(&p), 1);
	struct deja_script_entry out[3];
	assert_int_equal(fold_candidate(s, 3, &p, 0, out), 2);
	assert_entry(&out[0], 2, 4, 0);
	assert_entry(&out[1], 0, 10, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folds_a_gil_hand_over),
		cmocka_unit_test(only_timed_out_preemptions),
		cmocka_unit_test(moves_nothing_without_a_preemption_of_the_same_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
