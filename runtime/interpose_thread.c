/*
 * interpose_thread.c: thread creation, exit, join and detach.
 *
 * A new thread is born outside the scheduler: the runtime starts it on a
 * trampoline that registers it, arms its syscall trap and waits to be
 * chosen before any user code runs.  "Finished" is modelled in the
 * scheduler (THREAD_EXIT); the real join then only reaps a thread that has
 * already left the model, so it never waits long.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>

#include "model.h"
#include "syscall_marker.h"

struct launch {
	void *(*fn)(void *);
	int (*c11_fn)(void *); /* a C11 thread's (thrd_create), instead of fn */
	void *arg;
	pthread_t handle;
	int has_handle;
};

/* Indexed by model thread; written by the baton holder only. */
static struct launch launches[DEJA_MAX_THREADS];

void rt_threads_after_fork_child(void)
{
	for (uint32_t i = 0; i < DEJA_MAX_THREADS; i++)
		launches[i].has_handle = 0;
}

static uint32_t thread_of(pthread_t handle)
{
	for (uint32_t i = 0; i < rt.model->nthreads; i++)
		if (launches[i].has_handle && pthread_equal(launches[i].handle, handle))
			return i;
	return DEJA_NO_THREAD;
}

/* The model has DEJA_MAX_THREADS thread numbers; once all are used, a new
 * thread takes the number of one that has ended and been joined
 * (model.c).  When none has, creation fails with EAGAIN: said once, so
 * that it is not mistaken for the program's own failure. */
