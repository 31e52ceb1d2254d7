/*
 * interpose_rwlock.c: reader-writer locks.  The model keeps the writer and
 * the number of readers; any number of readers may hold the lock while no
 * writer does and, if the lock prefers writers (its kind, read from
 * glibc's __flags as a mutex's type is read from __kind), no writer waits
 * either.  A lock shared between processes is the real one
 * (sync_shared.c).
 */
#define _GNU_SOURCE
#include "runtime.h"

#include "model.h"

/* The same operation on a lock shared between processes. */
static int shared_op(pthread_rwlock_t *rw, enum deja_op op, int timed, uint64_t deadline,
		     uint64_t site)
{
	if (!timed)
		deadline = DEJA_NO_DEADLINE;
	switch (op) {
	case DEJA_OP_RW_RDLOCK:
	case DEJA_OP_RW_WRLOCK:
		return rt_rwlock_shared_lock(rw, op == DEJA_OP_RW_WRLOCK, deadline, site);
	case DEJA_OP_RW_TRYRDLOCK:
	case DEJA_OP_RW_TRYWRLOCK:
		return rt_rwlock_shared_trylock(rw, op == DEJA_OP_RW_TRYWRLOCK, site);
	case DEJA_OP_RW_UNLOCK:
		return rt_rwlock_shared_unlock(rw, site);
	case DEJA_OP_RW_DESTROY:
		return RT_REAL(pthread_rwlock_destroy)(rw);
	default:
		return 0; /* init: done for real already */
	}
}

static struct deja_object *rwlock_object(pthread_rwlock_t *rw)
{
	struct deja_object *o = rt_object(rw, DEJA_OBJ_RWLOCK);
	if (o->owner == DEJA_NO_THREAD && o->count == 0)
		o->subtype = rw->__data.__flags;
	return o;
}

static int rw_op(pthread_rwlock_t *rw, enum deja_op op, int timed,
		 uint64_t deadline, uint64_t site)
{
	if (rt_rwlock_is_shared(rw))
		return shared_op(rw, op, timed, deadline, site);
	struct deja_pending *p = rt_declare(op, rwlock_object(rw), 0, site);
	p->timed = (uint16_t)timed;
	p->deadline = deadline;
	return (int)rt_run();
}

RT_EXPORT int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr)
{
	int r = RT_REAL(pthread_rwlock_init)(rw, attr);
	if (r != 0 || !rt_managed())
		return r;
	return rw_op(rw, DEJA_OP_RW_INIT, 0, DEJA_NO_DEADLINE, RT_CALLER);
}

RT_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
	if (!rt_managed())
		return RT_REAL(pthread_rwlock_destroy)(rw);
	return rw_op(rw, DEJA_OP_RW_DESTROY, 0, DEJA_NO_DEADLINE, RT_CALLER);
}

RT_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
	if (!rt_managed())
		return RT_REAL(pthread_rwlock_rdlock)(rw);
	return rw_op(rw, DEJA_OP_RW_RDLOCK, 0, DEJA_NO_DEADLINE, RT_CALLER);
}

RT_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
	if (!rt_managed())
		return RT_REAL(pthread_rwlock_wrlock)(rw);
	return rw_op(rw, DEJA_OP_RW_WRLOCK, 0, DEJA_NO_DEADLINE, RT_CALLER);
}

RT_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
	if (!rt_managed())
		return RT_REAL(pthread_rwlock_tryrdlock)(rw);
	return rw_op(rw, DEJA_OP_RW_TRYRDLOCK, 0, DEJA_NO_DEADLINE, RT_CALLER);
}

RT_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
	if (!rt_managed())
		return RT_REAL(pthread_rwlock_trywrlock)(rw);
	return rw_op(rw, DEJA_OP_RW_TRYWRLOCK, 0, DEJA_NO_DEADLINE, RT_CALLER);
}

RT_EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw, const struct timespec *t)
{
	if (!rt_managed())
		return RT_REAL(pthread_rwlock_timedrdlock)(rw, t);
	return rw_op(rw, DEJA_OP_RW_RDLOCK, 1, rt_deadline_abs(CLOCK_REALTIME, t), RT_CALLER);
}

RT_EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw, const struct timespec *t)
{
	if (!rt_managed())
		return RT_REAL(pthread_rwlock_timedwrlock)(rw, t);
	return rw_op(rw, DEJA_OP_RW_WRLOCK, 1, rt_deadline_abs(CLOCK_REALTIME, t), RT_CALLER);
}

RT_EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t *rw, clockid_t clock,
					 const struct timespec *t)
{
	if (!rt_managed())
		return RT_REAL(pthread_rwlock_clockrdlock)(rw, clock, t);
	return rw_op(rw, DEJA_OP_RW_RDLOCK, 1, rt_deadline_abs(clock, t), RT_CALLER);
}

RT_EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t *rw, clockid_t clock,
					 const struct timespec *t)
{
	if (!rt_managed())
		return RT_REAL(pthread_rwlock_clockwrlock)(rw, clock, t);
	return rw_op(rw, DEJA_OP_RW_WRLOCK, 1, rt_deadline_abs(clock, t), RT_CALLER);
}

RT_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
	if (!rt_managed())
		return RT_REAL(pthread_rwlock_unlock)(rw);
	return rw_op(rw, DEJA_OP_RW_UNLOCK, 0, DEJA_NO_DEADLINE, RT_CALLER);
}
