/*
 * test_scheduler.c: the scheduler core over simulated programs: no
 * preemptions under nonpreemptive, deadlock and budget detection, the
 * virtual clock jumping to a sleeper's deadline, follow reproducing a
 * schedule and noticing when it cannot, timeslices letting others run,
 * a thread polling under a lock giving up its turn, an overdue timed
 * wait ending a thread's turn of polling the clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim.h"

/* Two threads: lock A, lock B, unlock B, unlock A (or B then A). */
static struct sim *abba(const char *strategy, uint64_t seed, int opposite)
{
	struct sim *s = sim_new(2, strategy, seed);
	for (int t = 0; t < 2; t++) {
		int first = (opposite && t == 1) ? 1 : 0;
		sim_add(s, t, DEJA_OP_MUTEX_LOCK, first, 0);
		sim_add(s, t, DEJA_OP_MUTEX_LOCK, 1 - first, 0);
		sim_add(s, t, DEJA_OP_MUTEX_UNLOCK, 1 - first, 0);
		sim_add(s, t, DEJA_OP_MUTEX_UNLOCK, first, 0);
	}
	return s;
}

static void nonpreemptive_runs_each_thread_to_the_end(void **state)
{
	(void)state;
	struct sim *s = abba("nonpreemptive", 0, 1);
	assert_int_equal(sim_run(s, NULL, 0), DEJA_DECIDE_ALL_DONE);
	assert_int_equal(s->m->preemptions, 0);
	/* thread 0: start + 4 ops + exit, then thread 1 likewise */
	assert_int_equal(s->nevents, 12);
	for (int i = 0; i < 6; i++)
		assert_int_equal(s->trace[i], 0);
	sim_free(s);
}

static void lock_order_deadlock_is_detected_by_some_seed(void **state)
{
	(void)state;
	int deadlocks = 0;
	for (uint64_t seed = 0; seed < 50; seed++) {
		struct sim *s = abba("random", seed, 1);
		enum deja_decision_kind k = sim_run(s, NULL, 0);
		assert_true(k == DEJA_DECIDE_ALL_DONE || k == DEJA_DECIDE_DEADLOCK);
		if (k == DEJA_DECIDE_DEADLOCK) {
			deadlocks++;
			/* each waits for what the other holds */
			assert_int_equal(deja_model_blocker(s->m, 0), 1);
			assert_int_equal(deja_model_blocker(s->m, 1), 0);
		}
		sim_free(s);
	}
	assert_true(deadlocks > 0);
	assert_true(deadlocks < 50);
}

static void same_order_locking_never_deadlocks(void **state)
{
	(void)state;
	for (uint64_t seed = 0; seed < 50; seed++) {
		struct sim *s = abba("random", seed, 0);
		assert_int_equal(sim_run(s, NULL, 0), DEJA_DECIDE_ALL_DONE);
		sim_free(s);
	}
}

static void step_budget_ends_a_livelock(void **state)
{
	(void)state;
	struct sim *s = sim_new(1, "nonpreemptive", 0);
	for (int i = 0; i < SIM_MAX_OPS; i++)
		sim_add(s, 0, DEJA_OP_YIELD, -1, 0);
	s->m->max_steps = 10;
	assert_int_equal(sim_run(s, NULL, 0), DEJA_DECIDE_BUDGET);
	assert_int_equal(s->m->steps, 10);
	sim_free(s);
}

static void sleepers_jump_the_virtual_clock(void **state)
{
	(void)state;
	struct sim *s = sim_new(2, "nonpreemptive", 0);
	sim_add(s, 0, DEJA_OP_SLEEP, -1, 5000000000ull); /* 5 s */
	sim_add(s, 1, DEJA_OP_SLEEP, -1, 1000000000ull); /* 1 s */
	assert_int_equal(sim_run(s, NULL, 0), DEJA_DECIDE_ALL_DONE);
	/* Both slept in virtual time: the clock passed 5 s without waiting. */
	assert_true(s->m->vclock >= 5000000000ull);
	assert_true(s->m->vclock < 5000000000ull + 100 * DEJA_TICK_NS);
	/* The 1 s sleeper woke first. */
	int seen_t1_exit = 0;
	for (uint64_t i = 0; i < s->nevents; i++)
		if (s->trace[i] == 1)
			seen_t1_exit = (int)i;
	assert_int_equal(s->trace[s->nevents - 1], 0);
	assert_true(seen_t1_exit < (int)s->nevents - 1);
	sim_free(s);
}

