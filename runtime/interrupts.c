/*
 * interrupts.c: stopping uninstrumented code that spins without a
 * scheduling point (docs/architecture.md, Timeslices).
 *
 * A thread that waits for a flag another thread sets, with no call deja
 * sees (`while (!ready) ;`), would spin for ever under a scheduler that
 * runs one thread at a time.  Code built with `deja cflags` stops at a
 * timeslice (ticks.c); this file handles code built without it.
 *
 * Record: the supervisor sends DEJA_SIG_INTERRUPT to the running thread
 * when it has run DEJA_INTERRUPT_MS without a scheduling point while
 * another thread could run or a timer is armed (recorder/interrupt_watch.c).
 * Without hardware counters the spot where a signal lands cannot be found
 * again in a replay, so the thread does not stop there.  It sets a
 * hardware breakpoint on the instruction it was interrupted at (a perf
 * breakpoint event: debug registers, no counters), which signals each pass
 * with DEJA_SIG_INTERRUPT too, and runs on.  When a pass over that
 * instruction finds every general register, and the thread's stack, as
 * the pass before left them, the thread is spinning: nothing it computes
 * changes, so the first such pass is as good as any, and a replay can find
 * it.  It stops there, at an INTERRUPT event whose site is the instruction
 * and whose arg is the xxh3 of the registers a call preserves (the others
 * may hold what the runtime last left in them, which differs in a replay).
 * The scheduler treats it as a yield, and the virtual clock moves on by
 * the real time the thread spun, so a timer it waits for can fire.  A loop
 * whose registers change at every pass is computing, not waiting: after
 * MAX_PASSES passes it is left to run, unless it is a counted spin: a
 * loop with a `pause` (the CPU's spin-wait hint) in which one register
 * alone changes, by the same step at every pass (libgomp's wait spins
 * so, up to 30 billion passes under OMP_WAIT_POLICY=active).  It stops
 * there too, its count left out of the hash (counted_spin).
 *
 * A recording's thread keeps a breakpoint on each of the last few
 * instructions it stopped at (known sites), from event to event: when it
 * spins there again it stops at the third pass, without waiting for the
 * supervisor (libgomp's threads wait at a handful of places, at every
 * barrier).
 *
 * Replay: after the event before an INTERRUPT (or its last event, where
 * the recording's run ended with it stopped: coverage's stopped_ip), the
 * thread sets the same breakpoint (the follow schedule's stop for it,
 * DEJA_STOP_INTERRUPT) and
 * stops at the first pass that repeats the one before it, or continues
 * its count, and whose preserved registers hash as recorded.  A counted
 * spin's replay stops at an earlier pass than its recording did, with a
 * smaller count: the loop then spins longer before it gives up, which
 * is no event.
 *
 * Only code outside the runtime, libc, the dynamic loader and the vDSO is
 * stopped: the runtime may have been called from there mid-operation.
 * Where perf breakpoints are refused (a container's seccomp policy), a
 * recording stops nothing and a replay of a trace with interrupts ends as
 * an error that says so.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include "model.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

/* Passes over the instruction a recording looks at before it decides the
 * loop is computing, not spinning. */
#define MAX_PASSES 64

/* The thread's breakpoint: its descriptor (-1: none), the instruction,
 * and what it looks for there. */
static __thread int bp_fd __attribute__((tls_model("initial-exec"))) = -1;
static __thread uint64_t bp_ip __attribute__((tls_model("initial-exec")));
/* The general registers and the stack's hash at the last pass, the one
 * register that changed from the pass before it and by how much (-1:
 * none or several), and (replay) the kept registers' hash recorded. */
