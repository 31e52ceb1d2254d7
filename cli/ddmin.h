/*
 * ddmin.h: delta debugging (Zeller and Hildebrandt's ddmin), pure.
 *
 * Given a set of items for which a test fails, find a subset that still
 * fails and is 1-minimal: removing any single item makes the test pass.
 * The items are opaque indices; the oracle decides what a subset means
 * (`deja shrink` maps them to script entries or to input lines and bytes).
 * No I/O here, so tests/unit/test_ddmin.c checks it with a synthetic oracle.
 */
#ifndef DEJA_DDMIN_H
#define DEJA_DDMIN_H

#include <stddef.h>

enum ddmin_verdict {
	DDMIN_FAILS = 0, /* the candidate fails the same way: keep it */
	DDMIN_PASSES,    /* it passes, or fails another way */
	DDMIN_ERROR,     /* the test itself could not be run: stop */
};

enum ddmin_status {
	DDMIN_OK = 0,
	DDMIN_ERR_ORACLE, /* the oracle returned DDMIN_ERROR */
	DDMIN_ERR_NOMEM,
	DDMIN_ERR_BUDGET, /* max_tests reached; items holds the best so far */
};

/* Test the subset items[0..n) (in their original order). */
typedef enum ddmin_verdict (*ddmin_oracle)(void *ctx, const size_t *items, size_t n);

struct ddmin_stats {
	size_t tests;     /* oracle calls */
	size_t max_tests; /* 0: no limit */
};

/*
 * Reduce items[0..*n) in place to a 1-minimal failing subset, keeping the
 * order.  The caller has checked that the whole set fails.  The empty set
 * is tried first (one test), since "no item is needed" is a common answer
 * for schedules.  On an error *n and items hold the smallest failing
 * subset found so far.
 */
enum ddmin_status ddmin(size_t *items, size_t *n, ddmin_oracle oracle, void *ctx,
			struct ddmin_stats *stats);

#endif /* DEJA_DDMIN_H */
