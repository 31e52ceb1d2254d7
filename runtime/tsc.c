/*
 * tsc.c: rdtsc and rdtscp under deja.
 *
 * The time-stamp counter is another clock the program can read without a
 * syscall.  The runtime makes it fault (prctl PR_SET_TSC, PR_TSC_SIGSEGV,
 * inherited by every thread created afterwards) and answers the fault
 * (fault.c calls rt_tsc_emulate first for every general-protection
 * SIGSEGV, which is how a faulting rdtsc arrives) from the virtual
 * clock: the counter reads as virtual nanoseconds since the recorded
 * monotonic start.  exec keeps the counter faulting, and the next image's
 * loader reads it before any runtime can answer, so exec.c lets the
 * counter be read around an exec.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <sys/prctl.h>
#include <sys/syscall.h>

static uint64_t virtual_tsc(void)
{
	if (rt_managed())
		return (uint64_t)rt_clock_read(CLOCK_MONOTONIC, 0);
	return (uint64_t)rt_clock_real_monotonic_ns(); /* a thread outside the model */
}

bool rt_tsc_emulate(greg_t *g)
{
	const uint8_t *ip = (const uint8_t *)g[REG_RIP];
	int len = 0;
	if (ip[0] == 0x0f && ip[1] == 0x31)
		len = 2; /* rdtsc */
	else if (ip[0] == 0x0f && ip[1] == 0x01 && ip[2] == 0xf9)
		len = 3; /* rdtscp: also the processor id in ecx */
	if (!len)
		return false;
	uint64_t tsc = virtual_tsc();
	g[REG_RAX] = (greg_t)(tsc & 0xffffffffu);
	g[REG_RDX] = (greg_t)(tsc >> 32);
	if (len == 3)
		g[REG_RCX] = 0;
	g[REG_RIP] += len;
	return true;
}

void rt_tsc_install(void)
{
	if (rt_syscall2(SYS_prctl, PR_SET_TSC, PR_TSC_SIGSEGV) < 0)
		rt_fatal("this kernel refuses PR_SET_TSC: rdtsc cannot be made deterministic");
}