#define PASS_REGS (REG_RIP + 1)
static __thread greg_t bp_gregs[PASS_REGS] __attribute__((tls_model("initial-exec")));
static __thread uint64_t bp_stack __attribute__((tls_model("initial-exec")));
static __thread int bp_step_reg __attribute__((tls_model("initial-exec")));
static __thread greg_t bp_step __attribute__((tls_model("initial-exec")));
/* Whether the code around the instruction has a `pause`: -1 not looked. */
static __thread int bp_pause __attribute__((tls_model("initial-exec")));
static __thread uint64_t bp_kept __attribute__((tls_model("initial-exec")));
static __thread uint32_t bp_passes __attribute__((tls_model("initial-exec")));
/* bp_passes when the supervisor last looked at the thread. */
static __thread uint32_t bp_passes_looked __attribute__((tls_model("initial-exec")));
static __thread int64_t bp_dark_ns __attribute__((tls_model("initial-exec")));
static bool breakpoints_refused;

/* Recording: the instructions this thread last stopped at, each watched
 * by a breakpoint of its own (-1: none) from event to event, and those
 * disabled until the next event (a bit each: it passed there computing,
 * or while another thread held the turn).  20 ms a wait made a
 * two-thread OpenMP program of 400 parallel regions take 18 s under
 * OMP_WAIT_POLICY=active; with them, a fraction of a second. */
#define KNOWN_SITES 3
static __thread int known_fd[KNOWN_SITES] __attribute__((tls_model("initial-exec"))) = { -1, -1, -1 };
static __thread uint64_t known_ip[KNOWN_SITES] __attribute__((tls_model("initial-exec")));
static __thread uint32_t known_off __attribute__((tls_model("initial-exec")));
static __thread uint32_t known_next __attribute__((tls_model("initial-exec")));
/* Which known site the pass state below is about (-1: the breakpoint
 * bp_fd's). */
static __thread int pass_site __attribute__((tls_model("initial-exec"))) = -1;

/* The top of the thread's stack (rt_interrupts_stack_top; 0: not known),
 * and the lowest stack pointer from which up to it was found readable. */
static __thread uint64_t stack_top __attribute__((tls_model("initial-exec")));
static __thread uint64_t stack_readable_from __attribute__((tls_model("initial-exec")));

/* Bytes of the stack above the stack pointer that a pass is compared by
 * where the thread's whole stack cannot be: the locals of code built at
 * -O0, which a loop counts in there. */
#define STACK_WINDOW 128
/* A stack deeper than this is compared by its window only. */
#define STACK_MOST (1 << 20)

void rt_interrupts_stack_top(const void *top)
{
	stack_top = (uint64_t)(uintptr_t)top;
	stack_readable_from = 0;
}

/* How many bytes above sp a pass is compared by: the thread's whole
 * stack, all the frames of the program's calls.  The top 128 bytes alone
 * took a loop for a spin when what it counts lies further up: openssl's
 * `speed` hashes the same 16 bytes over and over, its count saved in a
 * caller's frame, and SHA-256's unrolled rounds pass each instruction
 * once per call with the same registers; the recording stopped at the
 * thousandth pass, a replay at the second, and it diverged.  Only a span
 * that one readable mapping holds (own_maps.c: not an alternate signal
 * stack, not a stack of the program's own making elsewhere) is read; the
 * answer is a function of the layout, which a replay has too. */
static uint64_t stack_span(uint64_t sp)
{
	if (!stack_top || sp >= stack_top || stack_top - sp > STACK_MOST)
		return STACK_WINDOW;
	if (!stack_readable_from || sp < stack_readable_from) {
		if (!rt_maps_readable(sp, stack_top))
			return STACK_WINDOW;
		stack_readable_from = sp;
	}
	return stack_top - sp;
}

/* What tells one pass over the instruction from the next, besides the
 * general registers (instruction pointer included, flags excluded: the
 * kernel sets the resume flag when it returns to a breakpoint): the
 * stack. */
static uint64_t stack_hash(const ucontext_t *uc)
{
	uint64_t sp = (uint64_t)uc->uc_mcontext.gregs[REG_RSP];
	return XXH3_64bits((const void *)(uintptr_t)sp, stack_span(sp));
}

/* The registers a call preserves, with the stack and instruction
 * pointers: what a replay compares with the recording.  The others may
 * hold what the runtime's last call left in them, which a replay, going
 * other ways through the runtime, leaves different.  A counted spin's
 * count (`count_reg`, -1: none) is left out: a replay stops at another
 * pass of it. */
