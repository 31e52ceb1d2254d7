/*
 * fault.c: synchronous faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL).
 *
 * The runtime owns these handlers: SIGSEGV because rdtsc faults on purpose
 * (tsc.c), all four so that a crash is reported with the thread and the
 * code location that faulted.  A handler the program installs for one of
 * them is kept here and called for every fault that is not an rdtsc; with
 * none, the runtime notes the fault in the shared channel, restores the
 * default action and returns, so the instruction faults again and the
 * process dies of the same signal as it would without deja.  One sent
 * rather than raised by an instruction (`kill -SEGV`, `raise`) does not
 * come again by itself: it is sent once more, to arrive when the handler
 * returns.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <string.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>

static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
#define NFAULTS (sizeof(fault_signals) / sizeof(fault_signals[0]))

static struct rt_kernel_sigaction target_action[NFAULTS]; /* what the program asked for */

static int slot_of(int sig)
{
	for (unsigned i = 0; i < NFAULTS; i++)
		if (fault_signals[i] == sig)
			return (int)i;
	return -1;
}

bool rt_is_fault_signal(int sig)
{
	return slot_of(sig) >= 0;
}

static void note_fault(int sig, const greg_t *g)
{
	struct deja_shared *sh = rt.shared;
	if (!rt.active || sh->fault_signal)
		return;
	sh->fault_thread = rt_self;
	sh->fault_site = (uint64_t)g[REG_RIP];
	__atomic_store_n(&sh->fault_signal, (uint32_t)sig, __ATOMIC_RELEASE);
}

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
	/* A faulting rdtsc raises a general-protection SIGSEGV (SI_KERNEL),
	 * with the instruction fetched, hence readable, at rip; any other
	 * SIGSEGV may have rip anywhere, even unmapped. */
	if (sig == SIGSEGV && si->si_code == SI_KERNEL && rt_tsc_emulate(g))
		return;
	int slot = slot_of(sig);
	if (slot < 0)
		return;
	if (sig == SIGSEGV) /* where gdb stops for it (debug_stop.c) */
		deja_program_segv((uint64_t)si->si_addr, (uint64_t)g[REG_RIP]);
	const struct rt_kernel_sigaction *t = &target_action[slot];
	void (*h)(int, siginfo_t *, void *) = t->handler;
	if (h == (void *)SIG_IGN && si->si_code <= 0)
		return; /* sent, not raised by an instruction: ignored, as the kernel would */
	if (h == (void *)SIG_DFL || h == (void *)SIG_IGN) {
		note_fault(sig, g);
		struct rt_kernel_sigaction dfl = { .handler = (void *)SIG_DFL };
		rt_syscall4(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
		if (si->si_code <= 0) /* sent: nothing faults again */
			rt_syscall3(SYS_tgkill, rt_syscall0(SYS_getpid), rt_syscall0(SYS_gettid), sig);
		return; /* the instruction faults again, now fatally */
	}
	if (t->flags & SA_SIGINFO)
		h(sig, si, ctx);
	else
		((void (*)(int))(void *)h)(sig);
}

void rt_fault_install(void)
{
	for (unsigned i = 0; i < NFAULTS; i++) {
		rt_syscall4(SYS_rt_sigaction, fault_signals[i], NULL, &target_action[i],
			    sizeof(target_action[i].mask));
		struct rt_kernel_sigaction ksa = {
			.handler = on_fault,
			.flags = SA_SIGINFO | RT_SA_RESTORER,
			.restorer = rt_sigreturn_stub,
		};
		if (rt_syscall4(SYS_rt_sigaction, fault_signals[i], &ksa, NULL, sizeof(ksa.mask)) < 0)
			rt_fatal("cannot install the fault handlers");
	}
}

long rt_fault_sigaction(int sig, const void *act, void *old, unsigned long size)
{
	int i = slot_of(sig);
	if (i < 0 || size != sizeof(target_action[i].mask))
		return -22; /* EINVAL, as the kernel says */
	struct rt_kernel_sigaction previous = target_action[i];
	if (act)
		memcpy(&target_action[i], act, sizeof(target_action[i]));
	if (old)
		memcpy(old, &previous, sizeof(previous));
	return 0;
}
