/*
 * interpose_misc.c: barriers, pthread_once, sched_yield and the sleeps.
 *
 * A barrier shared between processes is not modelled: barrier_shared.c.
 *
 * Sleeps do not sleep: a sleeping thread waits in the model until the
 * virtual clock reaches its deadline, and when every thread is waiting the
 * clock jumps there.  So sleeps order threads as they would in real time,
 * and sleeping programs finish at once.  A signal for the sleeping thread
 * (a timer's, another thread's) ends the sleep early, once its handler has
 * run, with EINTR and the time left (signals.c).
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <sys/syscall.h>

#include "model.h"

RT_EXPORT int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr,
				   unsigned count)
{
	int r = RT_REAL(pthread_barrier_init)(b, attr, count);
	if (r != 0 || !rt_managed() || rt_barrier_is_shared(b))
		return r; /* a shared one is the real one (barrier_shared.c) */
	rt_declare(DEJA_OP_BARRIER_INIT, rt_object(b, DEJA_OBJ_BARRIER), count, RT_CALLER);
	return (int)rt_run();
}

RT_EXPORT int pthread_barrier_destroy(pthread_barrier_t *b)
{
	if (!rt_managed())
		return RT_REAL(pthread_barrier_destroy)(b);
	if (rt_barrier_is_shared(b))
		return rt_barrier_shared_destroy(b, RT_CALLER);
	rt_declare(DEJA_OP_BARRIER_DESTROY, rt_object(b, DEJA_OBJ_BARRIER), 0, RT_CALLER);
	return (int)rt_run();
}

RT_EXPORT int pthread_barrier_wait(pthread_barrier_t *b)
{
	if (!rt_managed())
		return RT_REAL(pthread_barrier_wait)(b);
	if (rt_barrier_is_shared(b))
		return rt_barrier_shared_wait(b, RT_CALLER);
	rt_declare(DEJA_OP_BARRIER_WAIT, rt_object(b, DEJA_OBJ_BARRIER), 0, RT_CALLER);
	int r = (int)rt_run();
	if (r == PTHREAD_BARRIER_SERIAL_THREAD)
		return r;
	return (int)rt_run(); /* the BARRIER_RESUME the wait left pending */
}

/* The memory reads 2, done, before ONCE_END, so that the model, which
 * takes a done once whose memory reads 0 for a new one made where an old
 * one was freed (model.c), never takes this one for a new one. */
void rt_once_at(pthread_once_t *once, void (*init)(void), uint64_t site)
{
	rt_declare(DEJA_OP_ONCE_BEGIN, rt_object(once, DEJA_OBJ_ONCE), 0, site);
	if (rt_run() != 0)
		return; /* already done */
	init();
	/* what glibc leaves in a completed once: keeps it done if unmanaged later */
	__atomic_store_n(once, 2, __ATOMIC_RELEASE);
	rt_declare(DEJA_OP_ONCE_END, rt_object(once, DEJA_OBJ_ONCE), 0, site);
	rt_run();
}

RT_EXPORT int pthread_once(pthread_once_t *once, void (*init)(void))
{
	if (!rt_managed())
		return RT_REAL(pthread_once)(once, init);
	rt_once_at(once, init, RT_CALLER);
	return 0;
}

/* Parallel replay: a yield or sleep the recording does not have next for
 * this thread is no event (baton.c). */
static bool spin_quietly(enum deja_op op)
{
	return rt.shared->parallel && rt.shared->mode == DEJA_MODE_REPLAY &&
	       !rt_model_spin_recorded(op);
}

void rt_yield(uint64_t site)
{
	if (spin_quietly(DEJA_OP_YIELD)) {
		rt_syscall0(SYS_sched_yield);
		return;
	}
	rt_declare(DEJA_OP_YIELD, NULL, 0, site);
	rt_run();
}

RT_EXPORT int sched_yield(void)
{
	if (!rt_managed())
		return RT_REAL(sched_yield)();
	rt_yield(RT_CALLER);
	return 0;
}

/* Sleep in the model until the deadline, or until a signal interrupts
 * the sleep (its handler has then run): EINTR, with the time left.  The
 * event's arg is how long: the distance to the deadline from where the
 * deadline counts (rt_vclock_base: in parallel mode not from the clock
 * now, which the other threads' events, timed as they happened to run,
 * have moved on). */
