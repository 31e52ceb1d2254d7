/*
 * trap.c: the in-process syscall trap.
 *
 * Each managed thread turns on Syscall User Dispatch (prctl
 * PR_SET_SYSCALL_USER_DISPATCH): every syscall it makes from outside the
 * runtime's deja_text section raises SIGSYS, while a per-thread selector
 * byte lets the runtime switch trapping off around its own calls into libc.
 * Unlike a seccomp filter, SUD is cleared by exec, so an exec'd program
 * starts clean instead of dying in its loader; each thread arms it itself.
 *
 * The handler looks each syscall up in the syscall table (syscalls.def) and
 * acts on its class: PASS and INPUT run as they are (recording inputs is
 * the next step), OUTPUT runs and becomes an event carrying the xxh3 of the
 * bytes it sent, so that a replay that sends other bytes diverges there;
 * EMULATE covers futex waits and wakes (emulated in the scheduler: glibc's
 * internal locks call futex directly), sleeps and yields (scheduling
 * points), pause and sigsuspend (waits in the model), the timers (virtual,
 * timers.c), the signal mask and handler of SIGSYS (kept the runtime's) and
 * clone; UNSUPPORTED and unknown syscalls fail with ENOSYS, reported on
 * stderr and as an event.  The switch over the classes has no default, so
 * the compiler refuses a class without a handler.
 *
 * Every call the handler makes for the program carries the marker of
 * syscall_marker.h (rt_syscall), so the supervisor's seccomp filter, which
 * runs after the trap and so sees only these re-issued calls, lets it
 * through; the same call made where the trap is off is reported.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/ucontext.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "model.h"
#include "syscall_marker.h"
#include "syscall_table.h"


#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#define PR_SYS_DISPATCH_ON 1
#define SYSCALL_DISPATCH_FILTER_ALLOW 0
#define SYSCALL_DISPATCH_FILTER_BLOCK 1
#endif
#ifndef SYS_USER_DISPATCH
#define SYS_USER_DISPATCH 2
#endif

static __thread volatile char selector __attribute__((tls_model("initial-exec"))) =
	SYSCALL_DISPATCH_FILTER_ALLOW;
static __thread int libc_depth __attribute__((tls_model("initial-exec")));
__thread const sigset_t *rt_trap_program_mask __attribute__((tls_model("initial-exec")));
__thread bool rt_trap_interruptible __attribute__((tls_model("initial-exec")));


/* glibc's syscalls in here carry no marker; the supervisor counts them as
 * the runtime's, since a managed thread's syscalls reach the kernel
 * unmarked nowhere else (syscall_marker.h). */
void rt_libc_enter(void)
{
	libc_depth++;
	selector = SYSCALL_DISPATCH_FILTER_ALLOW;
}

void rt_libc_leave(void)
{
	if (--libc_depth == 0 && rt_managed())
		selector = SYSCALL_DISPATCH_FILTER_BLOCK;
}

void rt_trap_arm(void)
{
	long r = rt_syscall((long)SYS_prctl, PR_SET_SYSCALL_USER_DISPATCH,
			    PR_SYS_DISPATCH_ON, (long)rt_text_start(),
			    (long)(rt_text_end() - rt_text_start()), (long)&selector, 0);
	if (r < 0)
		rt_fatal("this kernel refuses syscall user dispatch (Linux 5.11 or later is needed)");
	selector = SYSCALL_DISPATCH_FILTER_BLOCK;
}

/* Only ever when a thread leaves the model: the rest of its life is
 * glibc's exit path (what remains of it after the runtime ran the
 * thread's destructors; for the process's first thread, pthread_exit's
 * unwinding), made outside the runtime, as the supervisor is told. */
void rt_trap_disarm(void)
{
	selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	rt_syscall((long)SYS_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF,
		   0, 0, 0, 0);
	rt_announce(DEJA_ANNOUNCE_THREAD_EXIT);
}

/* ---- futex emulation ---- */

static uint64_t futex_deadline(int cmd, int op, const struct timespec *ts)
{
	if (cmd == FUTEX_WAIT)
		return rt_deadline_rel(ts);
	return rt_deadline_abs(op & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC, ts);
}