static uint64_t kept_registers_hash(const ucontext_t *uc, int count_reg)
{
	static const int kept[] = { REG_RBX, REG_RBP, REG_R12, REG_R13, REG_R14,
				    REG_R15, REG_RSP, REG_RIP };
	greg_t v[sizeof(kept) / sizeof(kept[0])];
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		v[i] = kept[i] == count_reg ? 0 : uc->uc_mcontext.gregs[kept[i]];
	return XXH3_64bits(v, sizeof(v));
}

/* Bytes either side of the watched instruction looked at for a `pause`. */
#define PAUSE_REACH 32

/* Whether the code around `ip` has a `pause` (f3 90), the hint a loop
 * that waits for another CPU gives its own: a loop counting with one
 * is waiting, one without (a scan for a non-zero byte) may be computing
 * what another thread's store would change midway. */
static bool pause_near(uint64_t ip)
{
	if (ip < PAUSE_REACH || !rt_maps_readable(ip - PAUSE_REACH, ip + PAUSE_REACH + 1))
		return false;
	const unsigned char *code = (const unsigned char *)(uintptr_t)(ip - PAUSE_REACH);
	for (size_t i = 0; i < 2 * PAUSE_REACH; i++)
		if (code[i] == 0xf3 && code[i + 1] == 0x90)
			return true;
	return false;
}

/* The one general register that differs between `was` and `now` (-1:
 * none or more than one). */
static int one_changed(const greg_t *was, const greg_t *now)
{
	int changed = -1;
	for (int r = 0; r < PASS_REGS; r++) {
		if (was[r] == now[r])
			continue;
		if (changed >= 0)
			return -1;
		changed = r;
	}
	return changed;
}

static bool name_has(const char *path, const char *part)
{
	return strstr(path, part) != NULL;
}

/* Program code: not the runtime, libc, the loader or the vDSO. */
static bool in_program_code(uint64_t ip)
{
	const struct deja_shared *sh = rt.shared;
	uint32_t n = __atomic_load_n(&sh->nmodules, __ATOMIC_ACQUIRE);
	for (uint32_t i = 0; i < n && i < DEJA_MAX_MODULES; i++) {
		const struct deja_module *m = &sh->modules[i];
		if (m->image != sh->image || ip < m->lo || ip >= m->hi)
			continue;
		return !(name_has(m->path, "/libc.so") || name_has(m->path, "/ld-linux") ||
			 name_has(m->path, "linux-vdso") || strcmp(m->path, sh->runtime_path) == 0);
	}
	return true; /* code the program made itself */
}

static void disarm(void)
{
	if (bp_fd < 0)
		return;
	rt_syscall1(SYS_close, bp_fd);
	bp_fd = -1;
}

/* A breakpoint on `ip` for this thread alone, signalling each pass
 * (-1: refused). */
static int open_breakpoint(uint64_t ip)
{
	if (breakpoints_refused)
		return -1;
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_BREAKPOINT;
	a.size = sizeof(a);
	a.bp_type = HW_BREAKPOINT_X;
	a.bp_addr = ip;
	a.bp_len = sizeof(long);
	a.sample_period = 1;
	a.wakeup_events = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	a.disabled = 1;
	long fd = rt_syscall(SYS_perf_event_open, (long)&a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC, 0);
	if (fd == -ENOSPC)
		return -1; /* the thread's debug registers are all taken */
	if (fd < 0) {
		breakpoints_refused = true;
		return -1;
	}
	/* Out of the way of the program's descriptors, as the channel is. */
	long kept = rt_syscall3(SYS_fcntl, fd, F_DUPFD_CLOEXEC, RT_OWN_FD_BASE);
	rt_syscall1(SYS_close, fd);
	if (kept < 0)
		return -1;
	/* Each pass signals this thread with DEJA_SIG_INTERRUPT (not the
	 * event's own SIGTRAP, which a debugger attached to a replay takes
	 * for its own), before the instruction runs. */
	struct f_owner_ex owner = { .type = F_OWNER_TID, .pid = (pid_t)rt_syscall0(SYS_gettid) };
	if (rt_syscall3(SYS_fcntl, kept, F_SETOWN_EX, &owner) < 0 ||
	    rt_syscall3(SYS_fcntl, kept, F_SETSIG, DEJA_SIG_INTERRUPT) < 0 ||
	    rt_syscall3(SYS_fcntl, kept, F_SETFL, O_ASYNC) < 0 ||
	    rt_syscall3(SYS_ioctl, kept, PERF_EVENT_IOC_ENABLE, 0) < 0) {
		rt_syscall1(SYS_close, kept);
		breakpoints_refused = true;
		return -1;
	}
	return (int)kept;
}

