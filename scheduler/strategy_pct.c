/*
 * strategy_pct.c: probabilistic concurrency testing (Burckhardt, Kothari,
 * Musuvathi, Nagarakatte, ASPLOS 2010), "pct:D" with bug depth D (default
 * 3, at most 9).
 *
 * Every thread gets a random priority, distinct and above D, when it is
 * first seen; at each scheduling point the enabled thread with the highest
 * priority runs.  D-1 change points are drawn uniformly over the expected
 * length of a run (m->pct_steps: deja hunt sets it from the runs it has
 * seen; 1000 until then); when the run reaches the i-th, the thread running
 * gets priority i, below every initial one.  For a program with n threads
 * and k steps this finds any bug of depth D with probability at least
 * 1 / (n * k^(D-1)) per run, whatever the bug: the paper's guarantee.
 *
 * In a program built with `deja cflags` the run is also measured in ticks
 * (basic blocks, runtime/ticks.c): D-1 more change points are drawn over
 * the expected ticks of a run (m->expected_ticks: deja hunt sets it from
 * the runs it has seen; 10000 until then), from the ticks' own PRNG.  The
 * thread that passes one is offered a preemption exactly there, and
 * lowered like at a step change point.
 *
 * A thread that yields (sched_yield, a sleep) drops below every other
 * enabled thread, as a thread asking to let the others run should; a
 * thread whose timed wait times out, below every other that could run or
 * time out.
 */
#include "strategy.h"

#include <stdlib.h>

#define PCT_DEFAULT_DEPTH 3
#define PCT_DEFAULT_STEPS 1000
#define PCT_DEFAULT_TICKS 10000

static int configure(struct deja_model *m, const char *param, char *err, size_t errlen)
{
	long depth = PCT_DEFAULT_DEPTH;
	if (param) {
		char *end;
		depth = strtol(param, &end, 10);
		if (*param == '\0' || *end != '\0' || depth < 1 || depth > 9) {
			deja_strategy_error(err, errlen, "pct:DEPTH takes a number from 1 to 9, not ",
					    param);
			return -1;
		}
	}
	m->strategy_param = (uint32_t)depth;
	if (!m->pct_steps)
		m->pct_steps = PCT_DEFAULT_STEPS;
	for (uint32_t i = 0; i + 1 < (uint32_t)depth; i++)
		m->pct_change[i] = 1 + deja_prng_next(m) % m->pct_steps;
	uint64_t run_ticks = m->expected_ticks ? m->expected_ticks : PCT_DEFAULT_TICKS;
	m->pct_tick_passed = 0;
	for (uint32_t i = 0; i + 1 < (uint32_t)depth; i++)
		m->pct_tick_change[i] = 1 + deja_tick_prng_next(m) % run_ticks;
	return 0;
}

/* The next tick change point still ahead of all threads' ticks, offered to
 * thread t at the matching tick of its own. */
static uint64_t tick_offer(struct deja_model *m, uint32_t t, uint64_t ticks, uint64_t all)
{
	(void)t;
	uint64_t next = DEJA_NO_TICK;
	for (uint32_t i = 0; i + 1 < m->strategy_param; i++)
		if (!(m->pct_tick_passed & (1u << i)) && m->pct_tick_change[i] > all &&
		    m->pct_tick_change[i] < next)
			next = m->pct_tick_change[i];
	return next == DEJA_NO_TICK ? DEJA_NO_TICK : ticks + (next - all);
}

/* Tick change points the run has passed lower the thread that passed them. */
static void pass_tick_changes(struct deja_model *m, uint32_t current)
{
	for (uint32_t i = 0; i + 1 < m->strategy_param; i++) {
		if ((m->pct_tick_passed & (1u << i)) || m->pct_tick_change[i] > m->ticks)
			continue;
		m->pct_tick_passed |= 1u << i;
		if (current < m->nthreads)
			m->pct_priority[current] = i + 1;
	}
}

/* A priority above every change-point priority, random, distinct enough:
 * ties (rare) go to the lower thread id. */
static uint32_t initial_priority(struct deja_model *m)
{
	return m->strategy_param + 1 + deja_prng_below(m, 1u << 30);
}

/* Every priority but thread t's one higher, keeping their order, so that
 * t can go below them all at 1 (0 means "not given yet"). */
static void make_room_below(struct deja_model *m, uint32_t t)
{
	for (uint32_t i = 0; i < m->nthreads; i++)
		if (i != t && m->pct_priority[i])
			m->pct_priority[i]++;
}

