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

int follow_schedule_build(const struct trace_event *ev, uint64_t n, bool real_time,
			  struct follow_schedule *f)
{
	f->schedule = malloc((n + 1) * sizeof(uint32_t));
	f->ticks = malloc((n + 1) * sizeof(uint64_t));
	/* Each event's clock, for every replay: a virtual timer's expiry is
	 * placed by it (runtime/timers.c), and in real time every clock. */
	f->vtimes = malloc((n + 1) * sizeof(uint64_t));
	f->last_of = malloc(DEJA_MAX_THREADS * sizeof(uint64_t));
	uint64_t ninterrupts = 0;
	for (uint64_t i = 0; i < n; i++)
		ninterrupts += ev[i].ev.op == DEJA_OP_INTERRUPT;
	f->interrupts = malloc((ninterrupts + 1) * sizeof(*f->interrupts));
	f->ninterrupts = 0;
	if (!f->schedule || !f->ticks || !f->vtimes || !f->last_of || !f->interrupts) {
		follow_schedule_free(f);
		return -1;
	}
	for (uint64_t i = 0; f->vtimes && i < n; i++)
		f->vtimes[i] = ev[i].ev.vtime;
	/* The thread of each event, and whether it was a yield, a sleep or,
	 * in virtual time, a clock read (a parallel replay's spin loops,
	 * runtime/baton.c); and, on the event before each signal of the same
	 * thread, that its next event is a signal. */
	for (uint32_t t = 0; t < DEJA_MAX_THREADS; t++)
		f->last_of[t] = UINT64_MAX;
	for (uint64_t i = 0; i < n; i++) {
		uint32_t t = ev[i].ev.thread;
		f->schedule[i] = t | ((ev[i].ev.flags & DEJA_EVENT_TIMED_OUT) ? DEJA_SCHEDULE_TIMEOUT : 0) |
				 (ev[i].ev.op == DEJA_OP_YIELD ? DEJA_SCHEDULE_YIELD : 0) |
				 (ev[i].ev.op == DEJA_OP_SLEEP ? DEJA_SCHEDULE_SLEEP : 0) |
				 (ev[i].ev.op == DEJA_OP_CLOCK_READ && !real_time ? DEJA_SCHEDULE_CLOCK : 0) |
				 (refused_read_lock(&ev[i].ev) ? DEJA_SCHEDULE_REFUSED : 0);
		f->ticks[i] = DEJA_NO_TICK;
		if (t < DEJA_MAX_THREADS) {
			if (ev[i].ev.op == DEJA_OP_SIGNAL && f->last_of[t] != UINT64_MAX)
				f->schedule[f->last_of[t]] |= DEJA_SCHEDULE_SIGNAL_NEXT;
			/* A tick: the thread stops at that tick count after its
			 * previous event (runtime/ticks.c). */
			if ((ev[i].ev.op == DEJA_OP_TICK || ev[i].ev.op == DEJA_OP_TIMESLICE) &&
			    f->last_of[t] != UINT64_MAX)
				f->ticks[f->last_of[t]] = ev[i].ev.arg;
			/* An interrupt: the thread stops at a breakpoint after
			 * its previous event (runtime/interrupts.c). */
			if (ev[i].ev.op == DEJA_OP_INTERRUPT && f->last_of[t] != UINT64_MAX) {
				f->interrupts[f->ninterrupts] = (struct deja_interrupt_stop){
					.ip = ev[i].ev.site, .regs = ev[i].ev.arg };
				f->ticks[f->last_of[t]] = DEJA_STOP_INTERRUPT | f->ninterrupts++;
			}
			f->last_of[t] = i;
		}
	}
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