/* The passes looked at so far are forgotten: the next is a first. */
static void reset_passes(int site)
{
	pass_site = site;
	bp_dark_ns = 0; /* a known site's stop comes at once */
	bp_passes = 0;
	bp_step_reg = -1;
	bp_pause = -1;
}

/* The breakpoint the supervisor's interrupt (recording) or the trace
 * (replay) asks for, on `ip`. */
static bool arm(uint64_t ip)
{
	disarm();
	int fd = open_breakpoint(ip);
	if (fd < 0)
		return false;
	bp_fd = fd;
	bp_ip = ip;
	reset_passes(-1);
	return true;
}

/* Known sites: switched on or off (ioctl on the site's breakpoint). */
static void known_switch(int k, bool on)
{
	uint32_t bit = 1u << k;
	if (known_fd[k] < 0 || on == !(known_off & bit))
		return;
	rt_syscall3(SYS_ioctl, known_fd[k], on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0);
	known_off = on ? known_off & ~bit : known_off | bit;
}

/* Recording: `ip`, where the thread just stopped, becomes a known site,
 * in place of the one known longest. */
static void know_site(uint64_t ip)
{
	for (int k = 0; k < KNOWN_SITES; k++)
		if (known_fd[k] >= 0 && known_ip[k] == ip)
			return;
	int k = (int)(known_next++ % KNOWN_SITES);
	if (known_fd[k] >= 0)
		rt_syscall1(SYS_close, known_fd[k]);
	known_fd[k] = open_breakpoint(ip);
	known_ip[k] = ip;
	known_off &= ~(1u << k);
}

/* This thread forgets its known sites (it ends; or it is a forked
 * child, whose copies of the descriptors are its parent's breakpoints). */
static void forget_sites(void)
{
	for (int k = 0; k < KNOWN_SITES; k++) {
		if (known_fd[k] >= 0)
			rt_syscall1(SYS_close, known_fd[k]);
		known_fd[k] = -1;
	}
	known_off = 0;
}

/* The first deadline that could end a wait of another thread than this
 * one: a timer's, or another thread's timed wait (a sleep). */
static uint64_t next_deadline_of_others(const struct deja_model *m)
{
	uint64_t first = m->timer_deadline;
	for (uint32_t t = 0; t < m->nthreads && t < DEJA_MAX_THREADS; t++)
		if (t != rt_self && deja_model_may_time_out(m, t) &&
		    m->threads[t].pending.deadline < first)
			first = m->threads[t].pending.deadline;
	return first;
}

/* Virtual time, recording: the clock moves on by the time the thread
 * spun; and if nothing else can run, the thread waits for a timer or for
 * a sleeping thread (which may be the one to set its flag), as an idle
 * machine would, so the clock jumps to the first of them. */
static void move_clock(int64_t dark_ns)
{
	struct deja_model *m = rt.model;
	if (rt.shared->mode != DEJA_MODE_RECORD || rt.shared->real_time)
		return;
	if (dark_ns > 0)
		m->vclock += (uint64_t)dark_ns;
	if (deja_model_other_enabled(m, rt_self))
		return;
	uint64_t first = next_deadline_of_others(m);
	if (first != DEJA_NO_DEADLINE && first > m->vclock)
		m->vclock = first;
}

/* The scheduling point itself, inside the signal's handler: the program's
 * mask is the one the handler will put back. */
