/*
 * interrupt_watch.h: the supervisor's side of stopping uninstrumented code
 * that spins (runtime/interrupts.c, docs/architecture.md, Timeslices).
 *
 * While a recording runs one thread at a time, session.c polls the top
 * process's watch, and processes.c each forked child's, every millisecond
 * or so.  When the running thread has passed no
 * scheduling point for DEJA_INTERRUPT_MS, is on a CPU (not waiting in the
 * kernel), and another thread could run or a timer is armed, the watch
 * sends it DEJA_SIG_INTERRUPT, and again while it stays so, 5 ms later,
 * then twice as long each time, up to 200 ms.  The runtime decides whether the thread stops.  A thread still
 * going after 5 s gets deja to say, once, what may be the matter.
 */
#ifndef DEJA_INTERRUPT_WATCH_H
#define DEJA_INTERRUPT_WATCH_H

#include <stdint.h>

#include "protocol.h"

struct interrupt_watch {
	uint32_t run_id;  /* the run the figures below are of */
	uint64_t steps;   /* events the model had when last looked at */
	int64_t since_ns; /* when that count was first seen (CLOCK_MONOTONIC) */
	int64_t sent_ns;  /* the last interrupt sent, 0: none since */
	int64_t backoff_ns; /* how long after it the next may go */
};

void interrupt_watch_poll(struct interrupt_watch *w, struct deja_shared *sh);

#endif /* DEJA_INTERRUPT_WATCH_H */