static long futex_wait(uint32_t *uaddr, int cmd, int op, uint32_t val,
		       const struct timespec *ts, uint64_t site)
{
	struct deja_object *o = rt_object(uaddr, DEJA_OBJ_FUTEX);
	struct deja_pending *p = rt_declare(DEJA_OP_FUTEX_WAIT, o, val, site);
	if (ts) {
		p->timed = 1;
		p->deadline = futex_deadline(cmd, op, ts);
	}
	long r = (long)rt_run();
	if (r != 0)
		return r;
	r = (long)rt_run(); /* the FUTEX_RESUME the wait left pending */
	/* Interrupted by a signal: the kernel restarts an untimed wait after
	 * a handler with SA_RESTART (it finds the word changed, or waits). */
	if (r == -EINTR && !ts && rt_signals_restart())
		return futex_wait(uaddr, cmd, op, val, ts, site);
	return r;
}

/* val3: FUTEX_WAKE_BITSET's bitset (the kernel refuses 0), passed on to
 * the kernel's waiters. */
static long futex_wake(uint32_t *uaddr, int op, long n, long val3, uint64_t site)
{
	/* A wake nobody in the model waits for is not an event: glibc's
	 * unlock of an internal lock wakes when it saw the lock contended,
	 * which a thread outside the model (one in its exit path) can make it
	 * in one run and not the next.  Only kernel waiters can be woken. */
	rt_model_enter();
	if (!deja_model_futex_waited(rt.model, (uint64_t)(uintptr_t)uaddr)) {
		rt_model_leave();
		return rt_syscall(SYS_futex, (long)uaddr, op, n, 0, 0, val3);
	}
	struct deja_object *o = rt_object(uaddr, DEJA_OBJ_FUTEX);
	rt_declare(DEJA_OP_FUTEX_WAKE, o, (uint64_t)n, site);
	long woken = (long)rt_run();
	/* Threads outside the model (in glibc's exit path) wait in the kernel. */
	if (woken < n) {
		long k = rt_syscall(SYS_futex, (long)uaddr, op, n - woken, 0, 0, val3);
		if (k > 0)
			woken += k;
	}
	return woken;
}

/* Parallel mode (emulate_futex): an untimed wait in the kernel, in 10 ms
 * slices, so that one nobody can end (every other thread stands parked in
 * the model: a replay whose threads took a lock of glibc's in another
 * order than the recording's, or a cycle through a model lock) ends the
 * run after a second instead of hanging it. */
static long futex_wait_in_kernel(const long a[6], uint64_t site)
{
	rt_io_wait_in_kernel_quietly(SYS_futex, a, site);
	struct timespec slice = { 0, 10000000 };
	uint64_t steps = UINT64_MAX;
	int stuck = 0;
	long r;
	while ((r = rt_syscall(SYS_futex, a[0], a[1], a[2], (long)&slice, 0, 0)) == -ETIMEDOUT) {
		/* A replay whose next event is this thread's yield or sleep:
		 * the recording's woke here and spun again; a futex wait may
		 * end without a wake, and its caller looks again. */
		if (rt_model_spin_due()) {
			r = 0;
			break;
		}
		stuck = rt_model_stuck(&steps) ? stuck + 1 : 0;
		if (stuck == 100)
			rt_model_end_stuck();
	}
	rt_model_back_from_kernel();
	return r;
}

static long emulate_futex(const long a[6], uint64_t site)
{
	int op = (int)a[1];
	int cmd = op & FUTEX_CMD_MASK;
	uint32_t *uaddr = (uint32_t *)a[0];
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		/* Parallel mode: whether a thread waits at all (glibc's
		 * internal locks, stdio's and malloc's, wait only when
		 * contended) depends on how the threads happened to run, so
		 * such waits as events were not the replay's, which diverged.
		 * An untimed one waits in the kernel, with no event, its
		 * thread at a point meanwhile; the holder, running too, wakes
		 * it, and the order of everything else is the recording's. */
		if (rt.shared->parallel && cmd == FUTEX_WAIT && !a[3])
			return futex_wait_in_kernel(a, site);
		return futex_wait(uaddr, cmd, op, (uint32_t)a[2],
				  (const struct timespec *)a[3], site);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, op, a[2], a[5], site);
	default:
		return rt_syscall(SYS_futex, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
}

/* ---- keeping SIGSYS ours ---- */

/*
 * The program's signal mask, while it is in the trap, is the one the
 * kernel saved in the trap's ucontext and puts back when the trap returns;
 * the thread's mask now is the trap's own (everything blocked).  So
 * rt_sigprocmask is answered from and applied to the saved one, minus the
 * signals the runtime needs (and SIGKILL and SIGSTOP, which the kernel
 * never blocks).  Signals it unblocks that wait for a scheduling point are
 * handled before it returns, as the kernel would handle them.
 */
