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
 * just a look at the model; but one read in DEJA_CLOCK_READS_PER_EVENT
 * since the thread's last event is an event (CLOCK_READ), a scheduling
 * point: a thread that spins reading the clock until another thread sets
 * a flag had none, and deja could not interrupt it either (the clock it
 * reads changes each pass), so the run hung under every strategy; now
 * random and pct may switch there, and a turn ends (scheduler.c).  In
 * parallel mode threads read concurrently,
 * and each thread reads a clock of its own: the run's clock just after
 * its last event (rt_vclock_base) plus a tick per read since, which its
 * replay repeats, since the replay sets each event's clock as recorded.
 * As events, ordered like any operation, the reads of a program that
 * times its work held every thread to the recording's order at each one,
 * and a million of them took 66 times as long to record as to run.  One
 * read in DEJA_CLOCK_READS_PER_EVENT since the thread's last event (and
 * its first read in an image, before it has had an event) is an event
 * all the same, and every event of the thread moves the run's clock up to
 * the thread's own (rt_clock_at_event): a thread reading the clock while
 * it waits for a timer, or for another thread's timed wait to end, moves
 * the run's time on.  A parallel replay makes those events where the
 * thread gets to them, as it does its yields (baton.c, spin loops): how
 * often a thread waiting for a flag read the clock was the recording's
 * timing.
 *
 * Real time (`deja record --time real`, and every child process): the
 * model's clock is kept up with the real monotonic clock at every
 * scheduling point (rt_clock_sync), and a timed wait nobody else can run
 * beside is waited for in real time.  A replay sets the model's clock to
 * each event's recorded value (rt_clock_replay), so it reads the recorded
 * times without waiting.  Under --time real every read is a CLOCK_READ
 * event too, reading the real time then.  A child of a virtual-time run
 * reads as the serialised mode does, the clock its thread's last
 * scheduling point left plus a tick per read, which its replay repeats
 * from the events' recorded clocks: as events, a threaded CPython child's
 * reads (four per item it passed through a queue) were 40% of its events
 * and made its recording eleven times slower than its native run.
 *
 * The libc functions are interposed because the vDSO answers them without
 * any syscall; raw syscalls reach the same code through the trap.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <sys/syscall.h>
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

/* The thread's clock reads since its last event in this image, and
 * whether it has had one (parallel mode: its clock starts there). */
static __thread uint32_t own_reads __attribute__((tls_model("initial-exec")));
static __thread bool own_clock_started __attribute__((tls_model("initial-exec")));

void rt_clock_after_event(void)
{
	own_reads = 0;
	own_clock_started = true;
}

/* The thread's own clock: a tick past each of its reads since its event. */
static uint64_t own_clock(void)
{
	return rt_vclock_base() + (uint64_t)own_reads * DEJA_TICK_NS;
}

void rt_clock_at_event(uint64_t seq)
{
	if (own_reads && rt.shared->parallel && own_clock() > rt.model->vclock)
		rt.model->vclock = own_clock();
	rt_clock_replay(seq);
}

/* Whether this read is the thread's DEJA_CLOCK_READS_PER_EVENT-th since
 * its last event, which is an event in either mode. */
static bool read_is_due(void)
{
	return own_reads + 1 >= DEJA_CLOCK_READS_PER_EVENT;
}

/* Parallel mode: whether this read is an event.  A replay makes it one
 * only where the recording's thread had its clock read next, and reads
 * its own clock elsewhere (rt_model_spin_recorded). */
static bool own_read_is_event(void)
{
	if (own_clock_started && !read_is_due())
		return false;
	return rt.shared->mode != DEJA_MODE_REPLAY || rt_model_spin_recorded(DEJA_OP_CLOCK_READ);
}

static int64_t read_as_event(clockid_t clock, uint64_t site)
{
	rt_declare(DEJA_OP_CLOCK_READ, NULL, (uint64_t)clock, site);
	return base_of(clock) + rt_run();
}

/* Read a virtual clock: a tick of virtual time passes, so that a program
 * waiting for the clock to move sees it move. */
int64_t rt_clock_read(clockid_t clock, uint64_t site)
{
	if (rt.shared->clock_read_events)
		return read_as_event(clock, site);
	if (rt.shared->parallel) {
		if (own_read_is_event())
			return read_as_event(clock, site);
		int64_t now = base_of(clock) + (int64_t)own_clock();
		own_reads++;
		return now;
	}
	if (read_is_due())
		return read_as_event(clock, site);
	own_reads++;
	int64_t now = rt_clock_peek(clock);
	rt.model->vclock += DEJA_TICK_NS;
	return now;
}

int64_t rt_clock_real_monotonic_ns(void)
{
	/* The syscall, not the vDSO: the vDSO reads the time-stamp counter,
	 * which faults in a target (tsc.c). */
	struct timespec ts;
	rt_syscall2(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Real nanoseconds since the run's monotonic start, as this process's
 * model time (real_offset_ns: a child's started at its parent's). */
static int64_t real_elapsed(void)
{
	return rt_clock_real_monotonic_ns() - rt.shared->monotonic_start_ns -
	       rt.shared->real_offset_ns;
}

void rt_clock_sync(void)
{
	if (!rt.shared->real_time || rt.shared->mode != DEJA_MODE_RECORD)
		return;
	int64_t now = real_elapsed();
	if (now > 0 && (uint64_t)now > rt.model->vclock)
		rt.model->vclock = (uint64_t)now;
}

/* The kernel stamps files from the real clock, which the virtual clock
 * (and a child's, which started where its parent's stood) runs behind: a
 * file the program has just written would be in its future, and `make`
 * warned of clock skew, `ls -l` printed a year for a time.  So a file time
 * the program sees moves the clock up to it, as time that has passed, if
 * the real clock has reached it (a file stamped in the real future stays
 * in the future, as natively).  Recording only: the moved clock is the
 * event's recorded time, which a replay sets (rt_clock_replay).
 * Only time this run has seen pass counts: a trial of deja shrink or
 * bisect starts its clocks where its recording's started
 * (realtime_shift_ns ago), and a file stamped in between, the directory
 * the trials write their traces into, moved each trial's clock by a
 * different few minutes, so the same script failed in one trial and
 * passed in the next. */
void rt_clock_not_before(int64_t realtime_ns)
{
	if (rt.shared->mode != DEJA_MODE_RECORD)
		return;
	int64_t since_start = realtime_ns - rt.shared->realtime_start_ns -
			      rt.shared->realtime_shift_ns;
	if (since_start <= 0 || (uint64_t)since_start <= rt.model->vclock)
		return;
	struct timespec now;
	rt_syscall2(SYS_clock_gettime, CLOCK_REALTIME, &now);
	if (realtime_ns <= (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec)
		rt.model->vclock = (uint64_t)since_start;
}

int64_t rt_clock_real_wait(uint64_t deadline)
{
	if (!rt.shared->real_time || rt.shared->mode != DEJA_MODE_RECORD ||
	    deadline == DEJA_NO_DEADLINE)
		return 0;
	int64_t left = (int64_t)deadline - real_elapsed();
	return left > 0 ? left : 0;
}

void rt_clock_replay(uint64_t seq)
{
	if (rt.vtimes_len && seq < rt.vtimes_len)
		rt.model->vclock = rt.vtimes[seq];
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
