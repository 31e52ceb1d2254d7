/*
 * hash_wide.h: xxh3 with AVX2 for the bytes of input calls (hash_wide.c).
 */
#ifndef DEJA_HASH_WIDE_H
#define DEJA_HASH_WIDE_H

#include <stdbool.h>
#include <stddef.h>

/* Whether this CPU and kernel run AVX2 code. */
bool rt_hash_wide_ok(void);
/* XXH3_64bits_update of an XXH3_state_t, the AVX2 path: only where
 * rt_hash_wide_ok().  (A void pointer: each file that includes xxHash
 * inline has its type under a name of its own.) */
void rt_hash_wide_update(void *st, const void *p, size_t len);

#endif
