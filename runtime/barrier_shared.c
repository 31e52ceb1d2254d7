/*
 * barrier_shared.c: barriers shared between processes (made
 * PTHREAD_PROCESS_SHARED, in memory the processes share).
 *
 * Modelled per process, a barrier that threads of two processes meet at
 * waits in each process for threads that are in the other, for ever.  So,
 * as shared locks are (sync_shared.c), a shared barrier is the real one and
 * each step on it a `sync_shared` event (shared_call.c).  The real
 * pthread_barrier_wait() blocks in the kernel until the round is full,
 * and must not while its thread holds the right to run: the others of
 * its process could not reach the barrier.  So the runtime takes the
 * steps of glibc's own wait on glibc's own layout (which glibc's
 * waiters, in a process deja does not follow, keep to as well):
 *
 *   enter   take a place (a ticket) among the arrivals, and complete the
 *           rounds that place completes, waking the kernel's waiters;
 *   leave   attempts: busy until the round of the ticket is complete,
 *           then count the thread out (the last one out of a cycle of
 *           tickets resets the barrier) and say whether it was the
 *           round's serial thread;
 *
 * with a 1 ms virtual pause between attempts, in which other threads run
 * and, in a recording, other processes get real time.  A destroy waits,
 * in attempts, until all that entered have left, then destroys.  A
 * replay gives back the recorded results; where the recording entered,
 * left or destroyed, it does so again on the real barrier, waiting in
 * real time for the other processes' replays to fill the round, so the
 * memory the barrier orders stays ordered.  A barrier is shared if its
 * `shared` word says so (glibc keeps the futex flag there).
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>

#include "model.h"

/* glibc's barrier (nptl's struct pthread_barrier) behind pthread_barrier_t. */
struct glibc_barrier {
	unsigned in;            /* arrivals since the last reset */
	unsigned current_round; /* tickets up to here may leave */
	unsigned count;
	int shared;             /* its futexes' flag: 128 when process-shared */
	unsigned out;           /* departures since the last reset */
};
_Static_assert(sizeof(struct glibc_barrier) <= sizeof(pthread_barrier_t),
	       "glibc's barrier fits its public type");

#define BARRIER_SHARED 128
/* glibc resets a barrier's counts before they could wrap. */
#define BARRIER_IN_THRESHOLD (UINT_MAX / 2)

/* One thread's way through one wait. */
struct turn {
	struct glibc_barrier *b;
	unsigned ticket;  /* its place among the arrivals (0: not yet) */
	bool after_reset; /* it came in a reset's cycle: waits for the reset */
};

static struct glibc_barrier *layout(pthread_barrier_t *b)
{
	return (struct glibc_barrier *)(void *)b;
}

bool rt_barrier_is_shared(const pthread_barrier_t *b)
{
	return ((const struct glibc_barrier *)(const void *)b)->shared == BARRIER_SHARED;
}

/* Tickets in one cycle between resets: whole rounds. */
static unsigned cycle(const struct glibc_barrier *b)
{
	return BARRIER_IN_THRESHOLD - BARRIER_IN_THRESHOLD % b->count;
}

static void wake_all(unsigned *word)
{
	rt_syscall3(SYS_futex, word, FUTEX_WAKE, INT_MAX);
}

/* Complete the rounds that the ticket completes, as glibc's wait does;
 * a round another arrival completes first is left to it. */
