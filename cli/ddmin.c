/*
 * ddmin.c: delta debugging (see ddmin.h).
 *
 * The set is cut into `parts` chunks of near-equal size.  If one chunk
 * alone fails, it becomes the set and we start again with two chunks; if
 * the set without one chunk fails, that complement becomes the set and the
 * granularity drops by one; otherwise the granularity doubles, up to one
 * item per chunk, where nothing failing means the set is 1-minimal.
 */
#include "ddmin.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct run {
	ddmin_oracle oracle;
	void *ctx;
	struct ddmin_stats *stats;
	size_t *scratch;
};

/* Chunk i of parts over n items: [start, end). */
static void chunk(size_t n, size_t parts, size_t i, size_t *start, size_t *end)
{
	*start = n * i / parts;
	*end = n * (i + 1) / parts;
}

static enum ddmin_verdict test(struct run *r, const size_t *items, size_t n)
{
	if (r->stats->max_tests && r->stats->tests >= r->stats->max_tests)
		return DDMIN_ERROR;
	r->stats->tests++;
	return r->oracle(r->ctx, items, n);
}

static enum ddmin_status verdict_error(const struct run *r)
{
	if (r->stats->max_tests && r->stats->tests >= r->stats->max_tests)
		return DDMIN_ERR_BUDGET;
	return DDMIN_ERR_ORACLE;
}

/* Try each chunk alone; on a failing one, make it the set. */
static int try_chunks(struct run *r, size_t *items, size_t *n, size_t parts)
{
	for (size_t i = 0; i < parts; i++) {
		size_t s, e;
		chunk(*n, parts, i, &s, &e);
		enum ddmin_verdict v = test(r, items + s, e - s);
		if (v == DDMIN_ERROR)
			return -1;
		if (v == DDMIN_FAILS) {
			memmove(items, items + s, (e - s) * sizeof(*items));
			*n = e - s;
			return 1;
		}
	}
	return 0;
}

/* Try the set without each chunk; on a failing one, make it the set. */
static int try_complements(struct run *r, size_t *items, size_t *n, size_t parts)
{
	for (size_t i = 0; i < parts; i++) {
		size_t s, e;
		chunk(*n, parts, i, &s, &e);
		memcpy(r->scratch, items, s * sizeof(*items));
		memcpy(r->scratch + s, items + e, (*n - e) * sizeof(*items));
		size_t m = *n - (e - s);
		enum ddmin_verdict v = test(r, r->scratch, m);
		if (v == DDMIN_ERROR)
			return -1;
		if (v == DDMIN_FAILS) {
			memcpy(items, r->scratch, m * sizeof(*items));
			*n = m;
			return 1;
		}
	}
	return 0;
}

enum ddmin_status ddmin(size_t *items, size_t *n, ddmin_oracle oracle, void *ctx,
			struct ddmin_stats *stats)
{
	assert(items || *n == 0);
	struct run r = { .oracle = oracle, .ctx = ctx, .stats = stats };
	if (*n == 0)
		return DDMIN_OK;
	enum ddmin_verdict v = test(&r, items, 0);
	if (v == DDMIN_ERROR)
		return verdict_error(&r);
	if (v == DDMIN_FAILS) {
		*n = 0;
		return DDMIN_OK;
	}
	r.scratch = malloc(*n * sizeof(*items));
	if (!r.scratch)
		return DDMIN_ERR_NOMEM;
	size_t parts = 2;
	enum ddmin_status st = DDMIN_OK;
	while (*n >= 2) {
		if (parts > *n)
			parts = *n;
		int got = try_chunks(&r, items, n, parts);
		if (got > 0) {
			parts = 2;
			continue;
		}
		/* With two chunks the complements are the chunks again. */
		if (got == 0 && parts > 2)
			got = try_complements(&r, items, n, parts);
		if (got < 0) {
			st = verdict_error(&r);
			break;
		}
		if (got > 0) {
			parts = parts > 3 ? parts - 1 : 2;
			continue;
		}
		if (parts >= *n)
			break; /* every single item was needed: 1-minimal */
		parts = parts * 2 < *n ? parts * 2 : *n;
	}
	free(r.scratch);
	return st;
}
