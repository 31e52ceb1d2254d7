/*
 * ticks.c: scheduling points inside plain code, counted in software.
 *
 * A program compiled with `deja cflags` (-fsanitize-coverage=trace-pc and
 * the stub runtime/deja-ticks.h) calls __sanitizer_cov_trace_pc at every
 * basic block; the stub forwards to __deja_tick here when this library is
 * loaded.  Each call is a tick: a deterministic software branch counter,
 * per thread.  A tick is a potential scheduling point: the strategy chooses
 * in advance the tick at which the thread is next offered a preemption
 * (deja_sched_tick_offer), so the common path is an increment and a
 * compare.  At that tick the thread declares a TICK operation (always
 * enabled; its event carries the tick count) and the scheduler may switch
 * away, exactly as at a lock.  A replay stops each thread at the tick the
 * recording did, from the schedule.
 *
 * Uninstrumented code never calls in, so it behaves as before.  Threads the
 * runtime does not manage, and parallel mode (where threads run target code
 * at the same time and only operations are ordered), take no offers.
 *
 * At every scheduling point the thread's ticks are also counted into the
 * model, for pct's change points and for the coverage report: per thread,
 * the most ticks between two of its events, and the longest real time it
 * ran between two events without passing a tick (code that deja could not
 * preempt: uninstrumented, or inside libc).
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <time.h>

#include "scheduler.h"

/* Ticks this thread has passed (the software branch counter). */
static __thread uint64_t ticks __attribute__((tls_model("initial-exec")));
/* The tick at which this thread is next offered a preemption; 0: ask the
 * scheduler at the next tick (after each event); DEJA_NO_TICK: none. */
static __thread uint64_t offer_at __attribute__((tls_model("initial-exec")));
/* The last event this thread executed, for a replay's tick stops. */
static __thread uint64_t last_seq __attribute__((tls_model("initial-exec")));
/* When the thread went on after its last event (CLOCK_MONOTONIC_COARSE ns). */
static __thread int64_t resumed_ns __attribute__((tls_model("initial-exec")));
/* Inside the slow path: ticks of code it runs (a signal handler at the
 * point) take no offers, in record and replay alike; they still count. */
static __thread bool in_tick __attribute__((tls_model("initial-exec")));

/* The coarse clock, read in the vDSO: no syscall, and no rdtsc, which
 * faults in the target (tsc.c).  A few ms of resolution suffice to spot a
 * thread that ran long without a scheduling point. */
static int64_t now_ns(void)
{
	struct timespec ts;
	RT_REAL(clock_gettime)(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void offer_preemption(uint64_t site)
{
	in_tick = true;
	rt_declare(DEJA_OP_TICK, NULL, ticks, site);
	rt_run(); /* the event re-arms offer_at (rt_ticks_after_event) */
	in_tick = false;
}

/* Rare: the first tick after an event, or the tick of an offer. */
static __attribute__((noinline)) void tick_slow(uint64_t site)
{
	if (in_tick)
		return;
	if (!rt_managed() || rt.shared->parallel) {
		offer_at = DEJA_NO_TICK;
		return;
	}
	if (offer_at == 0) {
		struct deja_sched_input in = { rt.schedule, rt.schedule_len, rt.ticks };
		offer_at = deja_sched_tick_offer(rt.model, &in, rt_self, last_seq, ticks);
		if (ticks < offer_at)
			return;
	}
	offer_preemption(site);
}

/* The instrumented program's basic blocks call this, through the stub. */
RT_EXPORT void __deja_tick(void)
{
	if (__builtin_expect(++ticks >= offer_at, 0))
		tick_slow(RT_CALLER);
}

/* A program built with bare -fsanitize-coverage=trace-pc as a shared
 * library, with no stub of its own, gets the same counter. */
RT_EXPORT void __sanitizer_cov_trace_pc(void)
{
	if (__builtin_expect(++ticks >= offer_at, 0))
		tick_slow(RT_CALLER);
}

void rt_ticks_thread_managed(void)
{
	rt.model->threads[rt_self].ticks = ticks;
	offer_at = 0;
	resumed_ns = now_ns();
}

void rt_ticks_at_point(void)
{
	struct deja_thread *th = &rt.model->threads[rt_self];
	uint64_t passed = ticks - th->ticks;
	th->ticks = ticks;
	rt.model->ticks += passed;
	if (passed > th->longest_ticks)
		th->longest_ticks = passed;
	if (passed == 0 && resumed_ns) {
		int64_t dark = now_ns() - resumed_ns;
		if (dark > 0 && (uint64_t)dark > th->longest_dark_ns)
			th->longest_dark_ns = (uint64_t)dark;
	}
}

void rt_ticks_after_event(uint64_t seq)
{
	last_seq = seq;
	offer_at = 0;
	resumed_ns = now_ns();
}
