/*
 * shrink_moves.c: going below a removal-minimum.  ddmin and the
 * 1-minimality check only remove switches; these moves change one or two
 * at a time (drop a preemption and move another, send a forced switch to
 * another thread), fold a GIL-style preemption into a timeout
 * (shrink_fold.h), search schedules with fewer preemptions
 * (fewer_search.h), or, for a small run, try every one-switch schedule,
 * and keep a candidate only when it fails the same way with fewer
 * preemptions.
 */
#include <assert.h>
#include <stdint.h>

#include "fewer_search.h"
#include "shrink.h"
#include "shrink_fold.h"

static uint64_t events_of(const struct shrink *s, uint32_t thread)
{
	for (size_t i = 0; i < s->nthreads; i++)
		if (s->threads[i].id == thread)
			return s->threads[i].events;
	return 0;
}

static bool point_taken(const struct shrink *s, uint64_t skip, uint32_t thread, uint64_t after)
{
	for (uint64_t i = 0; i < s->nscript; i++)
		if (i != skip && s->script[i].thread == thread && s->script[i].after == after)
			return true;
	return false;
}

/* The script without entry `drop` and with entry `move` at `after`,
 * switching to `to`. */
static uint64_t moved(struct shrink *s, uint64_t drop, uint64_t move, uint64_t after,
		      uint32_t to)
{
	uint64_t m = 0;
	for (uint64_t i = 0; i < s->nscript; i++) {
		if (i == drop)
			continue;
		s->cand[m] = s->script[i];
		if (i == move) {
			s->cand[m].after = after;
			s->cand[m].to = to;
		}
		m++;
	}
	return m;
}

/* The candidate (n entries, made by moved(s, d, ...)) without the forced
 * switches other than entry `keep`: with one switch sent elsewhere, the
 * forced ones after it may now name threads that cannot run, and the
 * nonpreemptive default is the better guess. */
static uint64_t without_forced(struct shrink *s, uint64_t n, uint64_t keep, uint64_t d)
{
	uint64_t m = 0, i = 0;
	for (uint64_t k = 0; k < s->nscript; k++) {
		if (k == d)
			continue;
		if (k == keep || s->preempt[k])
			s->cand[m++] = s->cand[i];
		i++;
	}
	assert(i == n);
	return m;
}

/* Run a candidate that must beat the best's preemption count: 1 it did,
 * 0 not, -1 trouble or the run budget is spent. */
static int beats_best(struct shrink *s, uint64_t n)
{
	uint64_t limit = s->best.preemptions ? s->best.preemptions - 1 : 0;
	if (s->prog.runs - s->schedule_start >= s->a.max_runs || !shrink_may_search(s) ||
	    (s->moves_until && s->prog.runs >= s->moves_until))
		return -1;
	enum ddmin_verdict v = shrink_try_limited(s, s->cand, n, limit);
	return v == DDMIN_FAILS ? 1 : v == DDMIN_PASSES ? 0 : -1;
}

/* Drop preemption d and send switch m to another thread.  Which thread
 * runs when one blocks is a free choice, not a preemption; and a
 * preemption back to a thread that now waits would be ignored. */
static int try_retargets(struct shrink *s, uint64_t d)
{
	for (uint64_t m = 0; m < s->nscript; m++) {
		if (m == d)
			continue;
		const struct deja_script_entry e = s->script[m];
		for (size_t t = 0; t < s->nthreads; t++) {
			uint32_t to = s->threads[t].id;
			if (to == e.to || to == e.thread)
				continue;
			int r = beats_best(s, moved(s, d, m, e.after, to));
			if (r == 0)
				r = beats_best(s, without_forced(s, moved(s, d, m, e.after, to), m, d));
			if (r != 0)
				return r;
		}
	}
	return 0;
}

/* Fold the GIL-style preemptions (shrink_fold.h), one at a time, each
 * with its candidates in turn. */
int shrink_try_folds(struct shrink *s)
{
	for (uint64_t d = 0; d < s->nscript; d++) {
		struct fold_plan plan;
		if (!fold_plan(s->script, s->preempt, s->timed_out, s->nscript, d, &plan))
			continue;
		for (uint64_t k = 0; k < fold_count(&plan); k++) {
			int r = beats_best(s, fold_candidate(s->script, s->nscript, &plan, k, s->cand));
			if (r != 0)
				return r;
		}
	}
	return 0;
}

/* The candidate moved(s, d, m, at, to) with m's thread's later switches
 * shifted by as much as m was: dropping d often adds or removes events
 * of that thread before m (a wait for CPython's GIL it no longer
 * makes), which shifts all its later points alike, and a switch left at
 * its old count would land elsewhere (a preemption, or nothing). */