static int sleep_until(uint64_t deadline, struct timespec *rem, uint64_t site)
{
	struct deja_pending *p = rt_declare(DEJA_OP_SLEEP, NULL, 0, site);
	uint64_t from = rt_vclock_base();
	p->timed = 1;
	p->deadline = deadline;
	p->arg = deadline > from ? deadline - from : 0;
	if (rt_run() != -EINTR)
		return 0;
	if (rem) {
		uint64_t left = deadline > rt.model->vclock ? deadline - rt.model->vclock : 0;
		rem->tv_sec = (time_t)(left / 1000000000ull);
		rem->tv_nsec = (long)(left % 1000000000ull);
	}
	return EINTR;
}

static int valid_timespec(const struct timespec *ts)
{
	return ts && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L && ts->tv_sec >= 0;
}

int rt_sleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem,
	     uint64_t site)
{
	if (!valid_timespec(req))
		return EINVAL;
	if (spin_quietly(DEJA_OP_SLEEP))
		return 0; /* virtual time: no time passes */
	rt_model_enter(); /* parallel mode: the clock is read under the lock */
	if (!(flags & TIMER_ABSTIME))
		return sleep_until(rt_deadline_rel(req), rem, site);
	return sleep_until(rt_deadline_abs(clock, req), NULL, site);
}

int rt_retry_pause(uint64_t site)
{
	return rt_retry_backoff(site, 0);
}

int rt_retry_backoff(uint64_t site, unsigned tries)
{
	long ms = 1L << (tries < 4 ? tries : 4);
	struct timespec pause = { 0, ms * 1000000 };
	bool alone = !deja_model_other_enabled(rt.model, rt_self);
	int r = rt_sleep(CLOCK_MONOTONIC, 0, &pause, NULL, site);
	if (r == 0 && rt.shared->mode == DEJA_MODE_RECORD && !rt.shared->real_time) {
		/* What another process must do takes real time; a thread with
		 * nobody else to run waits it out as the kernel would. */
		struct timespec real = { 0, tries && alone ? ms * 1000000 : 100000 };
		rt_syscall2(SYS_nanosleep, &real, NULL);
	}
	return r;
}

/* The program's sleeps are cancellation points, before and after. */
static int sleep_cancellable(clockid_t clock, int flags, const struct timespec *req,
			     struct timespec *rem, uint64_t site)
{
	rt_cancel_point();
	int r = rt_sleep(clock, flags, req, rem, site);
	rt_cancel_point();
	return r;
}

RT_EXPORT int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (!rt_managed())
		return RT_REAL(nanosleep)(req, rem);
	int r = sleep_cancellable(CLOCK_MONOTONIC, 0, req, rem, RT_CALLER);
	if (r == 0)
		return 0;
	errno = r;
	return -1;
}

RT_EXPORT int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
			      struct timespec *rem)
{
	if (!rt_managed())
		return RT_REAL(clock_nanosleep)(clock, flags, req, rem);
	return sleep_cancellable(clock, flags, req, rem, RT_CALLER);
}

RT_EXPORT int usleep(useconds_t usec)
{
	if (!rt_managed())
		return RT_REAL(usleep)(usec);
	struct timespec ts = { .tv_sec = usec / 1000000, .tv_nsec = (long)(usec % 1000000) * 1000 };
	if (sleep_cancellable(CLOCK_MONOTONIC, 0, &ts, NULL, RT_CALLER) == 0)
		return 0;
	errno = EINTR;
	return -1;
}

/* The seconds left when a signal cut the sleep short, rounded to the
 * nearest second as glibc's sleep() rounds them. */
RT_EXPORT unsigned sleep(unsigned seconds)
{
	if (!rt_managed())
		return RT_REAL(sleep)(seconds);
	struct timespec ts = { .tv_sec = seconds, .tv_nsec = 0 }, rem = { 0, 0 };
	if (sleep_cancellable(CLOCK_MONOTONIC, 0, &ts, &rem, RT_CALLER) == 0)
		return 0;
	return (unsigned)rem.tv_sec + (rem.tv_nsec >= 500000000L);
}
