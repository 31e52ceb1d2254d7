/*
 * clock.c: virtual clocks.
 *
 * Under deja the target reads time from the model's virtual clock: a clock
 * reads what it read when the run started (recorded in the trace, handed
 * back in replay) plus the virtual nanoseconds since.  The virtual clock
 * advances a tick per event and per clock read, and jumps to the next
 * deadline when every thread waits, so sleeping programs finish at once
 * and two runs of the same schedule read the same times.
 *
 * In the serialised mode the reading thread holds the baton, so a read is
 * just a look at the model.  In parallel mode threads read concurrently;
 * there each read is an event (CLOCK_READ), ordered like any operation, so
 * that replay gives every read the value it had.
 *
 * The libc functions are interposed because the vDSO answers them without
 * any syscall; raw syscalls reach the same code through the trap.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <sys/time.h>

#include "model.h"

static bool is_realtime(clockid_t clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE ||
	       clock == CLOCK_REALTIME_ALARM || clock == CLOCK_TAI;
}

static bool is_cputime(clockid_t clock)
{
	return clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID;
}

/* The clocks deja makes virtual: the fixed ones.  Per-process and per-fd
 * clocks (negative ids) stay real. */
bool rt_clock_is_virtual(clockid_t clock)
{
	return rt_managed() && clock >= 0 && clock <= CLOCK_TAI;
}

static int64_t base_of(clockid_t clock)
{
	if (is_cputime(clock))
		return 0;
	return is_realtime(clock) ? rt.shared->realtime_start_ns : rt.shared->monotonic_start_ns;
}

int64_t rt_clock_peek(clockid_t clock)
{
	return base_of(clock) + (int64_t)rt.model->vclock;
}

/* Read a virtual clock: a tick of virtual time passes, so that a program
 * waiting for the clock to move sees it move. */
int64_t rt_clock_read(clockid_t clock, uint64_t site)
{
	if (rt.shared->parallel) {
		rt_declare(DEJA_OP_CLOCK_READ, NULL, (uint64_t)clock, site);
		return base_of(clock) + rt_run();
	}
	int64_t now = rt_clock_peek(clock);
	rt.model->vclock += DEJA_TICK_NS;
	return now;
}

int rt_clock_gettime(clockid_t clock, struct timespec *ts, uint64_t site)
{
	int64_t ns = rt_clock_read(clock, site);
	ts->tv_sec = ns / 1000000000LL;
	ts->tv_nsec = ns % 1000000000LL;
	return 0;
}

int rt_gettimeofday(struct timeval *tv, void *tz, uint64_t site)
{
	int64_t ns = rt_clock_read(CLOCK_REALTIME, site);
	if (tv) {
		tv->tv_sec = ns / 1000000000LL;
		tv->tv_usec = (ns % 1000000000LL) / 1000;
	}
	if (tz) {
		struct timezone *z = tz;
		z->tz_minuteswest = 0;
		z->tz_dsttime = 0;
	}
	return 0;
}

time_t rt_time(time_t *t, uint64_t site)
{
	time_t now = (time_t)(rt_clock_read(CLOCK_REALTIME, site) / 1000000000LL);
	if (t)
		*t = now;
	return now;
}

RT_EXPORT int clock_gettime(clockid_t clock, struct timespec *ts)
{
	if (!rt_clock_is_virtual(clock))
		return RT_REAL(clock_gettime)(clock, ts);
	return rt_clock_gettime(clock, ts, RT_CALLER);
}

RT_EXPORT int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	if (!rt_managed())
		return RT_REAL(gettimeofday)(tv, tz);
	return rt_gettimeofday(tv, tz, RT_CALLER);
}

RT_EXPORT time_t time(time_t *t)
{
	if (!rt_managed())
		return RT_REAL(time)(t);
	return rt_time(t, RT_CALLER);
}
