/*
 * timers.c: the process's timers, on the virtual clock.
 *
 * alarm(), setitimer()/getitimer() and the POSIX timers (timer_create,
 * timer_settime, timer_gettime, timer_getoverrun, timer_delete) are
 * emulated here instead of reaching the kernel, whose timers run in real
 * time while the program's clocks and sleeps are virtual: `alarm(1);
 * sleep(10);` must see its SIGALRM cut the sleep short after one virtual
 * second, and a replay must see it at the same place.
 *
 * A timer is a deadline on the model's clock (and an interval).  The
 * earliest armed deadline is kept in the model (timer_deadline), so that
 * when nobody can run the scheduler moves the clock there as it does to a
 * timed wait's deadline (DEJA_DECIDE_TIMER).  At every scheduling point
 * (baton.c's decide, before the choice) the timers the clock has reached
 * fire: their signal becomes pending exactly as one the program sends
 * itself (signals.c: rt_signal_post), which wakes a thread that waits in
 * the model if the signal is for it, and is handled at a scheduling
 * point.  An interval timer re-arms; expiries that come while its last
 * signal still waits to be handled are counted as overruns, as the kernel
 * counts them.
 *
 * ITIMER_VIRTUAL and ITIMER_PROF measure the process's CPU time, which
 * under deja is the virtual clock too (CLOCK_PROCESS_CPUTIME_ID reads
 * it): they run on it like ITIMER_REAL, with SIGVTALRM and SIGPROF.
 * POSIX timers take the clocks deja makes virtual (REALTIME, MONOTONIC,
 * BOOTTIME and the CPU-time ones) and notify by SIGEV_SIGNAL,
 * SIGEV_THREAD_ID or SIGEV_NONE.  SIGEV_THREAD never reaches the kernel:
 * glibc makes a helper thread (outside pthread_create: clone_thread.c
 * follows it) and asks for SIGEV_THREAD_ID to it, with SIGTIMER, which
 * the helper blocks and takes with sigwaitinfo().
 *
 * Timers are the same in a recording and in its replay: every call and
 * every expiry depends only on the virtual clock, which a replay sets to
 * each event's recorded time.  The replay only does not post the signals:
 * it handles them where the recording did.  The calls are not events
 * (like clock reads in the serialised mode, they look at the model).
 * Timers are the process's: a forked child starts without any; an exec'd
 * image keeps the alarm() and setitimer() ones, as natively, and loses
 * the POSIX timers and timerfds' timers.
 *
 * A timerfd is such a timer too, behind an eventfd that stands in for the
 * descriptor: an expiry adds its count to the eventfd, so that a read
 * gives the expirations since the last read (8 bytes, as a timerfd's
 * does) and poll and epoll see it readable; the reads and polls are
 * inputs like any other (recorded, fed back in a replay).  Closing the
 * descriptor deletes the timer.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>

#include "model.h"

#define ITIMERS 3        /* ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF */
#define POSIX_TIMERS 64  /* POSIX timer ids 0..63 */
#define FD_TIMERS 64     /* timerfds at a time */
#define NS 1000000000LL

struct rt_timer {
	bool used;           /* POSIX: created; itimers always */
	bool queued;         /* its last signal still waits to be handled */
	int signo;
	int notify;          /* SIGEV_SIGNAL, SIGEV_THREAD_ID, SIGEV_NONE */
	int thread;          /* SIGEV_THREAD_ID: the model thread; else -1 */
	int id;              /* POSIX: the timer id; itimer: -1 */
	int fd;              /* a timerfd's descriptor (an eventfd); else -1 */
	clockid_t clock;
	union sigval value;
	uint64_t deadline;   /* virtual ns; DEJA_NO_DEADLINE: disarmed */
	uint64_t interval;   /* ns; 0: one-shot */
	int overrun;         /* expiries not signalled since the last signal */
	int overrun_seen;    /* what timer_getoverrun() gives */
};

static struct rt_timer itimers[ITIMERS];
static struct rt_timer posix_timers[POSIX_TIMERS];
static struct rt_timer fd_timers[FD_TIMERS];
static int fd_timers_used;

