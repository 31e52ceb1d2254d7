/*
 * shrink_fold.c: the fold move's candidates (see shrink_fold.h).
 */
#include "shrink_fold.h"

/* The last entry before `before` at which `thread` stopped running. */
static uint64_t last_stop(const struct deja_script_entry *script, uint64_t before,
			  uint32_t thread)
{
	for (uint64_t i = before; i-- > 0;)
		if (script[i].thread == thread)
			return i;
	return FOLD_NONE;
}

/* The last entry before `before` that switched to `thread`. */
static uint64_t last_resume(const struct deja_script_entry *script, uint64_t before,
			    uint32_t thread)
{
	for (uint64_t i = before; i-- > 0;)
		if (script[i].to == thread && script[i].thread != thread)
			return i;
	return FOLD_NONE;
}

bool fold_plan(const struct deja_script_entry *script, const bool *preempt,
	       const bool *timed_out, uint64_t n, uint64_t d, struct fold_plan *plan)
{
	if (d >= n || !preempt[d] || !timed_out[d])
		return false;
	uint64_t stop = last_stop(script, d, script[d].to);
	if (stop == FOLD_NONE || preempt[stop])
		return false; /* u never ran, or was preempted, not blocked */
	*plan = (struct fold_plan){ .d = d, .stop = stop, .q = FOLD_NONE };
	uint64_t q = last_resume(script, stop, script[d].to);
	if (q != FOLD_NONE && preempt[q] && script[q].thread == script[d].thread &&
	    script[q].after < script[d].after) {
		plan->q = q;
		plan->q_from = script[q].after;
		plan->q_to = script[d].after;
	}
	return true;
}

uint64_t fold_count(const struct fold_plan *plan)
{
	return plan->q == FOLD_NONE ? 1 : plan->q_to - plan->q_from + 1;
}

uint64_t fold_candidate(const struct deja_script_entry *script, uint64_t n,
			const struct fold_plan *plan, uint64_t k, struct deja_script_entry *out)
{
	uint64_t m = 0;
	for (uint64_t i = 0; i < n; i++) {
		if (i == plan->d)
			continue;
		out[m] = script[i];
		if (i == plan->stop)
			out[m].to = out[m].thread;
		if (i == plan->q)
			out[m].after = plan->q_to - k;
		m++;
	}
	return m;
}
