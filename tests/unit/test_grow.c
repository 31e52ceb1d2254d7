/*
 * test_grow.c: grow_array (trace/grow.h), the supervisor's one way to
 * grow an array: it doubles from `first`, keeps what was there, leaves an
 * array with room alone, and refuses a size that would overflow without
 * touching the array.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "grow.h"

static void grows_by_doubling_and_keeps_items(void **state)
{
	(void)state;
	uint64_t *v = NULL;
	size_t cap = 0;
	for (uint64_t i = 0; i < 1000; i++) {
		assert_true(grow_array(&v, &cap, i + 1, sizeof(*v), 16));
		v[i] = i * 7;
	}
	assert_int_equal(cap, 1024); /* 16 doubled six times */
	for (uint64_t i = 0; i < 1000; i++)
		assert_int_equal(v[i], i * 7);
	free(v);
}

static void leaves_an_array_with_room_alone(void **state)
{
	(void)state;
	char *v = NULL;
	size_t cap = 0;
	assert_true(grow_array(&v, &cap, 0, 1, 64)); /* nothing needed: no allocation */
	assert_null(v);
	assert_int_equal(cap, 0);
	assert_true(grow_array(&v, &cap, 10, 1, 64));
	char *was = v;
	assert_true(grow_array(&v, &cap, 64, 1, 64));
	assert_ptr_equal(v, was);
	assert_int_equal(cap, 64);
	free(v);
}

static void refuses_an_overflowing_size(void **state)
{
	(void)state;
	uint64_t *v = NULL;
	size_t cap = 0;
	assert_true(grow_array(&v, &cap, 4, sizeof(*v), 4));
	uint64_t *was = v;
	assert_false(grow_array(&v, &cap, SIZE_MAX / 4, sizeof(*v), 4));
	assert_ptr_equal(v, was);
	assert_int_equal(cap, 4);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grows_by_doubling_and_keeps_items),
		cmocka_unit_test(leaves_an_array_with_room_alone),
		cmocka_unit_test(refuses_an_overflowing_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