static long emulate_sigprocmask(const long a[6], sigset_t *program_mask, uint64_t site)
{
	if (a[3] != sizeof(uint64_t))
		return -EINVAL;
	uint64_t now;
	memcpy(&now, program_mask, sizeof(now));
	uint64_t old = now;
	if (a[1]) {
		uint64_t set;
		memcpy(&set, (const void *)a[1], sizeof(set));
		switch (a[0]) {
		case SIG_BLOCK: now |= set; break;
		case SIG_UNBLOCK: now &= ~set; break;
		case SIG_SETMASK: now = set; break;
		default: return -EINVAL;
		}
		now = rt_program_signal_set(now);
		memcpy(program_mask, &now, sizeof(now));
		rt_signals_mask_changed();
	}
	if (a[2])
		memcpy((void *)a[2], &old, sizeof(old));
	if (old & ~now)
		rt_signals_deliver(site);
	return 0;
}

/* SIGSYS is the trap's: the program may not take it, but it sees the
 * action it set itself, the default until it sets one (programs that check
 * for handlers inherited from their parent, as gdb does, would otherwise
 * warn about the runtime's). */
static long program_sigsys_action(const struct rt_kernel_sigaction *act,
				  struct rt_kernel_sigaction *old, long size)
{
	static struct rt_kernel_sigaction program_view = { .handler = (void *)SIG_DFL };
	if (size != sizeof(program_view.mask))
		return -EINVAL;
	struct rt_kernel_sigaction previous = program_view;
	if (act)
		program_view = *act;
	if (old)
		*old = previous;
	return 0;
}

/* The target's signal handlers return through a restorer that makes the
 * rt_sigreturn syscall.  glibc's restorer lives in libc, outside the range
 * the trap lets through, and a trapped rt_sigreturn would return from the
 * trap's own frame instead of the handler's.  So every handler the target
 * installs gets the runtime's restorer, which sits inside the range. */
static long filter_sigaction(const long a[6])
{
	if (a[0] == SIGSYS)
		return program_sigsys_action((const void *)a[1], (void *)a[2], a[3]);
	if (rt_is_fault_signal((int)a[0]) && rt.active)
		return rt_fault_sigaction((int)a[0], (const void *)a[1], (void *)a[2],
					  (unsigned long)a[3]);
	struct rt_kernel_sigaction act;
	long act_arg = a[1];
	if (a[1]) {
		memcpy(&act, (const void *)a[1], sizeof(act));
		act.flags |= RT_SA_RESTORER;
		act.restorer = rt_sigreturn_stub;
		/* A handler that blocks every signal (bash's do) must still let
		 * the trap and the rdtsc fault through, or its first trapped
		 * syscall kills the process. */
		act.mask &= ~RT_OWN_SIGNALS;
		act_arg = (long)&act;
	}
	if (rt.active && rt_signal_relayable((int)a[0]) && a[3] == sizeof(act.mask))
		return rt_signal_sigaction((int)a[0], a[1] ? &act : NULL,
					   (struct rt_kernel_sigaction *)a[2]);
	return rt_syscall(SYS_rt_sigaction, a[0], act_arg, a[2], a[3], 0, 0);
}

static long pass(long nr, const long a[6])
{
	return rt_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/*
 * A vfork-style clone (CLONE_VM | CLONE_VFORK on a new stack: glibc's
 * posix_spawn, hence system() and popen()) cannot pass through the trap:
 * the child would start on the new stack inside the trap's frame.  It
 * becomes a plain fork instead: the child gets a copy of the memory rather
 * than a share, and continues exactly where the vfork child would have,
 * with the program's registers, rax 0 and the new stack.  A clone (not a
 * vfork()) waits for the child's exec or end as a vfork does, and fails
 * with the errno of a child that failed to spawn (spawn_report.c), which
 * glibc's posix_spawn would have read in the shared memory.
 */
static long vfork_as_fork(long nr, const long a[6], greg_t *g, sigset_t *mask, uint64_t site)
{
	long flags = a[0] & ~(long)(CLONE_VM | CLONE_VFORK);
	rt_fork_before();
	if (nr == SYS_clone)
		rt_spawn_report_open();
	long r = rt_syscall(SYS_clone, flags, 0, a[2], a[3], a[4], 0);
	if (r != 0) {
		long shown = rt_fork_parent(r, site);
		return nr == SYS_clone ? rt_spawn_report_wait(r, shown) : shown;
	}
	if (nr == SYS_clone)
		rt_spawn_report_child();
	rt_fork_child();
	/* Followed, the child's syscalls trap from where it resumes. */
	if (rt_managed())
		selector = SYSCALL_DISPATCH_FILTER_BLOCK;
	static greg_t child[NGREG];
	memcpy(child, g, sizeof(child));
	child[REG_RAX] = 0;
	child[REG_RSP] = a[1] ? a[1] : g[REG_RSP];
	rt_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, mask, NULL, sizeof(uint64_t));
	rt_signals_mask_changed();
	rt_resume_context((const long long *)child);
}

