/*
 * sync_shared.c: mutexes, reader-writer locks, condition variables and
 * spinlocks shared between processes (made PTHREAD_PROCESS_SHARED, in
 * memory the processes share).
 *
 * Modelled per process, one such mutex could be held by two processes at
 * once.  So, as for shared semaphores, each call is the real one and a
 * `sync_shared` event (shared_call.c): a lock is attempts of the real
 * trylock, an unlock the real unlock.  A replay does to the real lock what
 * the recording did: an attempt that took it takes it again (waiting in
 * real time, if need be, for another process to let it go), an unlock
 * unlocks, so memory the lock guards stays guarded; an attempt that failed
 * touches nothing.  A wait on a shared condition
 * variable cannot be made of attempts (nothing says it was signalled), so
 * it releases the mutex, pauses and takes it back: a spurious wakeup,
 * which POSIX allows and a correct program loops on.  Signals and
 * broadcasts still reach the real condition, for a process deja does not
 * follow.  Whether an object is shared is read from it, as glibc keeps it:
 * bit 7 of a mutex's __kind, bit 0 of a condition's __wrefs, a rwlock's
 * __shared; a spinlock keeps nothing, so pthread_spin_init notes it.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>

#include "model.h"

#define MUTEX_PSHARED_BIT 128
#define COND_PSHARED_BIT 1u

bool rt_mutex_is_shared(const pthread_mutex_t *mx)
{
	return (mx->__data.__kind & MUTEX_PSHARED_BIT) != 0;
}

bool rt_cond_is_shared(const pthread_cond_t *c)
{
	return (c->__data.__wrefs & COND_PSHARED_BIT) != 0;
}

bool rt_rwlock_is_shared(const pthread_rwlock_t *rw)
{
	return rw->__data.__shared != 0;
}

/* An error-checking mutex its own thread locks again: EDEADLK, where the
 * real trylock would say EBUSY for ever. */
static int64_t mutex_try(pthread_mutex_t *mx)
{
	if ((mx->__data.__kind & 3) == PTHREAD_MUTEX_ERRORCHECK &&
	    mx->__data.__owner == (int)rt_syscall0(SYS_gettid))
		return -EDEADLK;
	return -RT_REAL(pthread_mutex_trylock)(mx);
}

/* An attempt of pthread_mutex_lock.  On a robust mutex made not
 * recoverable, glibc's trylock says ENOTRECOVERABLE but leaves the lock
 * word holding the caller's tid, where its lock lets go of it: left so,
 * every later attempt, this thread's or another's, would be EBUSY and the
 * lock would wait for ever instead of failing as natively.  So the word is
 * let go of here, as the real lock does, and anyone waiting on it woken
 * (each then finds the mutex not recoverable too). */
static int64_t mutex_lock_try(pthread_mutex_t *mx)
{
	int64_t r = mutex_try(mx);
	int tid = (int)rt_syscall0(SYS_gettid);
	if (r == -ENOTRECOVERABLE &&
	    (__atomic_load_n(&mx->__data.__lock, __ATOMIC_RELAXED) & FUTEX_TID_MASK) == tid) {
		int old = __atomic_exchange_n(&mx->__data.__lock, 0, __ATOMIC_RELEASE);
		if ((unsigned)old & FUTEX_WAITERS)
			rt_syscall3(SYS_futex, &mx->__data.__lock, FUTEX_WAKE, INT_MAX);
	}
	return r;
}

/* The real call (see rt_shared_fn); pthread functions return errno. */
static int64_t sync_call(void *object, uint64_t call)
{
	switch ((enum rt_sync_call)call) {
	case SYNC_MUTEX_TRY:
		return mutex_try(object);
	case SYNC_MUTEX_LOCK_TRY:
		return mutex_lock_try(object);
	case SYNC_MUTEX_UNLOCK:
		return -RT_REAL(pthread_mutex_unlock)(object);
	case SYNC_RWLOCK_TRY_READ:
		return -RT_REAL(pthread_rwlock_tryrdlock)(object);
	case SYNC_RWLOCK_TRY_WRITE:
		return -RT_REAL(pthread_rwlock_trywrlock)(object);
	case SYNC_RWLOCK_UNLOCK:
		return -RT_REAL(pthread_rwlock_unlock)(object);
	case SYNC_COND_SIGNAL:
		return -RT_REAL(pthread_cond_signal)(object);
	case SYNC_COND_BROADCAST:
		return -RT_REAL(pthread_cond_broadcast)(object);
	case SYNC_SPIN_TRY:
		return -RT_REAL(pthread_spin_trylock)(object);
	case SYNC_SPIN_UNLOCK:
		return -RT_REAL(pthread_spin_unlock)(object);
	default: /* a barrier's: barrier_shared.c */
		break;
	}
	return -EINVAL;
}