static void complete_rounds(struct glibc_barrier *b, unsigned ticket)
{
	unsigned cr = __atomic_load_n(&b->current_round, __ATOMIC_RELAXED);
	while (cr + b->count <= ticket) {
		unsigned next = ticket - ticket % b->count;
		if (__atomic_compare_exchange_n(&b->current_round, &cr, next, true,
						__ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
			wake_all(&b->current_round);
			return;
		}
	}
}

/* One attempt to enter: 0, or -EBUSY while a reset is under way. */
static int64_t enter(struct turn *t)
{
	struct glibc_barrier *b = t->b;
	if (t->after_reset && __atomic_load_n(&b->in, __ATOMIC_RELAXED) > cycle(b))
		return -EBUSY;
	t->after_reset = false;
	unsigned ticket = __atomic_add_fetch(&b->in, 1, __ATOMIC_ACQ_REL);
	if (ticket > cycle(b)) {
		t->after_reset = true; /* enter again once the reset is done */
		return -EBUSY;
	}
	t->ticket = ticket;
	complete_rounds(b, ticket);
	return 0;
}

/* The last one out of a cycle starts the next, and wakes those waiting
 * for it. */
static void reset(struct glibc_barrier *b)
{
	__atomic_store_n(&b->current_round, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&b->out, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&b->in, 0, __ATOMIC_RELEASE);
	wake_all(&b->in);
}

/* One attempt to leave: -EBUSY while the ticket's round is not complete,
 * then 1 for the round's serial thread, else 0. */
static int64_t leave(struct turn *t)
{
	struct glibc_barrier *b = t->b;
	if (t->ticket > __atomic_load_n(&b->current_round, __ATOMIC_RELAXED))
		return -EBUSY;
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* the round's writes before ours */
	unsigned out = __atomic_add_fetch(&b->out, 1, __ATOMIC_RELEASE);
	bool serial = t->ticket % b->count == 0;
	if (out == cycle(b))
		reset(b);
	return serial;
}

/* One attempt to destroy: -EBUSY while some that entered have not left. */
static int64_t destroy(struct turn *t)
{
	struct glibc_barrier *b = t->b;
	if (__atomic_load_n(&b->in, __ATOMIC_ACQUIRE) != __atomic_load_n(&b->out, __ATOMIC_ACQUIRE))
		return -EBUSY;
	return -RT_REAL(pthread_barrier_destroy)((pthread_barrier_t *)(void *)b);
}

/* The real step (rt_shared_fn). */
static int64_t barrier_call(void *object, uint64_t call)
{
	switch ((enum rt_sync_call)call) {
	case SYNC_BARRIER_ENTER:
		return enter(object);
	case SYNC_BARRIER_LEAVE:
		return leave(object);
	case SYNC_BARRIER_DESTROY:
		return destroy(object);
	default:
		return -EINVAL;
	}
}

/* Replay: a step the recording took is taken on the real barrier again,
 * waiting in real time for the other processes (rt_shared_replay_fn); an
 * attempt that found it busy touches nothing. */
static void barrier_replay(void *object, uint64_t call, int64_t recorded)
{
	if (recorded < 0)
		return;
	while (barrier_call(object, call) == -EBUSY) {
		struct timespec pause = { 0, 50000 };
		rt_syscall2(SYS_nanosleep, &pause, NULL);
	}
}

/* Attempts at one step until it is not busy.  A signal's handler runs in
 * a pause and the wait goes on, as a barrier's does natively. */
static int64_t step(struct turn *t, enum rt_sync_call call, uint64_t site)
{
	const struct rt_shared_wait w = { DEJA_OP_SYNC_SHARED, call, barrier_call, barrier_replay,
					  t, EBUSY, NULL };
	return rt_shared_wait(&w, DEJA_NO_DEADLINE, site);
}

int rt_barrier_shared_wait(pthread_barrier_t *b, uint64_t site)
{
	struct turn t = { layout(b), 0, false };
	int64_t r = step(&t, SYNC_BARRIER_ENTER, site);
	if (r != 0)
		return (int)-r; /* a replay that has diverged */
	r = step(&t, SYNC_BARRIER_LEAVE, site);
	if (r < 0)
		return (int)-r;
	return r ? PTHREAD_BARRIER_SERIAL_THREAD : 0;
}

int rt_barrier_shared_destroy(pthread_barrier_t *b, uint64_t site)
{
	struct turn t = { layout(b), 0, false };
	return (int)-step(&t, SYNC_BARRIER_DESTROY, site);
}