static void note_thread_limit(void)
{
	_Static_assert(DEJA_MAX_THREADS == 1024, "the message below says 1024");
	static int said;
	if (__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
		return;
	rt_write_stderr("deja: this run has 1024 threads that are running, or ended but not"
			" joined, the most deja follows at once; thread creation now fails with"
			" EAGAIN\n");
}

int rt_thread_create_begin(uint64_t fn, uint64_t site, uint32_t *child)
{
	rt_refresh_modules();
	rt_declare(DEJA_OP_THREAD_CREATE, NULL, fn, site);
	/* Signals wait until the new thread really exists: a handler's
	 * scheduling point could otherwise choose a thread not yet started. */
	int r = (int)rt_run_op();
	if (r != 0) {
		if (r == EAGAIN && rt.model->nthreads >= DEJA_MAX_THREADS)
			note_thread_limit();
		rt_signals_deliver(site);
		return r;
	}
	*child = (uint32_t)rt_last_arg;
	rt_signals_thread_new(*child);
	return 0;
}

void rt_thread_create_end(uint32_t child, bool made, uint64_t site)
{
	if (!made)
		rt_abandon_thread(child);
	rt_signals_deliver(site);
}

/* Replay: the kernel id the recording's thread had, for this thread to be
 * shown (pids.c): its thread_start's feed entry, since the number may have
 * served other threads before (deja_model.reuse_joined). */
void rt_thread_take_recorded_tid(uint32_t self)
{
	if (rt.shared->mode != DEJA_MODE_REPLAY || self >= DEJA_MAX_THREADS)
		return;
	uint64_t seq = rt.model->steps; /* its first event, the thread_start, is ahead */
	while (seq < rt.schedule_len && (rt.schedule[seq] & DEJA_SCHEDULE_THREAD) != self)
		seq++;
	const struct deja_feed *f = seq < rt.schedule_len ? rt_io_feed_peek(seq) : NULL;
	if (f && f->result > 0)
		rt.shared->replay_tids[self] = (int32_t)f->result;
}

void rt_thread_enter(uint32_t self)
{
	__atomic_store_n(&rt.model->threads[self].os_tid, (int32_t)rt_syscall0(SYS_gettid),
			 __ATOMIC_RELEASE);
	rt_thread_take_recorded_tid(self);
	rt_trap_arm();
	rt_announce(DEJA_ANNOUNCE_THREAD_START);
	rt_thread_begin(self);
}

/* glibc loads libgcc_s for unwinding at a thread's first pthread_exit or
 * pthread_cancel, holding its loader lock.  Loaded through the program's
 * trap, each of the loader's syscalls was a scheduling point: a thread
 * switched away there kept the lock, and a thread being created waited
 * for it in the kernel while its creator waited for it to start, for
 * ever.  Loaded here first, in one piece with no scheduling point, glibc
 * finds it loaded. */
static void load_unwinder(void)
{
	static int loaded;
	if (__atomic_load_n(&loaded, __ATOMIC_ACQUIRE))
		return;
	rt_libc_enter();
	if (dlopen("libgcc_s.so.1", RTLD_NOW))
		__atomic_store_n(&loaded, 1, __ATOMIC_RELEASE);
	rt_libc_leave();
}

/* Whether this thread runs on the trampoline (not the process's first
 * thread), and where it called pthread_exit, if it did. */
static __thread bool on_trampoline __attribute__((tls_model("initial-exec")));
static __thread uint64_t exit_site __attribute__((tls_model("initial-exec")));

/* The thread leaves the model, once: when its routine returns, or when
 * it is unwound (cancelled, or by pthread_exit). */
static void thread_leaves(uint32_t self)
{
	if (rt.model->threads[self].state == DEJA_THREAD_FINISHED)
		return;
	if (rt.model->threads[self].detached)
		launches[self].has_handle = 0;
	rt_thread_end(exit_site, false);
	rt_trap_disarm();
}

/* A cancelled or exiting thread's cleanup handlers and destructors run in
 * the model too, the frames above unwound; glibc then finds its lists
 * empty. */
static void thread_unwound(void *p)
{
	uint32_t self = (uint32_t)(uintptr_t)p;
	if (rt.model->threads[self].state != DEJA_THREAD_FINISHED)
		rt_thread_dtors();
	thread_leaves(self);
}

static void *trampoline(void *p)
{
	uint32_t self = (uint32_t)(uintptr_t)p;
	rt_interrupts_stack_top(__builtin_frame_address(0));
	on_trampoline = true;
	rt_thread_enter(self);
	void *ret;
	pthread_cleanup_push(thread_unwound, p);
	if (launches[self].c11_fn) /* its int result is the exit value, as glibc's */
		ret = (void *)(intptr_t)launches[self].c11_fn(launches[self].arg);
	else
		ret = launches[self].fn(launches[self].arg);
	pthread_cleanup_pop(0);
	rt_thread_dtors(); /* in the model: glibc would run them after it */
	thread_leaves(self);
	return ret;
}

/* Whether a CANCEL event for this thread came before its last event.
 * pthread_cancel marks glibc's request before its event, and in parallel
 * mode the target runs meanwhile: acting on glibc's mark, a thread took
 * the request before a wait in one run and at the wait's end in another,
 * and a parallel replay of a cancelled sem_wait diverged. */
static __thread bool cancel_seen __attribute__((tls_model("initial-exec")));
/* The program's pthread_testcancel calls since the thread's last event. */
static __thread uint32_t testcancels __attribute__((tls_model("initial-exec")));

void rt_cancel_note_event(void)
{
	cancel_seen = rt.model->threads[rt_self].cancel_requested;
	testcancels = 0;
}

void rt_cancel_point(void)
{
	if (rt_managed() && !rt_cancel_requested())
		return;
	RT_REAL(pthread_testcancel)();
}

bool rt_cancel_requested(void)
{
	return cancel_seen && !rt.model->threads[rt_self].cancel_disabled;
}

bool rt_cancel_arrived(void)
{
	const struct deja_thread *th = &rt.model->threads[rt_self];
	return __atomic_load_n(&th->cancel_requested, __ATOMIC_RELAXED) && !th->cancel_disabled;
}

/* glibc marks the request in the thread itself (and signals it only if it
 * has asynchronous cancellation on, as inside glibc's own blocking calls);
 * the CANCEL event then ends the thread's wait in the model, if it waits
 * at a cancellation point the runtime answers (rt_cancel_point). */
RT_EXPORT int pthread_cancel(pthread_t th)
{
	if (rt_managed())
		load_unwinder();
	int r = RT_REAL(pthread_cancel)(th);
	uint32_t target = rt_managed() && r == 0 ? thread_of(th) : DEJA_NO_THREAD;
	if (target == DEJA_NO_THREAD && rt_managed() && r == 0 && pthread_equal(th, pthread_self()))
		target = rt_self;
	if (target != DEJA_NO_THREAD) {
		rt_declare(DEJA_OP_CANCEL, NULL, target, RT_CALLER);
		rt_run();
	}
	return r;
}

/* The program's own cancellation point acts as the runtime's do: glibc's
 * acted on a request marked but not yet made an event, so a thread
 * looping on pthread_testcancel() and usleep() was cancelled before its
 * sleep in a parallel replay and in the sleep in its recording.  A thread
 * that loops on pthread_testcancel() alone polls for a request only an
 * event lets it see, and only another thread's turn can make: every
 * DEJA_TESTCANCELS_PER_YIELD-th call yields.  Before, it ran without a
 * scheduling point until deja gave up on it (parallel mode too). */
RT_EXPORT void pthread_testcancel(void)
{
	if (rt_managed() && !rt_cancel_requested() &&
	    ++testcancels >= DEJA_TESTCANCELS_PER_YIELD)
		rt_yield(RT_CALLER);
	rt_cancel_point();
}

RT_EXPORT int pthread_setcancelstate(int state, int *old)
{
	int r = RT_REAL(pthread_setcancelstate)(state, old);
	if (r == 0 && rt_managed())
		rt.model->threads[rt_self].cancel_disabled = state == PTHREAD_CANCEL_DISABLE;
	return r;
}

/* The creator waits for the new thread to note its kernel id, the first
 * thing it does (rt_thread_enter): a pthread_kill() of it made at once,
 * before it had run, found no thread of the model with that id, so the
 * kernel sent the signal, no event was made, and the runtime had another
 * thread handle it (most of twenty rounds in e2e.kill_new_thread, and a
 * replay diverged). */
static void wait_for_kernel_id(uint32_t child)
{
	while (!__atomic_load_n(&rt.model->threads[child].os_tid, __ATOMIC_ACQUIRE))
		rt_syscall0(SYS_sched_yield);
}

int rt_thread_create_at(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
			int (*c11_fn)(void *), void *arg, uint64_t site)
{
	uint64_t routine = c11_fn ? (uint64_t)(uintptr_t)c11_fn : (uint64_t)(uintptr_t)fn;
	uint32_t child;
	int r = rt_thread_create_begin(routine, site, &child);
	if (r != 0)
		return r;
	launches[child].fn = fn;
	launches[child].c11_fn = c11_fn;
	launches[child].arg = arg;
	rt_libc_enter();
	r = RT_REAL(pthread_create)(thread, attr, trampoline, (void *)(uintptr_t)child);
	rt_libc_leave();
	if (r != 0) {
		rt_thread_create_end(child, false, site);
		return r;
	}
	wait_for_kernel_id(child);
	int detached = 0;
	if (!attr || pthread_attr_getdetachstate(attr, &detached) != 0 ||
	    detached != PTHREAD_CREATE_DETACHED) {
		launches[child].handle = *thread;
		launches[child].has_handle = 1;
	} /* (a detached thread is never joinable: glibc reuses its pthread_t) */
	rt_thread_create_end(child, true, site);
	return 0;
}

RT_EXPORT int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			     void *(*fn)(void *), void *arg)
{
	if (!rt_managed())
		return RT_REAL(pthread_create)(thread, attr, fn, arg);
	return rt_thread_create_at(thread, attr, fn, NULL, arg, RT_CALLER);
}