/* The timers of one table that come before *best, in it. */
static void earlier_of(struct rt_timer *table, int n, struct rt_timer **best)
{
	for (int i = 0; i < n; i++)
		if (table[i].used && table[i].deadline != DEJA_NO_DEADLINE &&
		    (!*best || table[i].deadline < (*best)->deadline))
			*best = &table[i];
}

/* The armed timer with the earliest deadline (the first of those due at
 * once, itimers, then POSIX timers, then timerfds), or NULL. */
static struct rt_timer *earliest(void)
{
	struct rt_timer *best = NULL;
	earlier_of(itimers, ITIMERS, &best);
	earlier_of(posix_timers, POSIX_TIMERS, &best);
	earlier_of(fd_timers, FD_TIMERS, &best);
	return best;
}

static void recompute_deadline(void)
{
	const struct rt_timer *first = earliest();
	rt.model->timer_deadline = first ? first->deadline : DEJA_NO_DEADLINE;
}

void rt_timers_reset(void)
{
	static const int itimer_signal[ITIMERS] = { SIGALRM, SIGVTALRM, SIGPROF };
	memset(posix_timers, 0, sizeof(posix_timers));
	memset(fd_timers, 0, sizeof(fd_timers));
	fd_timers_used = 0;
	for (int i = 0; i < ITIMERS; i++)
		itimers[i] = (struct rt_timer){ .used = true, .signo = itimer_signal[i],
						.notify = SIGEV_SIGNAL, .thread = -1, .id = -1,
						.fd = -1, .deadline = DEJA_NO_DEADLINE };
	if (rt.model)
		rt.model->timer_deadline = DEJA_NO_DEADLINE;
}

/* exec keeps alarm() and setitimer() timers (POSIX timers and timerfds'
 * timers end with the image): they wait in the channel for the next
 * image's runtime. */
void rt_timers_before_exec(void)
{
	for (int i = 0; i < ITIMERS; i++) {
		rt.shared->exec_itimer_deadline[i] = itimers[i].deadline;
		rt.shared->exec_itimer_interval[i] = itimers[i].interval;
	}
}

void rt_timers_after_exec(void)
{
	for (int i = 0; i < ITIMERS; i++) {
		itimers[i].deadline = rt.shared->exec_itimer_deadline[i];
		itimers[i].interval = rt.shared->exec_itimer_interval[i];
	}
	recompute_deadline();
}

/* ---- expiry ---- */

static void signal_expiry(struct rt_timer *tm, int missed)
{
	if (tm->fd >= 0) { /* a timerfd: its reader gets the count */
		uint64_t count = (uint64_t)missed + 1;
		rt_syscall3(SYS_write, tm->fd, &count, sizeof(count));
		return;
	}
	if (tm->notify == SIGEV_NONE)
		return;
	if (tm->queued) { /* the last one is still pending: one signal, counted */
		tm->overrun += 1 + missed;
		return;
	}
	tm->overrun_seen = tm->overrun + missed;
	tm->overrun = 0;
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = tm->signo;
	if (tm->id < 0) {
		info.si_code = SI_KERNEL; /* what the kernel's itimers send */
	} else {
		info.si_code = SI_TIMER;
		info.si_timerid = tm->id;
		info.si_overrun = tm->overrun_seen;
		info.si_value = tm->value;
	}
	tm->queued = rt_signal_post(tm->signo, tm->thread, &info);
}

static void expire(struct rt_timer *tm, uint64_t now)
{
	int missed = 0;
	if (tm->interval) {
		uint64_t late = (now - tm->deadline) / tm->interval;
		missed = late > INT32_MAX ? INT32_MAX : (int)late;
		tm->deadline += (late + 1) * tm->interval;
	} else {
		tm->deadline = DEJA_NO_DEADLINE;
	}
	signal_expiry(tm, missed);
}

