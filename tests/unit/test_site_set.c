/*
 * test_site_set.c: the recorder's set of its events' call sites
 * (recorder/site_set.c): each (process, image, address) once however
 * often and in whatever order it comes, no site (address 0) left out of
 * it, and all of them kept as the table grows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "site_set.h"

static int count_of(const struct trace_site_key *k, size_t n, uint32_t process, uint32_t image,
		    uint64_t address)
{
	int c = 0;
	for (size_t i = 0; i < n; i++)
		c += k[i].process == process && k[i].image == image && k[i].address == address;
	return c;
}

static void each_site_once(void **state)
{
	(void)state;
	struct site_set s = { 0 };
	/* 3 processes x 2 images x 5000 addresses, each added three times,
	 * in runs and out of order; and address 0, which is no site. */
	for (int round = 0; round < 3; round++)
		for (uint64_t a = 1; a <= 5000; a++)
			for (uint32_t p = 0; p < 3; p++)
				for (uint32_t img = 0; img < 2; img++) {
					uint64_t addr = 0x400000 + ((a * 7919) % 5000) * 16;
					assert_true(site_set_add(&s, p, img, addr));
					assert_true(site_set_add(&s, p, img, addr));
					assert_true(site_set_add(&s, p, img, 0));
				}
	assert_int_equal(s.n, 3 * 2 * 5000);
	struct trace_site_key *k = malloc(sizeof(*k));
	assert_non_null(k);
	k[0] = (struct trace_site_key){ .process = 9, .image = 9, .address = 9 };
	size_t n = 1;
	assert_true(site_set_append_to(&s, &k, &n));
	assert_int_equal(n, 1 + 3 * 2 * 5000);
	assert_int_equal(k[0].process, 9); /* what was there stays */
	assert_int_equal(count_of(k, n, 2, 1, 0x400000 + 4999 * 16), 1);
	assert_int_equal(count_of(k, n, 0, 0, 0x400000), 1);
	assert_int_equal(count_of(k, n, 1, 1, 0), 0);
	free(k);
	site_set_free(&s);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_site_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
