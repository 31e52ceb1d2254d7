/*
 * ticks.c: scheduling points inside plain code, counted in software.
 *
 * A program compiled with `deja cflags` (-fsanitize-coverage=trace-pc and
 * the stub runtime/deja-ticks.h) calls __sanitizer_cov_trace_pc at every
 * basic block; the stub counts the call down in its own thread-local
 * counter and calls __deja_tick_due here only when that reaches zero.
 * Each call is a tick: a deterministic software branch counter, per
 * thread, the sum of the thread's counters (tick_counters.c).  A tick is a
 * potential scheduling point: the strategy chooses in advance the tick at
 * which the thread is next offered a preemption (deja_sched_tick_offer),
 * and the counters are set so that the thread calls in no later than
 * that, so the common path stays in the stub.  At that tick the thread
 * declares a TICK operation (always enabled; its event carries the tick
 * count) and the scheduler may switch away, exactly as at a lock.  A
 * replay stops each thread at the tick the recording did, from the
 * schedule.
 *
 * Whatever the strategy offers, a thread that passes DEJA_TIMESLICE_TICKS
 * ticks after its last event stops there at a TIMESLICE operation, which
 * the scheduler treats as a yield: a thread spinning on a flag lets the
 * thread that sets it run, even under nonpreemptive, and virtual time
 * moves on so that a timer fires during a long computation.  A replay
 * stops where the recording did and tells a timeslice from a tick offer by
 * the same rule (the stop falls exactly a slice after the thread's first
 * tick since its event).
 *
 * Uninstrumented code never calls in (runtime/interrupts.c stops it).  Threads the
 * runtime does not manage, and parallel mode (where threads run target code
 * at the same time and only operations are ordered), take no offers.
 *
 * At every scheduling point the thread's ticks are also counted into the
 * model, for pct's change points and for the coverage report: per thread,
 * the most ticks between two of its events, and the longest real time it
 * ran between two events without passing a tick while another thread was
 * live (code that deja could not preempt: uninstrumented, or inside libc).
 *
 * CPython's lines (runtime/python/sitecustomize.py) tick through
 * __deja_python_line, which first notes the line: every event the thread
 * makes from then on says where in the Python program it was
 * (deja_event.py_code, py_line), and __deja_python_code names the code
 * objects in the channel.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <sys/syscall.h>
#include <time.h>

#include "scheduler.h"

/* The next offer falls at tick `target`; the thread's counters are set to
 * call in no later (a thread never armed has target 0 and counters that
 * call in at their first tick). */
static __thread uint64_t target __attribute__((tls_model("initial-exec")));
/* The scheduler is asked for the next offer at the next tick (after each
 * event of the thread). */
static __thread bool ask __attribute__((tls_model("initial-exec")));
/* Where this thread's timeslice ends: a slice after its first tick since
 * its last event. */
static __thread uint64_t slice_end __attribute__((tls_model("initial-exec")));
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
	return rt_tick_count();
}

/* The next offer at tick `at` (DEJA_NO_TICK: none for a long while). */
static void arm(uint64_t now, uint64_t at)
{
	if (at == DEJA_NO_TICK || at <= now)
		at = now + NO_OFFER_TICKS;
	target = at;
	rt_tick_arm(at - now);
}

/* Real time to a millisecond or so, from the supervisor's last reading
 * (deja_shared.coarse_now_ns): a load, where reading the clock would be a
 * syscall (the vDSO's entries are syscalls in a target, vdso.c). */
