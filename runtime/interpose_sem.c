/*
 * interpose_sem.c: POSIX semaphores (sem_clockwait is what CPython's locks
 * use).  The model holds the value; on first sight of a semaphore that was
 * not created through sem_init here, it is read from glibc's layout, whose
 * low 32 bits of the first word are the value.  Semaphores shared with
 * other processes (sem_open, pshared) are not modelled: sem_shared.c.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>

#include "model.h"

static struct deja_object *sem_object(sem_t *s)
{
	rt_model_enter();
	bool fresh = deja_model_find(rt.model, (uint64_t)(uintptr_t)s) == NULL;
	struct deja_object *o = rt_object(s, DEJA_OBJ_SEM);
	if (fresh)
		o->count = (int32_t)(*(const uint64_t *)(const void *)s & 0x7fffffffu);
	return o;
}

/* Semaphores report errors through errno. */
static int sem_result(int r)
{
	if (r == 0)
		return 0;
	errno = r == -EINTR ? EINTR : r; /* -EINTR: a signal interrupted the wait */
	return -1;
}

static int sem_op(sem_t *s, enum deja_op op, uint64_t arg, int timed,
		  uint64_t deadline, uint64_t site)
{
	struct deja_pending *p = rt_declare(op, sem_object(s), arg, site);
	p->timed = (uint16_t)timed;
	p->deadline = deadline;
	return sem_result((int)rt_run());
}

RT_EXPORT int sem_init(sem_t *s, int pshared, unsigned value)
{
	int r = RT_REAL(sem_init)(s, pshared, value);
	if (r == 0)
		rt_sem_note_init(s, pshared);
	if (r != 0 || !rt_managed() || pshared)
		return r;
	return sem_op(s, DEJA_OP_SEM_INIT, value, 0, DEJA_NO_DEADLINE, RT_CALLER);
}

RT_EXPORT int sem_destroy(sem_t *s)
{
	if (!rt_managed() || rt_sem_is_shared(s)) {
		rt_sem_note_destroy(s);
		return RT_REAL(sem_destroy)(s);
	}
	return sem_op(s, DEJA_OP_SEM_DESTROY, 0, 0, DEJA_NO_DEADLINE, RT_CALLER);
}

/* A wait, shared or modelled.  A signal interrupts sem_wait() with EINTR,
 * unless its handler asked for SA_RESTART: the kernel restarts an untimed
 * futex wait then, so glibc's sem_wait() waits on (sem_timedwait() is never
 * restarted).  A cancellation point, before the wait and after it. */
static int sem_wait_at(sem_t *s, int timed, uint64_t deadline, uint64_t site)
{
	rt_cancel_point();
	int r;
	if (rt_sem_is_shared(s)) {
		r = rt_sem_shared_wait(s, timed ? deadline : DEJA_NO_DEADLINE, site);
	} else {
		do
			r = sem_op(s, DEJA_OP_SEM_WAIT, 0, timed, deadline, site);
		while (r != 0 && errno == EINTR && !timed && !rt_cancel_requested() &&
		       rt_signals_restart());
	}
	int saved = errno;
	rt_cancel_point();
	errno = saved;
	return r;
}

RT_EXPORT int sem_wait(sem_t *s)
{
	if (!rt_managed())
		return RT_REAL(sem_wait)(s);
	return sem_wait_at(s, 0, DEJA_NO_DEADLINE, RT_CALLER);
}

RT_EXPORT int sem_trywait(sem_t *s)
{
	if (!rt_managed())
		return RT_REAL(sem_trywait)(s);
	if (rt_sem_is_shared(s))
		return rt_sem_shared_trywait(s, RT_CALLER);
	return sem_op(s, DEJA_OP_SEM_TRYWAIT, 0, 0, DEJA_NO_DEADLINE, RT_CALLER);
}

RT_EXPORT int sem_timedwait(sem_t *s, const struct timespec *abstime)
{
	if (!rt_managed())
		return RT_REAL(sem_timedwait)(s, abstime);
	return sem_wait_at(s, 1, rt_deadline_abs(CLOCK_REALTIME, abstime), RT_CALLER);
}

RT_EXPORT int sem_clockwait(sem_t *s, clockid_t clock, const struct timespec *abstime)
{
	if (!rt_managed())
		return RT_REAL(sem_clockwait)(s, clock, abstime);
	return sem_wait_at(s, 1, rt_deadline_abs(clock, abstime), RT_CALLER);
}

RT_EXPORT int sem_post(sem_t *s)
{
	if (!rt_managed())
		return RT_REAL(sem_post)(s);
	if (rt_sem_is_shared(s))
		return rt_sem_shared_post(s, RT_CALLER);
	return sem_op(s, DEJA_OP_SEM_POST, 0, 0, DEJA_NO_DEADLINE, RT_CALLER);
}

RT_EXPORT int sem_getvalue(sem_t *s, int *value)
{
	if (!rt_managed())
		return RT_REAL(sem_getvalue)(s, value);
	if (rt_sem_is_shared(s))
		return rt_sem_shared_getvalue(s, value, RT_CALLER);
	int r = sem_op(s, DEJA_OP_SEM_GETVALUE, 0, 0, DEJA_NO_DEADLINE, RT_CALLER);
	if (r == 0)
		*value = (int)(int64_t)rt_last_arg;
	return r;
}
