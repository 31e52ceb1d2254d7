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

/*
 * Whether an event with these flags counts towards its thread's script
 * position (`after`), given *last_alone, whether the process's event
 * before it was alone (false before the first), which it then updates.
 * A thread alone (DEJA_EVENT_ALONE: no other thread was live) has nobody
 * to switch to, and how many events it makes then depends on the world (a
 * larger directory listed, an import found elsewhere), which would
 * otherwise move every later entry of a script recorded in another run;
 * so a stretch of such events counts as one, its first.  Not as none:
 * two choices of a thread with a stretch between them (it ran alone
 * after the others ended, then made a new thread) keep two positions.
 * The model (script_events) and every reader of a trace count this one
 * way.
 */
static inline bool deja_script_counts(uint32_t flags, bool *last_alone)
{
	bool alone = (flags & DEJA_EVENT_ALONE) != 0;
	bool counts = !(alone && *last_alone);
	*last_alone = alone;
	return counts;
}

/* The entry for the choice made after `thread` executed `after` events,
 * or NULL.  script must be sorted (deja_script_sort). */
const struct deja_script_entry *deja_script_find(const struct deja_script_entry *script,
						 uint64_t len, uint32_t thread, uint64_t after);

/* Sort by (thread, after); drop later duplicates of the same point.
 * Returns the new length. */
uint64_t deja_script_sort(struct deja_script_entry *script, uint64_t len);

/*
 * The switches of a schedule: threads[i] ran event i, preempt[i] is true
 * when event i preempted the thread before it, yields[i] when event i was
 * one the default would switch away before (a yield, a sleep, a syscall
 * that may wait, a timed wait that timed out), and ticks[i] is the tick count of event i when it was a
 * stop in plain code (a TICK event), else 0, and final_stops[t] the tick
 * thread t was still stopped at when the run ended, or DEJA_NO_TICK
 * (yields, ticks and final_stops may be NULL).  Writes one entry per switch into out (room for n entries) in
 * event order, plus one that keeps the thread where a yielding event of
 * the running thread came next, and sets out_preempt[j] for entries that
 * are preemptions and out_event[j] to the index of the event the entry
 * leads to (both may be NULL).  A tick stop the thread went on from is
 * no switch and is left out, also from the threads' event counts, since
 * the script's run makes no such stop.  counted[i] says whether event i
 * counts towards its thread's position (deja_script_counts; NULL: every
 * event counts).  Returns the number of entries.
 */
uint64_t deja_script_from_schedule(const uint32_t *threads, const bool *preempt,
				   const bool *yields, const bool *counted, const uint64_t *ticks,
				   const uint64_t *final_stops, uint64_t n,
				   struct deja_script_entry *out, bool *out_preempt,
				   uint64_t *out_event);

#endif /* DEJA_SCRIPT_H */
