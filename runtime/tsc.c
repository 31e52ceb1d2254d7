/*
 * tsc.c: rdtsc and rdtscp under deja.
 *
 * The time-stamp counter is another clock the program can read without a
 * syscall.  The runtime makes it fault (prctl PR_SET_TSC, PR_TSC_SIGSEGV,
 * inherited by every thread created afterwards) and answers the fault from
 * the virtual clock: the counter reads as virtual nanoseconds since the
 * recorded monotonic start.  SIGSEGV is therefore the runtime's: a handler
 * the target installs for it is kept here and called for every fault that
 * is not an rdtsc; with none, the default action is restored and the fault
 * repeats, so a crash still ends the run as signal 11.  exec keeps the
 * counter faulting, and the next image's loader reads it before any runtime
 * can answer, so exec.c lets the counter be read around an exec.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>

static struct rt_kernel_sigaction target_action; /* what the target asked for */

static uint64_t virtual_tsc(void)
{
	if (rt_managed())
		return (uint64_t)rt_clock_read(CLOCK_MONOTONIC, 0);
	struct timespec ts; /* a thread outside the model: real time */
	rt_syscall2(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* If the instruction at ip reads the counter, emulate it; its length. */
static int emulate_tsc(greg_t *g)
{
	const uint8_t *ip = (const uint8_t *)g[REG_RIP];
	int len = 0;
	if (ip[0] == 0x0f && ip[1] == 0x31)
		len = 2; /* rdtsc */
	else if (ip[0] == 0x0f && ip[1] == 0x01 && ip[2] == 0xf9)
		len = 3; /* rdtscp: also the processor id in ecx */
	if (!len)
		return 0;
	uint64_t tsc = virtual_tsc();
	g[REG_RAX] = (greg_t)(tsc & 0xffffffffu);
	g[REG_RDX] = (greg_t)(tsc >> 32);
	if (len == 3)
		g[REG_RCX] = 0;
	g[REG_RIP] += len;
	return len;
}

static void forward_fault(int sig, siginfo_t *si, void *ctx)
{
	void (*h)(int, siginfo_t *, void *) = target_action.handler;
	if (h == (void *)SIG_DFL || h == (void *)SIG_IGN) {
		/* Let the fault repeat with the default action: the process
		 * dies of SIGSEGV as it would without deja. */
		struct rt_kernel_sigaction dfl = { .handler = (void *)SIG_DFL };
		rt_syscall4(SYS_rt_sigaction, SIGSEGV, &dfl, NULL, sizeof(dfl.mask));
		return;
	}
	if (target_action.flags & SA_SIGINFO)
		h(sig, si, ctx);
	else
		((void (*)(int))(void *)h)(sig);
}

static void on_sigsegv(int sig, siginfo_t *si, void *ctx)
{
	if (emulate_tsc(((ucontext_t *)ctx)->uc_mcontext.gregs))
		return;
	forward_fault(sig, si, ctx);
}

void rt_tsc_install(void)
{
	rt_syscall4(SYS_rt_sigaction, SIGSEGV, NULL, &target_action, sizeof(target_action.mask));
	struct rt_kernel_sigaction ksa = {
		.handler = on_sigsegv,
		.flags = SA_SIGINFO | RT_SA_RESTORER,
		.restorer = rt_sigreturn_stub,
	};
	if (rt_syscall4(SYS_rt_sigaction, SIGSEGV, &ksa, NULL, sizeof(ksa.mask)) < 0)
		rt_fatal("cannot install the SIGSEGV handler for rdtsc");
	if (rt_syscall2(SYS_prctl, PR_SET_TSC, PR_TSC_SIGSEGV) < 0)
		rt_fatal("this kernel refuses PR_SET_TSC: rdtsc cannot be made deterministic");
}

long rt_tsc_sigaction(const void *act, void *old, unsigned long size)
{
	if (size != sizeof(target_action.mask))
		return -22; /* EINVAL, as the kernel says */
	struct rt_kernel_sigaction previous = target_action;
	if (act)
		memcpy(&target_action, act, sizeof(target_action));
	if (old)
		memcpy(old, &previous, sizeof(previous));
	return 0;
}
