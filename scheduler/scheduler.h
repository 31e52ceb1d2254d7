/*
 * scheduler.h: the scheduler core: who runs next.
 *
 * deja_sched_choose() is called by the thread that holds the baton, at each
 * scheduling point.  It lists the enabled threads, asks the strategy, fires
 * a timeout when nobody can run (moving the virtual clock to its deadline),
 * and recognises the ends of a run: deadlock, step budget spent, a replay
 * that cannot follow its recording.  deja_sched_step() then executes the
 * chosen thread's operation.  Pure logic over struct deja_model, so unit
 * tests can drive whole schedules without threads.
 */
#ifndef DEJA_SCHEDULER_H
#define DEJA_SCHEDULER_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"

enum deja_decision_kind {
	DEJA_DECIDE_RUN,      /* run .thread (firing its timeout if .timed_out) */
	DEJA_DECIDE_DEADLOCK, /* live threads, none can ever run */
	DEJA_DECIDE_STALLED,  /* only futex waiters left: maybe woken from outside */
	DEJA_DECIDE_EXTERNAL, /* some thread waits for input from outside */
	DEJA_DECIDE_BUDGET,   /* --max-steps reached */
	DEJA_DECIDE_DIVERGED, /* follow: the recorded thread cannot run */
	DEJA_DECIDE_ALL_DONE, /* no live thread */
	DEJA_DECIDE_WAIT,     /* parallel mode: a thread on its way will go on */
	DEJA_DECIDE_TIMER,    /* the clock moved to a virtual timer's deadline: fire it, ask again */
};

struct deja_decision {
	enum deja_decision_kind kind;
	uint32_t thread;
	bool timed_out;
};

struct deja_sched_input {
	const uint32_t *schedule; /* follow strategy only */
	uint64_t schedule_len;
	const struct deja_script_entry *script; /* script strategy only */
	uint64_t script_len;
	const uint64_t *ticks;    /* follow: per event, its thread's next tick stop */
};

/* Choose, and on DEJA_DECIDE_RUN record the choice in the model
 * (current, chosen_timed_out, chosen_flags, counters). */
struct deja_decision deja_sched_choose(struct deja_model *m,
				       const struct deja_sched_input *in);

/*
 * Parallel mode: threads run target code at the same time and only their
 * operations are serialised (under a lock the runtime holds).  Recording
 * takes operations in the order they arrive; replay makes each thread wait
 * for its recorded turn.
 */
/* May thread t execute its pending operation now?  *timed_out tells
 * whether it does so by timing out. */
bool deja_sched_may_go(const struct deja_model *m, const struct deja_sched_input *in,
		       uint32_t t, bool *timed_out);
/* Nobody runs target code: who must be woken (RUN), or how the run ends. */
struct deja_decision deja_sched_settle(struct deja_model *m, const struct deja_sched_input *in);
/* Record the choice of t before deja_sched_step (flags, virtual clock). */
void deja_sched_take(struct deja_model *m, uint32_t t, bool timed_out);

/* Nobody can run now: the earliest deadline of a timed wait or a virtual
 * timer (virtual ns), or DEJA_NO_DEADLINE when a thread can run or there
 * is no deadline. */
uint64_t deja_sched_idle_deadline(const struct deja_model *m);

/* Ticks: the tick count at which thread t, whose last event was last_seq
 * and which has now passed `ticks` ticks, is next offered a preemption in
 * plain code (DEJA_NO_TICK: not before its next operation).  The strategy
 * chooses it; a replay stops where the recording did. */
uint64_t deja_sched_tick_offer(struct deja_model *m, const struct deja_sched_input *in,
			       uint32_t t, uint64_t last_seq, uint64_t ticks);

/* Execute the chosen thread's pending operation and fill the event. */
int64_t deja_sched_step(struct deja_model *m, uint32_t t, struct deja_event *ev);

#endif /* DEJA_SCHEDULER_H */