static void stop_here(ucontext_t *uc, uint64_t regs, int64_t dark_ns)
{
	disarm();
	const sigset_t *outer = rt_trap_program_mask;
	rt_trap_program_mask = &uc->uc_sigmask;
	move_clock(dark_ns);
	rt_clock_sync();
	uint64_t ip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	/* Until it goes on: a run that ends meanwhile (another thread exits
	 * while this one is stopped) leaves it there, and a replay must stop
	 * it there too, or it spins for ever where the recording's thread
	 * had given the turn away (record.c, replay.c). */
	struct deja_tick_coverage *c = &rt.model->coverage[rt_self];
	c->stopped_regs = regs;
	c->stopped_ip = ip;
	rt_declare(DEJA_OP_INTERRUPT, NULL, regs, ip);
	rt_run();
	c->stopped_ip = 0;
	rt_trap_program_mask = outer;
	if (rt.shared->mode == DEJA_MODE_RECORD)
		know_site(ip);
}

static bool stoppable(void)
{
	return rt_managed() && !rt.shared->parallel && rt.model->current == rt_self;
}

/* The supervisor's interrupt: watch the instruction the thread was at.
 * A breakpoint that no pass has reached since the supervisor last looked
 * watches code the thread has left (the interrupt found it in a long
 * instruction, a `rep stosb` over fresh pages, and it went on to spin
 * elsewhere), or has gone dead: on this project's VM one breakpoint in
 * about fifteen, under load, stopped counting after its first hit.
 * Either way the thread spins on unwatched; it is watched where it is
 * now instead. */
static void interrupted(ucontext_t *uc)
{
	uint64_t ip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	if (rt.shared->mode != DEJA_MODE_RECORD || !stoppable())
		return;
	if (bp_fd >= 0 && bp_passes == bp_passes_looked)
		disarm();
	/* Passes are counted from the breakpoint's signals only: the first
	 * may be the interrupted pass itself, resumed. */
	if (bp_fd < 0 && in_program_code(ip) && arm(ip))
		bp_dark_ns = __atomic_load_n(&rt.shared->interrupt_dark_ns, __ATOMIC_RELAXED);
	bp_passes_looked = bp_passes; /* else the supervisor tries again later */
}

/* Replay: the thread spins, so nothing will change, but not where the
 * recording stopped it. */
static void spun_elsewhere(void) __attribute__((noreturn));
static void spun_elsewhere(void)
{
	char message[200] = "thread ";
	char *end = rt_decimal(message + strlen(message), (long)rt_self);
	strcpy(end, "'s next event, ");
	end = rt_decimal(end + strlen(end), (long)rt_next_event_of_self());
	strcpy(end, ", is an interrupt; it spins, but not with the registers the recording"
		    " stopped it with");
	rt_end_run(DEJA_OUTCOME_DIVERGENCE, rt_self, message);
}

/* The register a counted spin counts in, at this pass: one register
 * alone changed since the pass before, by the same step as between the
 * two passes before that, the stack did not, and a `pause` is near
 * (-1: not a counted spin).  Such a loop waits, as a spin does, and how
 * far it has counted changes only how long it waits before it gives up
 * (libgomp's do_spin counts to GOMP_SPINCOUNT, then waits in a futex). */
static int counted_spin(const ucontext_t *uc, bool same_stack)
{
	const greg_t *now = uc->uc_mcontext.gregs;
	int reg = bp_passes > 0 && same_stack ? one_changed(bp_gregs, now) : -1;
	greg_t step = reg >= 0 ? now[reg] - bp_gregs[reg] : 0;
	bool again = reg >= 0 && reg == bp_step_reg && step == bp_step;
	bp_step_reg = reg;
	bp_step = step;
	if (!again)
		return -1;
	if (bp_pause < 0)
		bp_pause = pause_near((uint64_t)now[REG_RIP]);
	return bp_pause ? reg : -1;
}

/* The breakpoint whose pass this is signals no more: the supervisor's
 * is closed, a known site's switched off until the next event. */
static void stop_watching(void)
{
	if (pass_site >= 0)
		known_switch(pass_site, false);
	else
		disarm();
}