static int64_t now_ns(void)
{
	int64_t now = __atomic_load_n(&rt.shared->coarse_now_ns, __ATOMIC_RELAXED);
	if (now)
		return now;
	struct timespec ts;
	rt_syscall2(SYS_clock_gettime, CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The next tick asks the scheduler where the next offer is. */
static void ask_at_next_tick(void)
{
	uint64_t now = ticks_now();
	ask = true;
	target = now + 1;
	rt_tick_arm(1);
}

static void offer_preemption(uint64_t site)
{
	struct deja_tick_coverage *c = &rt.model->coverage[rt_self];
	in_tick = true;
	c->stopped_tick = ticks_now(); /* until it goes on */
	enum deja_op op = c->stopped_tick == slice_end ? DEJA_OP_TIMESLICE : DEJA_OP_TICK;
	rt_declare(op, NULL, c->stopped_tick, site);
	rt_run(); /* the event arms the next ask (rt_ticks_after_event) */
	c->stopped_tick = DEJA_NO_TICK;
	in_tick = false;
}

/* Rare: a counter of the thread reached zero, at the first tick after an
 * event, at the tick of an offer, or on the way there. */
static __attribute__((noinline)) void tick_due(uint64_t site, uint64_t *counter)
{
	rt_tick_counter_join(counter);
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
		slice_end = now + DEJA_TIMESLICE_TICKS;
		/* A replay stops only where the recording did. */
		if (rt.shared->mode == DEJA_MODE_RECORD && (at == DEJA_NO_TICK || at > slice_end))
			at = slice_end;
		if (at != now) {
			arm(now, at);
			return;
		}
	} else if (now != target) { /* ticks spread over modules: not there yet */
		arm(now, target);
		return;
	}
	offer_preemption(site);
}

/* The stub of an instrumented module (deja-ticks.h) tail-jumps here when
 * its counter reaches zero, with the basic block's return address. */
RT_EXPORT void __deja_tick_due(uint64_t *counter)
{
	tick_due(RT_CALLER, counter);
}

/* Code built with bare -fsanitize-coverage=trace-pc, with no stub of its
 * own (a shared library, or C++ calling through the PLT), and programs
 * built with the earlier stub, which jumped to __deja_tick at every tick,
 * count in the runtime's own counter. */
static __thread uint64_t own_left __attribute__((tls_model("initial-exec"))) = 1;

RT_EXPORT void __sanitizer_cov_trace_pc(void)
{
	if (__builtin_expect(--own_left == 0, 0))
		tick_due(RT_CALLER, &own_left);
}

RT_EXPORT void __deja_tick(void)
{
	if (__builtin_expect(--own_left == 0, 0))
		tick_due(RT_CALLER, &own_left);
}

/* The Python line this thread last ticked at (0, 0: none). */
static __thread uint64_t py_code __attribute__((tls_model("initial-exec")));
static __thread uint32_t py_line __attribute__((tls_model("initial-exec")));

/* A Python line: noted for the thread's events, then a tick as
 * __deja_tick's (the same count, so lines tick as they did before they
 * were noted). */
RT_EXPORT void __deja_python_line(uint64_t code, uint32_t line)
{
	py_code = code;
	py_line = line;
	if (__builtin_expect(--own_left == 0, 0))
		tick_due(RT_CALLER, &own_left);
}

/* Copy the NUL-terminated `from` into to[0, room), cut to fit; the bytes
 * used, the NUL included (0 when room is 0). */
static uint32_t copy_name(char *to, uint32_t room, const char *from)
{
	uint32_t n = 0;
	if (room == 0)
		return 0;
	while (from[n] && n + 1 < room) {
		to[n] = from[n];
		n++;
	}
	to[n] = '\0';
	return n + 1;
}

/* A code object's names, "file\0qualname\0", the first time the hook
 * meets it.  Threads running in parallel may call at once: each takes its
 * own slot. */
RT_EXPORT void __deja_python_code(uint64_t code, const char *names)
{
	struct deja_shared *sh = rt.shared;
	if (!sh || !names)
		return;
	uint32_t i = __atomic_fetch_add(&sh->python_codes_taken, 1, __ATOMIC_RELAXED);
	if (i >= DEJA_PYTHON_CODES)
		return; /* dropped: the count says how many */
	struct deja_python_code *c = &sh->python_codes[i];
	c->code = code;
	c->image = sh->image;
	uint32_t file = copy_name(c->names, DEJA_PYTHON_NAME_MAX, names);
	const char *function = names;
	while (*function)
		function++;
	copy_name(c->names + file, DEJA_PYTHON_NAME_MAX - file, function + 1);
	__atomic_store_n(&c->ready, 1, __ATOMIC_RELEASE);
}

void rt_ticks_python_location(uint64_t *code, uint32_t *line)
{
	*code = py_code;
	*line = py_line;
}

void rt_ticks_thread_managed(void)
{
	rt.model->coverage[rt_self].ticks = ticks_now();
	rt.model->coverage[rt_self].stopped_tick = DEJA_NO_TICK;
	rt.model->coverage[rt_self].stopped_ip = 0;
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
	if (passed == 0 && resumed_ns && !rt.shared->parallel && others_live()) {
		int64_t dark = now_ns() - resumed_ns;
		if (dark > 0 && (uint64_t)dark > th->longest_dark_ns)
			th->longest_dark_ns = (uint64_t)dark;
	}
}

void rt_ticks_after_event(uint64_t seq)
{
	last_seq = seq;
	ask_at_next_tick();
	/* The clock is read by syscall (the vDSO's entry is one, vdso.c), so
	 * only when the stretch can count: a thread alone stays alone until its
	 * next event (a new thread is made by one of its events). */
	if (!rt.shared->parallel)
		resumed_ns = others_live() ? now_ns() : 0;
}
