/*
 * tick_counters.c: one thread's tick count, kept in several countdowns.
 *
 * Each instrumented module (the program, a shared library built with
 * `deja cflags`) counts its ticks itself, in its own thread-local
 * countdown (runtime/deja-ticks.h), and calls in (ticks.c) only when that
 * reaches zero; code built with bare trace-pc uses the runtime's own
 * countdown.  This file keeps, per thread, the countdowns that have called
 * in and what each was last set to, so that the thread's tick count, the
 * one the scheduler and the trace see, is their sum: `base`, the count
 * when they were last set, plus what each has counted down since.  That is
 * a pure function of the thread's path whatever modules its ticks fall in.
 *
 * Arithmetic wraps: a countdown left at zero (or run past it by a signal
 * handler inside the slow path) counts on from 2^64 - 1, which the sum
 * sees as one tick more.
 */
#define _GNU_SOURCE
#include "runtime.h"

/* Modules with ticks a thread can count; a further module's ticks are not
 * counted (its countdown is left to wrap), as if it were not instrumented. */
#define MAX_COUNTERS 32

static __thread uint64_t *counter[MAX_COUNTERS] __attribute__((tls_model("initial-exec")));
static __thread uint64_t set_to[MAX_COUNTERS] __attribute__((tls_model("initial-exec")));
static __thread uint32_t ncounters __attribute__((tls_model("initial-exec")));
static __thread uint64_t base __attribute__((tls_model("initial-exec")));

uint64_t rt_tick_count(void)
{
	uint64_t ticks = base;
	for (uint32_t i = 0; i < ncounters; i++)
		ticks += set_to[i] - *counter[i];
	return ticks;
}

void rt_tick_counter_join(uint64_t *c)
{
	for (uint32_t i = 0; i < ncounters; i++)
		if (counter[i] == c)
			return;
	if (ncounters == MAX_COUNTERS)
		return;
	/* A countdown calls in first from its initial 1: it has counted one
	 * tick, the one that called in. */
	counter[ncounters] = c;
	set_to[ncounters] = 1;
	ncounters++;
}

/*
 * Every countdown gets ticks / n (at least 1): whichever reaches zero
 * first, the others have counted at most one less each, so the thread
 * calls in after at most `ticks` ticks (at exactly `ticks` when only one
 * countdown counts) and never passes the tick it must stop at.  With ticks
 * spread over n modules it calls in early, and is set again for the rest.
 */
void rt_tick_arm(uint64_t ticks)
{
	uint64_t each = ncounters ? ticks / ncounters : 0;
	if (each == 0)
		each = 1;
	base = rt_tick_count();
	for (uint32_t i = 0; i < ncounters; i++) {
		set_to[i] = each;
		*counter[i] = each;
	}
}