/* A pass over the watched instruction. */
static void passed(ucontext_t *uc)
{
	uint64_t stack = stack_hash(uc);
	bool same_stack = bp_passes > 0 && stack == bp_stack;
	bool spins = same_stack && memcmp(bp_gregs, uc->uc_mcontext.gregs, sizeof(bp_gregs)) == 0;
	int count_reg = spins ? -1 : counted_spin(uc, same_stack);
	bool waits = spins || count_reg >= 0;
	uint64_t kept = kept_registers_hash(uc, count_reg);
	memcpy(bp_gregs, uc->uc_mcontext.gregs, sizeof(bp_gregs));
	bp_stack = stack;
	bp_passes++;
	if (!stoppable())
		stop_watching();
	else if (rt.shared->mode == DEJA_MODE_REPLAY && waits && kept == bp_kept)
		stop_here(uc, kept, 0);
	else if (rt.shared->mode == DEJA_MODE_REPLAY && waits) /* nothing will change it */
		spun_elsewhere();
	else if (rt.shared->mode == DEJA_MODE_RECORD && waits)
		stop_here(uc, kept, bp_dark_ns);
	else if (rt.shared->mode == DEJA_MODE_RECORD && bp_passes > MAX_PASSES)
		stop_watching(); /* computing: left to run */
}

/* The known site whose breakpoint `fd` is (-1: none). */
static int known_site_of(int fd)
{
	for (int k = 0; k < KNOWN_SITES; k++)
		if (known_fd[k] >= 0 && known_fd[k] == fd)
			return k;
	return -1;
}

bool rt_interrupt_signal(const siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	bool from_supervisor = si->si_code == SI_TKILL && rt.shared->supervisor_pid &&
			       si->si_pid == rt.shared->supervisor_pid;
	bool breakpoint = si->si_code == POLL_IN && bp_fd >= 0 && si->si_fd == bp_fd;
	int site = si->si_code == POLL_IN && !breakpoint ? known_site_of(si->si_fd) : -1;
	if (!from_supervisor && !breakpoint && site < 0)
		return si->si_code == POLL_IN && si->si_fd >= RT_OWN_FD_BASE; /* a disarmed one's */
	int saved_errno = errno;
	uint64_t ip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	if (from_supervisor) {
		interrupted(uc);
	} else if (breakpoint && ip == bp_ip) {
		if (pass_site != -1)
			reset_passes(-1);
		passed(uc);
	} else if (site >= 0 && ip == known_ip[site] && bp_fd < 0) {
		if (pass_site != site)
			reset_passes(site);
		passed(uc);
	}
	errno = saved_errno;
	return true;
}

/* Recording: the known sites watch again, from their first pass. */
static void rewatch_known_sites(bool ending)
{
	if (ending) {
		forget_sites();
		return;
	}
	reset_passes(-1);
	for (int k = 0; k < KNOWN_SITES; k++)
		known_switch(k, true);
}

void rt_interrupts_after_event(uint64_t seq, bool ending)
{
	disarm();
	if (rt.shared->mode == DEJA_MODE_RECORD)
		rewatch_known_sites(ending);
	if (rt.shared->mode != DEJA_MODE_REPLAY || !rt.ticks || seq >= rt.schedule_len)
		return;
	uint64_t stop = rt.ticks[seq];
	if (stop == DEJA_NO_TICK || !(stop & DEJA_STOP_INTERRUPT))
		return;
	uint64_t k = stop & ~DEJA_STOP_INTERRUPT;
	if (k >= rt.shared->interrupts_len)
		return;
	const struct deja_interrupt_stop *s =
		(const struct deja_interrupt_stop *)((const char *)rt.shared + rt.shared->interrupts_offset) + k;
	if (!arm(s->ip))
		rt_end_run(DEJA_OUTCOME_ERROR, rt_self,
			   "the recording stopped a spinning thread at an instruction, and this"
			   " replay cannot set a breakpoint there (perf_event_open refused)");
	bp_kept = s->regs;
}

void rt_interrupts_forked(void)
{
	forget_sites();
}