bool rt_timers_check(void)
{
	struct deja_model *m = rt.model;
	if (m->vclock < m->timer_deadline)
		return false;
	/* Lowest deadline first, so that two timers due at once signal in
	 * the order they expired. */
	for (;;) {
		struct rt_timer *next = earliest();
		if (!next || next->deadline > m->vclock)
			break;
		uint64_t due = next->deadline;
		expire(next, m->vclock);
		if (next->deadline == due) /* cannot happen; never loop for ever */
			next->deadline = DEJA_NO_DEADLINE;
	}
	recompute_deadline();
	return true;
}

void rt_timers_handled(int sig)
{
	for (int i = 0; i < ITIMERS; i++)
		if (itimers[i].signo == sig)
			itimers[i].queued = false;
	for (int i = 0; i < POSIX_TIMERS; i++)
		if (posix_timers[i].used && posix_timers[i].signo == sig)
			posix_timers[i].queued = false;
}

/* ---- values ---- */

static uint64_t ns_of_ts(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * NS + (uint64_t)ts->tv_nsec;
}

static struct timespec ts_of_ns(uint64_t ns)
{
	return (struct timespec){ .tv_sec = (time_t)(ns / NS), .tv_nsec = (long)(ns % NS) };
}

/* What is left until the timer expires; an armed timer that is due shows
 * 1 ns, never 0 (which means disarmed). */
static uint64_t left_of(const struct rt_timer *tm)
{
	if (tm->deadline == DEJA_NO_DEADLINE)
		return 0;
	uint64_t now = rt.model->vclock;
	return tm->deadline > now ? tm->deadline - now : 1;
}

static bool valid_ts(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < NS;
}

