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
 * The handler emulates futex waits and wakes in the scheduler (glibc's
 * internal locks call futex directly), keeps the runtime's SIGSYS from
 * being blocked or replaced, and passes every other syscall through.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>

#include "model.h"

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

/* The kernel's struct sigaction for rt_sigaction. */
struct kernel_sigaction {
	void (*handler)(int, siginfo_t *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};
#define KSA_RESTORER 0x04000000UL

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

void rt_trap_disarm(void)
{
	selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	rt_syscall((long)SYS_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF,
		   0, 0, 0, 0);
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
	return (long)rt_run(); /* the FUTEX_RESUME the wait left pending */
}

static long futex_wake(uint32_t *uaddr, int op, long n, uint64_t site)
{
	struct deja_object *o = rt_object(uaddr, DEJA_OBJ_FUTEX);
	rt_declare(DEJA_OP_FUTEX_WAKE, o, (uint64_t)n, site);
	long woken = (long)rt_run();
	/* Threads outside the model (in glibc's exit path) wait in the kernel. */
	if (woken < n) {
		long k = rt_syscall3(SYS_futex, uaddr, op, n - woken);
		if (k > 0)
			woken += k;
	}
	return woken;
}

static long emulate_futex(const long a[6], uint64_t site)
{
	int op = (int)a[1];
	int cmd = op & FUTEX_CMD_MASK;
	uint32_t *uaddr = (uint32_t *)a[0];
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		return futex_wait(uaddr, cmd, op, (uint32_t)a[2],
				  (const struct timespec *)a[3], site);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, op, a[2], site);
	default:
		return rt_syscall(SYS_futex, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
}

/* ---- keeping SIGSYS ours ---- */

static long filter_sigprocmask(const long a[6])
{
	if (a[1] == 0 || a[0] == SIG_UNBLOCK)
		return rt_syscall(SYS_rt_sigprocmask, a[0], a[1], a[2], a[3], 0, 0);
	uint64_t set;
	memcpy(&set, (const void *)a[1], sizeof(set));
	set &= ~(1ull << (SIGSYS - 1));
	return rt_syscall(SYS_rt_sigprocmask, a[0], (long)&set, a[2], a[3], 0, 0);
}

static long filter_sigaction(const long a[6])
{
	if (a[0] == SIGSYS && a[1] != 0)
		return 0; /* the target may not take SIGSYS from the runtime */
	return rt_syscall(SYS_rt_sigaction, a[0], a[1], a[2], a[3], 0, 0);
}

static long dispatch(long nr, const long a[6], uint64_t site)
{
	switch (nr) {
	case SYS_futex:
		if (rt_managed())
			return emulate_futex(a, site);
		break;
	case SYS_rt_sigprocmask:
		return filter_sigprocmask(a);
	case SYS_rt_sigaction:
		return filter_sigaction(a);
	case SYS_clone:
		if (a[0] & CLONE_VM) {
			rt_write_stderr("deja: raw clone() of a thread or vfork is not supported yet\n");
			return -ENOSYS;
		}
		break;
	case SYS_clone3:
		return -ENOSYS; /* glibc falls back to clone, checked above */
	default:
		break;
	}
	return rt_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	if (si->si_code != SYS_USER_DISPATCH)
		return;
	char saved = selector;
	selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	int saved_errno = errno;
	greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
	long a[6] = { g[REG_RDI], g[REG_RSI], g[REG_RDX], g[REG_R10], g[REG_R8], g[REG_R9] };
	g[REG_RAX] = dispatch(si->si_syscall, a, (uint64_t)(uintptr_t)si->si_call_addr);
	errno = saved_errno;
	selector = saved;
}

void rt_trap_install(void)
{
	struct kernel_sigaction ksa = {
		.handler = on_sigsys,
		.flags = SA_SIGINFO | KSA_RESTORER,
		.restorer = rt_sigreturn_stub,
		.mask = 0,
	};
	if (rt_syscall4(SYS_rt_sigaction, SIGSYS, &ksa, NULL, sizeof(ksa.mask)) < 0)
		rt_fatal("cannot install the SIGSYS handler");
}