/* A thread stays in the model while pthread_exit unwinds it: the cleanup
 * handlers it pushed and the destructors of its C++ frames run as part of
 * the run.  On the trampoline, the trampoline's own handler ends it
 * (thread_unwound).  The process's first thread has no trampoline below
 * it: glibc unwinds it into the start of the process, runs its key
 * destructors and ends it with a raw exit syscall, which the trap ends in
 * the model (rt_thread_exit_syscall), or, the last thread, exits the
 * process.  Leaving first, a thread that exited holding a mutex its
 * cleanup handler unlocked kept it in the model for ever, and every run
 * of a correct program ended as a deadlock.  Except in parallel mode:
 * there the other threads' exit paths run beside it, and which thread
 * glibc counts last, the one that exits the process (in the model, for
 * this one), would differ from run to run; it leaves at the call. */
void rt_thread_exit_at(void *ret, uint64_t site)
{
	if (rt_managed()) {
		load_unwinder();
		exit_site = site;
		if (!on_trampoline && rt.shared->parallel) {
			rt_thread_end(site, false);
			rt_trap_disarm();
		}
	}
	RT_REAL(pthread_exit)(ret);
	__builtin_unreachable();
}

uint64_t rt_thread_exit_site(uint64_t site)
{
	return exit_site ? exit_site : site;
}

