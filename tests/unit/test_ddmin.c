/*
 * test_ddmin.c: delta debugging against synthetic oracles whose answer is
 * known: the result must fail, be 1-minimal, keep the order of the items,
 * and take far fewer tests than trying subsets would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ddmin.h"

/* Fails iff every item of `need` is in the candidate. */
struct needs {
	const size_t *need;
	size_t nneed;
	size_t calls;
	size_t error_at; /* 0: never; else the call that returns DDMIN_ERROR */
};

static bool contains(const size_t *items, size_t n, size_t x)
{
	for (size_t i = 0; i < n; i++)
		if (items[i] == x)
			return true;
	return false;
}

static enum ddmin_verdict needs_all(void *ctx, const size_t *items, size_t n)
{
	struct needs *o = ctx;
	o->calls++;
	if (o->error_at && o->calls == o->error_at)
		return DDMIN_ERROR;
	for (size_t i = 0; i < o->nneed; i++)
		if (!contains(items, n, o->need[i]))
			return DDMIN_PASSES;
	return DDMIN_FAILS;
}

static size_t *iota(size_t n)
{
	size_t *v = malloc((n ? n : 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = i;
	return v;
}

/* No single item of the result can go. */
static void assert_one_minimal(const size_t *items, size_t n, ddmin_oracle oracle, void *ctx)
{
	size_t *less = malloc((n ? n : 1) * sizeof(*less));
	for (size_t drop = 0; drop < n; drop++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (i != drop)
				less[m++] = items[i];
		assert_int_equal(oracle(ctx, less, m), DDMIN_PASSES);
	}
	free(less);
}

static void finds_the_pair_3_17(void **state)
{
	(void)state;
	const size_t need[] = { 3, 17 };
	struct needs o = { .need = need, .nneed = 2 };
	size_t n = 100, *items = iota(n);
	struct ddmin_stats st = { 0 };
	assert_int_equal(ddmin(items, &n, needs_all, &o, &st), DDMIN_OK);
	assert_int_equal(n, 2);
	assert_int_equal(items[0], 3);
	assert_int_equal(items[1], 17);
	assert_int_equal(st.tests, o.calls);
	/* ddmin's bound for a 2-element answer over 100 items is in the
	 * tens of tests; 2^100 subsets is what it saves. */
	assert_true(st.tests < 100);
	assert_one_minimal(items, n, needs_all, &o);
	free(items);
}

static void empty_answer_takes_one_test(void **state)
{
	(void)state;
	struct needs o = { .nneed = 0 };
	size_t n = 40, *items = iota(n);
	struct ddmin_stats st = { 0 };
	assert_int_equal(ddmin(items, &n, needs_all, &o, &st), DDMIN_OK);
	assert_int_equal(n, 0);
	assert_int_equal(st.tests, 1);
	free(items);
}

static void everything_needed_stays(void **state)
{
	(void)state;
	const size_t need[] = { 0, 1, 2, 3, 4, 5, 6 };
	struct needs o = { .need = need, .nneed = 7 };
	size_t n = 7, *items = iota(n);
	struct ddmin_stats st = { 0 };
	assert_int_equal(ddmin(items, &n, needs_all, &o, &st), DDMIN_OK);
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(items[i], i);
	assert_one_minimal(items, n, needs_all, &o);
	free(items);
}

static void single_culprit_in_many_sizes(void **state)
{
	(void)state;
	for (size_t total = 1; total < 70; total += 3)
		for (size_t culprit = 0; culprit < total; culprit += 5) {
			struct needs o = { .need = &culprit, .nneed = 1 };
			size_t n = total, *items = iota(n);
			struct ddmin_stats st = { 0 };
			assert_int_equal(ddmin(items, &n, needs_all, &o, &st), DDMIN_OK);
			assert_int_equal(n, 1);
			assert_int_equal(items[0], culprit);
			free(items);
		}
}

/* Fails iff the candidate holds an even number (>0) of items below 10
 * and item 42: not monotone, so ddmin's answer need not be the smallest,
 * but it must still fail and be 1-minimal. */
static enum ddmin_verdict odd_rule(void *ctx, const size_t *items, size_t n)
{
	(void)ctx;
	size_t low = 0;
	for (size_t i = 0; i < n; i++)
		low += items[i] < 10;
	return low > 0 && low % 2 == 0 && contains(items, n, 42) ? DDMIN_FAILS : DDMIN_PASSES;
}

static void non_monotone_oracle_still_one_minimal(void **state)
{
	(void)state;
	size_t n = 60, *items = iota(n);
	struct ddmin_stats st = { 0 };
	assert_int_equal(ddmin(items, &n, odd_rule, NULL, &st), DDMIN_OK);
	assert_int_equal(odd_rule(NULL, items, n), DDMIN_FAILS);
	assert_one_minimal(items, n, odd_rule, NULL);
	for (size_t i = 1; i < n; i++)
		assert_true(items[i - 1] < items[i]);
	free(items);
}

static void oracle_error_stops_with_a_failing_set(void **state)
{
	(void)state;
	const size_t need[] = { 3, 17 };
	struct needs o = { .need = need, .nneed = 2, .error_at = 6 };
	size_t n = 100, *items = iota(n);
	struct ddmin_stats st = { 0 };
	assert_int_equal(ddmin(items, &n, needs_all, &o, &st), DDMIN_ERR_ORACLE);
	assert_int_equal(st.tests, 6);
	o.error_at = 0;
	assert_int_equal(needs_all(&o, items, n), DDMIN_FAILS);
	free(items);
}

static void budget_stops_after_max_tests(void **state)
{
	(void)state;
	const size_t need[] = { 3, 17 };
	struct needs o = { .need = need, .nneed = 2 };
	size_t n = 100, *items = iota(n);
	struct ddmin_stats st = { .max_tests = 4 };
	assert_int_equal(ddmin(items, &n, needs_all, &o, &st), DDMIN_ERR_BUDGET);
	assert_int_equal(o.calls, 4);
	assert_true(n < 100);
	assert_int_equal(needs_all(&o, items, n), DDMIN_FAILS);
	free(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_the_pair_3_17),
		cmocka_unit_test(empty_answer_takes_one_test),
		cmocka_unit_test(everything_needed_stays),
		cmocka_unit_test(single_culprit_in_many_sizes),
		cmocka_unit_test(non_monotone_oracle_still_one_minimal),
		cmocka_unit_test(oracle_error_stops_with_a_failing_set),
		cmocka_unit_test(budget_stops_after_max_tests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
