/*
 * test_follow.c: a recorded event stream as the follow strategy reads it
 * (replayer/follow.c), for the top process and each forked child alike:
 * the thread of each event, timeouts, yields, sleeps and clock reads,
 * the event before a signal, where each thread stops at a tick or an
 * interrupt, and the clock of each event.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "follow.h"

static struct trace_event ev(uint32_t thread, uint16_t op, uint64_t arg, uint16_t flags,
			     uint64_t vtime)
{
	struct trace_event e = { .ev = { .thread = thread, .op = op, .arg = arg,
					 .flags = flags, .vtime = vtime } };
	return e;
}

static void schedule_marks_timeouts_signals_and_ticks(void **state)
{
	(void)state;
	struct trace_event events[] = {
		ev(0, DEJA_OP_THREAD_START, 0, 0, 10),
		ev(0, DEJA_OP_THREAD_CREATE, 1, 0, 20),
		ev(1, DEJA_OP_THREAD_START, 0, 0, 30),
		ev(0, DEJA_OP_SLEEP, 5, DEJA_EVENT_TIMED_OUT, 40),
		ev(1, DEJA_OP_TICK, 77, 0, 50),
		ev(0, DEJA_OP_SIGNAL, 10, 0, 60),
		ev(1, DEJA_OP_FORK, 0, 0, 70),
	};
	struct follow_schedule f;
	assert_int_equal(follow_schedule_build(events, 7, false, &f), 0);
	assert_non_null(f.vtimes); /* every replay: virtual timers expire by it */
	assert_int_equal(f.vtimes[3], 40);
	assert_int_equal(f.schedule[0], 0);
	assert_int_equal(f.schedule[2], 1);
	/* Event 3 is a sleep, timed out, and is the one before thread 0's
	 * signal. */
	assert_int_equal(f.schedule[3], 0 | DEJA_SCHEDULE_SLEEP | DEJA_SCHEDULE_TIMEOUT |
						 DEJA_SCHEDULE_SIGNAL_NEXT);
	/* After event 2 thread 1 stops at tick 77; nobody else stops. */
	assert_int_equal(f.ticks[2], 77);
	for (int i = 0; i < 7; i++)
		if (i != 2)
			assert_int_equal(f.ticks[i], DEJA_NO_TICK);
	assert_int_equal(f.last_of[0], 5);
	assert_int_equal(f.last_of[1], 6);
	assert_int_equal(f.last_of[2], UINT64_MAX);
	follow_schedule_free(&f);

	assert_int_equal(follow_schedule_build(events, 7, true, &f), 0);
	assert_non_null(f.vtimes);
	assert_int_equal(f.vtimes[6], 70);
	follow_schedule_free(&f);
}

/* A timeslice is a tick stop like a tick; an interrupt is a stop at an
 * instruction with recorded registers, by its index in the table. */
static void timeslices_and_interrupts_are_stops(void **state)
{
	(void)state;
	struct trace_event events[] = {
		ev(0, DEJA_OP_THREAD_START, 0, 0, 10),
		ev(0, DEJA_OP_TIMESLICE, 1048577, 0, 20),
		ev(0, DEJA_OP_INTERRUPT, 0xabcdef, 0, 30),
		ev(0, DEJA_OP_YIELD, 0, 0, 40),
		ev(0, DEJA_OP_INTERRUPT, 0x123456, 0, 50),
	};
	events[2].ev.site = 0x401000;
	events[4].ev.site = 0x402000;
	struct follow_schedule f;
	assert_int_equal(follow_schedule_build(events, 5, false, &f), 0);
	assert_int_equal(f.ticks[0], 1048577);
	assert_int_equal(f.ticks[1], DEJA_STOP_INTERRUPT | 0);
	assert_int_equal(f.ticks[2], DEJA_NO_TICK);
	assert_int_equal(f.ticks[3], DEJA_STOP_INTERRUPT | 1);
	assert_int_equal(f.ticks[4], DEJA_NO_TICK);
	/* The yield is marked as one (a parallel replay's spin loops). */
	assert_int_equal(f.schedule[3], 0 | DEJA_SCHEDULE_YIELD);
	for (int i = 0; i < 5; i++)
		if (i != 3)
			assert_int_equal(f.schedule[i] & DEJA_SCHEDULE_YIELD, 0);
	assert_int_equal(f.ninterrupts, 2);
	assert_int_equal(f.interrupts[0].ip, 0x401000);
	assert_int_equal(f.interrupts[0].regs, 0xabcdef);
	assert_int_equal(f.interrupts[1].ip, 0x402000);
	assert_int_equal(f.interrupts[1].regs, 0x123456);
	follow_schedule_free(&f);
}

/* A clock read is a spin in virtual time (a parallel replay makes it
 * where its thread gets to it), and no spin in real time, where every
 * read is an event with the time it read. */
static void virtual_clock_reads_are_spins(void **state)
{
	(void)state;
	struct trace_event events[] = {
		ev(0, DEJA_OP_THREAD_START, 0, 0, 10),
		ev(0, DEJA_OP_CLOCK_READ, 1, 0, 20),
		ev(0, DEJA_OP_YIELD, 0, 0, 30),
		ev(0, DEJA_OP_SLEEP, 5, 0, 40),
	};
	struct follow_schedule f;
	assert_int_equal(follow_schedule_build(events, 4, false, &f), 0);
	assert_int_equal(f.schedule[0], 0);
	assert_int_equal(f.schedule[1], 0 | DEJA_SCHEDULE_CLOCK);
	assert_int_equal(f.schedule[2] & DEJA_SCHEDULE_CLOCK, DEJA_SCHEDULE_YIELD);
	assert_int_equal(f.schedule[3] & DEJA_SCHEDULE_CLOCK, DEJA_SCHEDULE_SLEEP);
	follow_schedule_free(&f);

	assert_int_equal(follow_schedule_build(events, 4, true, &f), 0);
	assert_int_equal(f.schedule[1], 0);
	assert_int_equal(f.schedule[2] & DEJA_SCHEDULE_CLOCK, DEJA_SCHEDULE_YIELD);
	follow_schedule_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(schedule_marks_timeouts_signals_and_ticks),
		cmocka_unit_test(timeslices_and_interrupts_are_stops),
		cmocka_unit_test(virtual_clock_reads_are_spins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