/* Thread 0 sleeps 1 ms (a near deadline); thread 1 yields 60 times (60 us
 * of virtual time).  Returns whether the sleeper woke before thread 1 was
 * done, which only an early timeout can do. */
static bool sleeper_woke_early(const char *strategy, uint64_t seed)
{
	struct sim *s = sim_new(2, strategy, seed);
	sim_add(s, 0, DEJA_OP_SLEEP, -1, 1000000);
	for (int i = 0; i < 60; i++)
		sim_add(s, 1, DEJA_OP_YIELD, -1, 0);
	assert_int_equal(sim_run(s, NULL, 0), DEJA_DECIDE_ALL_DONE);
	uint64_t sleeper_done = 0, yielder_done = 0;
	for (uint64_t i = 0; i < s->nevents; i++) {
		if (s->trace[i] == 0)
			sleeper_done = i;
		else
			yielder_done = i;
	}
	sim_free(s);
	return sleeper_done < yielder_done;
}

static void strategies_may_end_near_timed_waits_early(void **state)
{
	(void)state;
	assert_false(sleeper_woke_early("nonpreemptive", 0));
	int early = 0;
	for (uint64_t seed = 0; seed < 20; seed++)
		early += sleeper_woke_early("random", seed);
	assert_true(early > 0);
}

static void follow_reproduces_a_random_schedule(void **state)
{
	(void)state;
	for (uint64_t seed = 0; seed < 20; seed++) {
		struct sim *rec = abba("random", seed, 1);
		enum deja_decision_kind k = sim_run(rec, NULL, 0);
		struct sim *rep = abba("follow", 0, 1);
		assert_int_equal(sim_run(rep, rec->trace, rec->nevents), k);
		assert_int_equal(rep->nevents, rec->nevents);
		assert_memory_equal(rep->trace, rec->trace, rec->nevents * sizeof(uint32_t));
		assert_int_equal(rep->m->preemptions, rec->m->preemptions);
		sim_free(rec);
		sim_free(rep);
	}
}

static void follow_diverges_when_the_recorded_thread_cannot_run(void **state)
{
	(void)state;
	struct sim *s = abba("follow", 0, 0);
	/* thread 0 starts and takes A; then the schedule asks thread 1 to take A. */
	uint32_t schedule[] = { 0, 0, 1, 1 };
	assert_int_equal(sim_run(s, schedule, 4), DEJA_DECIDE_DIVERGED);
	assert_int_equal(s->nevents, 3);
	sim_free(s);
}

static void follow_diverges_past_the_end(void **state)
{
	(void)state;
	struct sim *s = abba("follow", 0, 0);
	uint32_t schedule[] = { 0, 0 };
	assert_int_equal(sim_run(s, schedule, 2), DEJA_DECIDE_DIVERGED);
	sim_free(s);
}

struct seen_events {
	struct deja_event ev[64];
	int n;
};

static void keep_event(void *ctx, const struct deja_event *ev)
{
	struct seen_events *seen = ctx;
	if (seen->n < 64)
		seen->ev[seen->n++] = *ev;
}

/*
 * Each event says which threads the choice before it could have picked
 * and whether leaving the running thread there was free (ipb's input).
 * Thread 0 locks mutex 0, yields, unlocks; thread 1 locks it too.  Under
 * nonpreemptive: 0 starts and locks (1 could have started instead: no
 * free switch); at 0's yield the switch to 1 is free; 1 starts, then
 * blocks on the mutex 0 holds, so only 0 can go, freely.
 */
static void events_say_who_else_could_run(void **state)
{
	(void)state;
	struct sim *s = sim_new(2, "nonpreemptive", 0);
	sim_add(s, 0, DEJA_OP_MUTEX_LOCK, 0, 0);
	sim_add(s, 0, DEJA_OP_YIELD, -1, 0);
	sim_add(s, 0, DEJA_OP_MUTEX_UNLOCK, 0, 0);
	sim_add(s, 1, DEJA_OP_MUTEX_LOCK, 0, 0);
	struct seen_events seen = { .n = 0 };
	s->observe = keep_event;
	s->observe_ctx = &seen;
	assert_int_equal(sim_run(s, NULL, 0), DEJA_DECIDE_ALL_DONE);
	assert_true(seen.n >= 5);
	/* 0 starts, 0 locks: both could run, 0 could go on. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(seen.ev[i].thread, 0);
		assert_int_equal(seen.ev[i].choosable, 0x3);
		assert_int_equal(seen.ev[i].choice_free, 0);
	}
	/* 0's yield is pending: switching to 1 is free. */
	assert_int_equal(seen.ev[2].thread, 1);
	assert_int_equal(seen.ev[2].op, DEJA_OP_THREAD_START);
	assert_int_equal(seen.ev[2].choosable, 0x3);
	assert_int_equal(seen.ev[2].choice_free, 1);
	/* 1 waits for the mutex: only 0 can go, and leaving 1 is free. */
	assert_int_equal(seen.ev[3].thread, 0);
	assert_int_equal(seen.ev[3].choosable, 0x1);
	assert_int_equal(seen.ev[3].choice_free, 1);
	sim_free(s);
}

