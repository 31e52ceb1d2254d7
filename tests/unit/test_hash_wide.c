/*
 * test_hash_wide.c: the runtime's AVX2 xxh3 (runtime/hash_wide.c) gives
 * the digest libxxhash gives, for every length and every way of cutting
 * the bytes into updates, so that a recording made on a machine with AVX2
 * replays on one without it, and the other way round.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <xxhash.h>

#include "hash_wide.h"

static void wide_and_narrow_agree(void **state)
{
	(void)state;
	if (!rt_hash_wide_ok())
		skip();
	enum { MAX = 70000 };
	uint8_t *buf = malloc(MAX);
	assert_non_null(buf);
	uint64_t x = 88172645463325252ull;
	for (size_t i = 0; i < MAX; i++) { /* xorshift: bytes with no pattern */
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	static const size_t lengths[] = { 0, 1, 63, 64, 240, 241, 511, 512, 1024, 4096,
					  4097, 65536, MAX };
	static const size_t pieces[] = { 1, 7, 512, 4096, 65536 };
	for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
		size_t len = lengths[l];
		for (size_t k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
			XXH3_state_t *st = XXH3_createState();
			assert_non_null(st);
			XXH3_64bits_reset(st);
			for (size_t at = 0; at < len; at += pieces[k]) {
				size_t n = len - at < pieces[k] ? len - at : pieces[k];
				rt_hash_wide_update(st, buf + at, n);
			}
			assert_int_equal(XXH3_64bits_digest(st), XXH3_64bits(buf, len));
			XXH3_freeState(st);
		}
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wide_and_narrow_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
