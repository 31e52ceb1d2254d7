/*
 * interpose_cond.c: condition variables.
 *
 * A wait is two operations: COND_WAIT releases the mutex and joins the
 * condition's waiters, leaving COND_RESUME pending in the same step;
 * COND_RESUME runs once a signal (or, for timed waits, a timeout the
 * scheduler chose) has arrived and the mutex is free, and takes the mutex
 * back.  Signals wake the longest-waiting thread.  A condition or mutex
 * shared between processes is the real one (sync_shared.c).
 */
#define _GNU_SOURCE
#include "runtime.h"

#include "model.h"

#define COND_CLOCK_MONOTONIC_BIT 2u

static int cond_wait_model(pthread_cond_t *c, pthread_mutex_t *mx, int timed,
			   uint64_t deadline, uint64_t site)
{
	if (rt_cond_is_shared(c) || rt_mutex_is_shared(mx))
		return rt_cond_shared_wait(c, mx, timed ? deadline : DEJA_NO_DEADLINE, site);
	struct deja_object *co = rt_object(c, DEJA_OBJ_COND);
	struct deja_object *mo = rt_object(mx, DEJA_OBJ_MUTEX);
	struct deja_pending *p = rt_declare(DEJA_OP_COND_WAIT, co, 0, site);
	p->object2 = deja_model_object_ref(rt.model, mo);
	p->timed = (uint16_t)timed;
	p->deadline = deadline;
	int r = (int)rt_run();
	if (r != 0)
		return r;
	return (int)rt_run(); /* the COND_RESUME the wait left pending */
}

/* A cancellation point: a request acts before the wait, or after it with
 * the mutex held again (a cancellation's signal ends the wait, spuriously). */
static int cond_wait_common(pthread_cond_t *c, pthread_mutex_t *mx, int timed,
			    uint64_t deadline, uint64_t site)
{
	rt_cancel_point();
	int r = cond_wait_model(c, mx, timed, deadline, site);
	rt_cancel_point();
	return r;
}

static int cond_simple(pthread_cond_t *c, enum deja_op op, uint64_t site)
{
	rt_declare(op, rt_object(c, DEJA_OBJ_COND), 0, site);
	return (int)rt_run();
}

int rt_cond_destroy_at(pthread_cond_t *c, uint64_t site)
{
	return cond_simple(c, DEJA_OP_COND_DESTROY, site);
}

int rt_cond_init_at(pthread_cond_t *c, const pthread_condattr_t *attr, uint64_t site)
{
	int r = RT_REAL(pthread_cond_init)(c, attr);
	if (r != 0 || !rt_managed())
		return r;
	return cond_simple(c, DEJA_OP_COND_INIT, site);
}

RT_EXPORT int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
	return rt_cond_init_at(c, attr, RT_CALLER);
}

RT_EXPORT int pthread_cond_destroy(pthread_cond_t *c)
{
	if (!rt_managed())
		return RT_REAL(pthread_cond_destroy)(c);
	return rt_cond_destroy_at(c, RT_CALLER);
}

int rt_cond_wait_at(pthread_cond_t *c, pthread_mutex_t *mx, uint64_t deadline, uint64_t site)
{
	return cond_wait_common(c, mx, deadline != DEJA_NO_DEADLINE, deadline, site);
}

RT_EXPORT int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *mx)
{
	if (!rt_managed())
		return RT_REAL(pthread_cond_wait)(c, mx);
	return cond_wait_common(c, mx, 0, DEJA_NO_DEADLINE, RT_CALLER);
}

RT_EXPORT int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *mx,
				     const struct timespec *abstime)
{
	if (!rt_managed())
		return RT_REAL(pthread_cond_timedwait)(c, mx, abstime);
	/* The clock is the condition's attribute, realtime unless set: glibc
	 * keeps it in bit 1 of __wrefs (bit 0 says process-shared). */
	clockid_t clock = (c->__data.__wrefs & COND_CLOCK_MONOTONIC_BIT) ? CLOCK_MONOTONIC
									 : CLOCK_REALTIME;
	return cond_wait_common(c, mx, 1, rt_deadline_abs(clock, abstime), RT_CALLER);
}

RT_EXPORT int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *mx,
				     clockid_t clock, const struct timespec *abstime)
{
	if (!rt_managed())
		return RT_REAL(pthread_cond_clockwait)(c, mx, clock, abstime);
	return cond_wait_common(c, mx, 1, rt_deadline_abs(clock, abstime), RT_CALLER);
}

int rt_cond_signal_at(pthread_cond_t *c, bool all, uint64_t site)
{
	if (rt_cond_is_shared(c))
		return rt_cond_shared_signal(c, all, site);
	return cond_simple(c, all ? DEJA_OP_COND_BROADCAST : DEJA_OP_COND_SIGNAL, site);
}

RT_EXPORT int pthread_cond_signal(pthread_cond_t *c)
{
	if (!rt_managed())
		return RT_REAL(pthread_cond_signal)(c);
	return rt_cond_signal_at(c, false, RT_CALLER);
}

RT_EXPORT int pthread_cond_broadcast(pthread_cond_t *c)
{
	if (!rt_managed())
		return RT_REAL(pthread_cond_broadcast)(c);
	return rt_cond_signal_at(c, true, RT_CALLER);
}