/* A clone that makes a process deja can follow: a fork (glibc's asks for
 * the child's tid to be set and cleared), or a vfork, which becomes one.
 * Anything the child would share with its parent other than through a
 * copy (files, signal handlers, memory without vfork, file system data,
 * System V semaphore undo lists), a new namespace, another parent, or
 * tracing cannot be followed as a process of its own: refused, never
 * half-traced.  Threads (CLONE_THREAD with CLONE_VM) are refused below. */
static bool process_clone_followable(long flags)
{
	const long allowed = CSIGNAL | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID |
			     CLONE_PARENT_SETTID | CLONE_PIDFD;
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return true; /* a thread: refused with its own message below */
	return (flags & ~(allowed | CLONE_VM | CLONE_VFORK)) == 0;
}

/* fork, or a clone that makes a process (glibc's fork()): the child is
 * followed (fork.c), and the parent records the fork. */
static long fork_like(long nr, const long a[6], uint64_t site)
{
	rt_fork_before();
	long r = pass(nr, a);
	if (r == 0) {
		rt_fork_child();
		return 0;
	}
	return rt_fork_parent(r, site);
}

/* A wait under a mask of the call's own (sigsuspend, pselect6, ppoll,
 * epoll_pwait): that mask is the thread's while it waits, so it decides
 * which signals interrupt the wait, and while a handler that interrupted
 * it runs; the program's own comes back after (call_mask_end).  Returns
 * the program's mask. */
static uint64_t call_mask_begin(sigset_t *mask, uint64_t during)
{
	uint64_t original;
	memcpy(&original, mask, sizeof(original));
	memcpy(mask, &during, sizeof(during));
	rt_signals_mask_changed();
	return original;
}

static void call_mask_end(uint64_t original, sigset_t *mask, uint64_t site)
{
	rt_signals_deliver(site);
	rt_signals_suspend_end(original, mask);
	rt_signals_mask_changed();
}

/* pause() and sigsuspend(): a wait in the model until a signal the mask
 * lets in comes; always EINTR. */
static long wait_signal(long nr, const long a[6], sigset_t *mask, uint64_t site)
{
	if (nr != SYS_rt_sigsuspend) {
		long r = rt_io_wait_signal(nr, a, site);
		rt_signals_deliver(site);
		rt_signals_mask_changed();
		return r;
	}
	if (a[1] != sizeof(uint64_t))
		return -EINVAL;
	uint64_t during;
	memcpy(&during, (const void *)a[0], sizeof(during));
	uint64_t original = call_mask_begin(mask, rt_program_signal_set(during));
	long r = rt_io_wait_signal(nr, a, site);
	call_mask_end(original, mask, site);
	return r;
}

/* The signal mask a call sets for its own wait (pselect6, ppoll,
 * epoll_pwait, epoll_pwait2), if it gives one: true, with *during. */
static bool call_mask(long nr, const long a[6], uint64_t *during)
{
	const uint64_t *set = NULL;
	long size = 0;
	switch (nr) {
	case SYS_pselect6: {
		const long *p = (const long *)a[5]; /* { sigset pointer, its size } */
		if (p) {
			set = (const uint64_t *)p[0];
			size = p[1];
		}
		break;
	}
	case SYS_ppoll:
		set = (const uint64_t *)a[3];
		size = a[4];
		break;
	case SYS_epoll_pwait:
	case SYS_epoll_pwait2:
		set = (const uint64_t *)a[4];
		size = a[5];
		break;
	default:
		return false;
	}
	if (!set || size != (long)sizeof(uint64_t))
		return false;
	*during = rt_program_signal_set(*set);
	return true;
}

/* An input that waits under a mask of its own, as sigsuspend does (make's
 * pselect6 lets SIGCHLD in only there). */
