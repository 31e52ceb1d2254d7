/*
 * fewer_search.h: the last phase of `deja shrink`, a bounded systematic
 * search for a schedule that fails the same way with fewer preemptions.
 *
 * ddmin and the moves (shrink_moves.c) only edit the schedule they have,
 * one or two switches at a time; a run a random walk reached through many
 * preemptions can sit at a local minimum whose failure takes a detour the
 * bug does not need (in CPython, several GIL hand-overs where one would
 * do).  This phase instead enumerates schedules by preemption count, as
 * `deja hunt -s ipb` does (search_ipb.h): every schedule with none, then
 * one, ... up to one fewer than the best so far, and stops at the first
 * that fails the same way, or when its run budget is spent.  Fewest first
 * means the first hit has the fewest preemptions the search can find.
 *
 * The runs are the caller's (a callback), so the search itself runs
 * without processes: tests/unit/test_fewer_search.c drives it with
 * simulated runs and a synthetic oracle.
 */
#ifndef DEJA_FEWER_SEARCH_H
#define DEJA_FEWER_SEARCH_H

#include <stdint.h>

#include "protocol.h"
#include "search_ipb.h"

/* Run one schedule, passing each of its events to ipb_observe(ipb, ev).
 * Returns 1 when the run failed the same way with fewer preemptions than
 * the best, 0 when not, -1 on trouble. */
typedef int (*fewer_run_fn)(void *ctx, const struct deja_script_entry *script, uint64_t len,
			    struct ipb_search *ipb);

/*
 * Search schedules with at most `have - 1` preemptions (have >= 1;
 * capped at IPB_MAX_BOUND), at most max_runs of them.  Returns 1 when a
 * run succeeded (the caller kept it), 0 when none did within the bound
 * or the budget, -1 on trouble (or out of memory).  *runs counts the
 * schedules run.
 */
int fewer_search(uint64_t have, uint64_t max_runs, fewer_run_fn run, void *ctx,
		 uint64_t *runs);

#endif /* DEJA_FEWER_SEARCH_H */
