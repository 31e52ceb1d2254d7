/*
 * hash_wide.c: xxh3 over large runs of bytes with AVX2, where the CPU has
 * it.
 *
 * The runtime hashes every byte a program reads (the event's digest,
 * io_buffers.c), and xxHash, included inline as the runtime's rules want
 * (no library of its own to call into), is built for the baseline x86-64
 * of the rest of the runtime: SSE2.  This file alone is compiled with
 * -mavx2 (runtime/CMakeLists.txt), so its copy of xxh3 takes the wide
 * path; io_buffers.c calls it only after the CPU (and the kernel, which
 * must save the wide registers) said it may.  The hash is the same
 * whichever path computes it: xxh3's result does not depend on the
 * vector width.
 */
#include "hash_wide.h"

#define XXH_INLINE_ALL
#define XXH_VECTOR XXH_AVX2
#include <xxhash.h>

bool rt_hash_wide_ok(void)
{
	__builtin_cpu_init(); /* libgcc's constructor may not have run yet */
	return __builtin_cpu_supports("avx2");
}

void rt_hash_wide_update(void *st, const void *p, size_t len)
{
	XXH3_64bits_update((XXH3_state_t *)st, p, len);
}