static long input_under_mask(const struct deja_syscall_info *sc, long nr, const long a[6],
			     uint64_t during, sigset_t *mask, uint64_t site)
{
	uint64_t original = call_mask_begin(mask, during);
	long r = rt_input(sc, nr, a, site);
	call_mask_end(original, mask, site);
	return r;
}

/* `mask` is the program's signal mask, which the trap puts back on return. */
static long emulate(long nr, const long a[6], uint64_t site, greg_t *g, sigset_t *mask)
{
	bool managed = rt_managed();
	switch (nr) {
	case SYS_futex:
		return managed ? emulate_futex(a, site) : pass(nr, a);
	case SYS_rt_sigprocmask:
		return emulate_sigprocmask(a, mask, site);
	case SYS_rt_sigaction:
		return filter_sigaction(a);
	case SYS_nanosleep:
		return managed ? -rt_sleep(CLOCK_MONOTONIC, 0, (const struct timespec *)a[0],
					   (struct timespec *)a[1], site)
			       : pass(nr, a);
	case SYS_clock_nanosleep:
		return managed ? -rt_sleep((clockid_t)a[0], (int)a[1],
					   (const struct timespec *)a[2], (struct timespec *)a[3], site)
			       : pass(nr, a);
	case SYS_alarm: case SYS_setitimer: case SYS_getitimer:
	case SYS_timer_create: case SYS_timer_settime: case SYS_timer_gettime:
	case SYS_timer_getoverrun: case SYS_timer_delete: case SYS_timerfd_create:
	case SYS_timerfd_settime: case SYS_timerfd_gettime:
		return rt.active ? rt_timer_syscall(nr, a) : pass(nr, a);
	case SYS_clock_gettime:
		if (!rt_clock_is_virtual((clockid_t)a[0]))
			return pass(nr, a);
		return rt_clock_gettime((clockid_t)a[0], (struct timespec *)a[1], site);
	case SYS_gettimeofday:
		return managed ? rt_gettimeofday((struct timeval *)a[0], (void *)a[1], site)
			       : pass(nr, a);
	case SYS_time:
		return managed ? (long)rt_time((time_t *)a[0], site) : pass(nr, a);
	case SYS_getrandom:
		return managed ? rt_random((void *)a[0], (uint64_t)a[1], site) : pass(nr, a);
	case SYS_sendfile:
	case SYS_copy_file_range:
	case SYS_splice:
		return managed ? rt_kernel_copy(nr, a, site) : pass(nr, a);
	case SYS_open:
	case SYS_openat:
	case SYS_creat:
	case SYS_openat2: {
		/* An input: whether it succeeds depends on the file system
		 * (files.c); a replay gives the recorded descriptor. */
		long fd = rt_files_open(nr, a, site);
		rt_note_open(rt_files_open_path(nr, a), fd);
		return fd;
	}
	case SYS_close:
		rt_note_close(a[0]);
		return pass(nr, a);
	case SYS_sched_yield:
		if (!managed)
			return pass(nr, a);
		rt_yield(site);
		return 0;
	case SYS_clone: {
		if (managed && !process_clone_followable(a[0])) {
			rt_write_stderr("deja: clone() of a process with flags deja cannot follow"
					" (shared files, signal handlers or memory, namespaces,"
					" another parent...) is refused: it fails with ENOSYS\n");
			return -ENOSYS;
		}
		if ((a[0] & CLONE_VM) && (a[0] & CLONE_VFORK) && !(a[0] & CLONE_THREAD))
			return vfork_as_fork(nr, a, g, mask, site);
		if (a[0] & CLONE_VM) {
			if (managed && rt_clone_thread_followable(a[0]))
				return rt_clone_thread_follow(a, g, site); /* clone_thread.c */
			rt_clone_thread_refused(a[0], managed);
			return -ENOSYS;
		}
		return fork_like(nr, a, site);
	}
	case SYS_fork:
		return fork_like(nr, a, site);
	case SYS_vfork: {
		const long v[6] = { CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0, 0 };
		return vfork_as_fork(nr, v, g, mask, site);
	}
	case SYS_exit_group:
		rt_spawn_report_exit(a[0]); /* a spawn's child that failed */
		/* A forked child's supervisor is not its parent and cannot wait
		 * for it: the status is noted in its channel. */
		if (rt.active) {
			rt.shared->exit_status = (int32_t)a[0];
			__atomic_store_n(&rt.shared->exited, 1, __ATOMIC_RELEASE);
		}
		return pass(nr, a);
	case SYS_clone3:
		return -ENOSYS; /* glibc falls back to clone, checked above */
	case SYS_execve:
	case SYS_execveat:
		return rt_exec(nr, a, site);
	case SYS_signalfd:
	case SYS_signalfd4:
		rt_signals_note_signalfd(a[1] ? *(const uint64_t *)a[1] : 0);
		return pass(nr, a);
	case SYS_kill:
	case SYS_tgkill:
	case SYS_tkill: {
		long r;
		if (nr == SYS_kill && rt_group_kill(a, site, &r))
			return r;
		if (rt_signal_to_self(nr, a, site, &r))
			return r;
		return rt_pids_kill_held_back(nr, a) ? 0 : pass(nr, a);
	}
	case SYS_pause:
	case SYS_rt_sigsuspend:
		return managed ? wait_signal(nr, a, mask, site) : rt_pass_interruptible(nr, a, mask);
	default:
		return pass(nr, a);
	}
}

