/*
 * follow.c: a recorded event stream as the follow strategy reads it (see
 * follow.h).
 */
#include "follow.h"

#include <errno.h>
#include <stdlib.h>

#include "protocol.h"

/* A read lock of an rwlock the recording refused: a writer holding it or,
 * for a lock that prefers writers, waiting for it (a parallel replay
 * follows the recording there, runtime/baton.c). */
static bool refused_read_lock(const struct deja_event *ev)
{
	return (ev->op == DEJA_OP_RW_RDLOCK || ev->op == DEJA_OP_RW_TRYRDLOCK) &&
	       (ev->result == EBUSY || ev->result == ETIMEDOUT);
}

int follow_schedule_begin(struct follow_schedule *f, bool real_time)
{
	*f = (struct follow_schedule){ .real_time = real_time };
	f->last_of = malloc(DEJA_MAX_THREADS * sizeof(uint64_t));
	if (!f->last_of)
		return -1;
	for (uint32_t t = 0; t < DEJA_MAX_THREADS; t++)
		f->last_of[t] = UINT64_MAX;
	f->interrupts_cap = 16;
	f->interrupts = malloc(f->interrupts_cap * sizeof(*f->interrupts));
	if (!f->interrupts) {
		follow_schedule_free(f);
		return -1;
	}
	return follow_schedule_add(f, NULL);
}

/* Room for event f->n and one more (the arrays have an entry past the
 * last event); each doubles, so a long run costs amortised copies. */
static int make_room(struct follow_schedule *f)
{
	if (f->n + 2 <= f->cap)
		return 0;
	uint64_t cap = f->cap ? f->cap * 2 : 4096;
	uint32_t *schedule = realloc(f->schedule, cap * sizeof(*schedule));
	if (schedule)
		f->schedule = schedule;
	uint64_t *ticks = schedule ? realloc(f->ticks, cap * sizeof(*ticks)) : NULL;
	if (ticks)
		f->ticks = ticks;
	uint64_t *vtimes = ticks ? realloc(f->vtimes, cap * sizeof(*vtimes)) : NULL;
	if (!vtimes)
		return -1;
	f->vtimes = vtimes;
	f->cap = cap;
	return 0;
}

static int add_interrupt(struct follow_schedule *f, const struct deja_event *ev, uint64_t before)
{
	if (f->ninterrupts == f->interrupts_cap) {
		uint64_t cap = f->interrupts_cap ? f->interrupts_cap * 2 : 16;
		struct deja_interrupt_stop *more = realloc(f->interrupts, cap * sizeof(*more));
		if (!more)
			return -1;
		f->interrupts = more;
		f->interrupts_cap = cap;
	}
	f->interrupts[f->ninterrupts] = (struct deja_interrupt_stop){ .ip = ev->site,
								      .regs = ev->arg };
	f->ticks[before] = DEJA_STOP_INTERRUPT | f->ninterrupts++;
	return 0;
}

/* ev NULL: only the room (begin). */
int follow_schedule_add(struct follow_schedule *f, const struct deja_event *ev)
{
	if (make_room(f) != 0) {
		follow_schedule_free(f);
		return -1;
	}
	if (!ev)
		return 0;
	uint64_t i = f->n++;
	/* Each event's clock, for every replay: a virtual timer's expiry is
	 * placed by it (runtime/timers.c), and in real time every clock. */
	f->vtimes[i] = ev->vtime;
	/* The thread of the event, and whether it was a yield, a sleep or,
	 * in virtual time, a clock read (a parallel replay's spin loops,
	 * runtime/baton.c); and, on the event before each signal of the same
	 * thread, that its next event is a signal. */
	uint32_t t = ev->thread;
	f->schedule[i] = t | ((ev->flags & DEJA_EVENT_TIMED_OUT) ? DEJA_SCHEDULE_TIMEOUT : 0) |
			 (ev->op == DEJA_OP_YIELD ? DEJA_SCHEDULE_YIELD : 0) |
			 (ev->op == DEJA_OP_SLEEP ? DEJA_SCHEDULE_SLEEP : 0) |
			 (ev->op == DEJA_OP_CLOCK_READ && !f->real_time ? DEJA_SCHEDULE_CLOCK : 0) |
			 (refused_read_lock(ev) ? DEJA_SCHEDULE_REFUSED : 0);
	f->ticks[i] = DEJA_NO_TICK;
	if (t >= DEJA_MAX_THREADS)
		return 0;
	uint64_t before = f->last_of[t];
	f->last_of[t] = i;
	if (before == UINT64_MAX)
		return 0;
	if (ev->op == DEJA_OP_SIGNAL)
		f->schedule[before] |= DEJA_SCHEDULE_SIGNAL_NEXT;
	/* A tick: the thread stops at that tick count after its previous
	 * event (runtime/ticks.c). */
	if (ev->op == DEJA_OP_TICK || ev->op == DEJA_OP_TIMESLICE)
		f->ticks[before] = ev->arg;
	/* An interrupt: the thread stops at a breakpoint after its previous
	 * event (runtime/interrupts.c). */
	if (ev->op == DEJA_OP_INTERRUPT && add_interrupt(f, ev, before) != 0) {
		follow_schedule_free(f);
		return -1;
	}
	return 0;
}

int follow_schedule_build(const struct trace_event *ev, uint64_t n, bool real_time,
			  struct follow_schedule *f)
{
	if (follow_schedule_begin(f, real_time) != 0)
		return -1;
	for (uint64_t i = 0; i < n; i++)
		if (follow_schedule_add(f, &ev[i].ev) != 0)
			return -1;
	return 0;
}

int follow_schedule_stop_last(struct follow_schedule *f, uint32_t t, uint64_t ip, uint64_t regs)
{
	if (t >= DEJA_MAX_THREADS || f->last_of[t] == UINT64_MAX)
		return 0;
	struct deja_interrupt_stop *more =
		realloc(f->interrupts, (f->ninterrupts + 1) * sizeof(*f->interrupts));
	if (!more)
		return -1;
	f->interrupts = more;
	f->interrupts_cap = f->ninterrupts + 1;
	f->interrupts[f->ninterrupts] = (struct deja_interrupt_stop){ .ip = ip, .regs = regs };
	f->ticks[f->last_of[t]] = DEJA_STOP_INTERRUPT | f->ninterrupts++;
	return 0;
}

void follow_schedule_free(struct follow_schedule *f)
{
	free(f->schedule);
	free(f->ticks);
	free(f->vtimes);
	free(f->last_of);
	free(f->interrupts);
	*f = (struct follow_schedule){ 0 };
}
