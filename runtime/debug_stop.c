/*
 * debug_stop.c: a replay that stops before one event, for a debugger
 * (deja replay --gdb EVENT).
 *
 * The supervisor names the event in the channel (debug_stop_event).  The
 * thread whose turn it is to make that event, holding the baton, calls
 * deja_stopped_at_event before it makes it: every other thread of the
 * program waits for the baton meanwhile, as always in a serialised
 * replay.  That function tells the supervisor who and where it is, and
 * waits until the debugger the supervisor starts has attached and lets
 * the program run again (`continue`), or until the supervisor releases
 * it because the debugger has exited without that.  Then the event is
 * made as recorded, and the replay goes on.
 *
 * The wait looks at /proc/thread-self/status every 10 ms: a tracer
 * attached to this thread (TracerPid) that lets it run is the debugger's
 * `continue`.  The stop function keeps a plain, exported name, so that a
 * backtrace names it, and the supervisor's debugger commands select the
 * program's frame above it (replayer/debug_stop.c).  Two more exported
 * functions, empty, are where that debugger stops later: a crash by
 * SIGSEGV and the end of a run the runtime decides.  And two the
 * debugger calls, for its `deja-when` and `deja-goto` commands: the event
 * the replay is at, and a stop before a later one, which the thread that
 * makes it takes as the first (the debugger, attached already, stops it
 * there with a breakpoint on deja_stopped_at_event).
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <linux/futex.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define POLL_NS 10000000L /* how often the waiting thread looks for its tracer */

/* Whether a tracer (the debugger) is attached to the calling thread. */
static bool traced(void)
{
	char buf[2048];
	long n = rt_read_proc("/proc/thread-self/status", buf, sizeof(buf));
	if (n <= 0)
		return false;
	static const char key[] = "\nTracerPid:";
	for (long i = 0; i + (long)sizeof(key) - 1 <= n; i++) {
		long k = 0;
		while (key[k] && buf[i + k] == key[k])
			k++;
		if (key[k])
			continue;
		const char *p = buf + i + k;
		while (*p == ' ' || *p == '\t')
			p++;
		return *p >= '1' && *p <= '9'; /* not "0" */
	}
	return false;
}

/* A debugger of the same user may attach only to a dumpable process: one
 * that made itself undumpable is made dumpable for the debugger, and
 * stays so (a debugger attached meanwhile reads its memory through /proc,
 * which needs it). */
static void let_debugger_in(void)
{
	if (rt_syscall1(SYS_prctl, PR_GET_DUMPABLE) != 1)
		rt_syscall2(SYS_prctl, PR_SET_DUMPABLE, 1);
}

/* Not static, not inlined, exported: the name a backtrace shows for the
 * replay's stop, and the frame below the program's own. */
RT_EXPORT __attribute__((noinline)) void deja_stopped_at_event(uint64_t event, uint64_t site)
{
	struct deja_shared *sh = rt.shared;
	let_debugger_in();
	sh->debug_pid = (int32_t)rt_syscall0(SYS_getpid);
	sh->debug_tid = (int32_t)rt_syscall0(SYS_gettid);
	sh->debug_thread = rt_self;
	sh->debug_site = site;
	__atomic_store_n(&sh->debug_stopped, 1, __ATOMIC_RELEASE); /* the supervisor polls it */
	struct timespec poll = { 0, POLL_NS };
	while (!__atomic_load_n(&sh->debug_release, __ATOMIC_ACQUIRE) && !traced())
		rt_syscall4(SYS_futex, &sh->debug_release, FUTEX_WAIT, 0, &poll);
	/* The arguments are for the debugger's eyes: kept alive to here, so
	 * that the backtrace shows them (deja_stopped_at_event (event=12,
	 * site=...)); and the call stays a call, not a jump. */
	__asm__ volatile("" ::"r"(event), "r"(site) : "memory");
}

/* Empty, exported, never inlined: gdb's breakpoints on these two are how
 * `continue` after a stop shows a crash by SIGSEGV and the end of a run
 * deja decides (replayer/debug_stop.c).  Without a debugger they cost a
 * call, once per run or per fault. */
RT_EXPORT __attribute__((noinline)) void deja_program_segv(uint64_t address, uint64_t pc)
{
	__asm__ volatile("" ::"r"(address), "r"(pc) : "memory");
}

RT_EXPORT __attribute__((noinline)) void deja_run_ends(enum deja_outcome_kind kind,
						       const char *message)
{
	__asm__ volatile("" ::"r"(kind), "r"(message) : "memory");
}

/* The event the replay is at: the next one to be made. */
RT_EXPORT __attribute__((noinline)) uint64_t deja_event_now(void)
{
	return rt.model->steps;
}

/* Stop before event `event`, a later one of this process's replay: 0, or
 * -1 for an event made already or being made, -2 for one past the
 * recording's end, -3 outside a replay. */
RT_EXPORT __attribute__((noinline)) int deja_stop_before(uint64_t event)
{
	struct deja_shared *sh = rt.shared;
	if (sh->mode != DEJA_MODE_REPLAY)
		return -3;
	if (event <= rt.model->steps)
		return -1;
	if (event >= rt.schedule_len)
		return -2;
	sh->debug_stop_event = event + 1;
	return 0;
}

void rt_debug_stop_check(const struct deja_pending *p)
{
	struct deja_shared *sh = rt.shared;
	uint64_t event = rt.model->steps;
	if (sh->mode != DEJA_MODE_REPLAY || sh->debug_stop_event != event + 1)
		return;
	sh->debug_stop_event = 0; /* once: an exec'd image reads the same channel */
	deja_stopped_at_event(event, p->site);
}