/* The lowest priority of the threads in ts but t (each given one if it had
 * none yet), or UINT32_MAX. */
static uint32_t lowest_other(struct deja_model *m, const uint32_t *ts, uint32_t n, uint32_t t,
			     uint32_t lowest)
{
	for (uint32_t i = 0; i < n; i++) {
		if (ts[i] == t)
			continue;
		if (!m->pct_priority[ts[i]])
			m->pct_priority[ts[i]] = initial_priority(m);
		if (m->pct_priority[ts[i]] < lowest)
			lowest = m->pct_priority[ts[i]];
	}
	return lowest;
}

/* Thread t goes strictly below `lowest` (the lowest other priority), if it
 * is not there already.  Strictly: where the lowest other thread had
 * priority 1 (a change point's), t got 1 too, and won the tie as the lower
 * thread id at every choice (a multiprocessing.Pool's thread polling its
 * workers kept the thread that read their results from ever running). */
static void lower_below(struct deja_model *m, uint32_t t, uint32_t lowest)
{
	if (lowest == UINT32_MAX || m->pct_priority[t] < lowest)
		return;
	if (lowest == 1)
		make_room_below(m, t);
	m->pct_priority[t] = lowest > 1 ? lowest - 1 : 1;
}

/* A thread that yields or sleeps asks to let the others run: it goes
 * below every other enabled thread.  Left where it was, a thread spinning
 * on sched_yield() for a flag that a lower-priority thread sets would run
 * for ever, and the run would end at the step budget, not at the bug.  A
 * sleep counts though it is not enabled itself (it waits for its
 * deadline): it did not, and two threads polling a queue, each sleeping
 * 10 us between looks, kept the two highest priorities above the threads
 * that fed the queue, for ever; every pct run of such a program ended at
 * the step budget (CPython's test_queue test_many_threads_nonblock). */
static void lower_yielder(struct deja_model *m, const struct deja_choice *c)
{
	if (!c->current_yields)
		return;
	lower_below(m, c->current, lowest_other(m, c->enabled, c->count, c->current, UINT32_MAX));
}

/* A thread whose timed wait times out had waited for time to pass, as a
 * sleeper does: it goes below every other thread that could run or time
 * out.  Left where it was, threads polling with short timed waits (a
 * queue's get(timeout=1e-5) in a loop) timed out one after another above
 * the threads that sleep between the items they feed them, which had gone
 * below when they slept: no feeder woke again, and the run ended at the
 * step budget (CPython's test_queue test_many_threads_timeout). */
static void lower_timed_out(struct deja_model *m, const struct deja_choice *c, uint32_t t)
{
	uint32_t lowest = lowest_other(m, c->enabled, c->count, t, UINT32_MAX);
	lower_below(m, t, lowest_other(m, c->timeouts, c->ntimeouts, t, lowest));
}

static uint32_t pick(struct deja_model *m, const struct deja_choice *c)
{
	for (uint32_t i = 0; i + 1 < m->strategy_param; i++) {
		if (m->pct_change[i] == c->step && c->current_enabled)
			m->pct_priority[c->current] = i + 1; /* lower it: i-th change point */
	}
	pass_tick_changes(m, c->current);
	lower_yielder(m, c);
	uint32_t best = c->enabled[0];
	for (uint32_t i = 0; i < c->count; i++) {
		uint32_t t = c->enabled[i];
		if (!m->pct_priority[t])
			m->pct_priority[t] = initial_priority(m);
		if (m->pct_priority[t] > m->pct_priority[best])
			best = t;
	}
	/* A timed wait of a higher-priority thread may end now, by timing
	 * out: in PCT terms it is enabled too, if less eagerly (at a quarter
	 * of the points), or a thread in a long timed wait would never let
	 * the others run. */
	bool times_out = false;
	for (uint32_t i = 0; i < c->ntimeouts; i++) {
		uint32_t t = c->timeouts[i];
		if (!m->pct_priority[t])
			m->pct_priority[t] = initial_priority(m);
		if (m->pct_priority[t] > m->pct_priority[best] && deja_prng_below(m, 4) == 0) {
			best = t;
			times_out = true;
		}
	}
	if (times_out)
		lower_timed_out(m, c, best);
	return best;
}

const struct deja_strategy deja_strategy_pct = {
	.name = "pct",
	.summary = "probabilistic concurrency testing with bug depth D",
	.configure = configure,
	.pick = pick,
	.tick_offer = tick_offer,
};