static uint64_t moved_with_tail(struct shrink *s, uint64_t d, uint64_t m, uint64_t at)
{
	uint64_t n = moved(s, d, m, at, s->script[m].to);
	uint32_t thread = s->script[m].thread;
	uint64_t from = s->script[m].after;
	bool shifted = false;
	for (uint64_t i = m + 1, j = m + (d > m ? 1 : 0); i < s->nscript; i++) {
		if (i == d)
			continue;
		if (s->script[i].thread == thread) {
			s->cand[j].after = s->cand[j].after - from + at;
			shifted = true;
		}
		j++;
	}
	return shifted ? n : 0;
}

/* Drop preemption d and move preemption m by `delta` events (sign: +1
 * later, -1 earlier): as it is, then with its thread's later switches
 * shifted along.  Returns as beats_best; 0 for a point that is not. */
static int try_move(struct shrink *s, uint64_t d, uint64_t m, uint64_t delta, int sign)
{
	const struct deja_script_entry e = s->script[m];
	if (sign < 0 && delta > e.after)
		return 0;
	uint64_t at = sign > 0 ? e.after + delta : e.after - delta;
	if (at > events_of(s, e.thread) || point_taken(s, m, e.thread, at))
		return 0;
	int r = beats_best(s, moved(s, d, m, at, e.to));
	if (r == 0) {
		uint64_t n = moved_with_tail(s, d, m, at);
		r = n ? beats_best(s, n) : 0;
	}
	return r;
}

/* Every move of one preemption by a distance from `from` to `to`
 * (inclusive) with another dropped, nearest first, over all pairs at
 * once.  Returns as beats_best. */
static int try_moves_between(struct shrink *s, uint64_t from, uint64_t to)
{
	for (uint64_t delta = from; delta <= to; delta++)
		for (uint64_t d = 0; d < s->nscript; d++)
			for (uint64_t m = 0; m < s->nscript && s->preempt[d]; m++) {
				if (m == d || !s->preempt[m])
					continue;
				for (int sign = 1; sign >= -1; sign -= 2) {
					int r = try_move(s, d, m, delta, sign);
					if (r != 0)
						return r;
				}
			}
	return 0;
}

/*
 * Removal alone stops at a 1-minimal run, which may still have more
 * preemptions than the bug needs: in atomicity, "switch to the new thread
 * right after creating it" and "switch back after its check" can be
 * replaced by one "switch after the main thread's check".  So: drop one
 * preemption and move another to each other point of its thread, or send
 * a switch elsewhere, until a run with fewer preemptions fails the same
 * way.  The moves go by distance, nearest first, over all pairs at once,
 * the near ones (up to NEAR_MOVES events) before the retargets and the
 * far ones after: pair by pair, moving one preemption of CPython's main
 * thread (8,000 events) took the whole run budget before the next
 * pair's nearest points were tried.  Returns 1 when one did (it is the
 * new best), 0 when none did, -1 on trouble or when the run budget is
 * spent.
 */
#define NEAR_MOVES 32

int shrink_try_moves(struct shrink *s)
{
	int r = try_moves_between(s, 1, NEAR_MOVES);
	for (uint64_t d = 0; d < s->nscript && r == 0; d++)
		r = s->preempt[d] ? try_retargets(s, d) : 0;
	uint64_t longest = 0;
	for (size_t t = 0; t < s->nthreads; t++)
		longest = s->threads[t].events > longest ? s->threads[t].events : longest;
	return r != 0 ? r : try_moves_between(s, NEAR_MOVES + 1, longest);
}

/*
 * The nearest moves alone, at most `budget` runs of them, before the
 * fewer-preemption search.  In a CPython run with --python-lines (25,000
 * events, 13 preemptions, py_shop_race) the search never gets past its
 * one-preemption schedules at the first 500 points and spent its 500 runs
 * (43 s of a 60 s --search-time) for nothing, where moving a preemption
 * a few events with another dropped found a smaller run in 24.  The
 * search still comes before the far moves and the retargets: it is what
 * finds py_job_queue's single GIL hand-over.  Returns as try_moves, but 0
 * when only this budget is spent.
 */
int shrink_try_near_moves(struct shrink *s, uint64_t budget)
{
	s->moves_until = s->prog.runs + budget;
	int r = try_moves_between(s, 1, NEAR_MOVES);
	bool spent = s->prog.runs >= s->moves_until;
	s->moves_until = 0;
	if (r < 0 && spent && s->trouble == TRIAL_OK && !s->search_out_of_time &&
	    s->prog.runs - s->schedule_start < s->a.max_runs)
		return 0;
	return r;
}