RT_EXPORT void pthread_exit(void *ret)
{
	rt_thread_exit_at(ret, RT_CALLER);
}

/* Join in the model; then reap the real thread, which has left the model. */
static int join_common(pthread_t th, void **ret, enum deja_op op, int timed,
		       uint64_t deadline, uint64_t site)
{
	uint32_t target = thread_of(th);
	if (target == DEJA_NO_THREAD)
		return ESRCH;
	if (target == rt_self)
		return EDEADLK;
	int r;
	do { /* a join is a cancellation point: before it waits, and when a
	      * cancellation request ends its wait (-EINTR) */
		if (op == DEJA_OP_JOIN)
			rt_cancel_point();
		struct deja_pending *p = rt_declare(op, NULL, target, site);
		p->timed = (uint16_t)timed;
		p->deadline = deadline;
		r = (int)rt_run();
	} while (r == -EINTR);
	if (r != 0)
		return r;
	rt_libc_enter();
	r = RT_REAL(pthread_join)(th, ret);
	rt_libc_leave();
	launches[target].has_handle = 0;
	return r;
}

int rt_thread_join_at(pthread_t th, void **ret, uint64_t site)
{
	if (!rt_managed() || thread_of(th) == DEJA_NO_THREAD)
		return RT_REAL(pthread_join)(th, ret);
	return join_common(th, ret, DEJA_OP_JOIN, 0, DEJA_NO_DEADLINE, site);
}

RT_EXPORT int pthread_join(pthread_t th, void **ret)
{
	return rt_thread_join_at(th, ret, RT_CALLER);
}

RT_EXPORT int pthread_tryjoin_np(pthread_t th, void **ret)
{
	if (!rt_managed() || thread_of(th) == DEJA_NO_THREAD)
		return RT_REAL(pthread_tryjoin_np)(th, ret);
	return join_common(th, ret, DEJA_OP_TRYJOIN, 0, DEJA_NO_DEADLINE, RT_CALLER);
}

RT_EXPORT int pthread_timedjoin_np(pthread_t th, void **ret, const struct timespec *abstime)
{
	if (!rt_managed() || thread_of(th) == DEJA_NO_THREAD)
		return RT_REAL(pthread_timedjoin_np)(th, ret, abstime);
	uint64_t deadline = abstime ? rt_deadline_abs(CLOCK_REALTIME, abstime) : DEJA_NO_DEADLINE;
	return join_common(th, ret, DEJA_OP_JOIN, abstime != NULL, deadline, RT_CALLER);
}

RT_EXPORT int pthread_clockjoin_np(pthread_t th, void **ret, clockid_t clock,
				   const struct timespec *abstime)
{
	if (!rt_managed() || thread_of(th) == DEJA_NO_THREAD)
		return RT_REAL(pthread_clockjoin_np)(th, ret, clock, abstime);
	uint64_t deadline = abstime ? rt_deadline_abs(clock, abstime) : DEJA_NO_DEADLINE;
	return join_common(th, ret, DEJA_OP_JOIN, abstime != NULL, deadline, RT_CALLER);
}

int rt_thread_detach_at(pthread_t th, uint64_t site)
{
	uint32_t target = rt_managed() ? thread_of(th) : DEJA_NO_THREAD;
	if (target != DEJA_NO_THREAD) {
		rt_declare(DEJA_OP_DETACH, NULL, target, site);
		rt_run();
		launches[target].has_handle = 0;
	}
	rt_libc_enter();
	int r = RT_REAL(pthread_detach)(th);
	rt_libc_leave();
	return r;
}

RT_EXPORT int pthread_detach(pthread_t th)
{
	return rt_thread_detach_at(th, RT_CALLER);
}
