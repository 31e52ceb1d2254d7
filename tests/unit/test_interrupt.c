/*
 * test_interrupt.c: virtual timers and interrupted waits in the scheduler
 * core: the clock jumps to a timer's deadline when nobody can run (unless
 * a timed wait ends first), an interrupted wait ends with -EINTR and stays
 * pending, a condition wait wakes once its mutex is free, pause() waits
 * only for a signal, and a replay interrupts a wait where the recording's
 * next event of that thread was a signal.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim.h"

#define SECOND 1000000000ull

/* One thread, past its start, sleeping `ns`; a timer due at `timer`. */
static struct sim *sleeper(const char *strategy, uint64_t ns, uint64_t timer)
{
	struct sim *s = sim_new(1, strategy, 0);
	deja_model_set_pending(s->m, 0, DEJA_OP_SLEEP, NULL, ns, 0);
	s->m->threads[0].pending.timed = 1;
	s->m->threads[0].pending.deadline = s->m->vclock + ns;
	s->m->timer_deadline = timer;
	return s;
}

static struct deja_decision choose(struct sim *s)
{
	struct deja_sched_input in = { 0 };
	return deja_sched_choose(s->m, &in);
}

static void the_clock_jumps_to_a_timer_before_a_later_deadline(void **state)
{
	(void)state;
	struct sim *s = sleeper("nonpreemptive", 10 * SECOND, SECOND);
	struct deja_decision d = choose(s);
	assert_int_equal(d.kind, DEJA_DECIDE_TIMER);
	assert_int_equal(s->m->vclock, SECOND);
	/* The runtime fires the timer: its signal interrupts the sleep. */
	s->m->timer_deadline = DEJA_NO_DEADLINE;
	s->m->threads[0].pending.interrupt |= DEJA_INTERRUPT_INTERRUPTED;
	d = choose(s);
	assert_int_equal(d.kind, DEJA_DECIDE_RUN);
	assert_int_equal(d.thread, 0);
	assert_false(d.timed_out);
	struct deja_event ev;
	assert_int_equal(deja_sched_step(s->m, 0, &ev), -EINTR);
	assert_int_equal(ev.vtime, SECOND);
	sim_free(s);
}

static void a_deadline_before_the_timer_times_out_first(void **state)
{
	(void)state;
	struct sim *s = sleeper("nonpreemptive", SECOND, 2 * SECOND);
	struct deja_decision d = choose(s);
	assert_int_equal(d.kind, DEJA_DECIDE_RUN);
	assert_true(d.timed_out);
	assert_int_equal(s->m->vclock, SECOND);
	struct deja_event ev;
	assert_int_equal(deja_sched_step(s->m, 0, &ev), 0);
	sim_free(s);
}

static void no_early_timeout_past_a_timer(void **state)
{
	(void)state;
	/* A 10 ms sleep could end early (within 50 ms), but not past a timer
	 * due in 5 ms, whose signal would natively cut it short. */
	for (uint64_t seed = 0; seed < 40; seed++) {
		struct sim *s = sim_new(2, "random", seed);
		deja_model_set_pending(s->m, 0, DEJA_OP_SLEEP, NULL, 10000000, 0);
		s->m->threads[0].pending.timed = 1;
		s->m->threads[0].pending.deadline = 10000000;
		s->m->timer_deadline = 5000000;
		deja_model_set_pending(s->m, 1, DEJA_OP_YIELD, NULL, 0, 0);
		struct deja_decision d = choose(s);
		assert_int_equal(d.kind, DEJA_DECIDE_RUN);
		assert_int_equal(d.thread, 1);
		sim_free(s);
	}
}

static void an_interrupted_lock_gives_eintr_and_waits_on(void **state)
{
	(void)state;
	struct sim *s = sim_new(2, "nonpreemptive", 0);
	struct deja_object *mx = s->objects[0];
	mx->owner = 0;
	mx->count = 1;
	deja_model_set_pending(s->m, 0, DEJA_OP_YIELD, NULL, 0, 0);
	deja_model_set_pending(s->m, 1, DEJA_OP_MUTEX_LOCK, mx, 0, 0);
	assert_false(deja_model_enabled(s->m, 1));
	s->m->threads[1].pending.interrupt |= DEJA_INTERRUPT_INTERRUPTED;
	assert_true(deja_model_enabled(s->m, 1));
	assert_true(deja_model_interrupted(s->m, 1));
	struct deja_event ev;
	assert_int_equal(deja_sched_step(s->m, 1, &ev), -EINTR);
	assert_int_equal(mx->owner, 0); /* not taken */
	assert_int_equal(s->m->threads[1].pending.op, DEJA_OP_MUTEX_LOCK);
	/* Free now: the same interrupted lock just takes it. */
	mx->owner = DEJA_NO_THREAD;
	mx->count = 0;
	assert_false(deja_model_interrupted(s->m, 1));
	assert_int_equal(deja_sched_step(s->m, 1, &ev), 0);
	assert_int_equal(mx->owner, 1);
	sim_free(s);
}

