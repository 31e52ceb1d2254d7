/*
 * grow.h: the supervisor's one way to grow an array (never the runtime's,
 * which does not allocate).  It lives with the trace, which every part of
 * the supervisor builds on.
 */
#ifndef DEJA_GROW_H
#define DEJA_GROW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Make room for `need` items of `size` bytes in the array whose address
 * is at `array` (a T ** for an array of T) and whose capacity is *cap:
 * when it is short, reallocate it to the first doubling of *cap (or of
 * `first`, from empty) that holds them.  false, with the array and *cap
 * as they were, when memory runs out or the size would overflow. */
static inline bool grow_array(void *array, size_t *cap, size_t need, size_t size, size_t first)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : first;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return false;
		n *= 2;
	}
	if (size && n > SIZE_MAX / size)
		return false;
	void *items;
	memcpy(&items, array, sizeof(items)); /* any T *, without aliasing it */
	void *grown = realloc(items, n * size);
	if (!grown)
		return false;
	memcpy(array, &grown, sizeof(grown));
	*cap = n;
	return true;
}

#endif /* DEJA_GROW_H */
