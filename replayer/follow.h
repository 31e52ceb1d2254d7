/*
 * follow.h: a recorded event stream turned into what the follow strategy
 * reads (replay.c for the top process, replay_children.c for each forked
 * child): the thread of each event with its flags, and per event where
 * its thread must stop at a tick, or at an interrupt, next.
 */
#ifndef DEJA_FOLLOW_H
#define DEJA_FOLLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"
#include "trace.h"

struct follow_schedule {
	uint32_t *schedule; /* per event: thread | DEJA_SCHEDULE_* flags */
	uint64_t *ticks;    /* per event: its thread's next tick stop, DEJA_NO_TICK, or
			     * DEJA_STOP_INTERRUPT | an index into interrupts */
	struct deja_interrupt_stop *interrupts; /* the recording's INTERRUPT events */
	uint64_t ninterrupts;
	uint64_t *vtimes;   /* per event: its clock (virtual timers, real time) */
	uint64_t *last_of;  /* per thread (DEJA_MAX_THREADS): its last event, or UINT64_MAX */
	/* While it is built event by event: */
	uint64_t n, cap, interrupts_cap;
	bool real_time;
};

/* real_time: the run read real time (every clock read an event, none a
 * spin).  Returns 0, or -1 when out of memory. */
int follow_schedule_build(const struct trace_event *ev, uint64_t n, bool real_time,
			  struct follow_schedule *f);
/* The same, one event at a time as they stream in (a long run's events
 * are never held whole): begin, then add each event in order.  Each
 * returns 0, or -1 when out of memory (f is then freed). */
int follow_schedule_begin(struct follow_schedule *f, bool real_time);
int follow_schedule_add(struct follow_schedule *f, const struct deja_event *ev);
/* Thread t stops, after its last event, at an interrupt at instruction ip
 * with registers' hash regs: the recording's run ended while it stood
 * there (nothing when t made no event).  Returns 0, or -1 when out of
 * memory. */
int follow_schedule_stop_last(struct follow_schedule *f, uint32_t t, uint64_t ip, uint64_t regs);
void follow_schedule_free(struct follow_schedule *f);

#endif /* DEJA_FOLLOW_H */
