/*
 * shared_call.c: calls on synchronisation objects shared with other
 * processes, as events (used by sem_shared.c and sync_shared.c).
 *
 * The scheduler models a process's own objects, but one shared with other
 * processes changes behind its back: each process has its own model and
 * schedule, and an unlock in one must be seen by a lock in another.  So
 * such an object is the real one, and what the program learns from it is
 * input: in a recording each call (an unlock, a post, one attempt to take
 * it) runs for real, never blocking, and becomes an event with its result;
 * a replay gives each recorded result back, since the other processes of
 * the replay do not follow the recording's order among processes (a lock
 * then does what the recording did with the real object, so that memory
 * it guards stays guarded: sync_shared.c).  A wait that finds the object taken sleeps a
 * millisecond of virtual time (other threads run, and its timeout comes in
 * virtual time) and, in a recording, a little real time, while another
 * process gets to let it go; then it tries again.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>

#include "model.h"

/* Shared objects that do not say so themselves (semaphores, spinlocks),
 * by address: process memory, so a forked child inherits the list with
 * the mappings. */
#define NOTED_MAX 256

static const void *noted[NOTED_MAX];
/* Slots ever used: every semaphore operation asks whether its semaphore is
 * noted, and most programs note none (a look at all 256 slots took 5% of
 * a threaded CPython program's time, whose locks are semaphores). */
static int noted_top;

void rt_shared_note(const void *object)
{
	for (int i = 0; i < NOTED_MAX; i++) {
		const void *none = NULL;
		if (__atomic_load_n(&noted[i], __ATOMIC_ACQUIRE) == object)
			return;
		if (__atomic_compare_exchange_n(&noted[i], &none, object, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			int top = __atomic_load_n(&noted_top, __ATOMIC_ACQUIRE);
			while (top < i + 1 &&
			       !__atomic_compare_exchange_n(&noted_top, &top, i + 1, false,
							    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				;
			return;
		}
	}
	rt_write_stderr("deja: more than 256 process-shared semaphores and spinlocks: the rest"
			" are modelled per process\n");
}

void rt_shared_forget(const void *object)
{
	int top = __atomic_load_n(&noted_top, __ATOMIC_ACQUIRE);
	for (int i = 0; i < top; i++) {
		const void *was = object;
		__atomic_compare_exchange_n(&noted[i], &was, NULL, false, __ATOMIC_ACQ_REL,
					    __ATOMIC_ACQUIRE);
	}
}

bool rt_shared_is_noted(const void *object)
{
	int top = __atomic_load_n(&noted_top, __ATOMIC_ACQUIRE);
	for (int i = 0; i < top; i++)
		if (__atomic_load_n(&noted[i], __ATOMIC_ACQUIRE) == object)
			return true;
	return false;
}

int64_t rt_shared_call(enum deja_op op, uint64_t call, rt_shared_fn fn,
		       rt_shared_replay_fn replay, void *object, uint64_t site)
{
	int64_t r;
	if (rt.shared->mode == DEJA_MODE_REPLAY) {
		const struct deja_feed *f = rt_io_feed_peek(rt_next_event_of_self());
		r = f ? f->result : -EINVAL; /* not recorded here: the event diverges */
		if (f && replay)
			replay(object, call, r);
	} else {
		r = fn(object, call);
	}
	struct deja_pending *p = rt_declare(op, NULL, call, site);
	p->value = r;
	rt_run();
	return r;
}

int64_t rt_shared_wait(const struct rt_shared_wait *w, uint64_t deadline, uint64_t site)
{
	for (;;) {
		int64_t r = rt_shared_call(w->op, w->call, w->fn, w->replay, w->object, site);
		if (r != -w->busy)
			return r;
		if (deadline != DEJA_NO_DEADLINE && rt.model->vclock >= deadline)
			return -ETIMEDOUT;
		/* A signal's handler has run in the pause: the wait ends with
		 * EINTR where the call would end so natively. */
		if (rt_retry_pause(site) == EINTR && w->interrupted && w->interrupted(deadline))
			return -EINTR;
	}
}