/* ---- unsupported ---- */

static uint64_t reported[DEJA_SYSCALL_LIMIT / 64 + 1];

static void write_number(long v)
{
	char out[24];
	rt_decimal(out, v);
	rt_write_stderr(out);
}

static long unsupported(const struct deja_syscall_info *sc, long nr, uint64_t site)
{
	unsigned long slot = (unsigned long)nr < DEJA_SYSCALL_LIMIT ? (unsigned long)nr
								     : DEJA_SYSCALL_LIMIT;
	uint64_t bit = 1ull << (slot % 64);
	if (!(__atomic_fetch_or(&reported[slot / 64], bit, __ATOMIC_RELAXED) & bit)) {
		rt_write_stderr("deja: the program called ");
		if (sc->name) {
			rt_write_stderr(sc->name);
		} else {
			rt_write_stderr("syscall ");
			write_number(nr);
		}
		rt_write_stderr(", which deja does not support: it fails with ENOSYS\n");
	}
	if (rt_managed()) {
		struct deja_pending *p = rt_declare(DEJA_OP_SYSCALL_UNSUPPORTED, NULL, (uint64_t)nr, site);
		p->value = -ENOSYS;
		rt_run();
	}
	return -ENOSYS;
}

/* Syscalls that may sleep in the kernel until a signal comes.  The trap
 * runs with every signal blocked, so around these the program's own mask
 * is put back (SIGSYS and SIGSEGV left open): `while (!flag) pause();`
 * must still see its SIGALRM. */
static bool waits_for_signals(long nr)
{
	switch (nr) {
	case SYS_wait4: case SYS_waitid:
	case SYS_select: case SYS_pselect6: case SYS_semop: case SYS_semtimedop:
	case SYS_msgrcv: case SYS_msgsnd: case SYS_flock: case SYS_fcntl:
	case SYS_mq_timedreceive: case SYS_mq_timedsend:
		return true;
	default:
		return false;
	}
}

long rt_pass_interruptible(long nr, const long a[6], const sigset_t *mask)
{
	uint64_t open, all = ~0ull;
	memcpy(&open, mask, sizeof(open));
	open &= ~RT_OWN_SIGNALS;
	rt_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &open, NULL, sizeof(open));
	rt_trap_interruptible = true;
	long r = pass(nr, a);
	rt_trap_interruptible = false;
	rt_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, sizeof(all));
	return r;
}

/* The runtime's own descriptors (the channel, the process socket and the
 * tree's page, kept at high numbers for exec and fork).  A program that
 * closes every descriptor it did not open (Python's subprocess does,
 * between fork and exec) must not close them: the next image and the next
 * child would lose the run.  close() of one fails as if it were not open,
 * and close_range() closes around them. */
static bool own_fd(long fd)
{
	if (!rt.shared || fd < 0)
		return false;
	for (int i = 0; i < RT_OWN_FDS; i++)
		if (fd == *rt_own_fds[i])
			return true;
	return false;
}

/* dup2/dup3 onto one of the runtime's descriptors: natively any number
 * can be a target, so the runtime's descriptor moves to another free high
 * number first (the program's call then closes nothing of deja's). */
static void move_own_fd(long fd)
{
	if (!own_fd(fd))
		return;
	long moved = rt_syscall3(SYS_fcntl, fd, F_DUPFD_CLOEXEC, RT_OWN_FD_BASE);
	if (moved < 0)
		return; /* no number left: the program's call takes it */
	for (int i = 0; i < RT_OWN_FDS; i++)
		if (fd == *rt_own_fds[i])
			*rt_own_fds[i] = (int)moved;
	rt_syscall1(SYS_close, fd);
}

