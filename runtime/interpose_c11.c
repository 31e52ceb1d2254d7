/*
 * interpose_c11.c: C11's <threads.h>, on top of the pthread interposers.
 *
 * glibc implements thrd_create, mtx_lock, cnd_wait and the rest with its
 * own internal pthread calls, past the runtime's interposers: its threads
 * came to the runtime as raw clone()s, which parallel mode cannot follow,
 * and its locks as futex words in memory.  Here each C11 call is the
 * pthread call glibc makes for it (mtx_t is a pthread_mutex_t, cnd_t a
 * pthread_cond_t, thrd_t a pthread_t, once_flag a pthread_once_t), made
 * through the runtime with the program's call site, and its result given
 * as C11's (thrd_success, thrd_busy, ...).  An unmanaged thread calls
 * glibc's own.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <threads.h>

_Static_assert(sizeof(mtx_t) == sizeof(pthread_mutex_t), "mtx_t is a pthread_mutex_t");
_Static_assert(sizeof(cnd_t) == sizeof(pthread_cond_t), "cnd_t is a pthread_cond_t");
_Static_assert(sizeof(thrd_t) == sizeof(pthread_t), "thrd_t is a pthread_t");
_Static_assert(sizeof(once_flag) == sizeof(pthread_once_t), "once_flag is a pthread_once_t");

/* A pthread call's result as C11's, as glibc gives it. */
static int c11_result(int r)
{
	switch (r) {
	case 0:
		return thrd_success;
	case EBUSY:
		return thrd_busy;
	case ETIMEDOUT:
		return thrd_timedout;
	case ENOMEM:
		return thrd_nomem;
	default:
		return thrd_error;
	}
}

static pthread_mutex_t *as_mutex(mtx_t *m)
{
	return (pthread_mutex_t *)(void *)m;
}

static pthread_cond_t *as_cond(cnd_t *c)
{
	return (pthread_cond_t *)(void *)c;
}

RT_EXPORT int thrd_create(thrd_t *thr, thrd_start_t fn, void *arg)
{
	if (!rt_managed())
		return RT_REAL(thrd_create)(thr, fn, arg);
	return c11_result(rt_thread_create_at(thr, NULL, NULL, fn, arg, RT_CALLER));
}

RT_EXPORT int thrd_join(thrd_t thr, int *res)
{
	if (!rt_managed())
		return RT_REAL(thrd_join)(thr, res);
	void *ret;
	int r = rt_thread_join_at(thr, &ret, RT_CALLER);
	if (r == 0 && res)
		*res = (int)(intptr_t)ret;
	return c11_result(r);
}

RT_EXPORT int thrd_detach(thrd_t thr)
{
	if (!rt_managed())
		return RT_REAL(thrd_detach)(thr);
	return c11_result(rt_thread_detach_at(thr, RT_CALLER));
}

RT_EXPORT void thrd_exit(int res)
{
	if (!rt_managed())
		RT_REAL(thrd_exit)(res);
	rt_thread_exit_at((void *)(intptr_t)res, RT_CALLER);
}

RT_EXPORT int mtx_init(mtx_t *m, int type)
{
	if (!rt_managed())
		return RT_REAL(mtx_init)(m, type);
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	if (type & mtx_recursive)
		pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	int r = rt_mutex_init_at(as_mutex(m), &attr, RT_CALLER);
	pthread_mutexattr_destroy(&attr);
	return c11_result(r);
}

RT_EXPORT int mtx_lock(mtx_t *m)
{
	if (!rt_managed())
		return RT_REAL(mtx_lock)(m);
	return c11_result(rt_mutex_lock_at(as_mutex(m), DEJA_NO_DEADLINE, RT_CALLER));
}

RT_EXPORT int mtx_timedlock(mtx_t *restrict m, const struct timespec *restrict until)
{
	if (!rt_managed())
		return RT_REAL(mtx_timedlock)(m, until);
	uint64_t deadline = rt_deadline_abs(CLOCK_REALTIME, until);
	return c11_result(rt_mutex_lock_at(as_mutex(m), deadline, RT_CALLER));
}

RT_EXPORT int mtx_trylock(mtx_t *m)
{
	if (!rt_managed())
		return RT_REAL(mtx_trylock)(m);
	return c11_result(rt_mutex_trylock_at(as_mutex(m), RT_CALLER));
}

RT_EXPORT int mtx_unlock(mtx_t *m)
{
	if (!rt_managed())
		return RT_REAL(mtx_unlock)(m);
	return c11_result(rt_mutex_unlock_at(as_mutex(m), RT_CALLER));
}

RT_EXPORT void mtx_destroy(mtx_t *m)
{
	if (!rt_managed()) {
		RT_REAL(mtx_destroy)(m);
		return;
	}
	rt_mutex_destroy_at(as_mutex(m), RT_CALLER);
}

RT_EXPORT int cnd_init(cnd_t *c)
{
	if (!rt_managed())
		return RT_REAL(cnd_init)(c);
	return c11_result(rt_cond_init_at(as_cond(c), NULL, RT_CALLER));
}

RT_EXPORT int cnd_signal(cnd_t *c)
{
	if (!rt_managed())
		return RT_REAL(cnd_signal)(c);
	return c11_result(rt_cond_signal_at(as_cond(c), false, RT_CALLER));
}

RT_EXPORT int cnd_broadcast(cnd_t *c)
{
	if (!rt_managed())
		return RT_REAL(cnd_broadcast)(c);
	return c11_result(rt_cond_signal_at(as_cond(c), true, RT_CALLER));
}

RT_EXPORT int cnd_wait(cnd_t *c, mtx_t *m)
{
	if (!rt_managed())
		return RT_REAL(cnd_wait)(c, m);
	return c11_result(rt_cond_wait_at(as_cond(c), as_mutex(m), DEJA_NO_DEADLINE, RT_CALLER));
}

/* cnd_init's condition counts time by CLOCK_REALTIME, as C11 asks. */
RT_EXPORT int cnd_timedwait(cnd_t *restrict c, mtx_t *restrict m,
			    const struct timespec *restrict until)
{
	if (!rt_managed())
		return RT_REAL(cnd_timedwait)(c, m, until);
	uint64_t deadline = rt_deadline_abs(CLOCK_REALTIME, until);
	return c11_result(rt_cond_wait_at(as_cond(c), as_mutex(m), deadline, RT_CALLER));
}

RT_EXPORT void cnd_destroy(cnd_t *c)
{
	if (!rt_managed()) {
		RT_REAL(cnd_destroy)(c);
		return;
	}
	rt_cond_destroy_at(as_cond(c), RT_CALLER);
}

RT_EXPORT void call_once(once_flag *flag, void (*fn)(void))
{
	if (!rt_managed()) {
		RT_REAL(call_once)(flag, fn);
		return;
	}
	rt_once_at((pthread_once_t *)(void *)flag, fn, RT_CALLER);
}