/*
 * A thread that ends its timeslice (TIMESLICE, with ticks) or is stopped
 * spinning (INTERRUPT, without) is not chosen again at that point while
 * another thread can run, under every strategy: a thread that spins for
 * another would otherwise spin for ever (pos kept choosing it).  The
 * switch is no preemption, and a timeslice moves the clock on.
 */
static void a_spinning_thread_lets_the_others_run(void **state)
{
	(void)state;
	static const char *const strategies[] = { "nonpreemptive", "random", "pct:2", "pos", "surw" };
	for (size_t k = 0; k < sizeof(strategies) / sizeof(strategies[0]); k++) {
		for (uint64_t seed = 0; seed < 20; seed++) {
			struct sim *s = sim_new(2, strategies[k], seed);
			for (int i = 0; i < 4; i++)
				sim_add(s, 0, i % 2 ? DEJA_OP_INTERRUPT : DEJA_OP_TIMESLICE, -1, 0);
			for (int i = 0; i < 6; i++)
				sim_add(s, 1, DEJA_OP_YIELD, -1, 0);
			struct seen_events seen = { .n = 0 };
			s->observe = keep_event;
			s->observe_ctx = &seen;
			assert_int_equal(sim_run(s, NULL, 0), DEJA_DECIDE_ALL_DONE);
			if (k == 0) /* the switches at its slices are no preemptions */
				assert_int_equal(s->m->preemptions, 0);
			bool one_done = false;
			for (int i = 1; i < seen.n; i++) {
				const struct deja_event *e = &seen.ev[i], *before = &seen.ev[i - 1];
				one_done |= before->thread == 1 && before->op == DEJA_OP_THREAD_EXIT;
				bool slice = e->op == DEJA_OP_TIMESLICE || e->op == DEJA_OP_INTERRUPT;
				/* Declared while thread 0 ran on: thread 1 went first. */
				if (slice && !one_done)
					assert_int_not_equal(before->thread, 0);
			}
			/* Two timeslices' worth of time, besides each event's tick. */
			assert_true(s->m->vclock >= 2 * DEJA_TIMESLICE_NS);
			sim_free(s);
		}
	}
}

/* Thread 0 polls: lock, unlock, again, until thread 1 (lock, unlock) has
 * exited.  Thread 1 is enabled throughout. */
static struct sim *poller(const char *strategy, uint64_t seed)
{
	struct sim *s = sim_new(2, strategy, seed);
	sim_add(s, 0, DEJA_OP_MUTEX_LOCK, 0, 0);
	sim_add(s, 0, DEJA_OP_MUTEX_UNLOCK, 0, 0);
	s->polls_for[0] = 2;
	sim_add(s, 1, DEJA_OP_MUTEX_LOCK, 0, 0);
	sim_add(s, 1, DEJA_OP_MUTEX_UNLOCK, 0, 0);
	s->m->max_steps = 4 * DEJA_SLICE_EVENTS;
	return s;
}

/*
 * A thread that makes scheduling points but never blocks, while another
 * could run, is passed over after DEJA_SLICE_EVENTS events in a row, under
 * every strategy: nonpreemptive and pct kept choosing it until the step
 * budget ran out, and the thread it polled for never started.  The
 * switch is no preemption, and a replay follows it.  A turn that ended
 * with the lock held let thread 1 make one event and wait for the lock:
 * thread 0, running again once it let go, had a whole new turn, so runs
 * took two turns (and a C++ program polling a queue under its mutex ran
 * into deja hunt's step budget of 100000); for DEJA_TURN_GRACE_EVENTS
 * after its turn it is still passed over, and one turn is enough.
 */
