/*
 * interpose_mutex.c: mutexes of every type, and spinlocks.
 *
 * The real pthread_mutex_t is never locked while the runtime is active: the
 * model holds ownership.  The mutex type is read from the object itself
 * (glibc keeps it in __data.__kind, which static initialisers also set), so
 * mutexes that were never passed to pthread_mutex_init work too.  A mutex
 * shared between processes is the real one (sync_shared.c).
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>

#include "model.h"

static struct deja_object *mutex_object(pthread_mutex_t *mx)
{
	struct deja_object *o = rt_object(mx, DEJA_OBJ_MUTEX);
	if (o->owner == DEJA_NO_THREAD) {
		int kind = mx->__data.__kind & 3;
		o->subtype = kind == 3 ? DEJA_MUTEX_NORMAL : (uint16_t)kind;
	}
	return o;
}

static int mutex_op(pthread_mutex_t *mx, enum deja_op op, int timed,
		    uint64_t deadline, uint64_t site)
{
	struct deja_pending *p = rt_declare(op, mutex_object(mx), 0, site);
	p->timed = (uint16_t)timed;
	p->deadline = deadline;
	return (int)rt_run();
}

/* Lock (a deadline: a timed lock) or unlock, shared or modelled. */
int rt_mutex_lock_at(pthread_mutex_t *mx, uint64_t deadline, uint64_t site)
{
	if (rt_mutex_is_shared(mx))
		return rt_mutex_shared_lock(mx, deadline, site);
	return mutex_op(mx, DEJA_OP_MUTEX_LOCK, deadline != DEJA_NO_DEADLINE, deadline, site);
}

int rt_mutex_unlock_at(pthread_mutex_t *mx, uint64_t site)
{
	if (rt_mutex_is_shared(mx))
		return rt_mutex_shared_unlock(mx, site);
	return mutex_op(mx, DEJA_OP_MUTEX_UNLOCK, 0, DEJA_NO_DEADLINE, site);
}

int rt_mutex_init_at(pthread_mutex_t *mx, const pthread_mutexattr_t *attr, uint64_t site)
{
	int r = RT_REAL(pthread_mutex_init)(mx, attr);
	if (r != 0 || !rt_managed())
		return r;
	struct deja_object *o = rt_object(mx, DEJA_OBJ_MUTEX);
	int kind = mx->__data.__kind & 3;
	rt_declare(DEJA_OP_MUTEX_INIT, o, kind == 3 ? 0 : (uint64_t)kind, site);
	return (int)rt_run();
}

RT_EXPORT int pthread_mutex_init(pthread_mutex_t *mx, const pthread_mutexattr_t *attr)
{
	return rt_mutex_init_at(mx, attr, RT_CALLER);
}

int rt_mutex_destroy_at(pthread_mutex_t *mx, uint64_t site)
{
	if (!rt_managed() || rt_mutex_is_shared(mx))
		return RT_REAL(pthread_mutex_destroy)(mx);
	return mutex_op(mx, DEJA_OP_MUTEX_DESTROY, 0, DEJA_NO_DEADLINE, site);
}

RT_EXPORT int pthread_mutex_destroy(pthread_mutex_t *mx)
{
	return rt_mutex_destroy_at(mx, RT_CALLER);
}

RT_EXPORT int pthread_mutex_lock(pthread_mutex_t *mx)
{
	if (!rt_managed())
		return RT_REAL(pthread_mutex_lock)(mx);
	return rt_mutex_lock_at(mx, DEJA_NO_DEADLINE, RT_CALLER);
}

int rt_mutex_trylock_at(pthread_mutex_t *mx, uint64_t site)
{
	if (rt_mutex_is_shared(mx))
		return rt_mutex_shared_trylock(mx, site);
	return mutex_op(mx, DEJA_OP_MUTEX_TRYLOCK, 0, DEJA_NO_DEADLINE, site);
}

RT_EXPORT int pthread_mutex_trylock(pthread_mutex_t *mx)
{
	if (!rt_managed())
		return RT_REAL(pthread_mutex_trylock)(mx);
	return rt_mutex_trylock_at(mx, RT_CALLER);
}

RT_EXPORT int pthread_mutex_timedlock(pthread_mutex_t *mx, const struct timespec *abstime)
{
	if (!rt_managed())
		return RT_REAL(pthread_mutex_timedlock)(mx, abstime);
	return rt_mutex_lock_at(mx, rt_deadline_abs(CLOCK_REALTIME, abstime), RT_CALLER);
}

RT_EXPORT int pthread_mutex_clocklock(pthread_mutex_t *mx, clockid_t clock,
				      const struct timespec *abstime)
{
	if (!rt_managed())
		return RT_REAL(pthread_mutex_clocklock)(mx, clock, abstime);
	return rt_mutex_lock_at(mx, rt_deadline_abs(clock, abstime), RT_CALLER);
}

RT_EXPORT int pthread_mutex_unlock(pthread_mutex_t *mx)
{
	if (!rt_managed())
		return RT_REAL(pthread_mutex_unlock)(mx);
	return rt_mutex_unlock_at(mx, RT_CALLER);
}

/* ---- spinlocks: a normal mutex, as far as the schedule is concerned ---- */

static int spin_op(pthread_spinlock_t *s, enum deja_op op, uint64_t arg, uint64_t site)
{
	rt_declare(op, rt_object((const void *)s, DEJA_OBJ_SPIN), arg, site);
	return (int)rt_run();
}

RT_EXPORT int pthread_spin_init(pthread_spinlock_t *s, int pshared)
{
	int r = RT_REAL(pthread_spin_init)(s, pshared);
	if (r == 0)
		rt_spin_note_init(s, pshared);
	if (r != 0 || !rt_managed() || rt_spin_is_shared(s))
		return r;
	return spin_op(s, DEJA_OP_SPIN_INIT, 0, RT_CALLER);
}

RT_EXPORT int pthread_spin_destroy(pthread_spinlock_t *s)
{
	if (rt_spin_is_shared(s)) {
		rt_spin_note_init(s, PTHREAD_PROCESS_PRIVATE);
		return RT_REAL(pthread_spin_destroy)(s);
	}
	if (!rt_managed())
		return RT_REAL(pthread_spin_destroy)(s);
	return spin_op(s, DEJA_OP_SPIN_DESTROY, 0, RT_CALLER);
}

RT_EXPORT int pthread_spin_lock(pthread_spinlock_t *s)
{
	if (!rt_managed())
		return RT_REAL(pthread_spin_lock)(s);
	if (rt_spin_is_shared(s))
		return rt_spin_shared_lock(s, RT_CALLER);
	return spin_op(s, DEJA_OP_SPIN_LOCK, 0, RT_CALLER);
}

RT_EXPORT int pthread_spin_trylock(pthread_spinlock_t *s)
{
	if (!rt_managed())
		return RT_REAL(pthread_spin_trylock)(s);
	if (rt_spin_is_shared(s))
		return rt_spin_shared_trylock(s, RT_CALLER);
	return spin_op(s, DEJA_OP_SPIN_TRYLOCK, 0, RT_CALLER);
}

RT_EXPORT int pthread_spin_unlock(pthread_spinlock_t *s)
{
	if (!rt_managed())
		return RT_REAL(pthread_spin_unlock)(s);
	if (rt_spin_is_shared(s))
		return rt_spin_shared_unlock(s, RT_CALLER);
	return spin_op(s, DEJA_OP_SPIN_UNLOCK, 0, RT_CALLER);
}