static void an_interrupted_cond_wait_wakes_once_its_mutex_is_free(void **state)
{
	(void)state;
	struct sim *s = sim_new(2, "nonpreemptive", 0);
	struct deja_object *mx = s->objects[0], *cv = s->objects[1];
	cv->kind = DEJA_OBJ_COND;
	deja_model_set_pending(s->m, 1, DEJA_OP_COND_RESUME, cv, 0, 0);
	s->m->threads[1].pending.object2 = deja_model_object_ref(s->m, mx);
	s->m->threads[1].pending.interrupt |= DEJA_INTERRUPT_INTERRUPTED;
	mx->owner = 0;
	mx->count = 1;
	assert_false(deja_model_enabled(s->m, 1));
	mx->owner = DEJA_NO_THREAD;
	mx->count = 0;
	assert_true(deja_model_enabled(s->m, 1));
	struct deja_event ev;
	assert_int_equal(deja_sched_step(s->m, 1, &ev), 0); /* a spurious wakeup */
	assert_int_equal(mx->owner, 1);
	sim_free(s);
}

static void pause_waits_for_a_signal_from_outside(void **state)
{
	(void)state;
	struct sim *s = sim_new(1, "nonpreemptive", 0);
	deja_model_set_pending(s->m, 0, DEJA_OP_SYSCALL, NULL, 34, 0);
	s->m->threads[0].pending.interrupt = DEJA_INTERRUPT_SIGNAL_ONLY;
	s->m->threads[0].pending.value = -EINTR;
	assert_false(deja_model_enabled(s->m, 0));
	assert_int_equal(choose(s).kind, DEJA_DECIDE_EXTERNAL);
	s->m->threads[0].pending.interrupt |= DEJA_INTERRUPT_INTERRUPTED;
	struct deja_decision d = choose(s);
	assert_int_equal(d.kind, DEJA_DECIDE_RUN);
	struct deja_event ev;
	assert_int_equal(deja_sched_step(s->m, 0, &ev), -EINTR);
	sim_free(s);
}

static void follow_interrupts_where_a_signal_came_next(void **state)
{
	(void)state;
	/* Recorded: thread 0's sleep ended early, and its next event was a
	 * signal.  The replay's clock is set from the trace, not by a jump. */
	struct sim *s = sleeper("follow", 10 * SECOND, SECOND);
	s->m->vclock = SECOND;
	uint32_t schedule[2] = { 0 | DEJA_SCHEDULE_SIGNAL_NEXT, 0 };
	struct deja_sched_input in = { .schedule = schedule, .schedule_len = 2 };
	struct deja_decision d = deja_sched_choose(s->m, &in);
	assert_int_equal(d.kind, DEJA_DECIDE_RUN);
	assert_int_equal(d.thread, 0);
	struct deja_event ev;
	assert_int_equal(deja_sched_step(s->m, 0, &ev), -EINTR);
	sim_free(s);
	/* Without the signal next, the same wait is not interrupted: it
	 * ends at its deadline. */
	s = sleeper("follow", 10 * SECOND, DEJA_NO_DEADLINE);
	schedule[0] = 0;
	d = deja_sched_choose(s->m, &in);
	assert_int_equal(d.kind, DEJA_DECIDE_RUN);
	assert_true(d.timed_out);
	assert_int_equal(deja_sched_step(s->m, 0, &ev), 0);
	assert_int_equal(ev.vtime, 10 * SECOND);
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_clock_jumps_to_a_timer_before_a_later_deadline),
		cmocka_unit_test(a_deadline_before_the_timer_times_out_first),
		cmocka_unit_test(no_early_timeout_past_a_timer),
		cmocka_unit_test(an_interrupted_lock_gives_eintr_and_waits_on),
		cmocka_unit_test(an_interrupted_cond_wait_wakes_once_its_mutex_is_free),
		cmocka_unit_test(pause_waits_for_a_signal_from_outside),
		cmocka_unit_test(follow_interrupts_where_a_signal_came_next),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
