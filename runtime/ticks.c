/*
 * ticks.c: scheduling points inside plain code, counted in software.
 *
 * A program compiled with `deja cflags` (-fsanitize-coverage=trace-pc and
 * the stub runtime/deja-ticks.h) calls __sanitizer_cov_trace_pc at every
 * basic block; the stub forwards to __deja_tick here when this library is
 * loaded.  Each call is a tick: a deterministic software branch counter,
 * per thread.  A tick is a potential scheduling point: the strategy chooses
 * in advance the tick at which the thread is next offered a preemption
 * (deja_sched_tick_offer), so the common path is a decrement and a
 * branch.  At that tick the thread declares a TICK operation (always
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
 * ran between two events without passing a tick while another thread was
 * live (code that deja could not preempt: uninstrumented, or inside libc).
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <sys/syscall.h>
#include <time.h>

#include "scheduler.h"

/*
 * The counter counts down: `left` ticks remain before the next offer, which
 * falls at tick `target`, so the thread has passed target - left ticks (in
 * wrapping arithmetic: a thread never armed starts at 0 - 0 and wraps past
 * zero at once, into a stretch of 2^64 ticks without offers).  The common
 * path is one decrement of thread-local memory and a branch.
 */
static __thread uint64_t left __attribute__((tls_model("initial-exec")));
static __thread uint64_t target __attribute__((tls_model("initial-exec")));
/* The scheduler is asked for the next offer at the next tick (after each
 * event of the thread). */
static __thread bool ask __attribute__((tls_model("initial-exec")));
/* The last event this thread executed, for a replay's tick stops. */
static __thread uint64_t last_seq __attribute__((tls_model("initial-exec")));
/* When the thread went on after its last event (CLOCK_MONOTONIC_COARSE ns). */
static __thread int64_t resumed_ns __attribute__((tls_model("initial-exec")));
/* Inside the slow path: ticks of code it runs (a signal handler at the
 * point) take no offers, in record and replay alike; they still count. */
static __thread bool in_tick __attribute__((tls_model("initial-exec")));

#define NO_OFFER_TICKS (1ull << 62)

static uint64_t ticks_now(void)
{
	return target - left;
}

/* The next offer at tick `at` (DEJA_NO_TICK: none for a long while). */
static void arm(uint64_t now, uint64_t at)
{
	if (at == DEJA_NO_TICK || at <= now)
		at = now + NO_OFFER_TICKS;
	target = at;
	left = at - now;
}

static int64_t now_ns(void)
{
	struct timespec ts; /* the syscall: the vDSO's entry is one (vdso.c) */
	rt_syscall2(SYS_clock_gettime, CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The next tick asks the scheduler where the next offer is. */
static void ask_at_next_tick(void)
{
	uint64_t now = ticks_now();
	ask = true;
	target = now + 1;
	left = 1;
}

static void offer_preemption(uint64_t site)
{
	struct deja_tick_coverage *c = &rt.model->coverage[rt_self];
	in_tick = true;
	c->stopped_tick = ticks_now(); /* until it goes on */
	rt_declare(DEJA_OP_TICK, NULL, c->stopped_tick, site);
	rt_run(); /* the event arms the next ask (rt_ticks_after_event) */
	c->stopped_tick = DEJA_NO_TICK;
	in_tick = false;
}

/* Rare: the first tick after an event, or the tick of an offer. */
static __attribute__((noinline)) void tick_slow(uint64_t site)
{
	uint64_t now = ticks_now();
	if (in_tick) { /* ask again once the point is over */
		ask_at_next_tick();
		return;
	}
	if (!rt_managed() || rt.shared->parallel) {
		ask = false;
		arm(now, DEJA_NO_TICK);
		return;
	}
	if (ask) {
		ask = false;
		struct deja_sched_input in = { .schedule = rt.schedule, .schedule_len = rt.schedule_len,
					       .script = rt.script, .script_len = rt.script_len,
					       .ticks = rt.ticks };
		uint64_t at = deja_sched_tick_offer(rt.model, &in, rt_self, last_seq, now);
		if (at != now) {
			arm(now, at);
			return;
		}
	}
	offer_preemption(site);
}

/* The instrumented program's basic blocks call this, through the stub. */
RT_EXPORT void __deja_tick(void)
{
	if (__builtin_expect(--left == 0, 0))
		tick_slow(RT_CALLER);
}

/* A program built with bare -fsanitize-coverage=trace-pc as a shared
 * library, with no stub of its own, gets the same counter. */
RT_EXPORT void __sanitizer_cov_trace_pc(void)
{
	if (__builtin_expect(--left == 0, 0))
		tick_slow(RT_CALLER);
}

void rt_ticks_thread_managed(void)
{
	rt.model->coverage[rt_self].ticks = ticks_now();
	rt.model->coverage[rt_self].stopped_tick = DEJA_NO_TICK;
	ask_at_next_tick();
	resumed_ns = now_ns();
}

/* Another thread of the run is live: only then can a stretch without a
 * point hide a race. */
static bool others_live(void)
{
	for (uint32_t i = 0; i < rt.model->nthreads; i++)
		if (i != rt_self && rt.model->threads[i].state == DEJA_THREAD_LIVE)
			return true;
	return false;
}

void rt_ticks_at_point(void)
{
	struct deja_tick_coverage *th = &rt.model->coverage[rt_self];
	uint64_t ticks = ticks_now();
	uint64_t passed = ticks - th->ticks;
	th->ticks = ticks;
	rt.model->ticks += passed;
	if (passed > th->longest_ticks)
		th->longest_ticks = passed;
	/* Parallel mode has no ticks to offer, and reads no clock here: the
	 * model lock is held. */
	if (passed == 0 && resumed_ns && !rt.shared->parallel) {
		int64_t dark = now_ns() - resumed_ns;
		if (dark > 0 && (uint64_t)dark > th->longest_dark_ns && others_live())
			th->longest_dark_ns = (uint64_t)dark;
	}
}

void rt_ticks_after_event(uint64_t seq)
{
	last_seq = seq;
	ask_at_next_tick();
	if (!rt.shared->parallel)
		resumed_ns = now_ns();
}