static long close_range_sparing(const long a[6])
{
	unsigned long first = (unsigned long)a[0], last = (unsigned long)a[1];
	long own[RT_OWN_FDS];
	for (int i = 0; i < RT_OWN_FDS; i++) { /* in ascending order */
		int j = i;
		for (; j > 0 && own[j - 1] > *rt_own_fds[i]; j--)
			own[j] = own[j - 1];
		own[j] = *rt_own_fds[i];
	}
	long r = 0;
	for (int i = 0; i < RT_OWN_FDS && first <= last; i++) {
		if (!own_fd(own[i]) || (unsigned long)own[i] < first || (unsigned long)own[i] > last)
			continue;
		if ((unsigned long)own[i] > first)
			r = rt_syscall3(SYS_close_range, first, own[i] - 1, a[2]);
		if (r < 0)
			return r;
		if ((unsigned long)own[i] == ~0ul)
			return 0;
		first = (unsigned long)own[i] + 1;
	}
	return first <= last ? rt_syscall3(SYS_close_range, first, last, a[2]) : r;
}

/* The program sets up syscall user dispatch for itself (Wine does): the
 * runtime's trap is gone from this thread, whose syscalls escape from
 * now on, as the supervisor is told. */
static long program_dispatch(const long a[6])
{
	long r = pass(SYS_prctl, a);
	if (r == 0)
		rt_announce(DEJA_ANNOUNCE_THREAD_ESCAPED);
	return r;
}

/* The ids and signal numbers the signal-sending calls take are ints, and
 * the kernel reads only the low half of their registers; glibc's kill()
 * passes its pid as the caller left it, so kill(-pgrp) may arrive as
 * 2^32 - pgrp.  Made longs of the ints they are, so that a process group
 * is negative here as for the kernel. */
static void signal_call_ints(long nr, long a[6])
{
	switch (nr) {
	case SYS_kill:
	case SYS_tkill:
	case SYS_rt_sigqueueinfo:
		a[0] = (int)a[0];
		a[1] = (int)a[1];
		return;
	case SYS_tgkill:
	case SYS_rt_tgsigqueueinfo:
		a[0] = (int)a[0];
		a[1] = (int)a[1];
		a[2] = (int)a[2];
		return;
	default:
		return;
	}
}

static long dispatch(long nr, long a[6], uint64_t site, greg_t *g, sigset_t *mask)
{
	long shown;
	if (nr == SYS_prctl && a[0] == PR_SET_SYSCALL_USER_DISPATCH)
		return program_dispatch(a);
	signal_call_ints(nr, a);
	if (rt_pid_syscall(nr, a, &shown))
		return shown;
	if (nr == SYS_close && own_fd(a[0]))
		return -EBADF;
	/* A descriptor given another file is, for what deja remembers of
	 * it, closed first. */
	if (nr == SYS_dup2 || nr == SYS_dup3) {
		rt_note_close(a[1]);
		move_own_fd(a[1]);
	}
	else if (nr == SYS_close_range) {
		rt_note_close_range(a[0], a[1]);
		return close_range_sparing(a);
	}
	if (rt_fd_order_numbers(nr, a)) { /* parallel mode: in the events' order */
		if (nr == SYS_close)
			rt_note_close(a[0]);
		return rt_fd_order_call(nr, a, site);
	}
	if (nr == SYS_rt_sigtimedwait && rt_managed())
		return rt_io_sigwait(a, mask, site); /* an input, with a wait of its own */
	if (nr == SYS_mmap)
		return rt_mapped_file(a, site); /* a data file's mapping is an input */
	if (rt_managed() && rt_ipc_wait_call(nr))
		return rt_ipc_wait(nr, a, site); /* a wait for another thread, as attempts */
	if (rt_managed() && rt_file_lock_call(nr, a))
		return rt_file_lock(nr, a, site); /* a held lock is waited for as attempts */
	const struct deja_syscall_info *sc = deja_syscall(nr);
	const struct deja_syscall_info *tty = nr == SYS_ioctl ? rt_tty_query(a) : NULL;
	if (tty)
		sc = tty; /* an input, though ioctl is not (tty_queries.c) */
	switch ((enum deja_syscall_class)sc->klass) {
	case DEJA_SC_PASS:
	case DEJA_SC_INPUT_LIVE:
		if (nr == SYS_exit && rt_managed()) /* a thread cloned raw (or a raw exit) */
			return rt_clone_thread_exit(nr, a, site);
		if (nr == SYS_waitid && rt_fork_waitid(a, mask, site, &shown)) {
			if (shown == -EINTR)
				rt_signals_deliver(site);
			return shown;
		}
		if (nr == SYS_wait4 && rt_fork_wait4(a, mask, site, &shown)) {
			if (shown == -EINTR)
				rt_signals_deliver(site);
			return shown;
		}
		if (waits_for_signals(nr)) {
			long r = rt_pass_interruptible(nr, a, mask);
			if (r == -EINTR)
				rt_signals_deliver(site);
			if (nr == SYS_wait4 && r > 0)
				r = rt_pids_shown(r); /* a replayed child's recorded pid */
			return r;
		}
		return pass(nr, a);
	case DEJA_SC_INPUT: {
		uint64_t during;
		if (rt_managed() && call_mask(nr, a, &during))
			return input_under_mask(sc, nr, a, during, mask, site);
		return rt_input(sc, nr, a, site);
	}
	case DEJA_SC_OUTPUT:
		return rt_output(sc, nr, a, site);
	case DEJA_SC_EMULATE:
		return emulate(nr, a, site, g, mask);
	case DEJA_SC_REFUSED:
		return -ENOSYS; /* the kernel-side policy refuses it too */
	case DEJA_SC_UNSUPPORTED:
	case DEJA_SC_UNKNOWN:
	case DEJA_SC_CLASS_COUNT:
		return unsupported(sc, nr, site);
	}
	return unsupported(sc, nr, site);
}