/* Replay: take the real lock a recorded attempt took, let go of what a
 * recorded unlock let go of (rt_shared_replay_fn).  The recording took it
 * at this point of this process's schedule, so any holder is in another
 * process, whose replay lets go of it as its recording did. */
static void sync_replay(void *object, uint64_t call, int64_t recorded)
{
	if (recorded != 0 && recorded != -EOWNERDEAD)
		return;
	switch ((enum rt_sync_call)call) {
	case SYNC_MUTEX_TRY:
	case SYNC_MUTEX_LOCK_TRY:
	case SYNC_RWLOCK_TRY_READ:
	case SYNC_RWLOCK_TRY_WRITE:
	case SYNC_SPIN_TRY:
		while (sync_call(object, call) == -EBUSY) {
			struct timespec pause = { 0, 50000 };
			rt_syscall2(SYS_nanosleep, &pause, NULL);
		}
		return;
	default:
		sync_call(object, call);
	}
}

static int once(enum rt_sync_call call, void *object, uint64_t site)
{
	return (int)-rt_shared_call(DEJA_OP_SYNC_SHARED, call, sync_call, sync_replay, object,
				    site);
}

/* Attempts until the object is taken (busy: what the real try says while
 * it is not), or the deadline passes (ETIMEDOUT).  A signal's handler runs
 * in a pause and the wait goes on, as these waits do natively. */
static int attempts(enum rt_sync_call call, void *object, int busy, uint64_t deadline,
		    uint64_t site)
{
	const struct rt_shared_wait w = { DEJA_OP_SYNC_SHARED, call, sync_call, sync_replay,
					  object, busy, NULL };
	return (int)-rt_shared_wait(&w, deadline, site);
}

int rt_mutex_shared_lock(pthread_mutex_t *mx, uint64_t deadline, uint64_t site)
{
	return attempts(SYNC_MUTEX_LOCK_TRY, mx, EBUSY, deadline, site);
}

int rt_mutex_shared_trylock(pthread_mutex_t *mx, uint64_t site)
{
	return once(SYNC_MUTEX_TRY, mx, site);
}

int rt_mutex_shared_unlock(pthread_mutex_t *mx, uint64_t site)
{
	return once(SYNC_MUTEX_UNLOCK, mx, site);
}

int rt_rwlock_shared_lock(pthread_rwlock_t *rw, bool write, uint64_t deadline, uint64_t site)
{
	return attempts(write ? SYNC_RWLOCK_TRY_WRITE : SYNC_RWLOCK_TRY_READ, rw, EBUSY, deadline,
			site);
}

int rt_rwlock_shared_trylock(pthread_rwlock_t *rw, bool write, uint64_t site)
{
	return once(write ? SYNC_RWLOCK_TRY_WRITE : SYNC_RWLOCK_TRY_READ, rw, site);
}

int rt_rwlock_shared_unlock(pthread_rwlock_t *rw, uint64_t site)
{
	return once(SYNC_RWLOCK_UNLOCK, rw, site);
}

int rt_cond_shared_wait(pthread_cond_t *c, pthread_mutex_t *mx, uint64_t deadline,
			uint64_t site)
{
	(void)c;
	int r = rt_mutex_unlock_at(mx, site);
	if (r != 0)
		return r;
	rt_retry_pause(site); /* a signal's handler may run here: the wait returns 0 */
	r = rt_mutex_lock_at(mx, DEJA_NO_DEADLINE, site);
	if (r != 0)
		return r; /* EOWNERDEAD: the mutex is held, as natively */
	if (deadline != DEJA_NO_DEADLINE && rt.model->vclock >= deadline)
		return ETIMEDOUT;
	return 0;
}

int rt_cond_shared_signal(pthread_cond_t *c, bool all, uint64_t site)
{
	return once(all ? SYNC_COND_BROADCAST : SYNC_COND_SIGNAL, c, site);
}

/* A spinlock by address (the type is a volatile int). */
static void *spin_object(pthread_spinlock_t *s)
{
	return (void *)(uintptr_t)s;
}

void rt_spin_note_init(pthread_spinlock_t *s, int pshared)
{
	if (pshared == PTHREAD_PROCESS_SHARED)
		rt_shared_note(spin_object(s));
	else
		rt_shared_forget(spin_object(s)); /* the address may have been a shared one before */
}

bool rt_spin_is_shared(pthread_spinlock_t *s)
{
	return rt_shared_is_noted(spin_object(s));
}

int rt_spin_shared_lock(pthread_spinlock_t *s, uint64_t site)
{
	return attempts(SYNC_SPIN_TRY, spin_object(s), EBUSY, DEJA_NO_DEADLINE, site);
}

int rt_spin_shared_trylock(pthread_spinlock_t *s, uint64_t site)
{
	return once(SYNC_SPIN_TRY, spin_object(s), site);
}

int rt_spin_shared_unlock(pthread_spinlock_t *s, uint64_t site)
{
	return once(SYNC_SPIN_UNLOCK, spin_object(s), site);
}