static void a_polling_thread_gives_up_its_turn(void **state)
{
	(void)state;
	static const char *const strategies[] = { "nonpreemptive", "random", "pct:2", "pct:3", "pos", "surw" };
	for (size_t k = 0; k < sizeof(strategies) / sizeof(strategies[0]); k++) {
		for (uint64_t seed = 0; seed < 10; seed++) {
			struct sim *rec = poller(strategies[k], seed);
			assert_int_equal(sim_run(rec, NULL, 0), DEJA_DECIDE_ALL_DONE);
			/* One turn, and the few events of its grace. */
			assert_true(rec->nevents <= DEJA_SLICE_EVENTS + DEJA_TURN_GRACE_EVENTS + 16);
			if (k == 0) {
				assert_int_equal(rec->m->preemptions, 0);
				/* thread 0 ran its whole turn before thread 1 started */
				assert_int_equal(rec->trace[DEJA_SLICE_EVENTS - 1], 0);
				assert_int_equal(rec->trace[DEJA_SLICE_EVENTS], 1);
			}
			struct sim *rep = poller("follow", 0);
			assert_int_equal(sim_run(rep, rec->trace, rec->nevents), DEJA_DECIDE_ALL_DONE);
			assert_int_equal(rep->nevents, rec->nevents);
			assert_memory_equal(rep->trace, rec->trace, rec->nevents * sizeof(uint32_t));
			assert_memory_equal(rep->preempted, rec->preempted, rec->nevents * sizeof(bool));
			assert_int_equal(rep->m->preemptions, rec->m->preemptions);
			sim_free(rec);
			sim_free(rep);
		}
	}
}

/* Thread 0 reads the clock until thread 1 has exited; thread 1 first
 * waits 1 ms for a semaphore nobody posts.  Nobody else is enabled while
 * thread 1 waits. */
static struct sim *clock_poller(const char *strategy, uint64_t seed)
{
	struct sim *s = sim_new(2, strategy, seed);
	sim_add(s, 0, DEJA_OP_CLOCK_READ, -1, 0);
	s->polls_for[0] = 2;
	sim_add(s, 1, DEJA_OP_SEM_WAIT, 1, 1000000);
	s->m->max_steps = 4 * DEJA_SLICE_EVENTS;
	return s;
}

/*
 * A thread polling the clock for a timed waiter: under nonpreemptive a
 * timed wait timed out only when no thread could run, so the poller ran to the
 * step budget.  Its turn's end (at most two: thread 1 may start after
 * thread 0's first) lets the overdue wait time out, with no
 * preemption, under every strategy, and a replay follows it.
 */
static void an_overdue_wait_ends_a_polling_turn(void **state)
{
	(void)state;
	static const char *const strategies[] = { "nonpreemptive", "random", "pct:2" };
	for (size_t k = 0; k < sizeof(strategies) / sizeof(strategies[0]); k++) {
		for (uint64_t seed = 0; seed < 5; seed++) {
			struct sim *rec = clock_poller(strategies[k], seed);
			assert_int_equal(sim_run(rec, NULL, 0), DEJA_DECIDE_ALL_DONE);
			assert_true(rec->nevents <= 2 * DEJA_SLICE_EVENTS + 16);
			if (k == 0)
				assert_int_equal(rec->m->preemptions, 0);
			struct sim *rep = clock_poller("follow", 0);
			assert_int_equal(sim_run(rep, rec->schedule, rec->nevents), DEJA_DECIDE_ALL_DONE);
			assert_int_equal(rep->nevents, rec->nevents);
			assert_memory_equal(rep->trace, rec->trace, rec->nevents * sizeof(uint32_t));
			sim_free(rec);
			sim_free(rep);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nonpreemptive_runs_each_thread_to_the_end),
		cmocka_unit_test(lock_order_deadlock_is_detected_by_some_seed),
		cmocka_unit_test(same_order_locking_never_deadlocks),
		cmocka_unit_test(step_budget_ends_a_livelock),
		cmocka_unit_test(sleepers_jump_the_virtual_clock),
		cmocka_unit_test(strategies_may_end_near_timed_waits_early),
		cmocka_unit_test(follow_reproduces_a_random_schedule),
		cmocka_unit_test(follow_diverges_when_the_recorded_thread_cannot_run),
		cmocka_unit_test(follow_diverges_past_the_end),
		cmocka_unit_test(events_say_who_else_could_run),
		cmocka_unit_test(a_spinning_thread_lets_the_others_run),
		cmocka_unit_test(a_polling_thread_gives_up_its_turn),
		cmocka_unit_test(an_overdue_wait_ends_a_polling_turn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
