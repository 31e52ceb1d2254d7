/*
 * script.h: schedules as lists of switches (struct deja_script_entry).
 *
 * A recorded run's schedule (the thread of each event) turns into the
 * script that re-creates it under the nonpreemptive default: one entry per
 * context switch.  Pure functions, linked into the runtime (lookup) and
 * the supervisor (shrink, iterative preemption bounding).
 */
#ifndef DEJA_SCRIPT_H
#define DEJA_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

/* The entry for the choice made after `thread` executed `after` events,
 * or NULL.  script must be sorted (deja_script_sort). */
const struct deja_script_entry *deja_script_find(const struct deja_script_entry *script,
						 uint64_t len, uint32_t thread, uint64_t after);

/* Sort by (thread, after); drop later duplicates of the same point.
 * Returns the new length. */
uint64_t deja_script_sort(struct deja_script_entry *script, uint64_t len);

/*
 * The switches of a schedule: threads[i] ran event i, preempt[i] is true
 * when event i preempted the thread before it.  Writes one entry per
 * switch into out (room for n entries) in event order, and sets
 * out_preempt[j] for entries that are preemptions (may be NULL).
 * Returns the number of entries.
 */
uint64_t deja_script_from_schedule(const uint32_t *threads, const bool *preempt,
				   uint64_t n, struct deja_script_entry *out,
				   bool *out_preempt);

#endif /* DEJA_SCRIPT_H */
