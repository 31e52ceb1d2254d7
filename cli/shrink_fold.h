/*
 * shrink_fold.h: the fold move of `deja shrink`, as pure functions over a
 * script (no runs), so that tests/unit/test_shrink_fold.c can check the
 * candidates it makes.
 *
 * A preemption whose event is a timed wait timing out (the entry's
 * `timed_out` flag) ends the wait of the thread it switches to, u, which
 * had blocked in it earlier: at `stop`, u's last entry before, the run
 * switched away from u for free.  In CPython that is a GIL hand-over: u
 * waits 5 ms for the GIL, and timing out asks the holder to let go.  The
 * fold drops the preemption and makes `stop` a stay (u's wait times out
 * at once, where it began: a free choice, since u was the running thread
 * and could not go on), so the hand-over happens without the preemption.
 * ddmin cannot find this: it only removes switches, and removing this
 * one leaves u waiting.
 *
 * The holder lets go at its next check after the timeout, and where that
 * falls decides the run.  So when a preemption q of the same thread had
 * let u run into its wait, the fold also moves q: to the dropped
 * preemption's point first (the hand-over then comes where it came
 * before), then one event earlier at a time, down to q's own point.
 */
#ifndef DEJA_SHRINK_FOLD_H
#define DEJA_SHRINK_FOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"

#define FOLD_NONE UINT64_MAX

struct fold_plan {
	uint64_t d;    /* the timed-out preemption dropped */
	uint64_t stop; /* u's entry made a stay */
	uint64_t q;    /* the preemption moved, or FOLD_NONE */
	uint64_t q_from, q_to; /* q's points, tried from q_to down to q_from */
};

/* The fold of entry d, if d is a timed-out preemption with a free stop
 * before it.  Entries are in the order of the run. */
bool fold_plan(const struct deja_script_entry *script, const bool *preempt,
	       const bool *timed_out, uint64_t n, uint64_t d, struct fold_plan *plan);

/* How many candidates the plan makes (at least 1). */
uint64_t fold_count(const struct fold_plan *plan);

/* Candidate k (0: the likeliest) into out (room for n entries); returns
 * its length, n - 1. */
uint64_t fold_candidate(const struct deja_script_entry *script, uint64_t n,
			const struct fold_plan *plan, uint64_t k, struct deja_script_entry *out);

#endif /* DEJA_SHRINK_FOLD_H */