/*
 * The moves above change one or two switches at a time, so a run the
 * hunt reached through many preemptions (after --input, a random walk's)
 * can sit at a removal-minimum far above the bug's.  When the run is
 * small, try every schedule with exactly one switch, "when T has executed
 * k events, run U", all else nonpreemptive: that is preemption bounding
 * at bound 1 over the best run's points.  Returns as try_moves.
 */
#define SINGLE_SWITCH_MAX 2000

int shrink_try_single_switch(struct shrink *s)
{
	uint64_t total = 0;
	for (size_t i = 0; i < s->nthreads; i++)
		total += (s->threads[i].events + 1) * (s->nthreads - 1);
	if (s->best.preemptions <= 1 || total > SINGLE_SWITCH_MAX)
		return 0;
	for (size_t i = 0; i < s->nthreads; i++) {
		const struct trace_thread *t = &s->threads[i];
		for (uint64_t k = 0; k <= t->events; k++) {
			for (size_t j = 0; j < s->nthreads; j++) {
				if (j == i)
					continue;
				s->cand[0] = (struct deja_script_entry){ .thread = t->id, .after = k,
									 .to = s->threads[j].id };
				int r = beats_best(s, 1);
				if (r != 0)
					return r;
			}
		}
	}
	return 0;
}


/*
 * The one-switch schedules above switch at events only, and so does the
 * fewer-preemption search; a bug whose window lies inside plain code
 * (a program built with `deja cflags`) needs its switch at a tick: "when
 * T has executed k events, stop it at its tick N, run U".  Which ticks
 * fall between which events is not in the trace, so for a small run
 * every (k, N) pair is tried, N up to the ticks T passed in the best
 * run; a pair whose tick T does not reach before its next event changes
 * nothing and passes.  Returns as try_moves.
 */
#define TICK_SWITCH_MAX 4000

int shrink_try_tick_switch(struct shrink *s)
{
	uint64_t total = 0;
	for (size_t i = 0; i < s->nthreads; i++)
		total += (s->threads[i].events + 1) * s->threads[i].ticks * (s->nthreads - 1);
	if (s->best.preemptions <= 1 || total == 0 || total > TICK_SWITCH_MAX)
		return 0;
	for (size_t i = 0; i < s->nthreads; i++) {
		const struct trace_thread *t = &s->threads[i];
		for (uint64_t tick = 1; tick <= t->ticks; tick++)
			for (uint64_t k = 0; k <= t->events; k++)
				for (size_t j = 0; j < s->nthreads; j++) {
					if (j == i)
						continue;
					s->cand[0] = (struct deja_script_entry){
						.thread = t->id, .after = k, .to = s->threads[j].id,
						.tick = tick };
					int r = beats_best(s, 1);
					if (r != 0)
						return r;
				}
	}
	return 0;
}

/* The fewer-preemption search's runs: trials whose events ipb learns
 * from. */
static void observe_ipb(void *ctx, const struct deja_event *ev)
{
	ipb_observe(ctx, ev);
}

static int search_run(void *ctx, const struct deja_script_entry *script, uint64_t len,
		      struct ipb_search *ipb)
{
	struct shrink *s = ctx;
	if (!shrink_may_search(s))
		return -1;
	s->prog.observe = observe_ipb;
	s->prog.observe_ctx = ipb;
	enum ddmin_verdict v = shrink_try_limited(s, script, len, s->best.preemptions - 1);
	s->prog.observe = NULL;
	s->prog.observe_ctx = NULL;
	return v == DDMIN_FAILS ? 1 : v == DDMIN_PASSES ? 0 : -1;
}

/*
 * Last resort below a local minimum: schedules with fewer preemptions
 * than the best, fewest first (fewer_search.h), at most SEARCH_MAX_RUNS
 * of them and never past --max-runs.  A CPython run whose removal-minimum
 * is several GIL hand-overs deep gets to the one hand-over the bug needs
 * this way (py_job_queue: in about 150 runs).  Returns as try_moves,
 * except that an exhausted search budget is 0: the moves may still help.
 */
#define SEARCH_MAX_RUNS 500

int shrink_try_search(struct shrink *s)
{
	if (s->best.preemptions <= 1)
		return 0;
	uint64_t used = s->prog.runs - s->schedule_start;
	if (used >= s->a.max_runs)
		return -1;
	uint64_t budget = s->a.max_runs - used;
	uint64_t runs;
	return fewer_search(s->best.preemptions, budget < SEARCH_MAX_RUNS ? budget : SEARCH_MAX_RUNS,
			    search_run, s, &runs);
}