/* glibc's syscall() is a leaf without a frame of its own, and every call
 * through it (the raw futex waits of Rust's std::sync and thread::park,
 * C++20's atomic waits, latches and semaphores) had it for a call site:
 * a deadlock report said "waits in futex_resume(futex#1) at syscall
 * (libc.so.6)" for every thread.  Such a call is named by its caller, the
 * return address on the stack's top, as a call through a wrapper of
 * glibc's that deja interposes is. */
static uint64_t call_site(uint64_t addr, const greg_t *g)
{
	const uintptr_t entry = (uintptr_t)&syscall;
	const unsigned char *insn = (const unsigned char *)(uintptr_t)addr;
	if (addr < entry + 2 || addr > entry + 64 || insn[-2] != 0x0f || insn[-1] != 0x05)
		return addr;
	uint64_t ret = *(const uint64_t *)(uintptr_t)g[REG_RSP];
	return ret ? ret : addr;
}

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	if (si->si_code != SYS_USER_DISPATCH)
		return;
	char saved = selector;
	selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	int saved_errno = errno;
	ucontext_t *uc = ctx;
	greg_t *g = uc->uc_mcontext.gregs;
	long a[6] = { g[REG_RDI], g[REG_RSI], g[REG_RDX], g[REG_R10], g[REG_R8], g[REG_R9] };
	const sigset_t *outer = rt_trap_program_mask;
	rt_trap_program_mask = &uc->uc_sigmask;
	/* The program's call into libc, if one is under way (program_calls.c);
	 * else the caller of glibc's syscall(), else the instruction. */
	uint64_t site = rt_program_site(call_site((uint64_t)(uintptr_t)si->si_call_addr, g),
					(uint64_t)g[REG_RSP]);
	g[REG_RAX] = dispatch(si->si_syscall, a, site, g, &uc->uc_sigmask);
	rt_trap_program_mask = outer;
	errno = saved_errno;
	selector = saved;
}

void rt_trap_install(void)
{
	struct rt_kernel_sigaction ksa = {
		.handler = on_sigsys,
		.flags = SA_SIGINFO | RT_SA_RESTORER,
		.restorer = rt_sigreturn_stub,
		/* No signal handler may nest inside the trap: it would run with
		 * SIGSYS blocked (the kernel blocks it during its own handler)
		 * and, if the selector were already back to BLOCK, its first
		 * syscall would kill the process.  Signals wait until the trap
		 * returns, which is also where the program expects them. */
		.mask = ~0ull,
	};
	if (rt_syscall4(SYS_rt_sigaction, SIGSYS, &ksa, NULL, sizeof(ksa.mask)) < 0)
		rt_fatal("cannot install the SIGSYS handler");
}