static bool valid_tv(const struct timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

/* Arm (value > 0) or disarm (0) from now. */
static void arm(struct rt_timer *tm, uint64_t value, uint64_t interval)
{
	tm->deadline = value ? rt_vclock_base() + value : DEJA_NO_DEADLINE;
	tm->interval = value ? interval : 0;
	recompute_deadline();
}

/* ---- alarm, setitimer, getitimer ---- */

static void itimer_value(const struct rt_timer *tm, struct itimerval *out)
{
	uint64_t left = left_of(tm);
	/* Rounded up to the microsecond, as the kernel does. */
	uint64_t left_us = (left + 999) / 1000, iv_us = (tm->interval + 999) / 1000;
	out->it_value = (struct timeval){ (time_t)(left_us / 1000000), (long)(left_us % 1000000) };
	out->it_interval = (struct timeval){ (time_t)(iv_us / 1000000), (long)(iv_us % 1000000) };
}

static long alarm_call(unsigned seconds)
{
	struct itimerval old;
	itimer_value(&itimers[ITIMER_REAL], &old);
	arm(&itimers[ITIMER_REAL], (uint64_t)seconds * NS, 0);
	/* The seconds left, rounded as the kernel rounds them (never 0 for
	 * an alarm still armed). */
	long left = (long)old.it_value.tv_sec;
	if ((!left && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000)
		left++;
	return left;
}

static long setitimer_call(int which, const struct itimerval *value, struct itimerval *old)
{
	if (which < 0 || which >= ITIMERS)
		return -EINVAL;
	struct rt_timer *tm = &itimers[which];
	struct itimerval previous;
	itimer_value(tm, &previous);
	if (value) {
		if (!valid_tv(&value->it_value) || !valid_tv(&value->it_interval))
			return -EINVAL;
		uint64_t v = (uint64_t)value->it_value.tv_sec * NS + (uint64_t)value->it_value.tv_usec * 1000;
		uint64_t iv = (uint64_t)value->it_interval.tv_sec * NS +
			      (uint64_t)value->it_interval.tv_usec * 1000;
		arm(tm, v, iv);
	}
	if (old)
		*old = previous;
	return 0;
}

static long getitimer_call(int which, struct itimerval *out)
{
	if (which < 0 || which >= ITIMERS)
		return -EINVAL;
	itimer_value(&itimers[which], out);
	return 0;
}

/* ---- POSIX timers ---- */

static struct rt_timer *posix_timer(long id)
{
	if (id < 0 || id >= POSIX_TIMERS || !posix_timers[id].used)
		return NULL;
	return &posix_timers[id];
}

static bool timer_clock_ok(clockid_t clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME ||
	       clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID;
}

/* The kernel's struct sigevent: the thread id follows the value, signal
 * and notify fields. */
struct kernel_sigevent {
	union sigval value;
	int signo;
	int notify;
	int tid;
};

static long timer_create_call(clockid_t clock, const struct kernel_sigevent *ev, int *id_out)
{
	if (!timer_clock_ok(clock))
		return -EINVAL;
	struct kernel_sigevent dflt = { .signo = SIGALRM, .notify = SIGEV_SIGNAL };
	int slot = -1;
	for (int i = 0; i < POSIX_TIMERS && slot < 0; i++)
		if (!posix_timers[i].used)
			slot = i;
	if (!ev) /* the default: SIGALRM, with the timer id as its value */
		dflt.value.sival_int = slot;
	else
		dflt = *ev;
	int thread = -1;
	switch (dflt.notify) {
	case SIGEV_NONE:
		break;
	case SIGEV_SIGNAL:
	case SIGEV_THREAD_ID:
		if (dflt.signo <= 0 || dflt.signo > 64)
			return -EINVAL;
		if (dflt.notify == SIGEV_THREAD_ID && (thread = rt_signal_thread_of(dflt.tid)) < 0)
			return -EINVAL;
		break;
	default: /* SIGEV_THREAD is glibc's, by SIGEV_THREAD_ID: see the top */
		rt_write_stderr("deja: timer_create() with SIGEV_THREAD is not supported: it fails"
				" with EINVAL\n");
		return -EINVAL;
	}
	if (slot < 0)
		return -EAGAIN;
	posix_timers[slot] = (struct rt_timer){ .used = true, .signo = dflt.signo,
						 .notify = dflt.notify, .thread = thread, .id = slot,
						 .fd = -1,
						 .clock = clock, .value = dflt.value,
						 .deadline = DEJA_NO_DEADLINE };
	*id_out = slot;
	return 0;
}

static void posix_value(const struct rt_timer *tm, struct itimerspec *out)
{
	out->it_value = ts_of_ns(left_of(tm));
	out->it_interval = ts_of_ns(tm->interval);
}

static long settime(struct rt_timer *tm, int flags, const struct itimerspec *value,
		    struct itimerspec *old)
{
	if (!value || !valid_ts(&value->it_value) || !valid_ts(&value->it_interval))
		return -EINVAL;
	struct itimerspec previous;
	posix_value(tm, &previous);
	uint64_t v = ns_of_ts(&value->it_value);
	if (v && (flags & TIMER_ABSTIME)) { /* from the clock's reading now; past: due now */
		uint64_t deadline = rt_deadline_abs(tm->clock, &value->it_value);
		v = deadline > rt.model->vclock ? deadline - rt.model->vclock : 1;
	}
	tm->overrun = 0;
	arm(tm, v, ns_of_ts(&value->it_interval));
	if (old)
		*old = previous;
	return 0;
}

static long timer_settime_call(long id, int flags, const struct itimerspec *value,
			       struct itimerspec *old)
{
	struct rt_timer *tm = posix_timer(id);
	return tm ? settime(tm, flags, value, old) : -EINVAL;
}

static long timer_gettime_call(long id, struct itimerspec *out)
{
	struct rt_timer *tm = posix_timer(id);
	if (!tm)
		return -EINVAL;
	posix_value(tm, out);
	return 0;
}

static long timer_getoverrun_call(long id)
{
	struct rt_timer *tm = posix_timer(id);
	return tm ? tm->overrun_seen : -EINVAL;
}

static long timer_delete_call(long id)
{
	struct rt_timer *tm = posix_timer(id);
	if (!tm)
		return -EINVAL;
	memset(tm, 0, sizeof(*tm));
	recompute_deadline();
	return 0;
}

/* ---- timerfd ---- */

static struct rt_timer *fd_timer(long fd)
{
	for (int i = 0; fd >= 0 && i < FD_TIMERS; i++)
		if (fd_timers[i].used && fd_timers[i].fd == fd)
			return &fd_timers[i];
	return NULL;
}

static long timerfd_create_call(clockid_t clock, int flags)
{
	if (clock == CLOCK_REALTIME_ALARM)
		clock = CLOCK_REALTIME;
	else if (clock == CLOCK_BOOTTIME_ALARM)
		clock = CLOCK_BOOTTIME;
	if ((clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME) ||
	    (flags & ~(TFD_NONBLOCK | TFD_CLOEXEC)))
		return -EINVAL;
	int slot = -1;
	for (int i = 0; i < FD_TIMERS && slot < 0; i++)
		if (!fd_timers[i].used)
			slot = i;
	if (slot < 0)
		return -EMFILE;
	/* TFD_NONBLOCK and TFD_CLOEXEC are EFD_NONBLOCK and EFD_CLOEXEC. */
	long fd = rt_syscall2(SYS_eventfd2, 0, flags);
	if (fd < 0)
		return fd;
	fd_timers[slot] = (struct rt_timer){ .used = true, .notify = SIGEV_NONE, .thread = -1,
					     .id = -1, .fd = (int)fd, .clock = clock,
					     .deadline = DEJA_NO_DEADLINE };
	fd_timers_used++;
	return fd;
}

/* Setting a timerfd forgets the expirations nobody has read. */
static void drain(int fd)
{
	struct pollfd { int fd; short events, revents; } p = { fd, 1 /* POLLIN */, 0 };
	uint64_t count;
	if (rt_syscall3(SYS_poll, &p, 1, 0) == 1)
		rt_syscall3(SYS_read, fd, &count, sizeof(count));
}

static long timerfd_settime_call(long fd, int flags, const struct itimerspec *value,
				 struct itimerspec *old)
{
	struct rt_timer *tm = fd_timer(fd);
	if (!tm)
		return -EINVAL;
	long r = settime(tm, flags & TFD_TIMER_ABSTIME ? TIMER_ABSTIME : 0, value, old);
	if (r == 0)
		drain(tm->fd);
	return r;
}

static long timerfd_gettime_call(long fd, struct itimerspec *out)
{
	struct rt_timer *tm = fd_timer(fd);
	if (!tm)
		return -EINVAL;
	posix_value(tm, out);
	return 0;
}

void rt_timers_forget_fd(long fd)
{
	if (!fd_timers_used)
		return;
	struct rt_timer *tm = fd_timer(fd);
	if (!tm)
		return;
	memset(tm, 0, sizeof(*tm));
	fd_timers_used--;
	if (rt.model)
		recompute_deadline();
}

long rt_timer_syscall(long nr, const long a[6])
{
	rt_model_enter(); /* parallel mode: the model's clock and timer_deadline */
	long r;
	switch (nr) {
	case SYS_alarm:
		r = alarm_call((unsigned)a[0]);
		break;
	case SYS_setitimer:
		r = setitimer_call((int)a[0], (const struct itimerval *)a[1], (struct itimerval *)a[2]);
		break;
	case SYS_getitimer:
		r = getitimer_call((int)a[0], (struct itimerval *)a[1]);
		break;
	case SYS_timer_create:
		r = timer_create_call((clockid_t)a[0], (const struct kernel_sigevent *)a[1],
				      (int *)a[2]);
		break;
	case SYS_timer_settime:
		r = timer_settime_call(a[0], (int)a[1], (const struct itimerspec *)a[2],
				       (struct itimerspec *)a[3]);
		break;
	case SYS_timer_gettime:
		r = timer_gettime_call(a[0], (struct itimerspec *)a[1]);
		break;
	case SYS_timer_getoverrun:
		r = timer_getoverrun_call(a[0]);
		break;
	case SYS_timer_delete:
		r = timer_delete_call(a[0]);
		break;
	case SYS_timerfd_create:
		r = timerfd_create_call((clockid_t)a[0], (int)a[1]);
		break;
	case SYS_timerfd_settime:
		r = timerfd_settime_call(a[0], (int)a[1], (const struct itimerspec *)a[2],
					 (struct itimerspec *)a[3]);
		break;
	case SYS_timerfd_gettime:
		r = timerfd_gettime_call(a[0], (struct itimerspec *)a[1]);
		break;
	default:
		r = -ENOSYS;
	}
	rt_model_leave();
	return r;
}
