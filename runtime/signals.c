/*
 * signals.c: asynchronous signals, delivered only at scheduling points.
 *
 * When the program installs a handler (a function) for a signal, the
 * kernel gets the runtime's relay instead; the program's action is kept
 * here.  In a recording the relay only counts the signal as pending, and
 * the next managed thread to reach a scheduling point (after an operation,
 * or when a syscall that waits for signals, such as pause(), returns
 * EINTR) runs the program's handler, as a `signal` event whose data is the
 * siginfo.  A signal the program sends its own process (kill, raise) is
 * counted without being sent, so the sender itself handles it at its next
 * point.  A replay drops real signals and runs the handler
 * where the recording did, with the recorded siginfo: the supervisor marks
 * in the schedule each event after which its thread's next event is a
 * signal.  Only processes the runtime does not manage (a forked child) get
 * the program's handler directly, as usual.
 *
 * A signal sent to one thread of the process (pthread_kill, tgkill, tkill)
 * waits for that thread's next scheduling point, so that its handler runs
 * in the thread it was meant for.
 *
 * The handler itself runs in a signal frame of its own, as natively: once
 * the event is recorded the runtime sends the thread the signal for real,
 * and the relay, seeing it is the one it sent, runs the program's handler
 * under the program's mask plus the action's sa_mask (and the signal,
 * unless SA_NODEFER), with SA_RESETHAND honoured.  So a handler run at a
 * syscall, inside the trap, still runs after the trap has returned, its own
 * syscalls trapped and recorded like any others; inside the trap the
 * signal waits (the trap blocks everything) until it returns, so one
 * handler runs per trap, and the relay looks for the next pending signal
 * when the handler returns.
 *
 * A signal made pending for a thread that waits in the model (a virtual
 * sleep, pause(), a lock, a condition variable, an input that yields)
 * interrupts that wait (deja_pending.interrupt), so that the thread gets to
 * its scheduling point and handles it, as the kernel wakes a thread for a
 * signal: the wait then fails with EINTR, restarts after the handler (a
 * lock; a read under SA_RESTART), or wakes spuriously (a condition wait).
 * A signal for the process goes, as the kernel sends it, to the main
 * thread if it does not block it, else to a thread that can take it;
 * only when every thread that can take it waits is one of them woken.
 * What each waiting thread blocks is the mask it published when it last
 * gave up the baton (rt_signals_publish_mask).  A replay makes no such
 * decision: the recorded schedule says which thread's wait ends, and the
 * scheduler interrupts it there (scheduler.c's follow_interrupt).
 *
 * Signals whose default action ends the process (SIGTERM, SIGINT, SIGHUP,
 * SIGALRM, SIGUSR1, real-time signals...) are relayed the same way while
 * the program leaves them at their default: the process then ends by the
 * signal at a scheduling point, after a `signal` event, and a replay ends
 * it at the same event (a program that signals itself so ends at its next
 * scheduling point, like any signal it sends itself).  Synchronous ones (faults, SIGABRT, SIGPIPE, SIGTRAP) are
 * left to act where they happen.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#include "model.h"

static struct rt_kernel_sigaction program_action[65];
static uint64_t relayed; /* bit sig-1: the relay stands in for the program */
static siginfo_t last_info[65];
/* How many of each signal wait for a scheduling point.  Counted, not a
 * set: deja delays signals, and two that natively would each have run
 * their handler at once must not merge into one while they wait. */
struct pending_set {
	uint32_t count[65];
	uint32_t total; /* the sum: every scheduling point looks at it */
};
static struct pending_set process_pending;
/* Signals sent to one thread, by model thread. */
static struct pending_set thread_pending[DEJA_MAX_THREADS];
/* Inside the signal event itself: its own scheduling point delivers nothing. */
static __thread bool delivering __attribute__((tls_model("initial-exec")));
/* The signal this thread sent itself to run the program's handler, and
 * the siginfo the handler is to see (the recorded one). */
static __thread int handler_due __attribute__((tls_model("initial-exec")));
static __thread siginfo_t handler_info __attribute__((tls_model("initial-exec")));
static __thread uint64_t last_seq __attribute__((tls_model("initial-exec")));
/* Scheduling points this thread has passed since its last event: which of
 * them handled a signal is recorded with it, so that a replay handles it at
 * the same one (a thread may pass several between two events: a kill() of
 * itself with the signal blocked, the sigprocmask() that unblocks it...). */
static __thread uint32_t points_since_event __attribute__((tls_model("initial-exec")));
/* The program's signal mask of each model thread, as it last gave up the
 * baton: which signals may wake it while it waits. */
static uint64_t thread_mask[DEJA_MAX_THREADS];
/* The set each thread waits for in sigwait() (0: none), by model thread. */
static uint64_t thread_sigwait[DEJA_MAX_THREADS];
/* No handler run at this thread's last scheduling point lacked SA_RESTART:
 * an interrupted read is restarted, as the kernel restarts it. */
static __thread bool last_restart __attribute__((tls_model("initial-exec")));
/* sigsuspend(): the mask to put back once the handler has run. */
static __thread bool restore_after_handler __attribute__((tls_model("initial-exec")));
static __thread uint64_t mask_after_handler __attribute__((tls_model("initial-exec")));

void rt_signals_after_fork(void)
{
	/* A forked child has no pending signals of its own yet. */
	memset(&process_pending, 0, sizeof(process_pending));
	for (uint32_t t = 0; t < DEJA_MAX_THREADS; t++)
		if (thread_pending[t].total) /* the table is big: touch no more */
			memset(&thread_pending[t], 0, sizeof(thread_pending[t]));
}

static uint64_t bit(int sig)
{
	return 1ull << (sig - 1);
}

static bool is_function(const struct rt_kernel_sigaction *a)
{
	return a->handler != (void *)SIG_DFL && a->handler != (void *)SIG_IGN;
}

/* Asynchronous signals whose default action ends the process. */
static bool ends_by_default(int sig)
{
	switch (sig) {
	case SIGHUP: case SIGINT: case SIGQUIT: case SIGUSR1: case SIGUSR2:
	case SIGALRM: case SIGTERM: case SIGSTKFLT: case SIGVTALRM: case SIGPROF:
	case SIGIO: case SIGPWR: case SIGXCPU: case SIGXFSZ:
		return true;
	default:
		return sig >= 34 && sig <= 64; /* real-time signals (glibc keeps 32, 33) */
	}
}

static void send_to_this_thread(int sig)
{
	rt_syscall3(SYS_tgkill, rt_syscall0(SYS_getpid), rt_syscall0(SYS_gettid), sig);
}

/* The default action, now: this process ends by the signal, which the
 * supervisor is told of. */
static void end_by(int sig, uint64_t site)
{
	rt.shared->ended_thread = rt_self;
	rt.shared->ended_site = site;
	__atomic_store_n(&rt.shared->ended_by_signal, (uint32_t)sig, __ATOMIC_RELEASE);
	rt_signal_die(sig);
}

void rt_signal_die(int sig)
{
	struct rt_kernel_sigaction dfl = { .handler = (void *)SIG_DFL };
	rt_syscall4(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
	uint64_t set = bit(sig);
	rt_syscall4(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, sizeof(set));
	send_to_this_thread(sig);
	rt_fatal("a signal whose default action ends the process did not end it");
}

/* SA_RESETHAND: the program's action becomes the default one, as the
 * kernel makes it on delivery.  The relay stays for the signals whose
 * default ends the process (they end it at a scheduling point). */
static void reset_to_default(int sig)
{
	static const struct rt_kernel_sigaction dfl = { .handler = (void *)SIG_DFL };
	program_action[sig] = dfl;
	if (ends_by_default(sig))
		return;
	relayed &= ~bit(sig);
	rt_syscall4(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
}

/* The program's handler, called directly: in a process deja does not
 * manage, where the relay is only a go-between. */
static void call_program_handler(int sig, siginfo_t *info, void *ctx)
{
	const struct rt_kernel_sigaction a = program_action[sig];
	if (a.handler == (void *)SIG_DFL)
		end_by(sig, 0);
	if (a.flags & SA_RESETHAND)
		reset_to_default(sig);
	if (a.flags & SA_SIGINFO)
		a.handler(sig, info, ctx);
	else
		((void (*)(int))(void *)a.handler)(sig);
}

/* The program's handler, in the frame the kernel made for the relay: under
 * the mask the kernel would have set for the program's own action (the
 * relay's blocks everything); the frame's return puts the old one back. */
static void run_program_handler(int sig, siginfo_t *info, ucontext_t *uc)
{
	const struct rt_kernel_sigaction *a = &program_action[sig];
	uint64_t mask;
	memcpy(&mask, &uc->uc_sigmask, sizeof(mask));
	mask |= a->mask | ((a->flags & SA_NODEFER) ? 0 : bit(sig));
	mask &= ~RT_OWN_SIGNALS;
	rt_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, sizeof(mask));
	call_program_handler(sig, info, uc);
}

static void add_pending(struct pending_set *p, int sig)
{
	__atomic_fetch_add(&p->count[sig], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&p->total, 1, __ATOMIC_RELEASE);
}

/* Take one of `sig` off the set, if any is there. */
static bool take_pending(struct pending_set *p, int sig)
{
	if (!__atomic_load_n(&p->count[sig], __ATOMIC_RELAXED))
		return false;
	__atomic_fetch_sub(&p->count[sig], 1, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&p->total, 1, __ATOMIC_RELAXED);
	return true;
}

/* The model thread whose kernel thread is `tid`, or -1. */
static int thread_of_tid(long tid)
{
	const struct deja_model *m = rt.model;
	for (uint32_t t = 0; t < m->nthreads && t < DEJA_MAX_THREADS; t++)
		if (m->threads[t].os_tid == tid && m->threads[t].state == DEJA_THREAD_LIVE)
			return (int)t;
	return -1;
}

static void on_relay(int sig, siginfo_t *si, void *ctx)
{
	if (!rt.active) { /* a process deja does not manage (a forked child) */
		call_program_handler(sig, si, ctx);
		return;
	}
	if (sig == DEJA_SIG_INTERRUPT && rt_interrupt_signal(si, ctx))
		return;
	rt_signals_mask_changed(); /* a handler's mask now, the old one after */
	if (sig == handler_due) { /* sent by deliver(), below */
		handler_due = 0;
		siginfo_t info = handler_info;
		ucontext_t *uc = ctx;
		run_program_handler(sig, &info, uc);
		if (restore_after_handler) { /* sigsuspend(): its caller's mask from now on */
			restore_after_handler = false;
			memcpy(&uc->uc_sigmask, &mask_after_handler, sizeof(mask_after_handler));
		}
		/* Back to the mask of the interrupted code for the next. */
		rt_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &uc->uc_sigmask, NULL,
			    sizeof(uint64_t));
		rt_signals_mask_changed(); /* the frame's return puts another back */
		bool restart = last_restart; /* of the point this handler ran at */
		rt_signals_deliver((uint64_t)uc->uc_mcontext.gregs[REG_RIP]);
		last_restart = restart && last_restart;
		return;
	}
	/* Whatever thread the kernel picked (even one leaving the model), the
	 * handler runs at a scheduling point, or in a replay as recorded. */
	if (rt.shared->mode == DEJA_MODE_REPLAY)
		return;
	last_info[sig] = *si;
	if (rt_trap_interruptible && rt_managed())
		add_pending(&thread_pending[rt_self], sig); /* it ends this thread's wait */
	else
		add_pending(&process_pending, sig);
}

void rt_signals_thread_new(uint32_t t)
{
	if (t >= DEJA_MAX_THREADS)
		return;
	memset(&thread_pending[t], 0, sizeof(thread_pending[t]));
	thread_mask[t] = 0;
	thread_sigwait[t] = 0;
}

/* The signals some signalfd of the program's was made for (signalfd(),
 * signalfd4()): process memory, so a forked child keeps them. */
static uint64_t signalfd_signals;

void rt_signals_note_signalfd(uint64_t mask)
{
	__atomic_fetch_or(&signalfd_signals, mask, __ATOMIC_RELAXED);
}

/* kill(), tgkill() or tkill() of the program's own process or one of its
 * managed threads with a relayed signal: an event of its own, and noted as
 * pending rather than sent, so that it is handled at a scheduling point of
 * the thread it was meant for (the sender's, at once, for a signal to the
 * process, as natively it would be handled before kill() returns), instead
 * of by whichever thread the kernel picks.  A replay makes the same event,
 * which gives back the recorded result, and runs the handler where the
 * recording did.  A signal the program reads through a signalfd is sent
 * for real instead: it blocks it, and the kernel keeps it pending for the
 * signalfd, whose reads (and the polls that wait for them) are inputs. */
bool rt_signal_to_self(long nr, const long a[6], uint64_t site, long *result)
{
	if (!rt.active)
		return false;
	long pid = rt_syscall0(SYS_getpid);
	long tid = 0; /* 0: the process */
	int sig;
	if (nr == SYS_kill && (a[0] == pid || a[0] == 0)) {
		sig = (int)a[1];
	} else if (nr == SYS_tgkill && a[0] == pid) {
		sig = (int)a[2];
		tid = a[1];
	} else if (nr == SYS_tkill) {
		sig = (int)a[1];
		tid = a[0];
	} else {
		return false;
	}
	/* abort() ends the process by SIGABRT whatever its handler does: a
	 * forked child's supervisor cannot wait for it, so say so. */
	if (sig == SIGABRT)
		__atomic_store_n(&rt.shared->ended_by_signal, SIGABRT, __ATOMIC_RELEASE);
	if (!rt_managed())
		return false;
	if (sig <= 0 || sig > 64 || !(relayed & bit(sig)) ||
	    (__atomic_load_n(&signalfd_signals, __ATOMIC_RELAXED) & bit(sig)))
		return false;
	int target = tid ? thread_of_tid(tid) : -1;
	if (tid && target < 0)
		return false; /* not a thread of the model: the kernel decides */
	if (rt.shared->mode != DEJA_MODE_REPLAY) {
		siginfo_t info;
		memset(&info, 0, sizeof(info));
		info.si_signo = sig;
		info.si_code = nr == SYS_kill ? SI_USER : SI_TKILL;
		info.si_pid = (pid_t)pid;
		info.si_uid = (uid_t)rt_syscall0(SYS_getuid);
		last_info[sig] = info;
		add_pending(target >= 0 ? &thread_pending[target] : &process_pending, sig);
		if (target >= 0)
			rt_signals_wake((uint32_t)target, sig);
	}
	*result = rt_io_emulated_event(nr, a, 0, site);
	return true;
}

/* A signal the kernel raised at this thread for a syscall the runtime just
 * ran for it (SIGPIPE for a write to a closed pipe).  Inside the trap it is
 * blocked, and the relay would only see it once the trap has returned, after
 * the call's scheduling point: taken now, as pending for this thread, its
 * handler runs at that point, as natively it runs before the call returns. */
void rt_signal_take_raised(int sig)
{
	if (!rt_managed() || !(relayed & bit(sig)))
		return; /* not relayed: its default action acts when the trap returns */
	uint64_t set = bit(sig);
	siginfo_t info;
	struct timespec now = { 0, 0 };
	if (rt_syscall4(SYS_rt_sigtimedwait, &set, &info, &now, sizeof(set)) != sig)
		return;
	last_info[sig] = info;
	add_pending(&thread_pending[rt_self], sig);
}

void rt_signal_raise_unrelayed(int sig)
{
	if (!(relayed & bit(sig)))
		send_to_this_thread(sig); /* acts when the trap returns, as it did */
}

/* The relay, standing in for the program's action. */
static long install_relay(int sig, const struct rt_kernel_sigaction *act,
			  struct rt_kernel_sigaction *kernel_old)
{
	struct rt_kernel_sigaction relay = {
		.handler = on_relay,
		.flags = SA_SIGINFO | RT_SA_RESTORER | (act->flags & SA_RESTART),
		.restorer = rt_sigreturn_stub,
		.mask = ~0ull,
	};
	long r = rt_syscall4(SYS_rt_sigaction, sig, &relay, kernel_old, sizeof(relay.mask));
	if (r == 0) {
		program_action[sig] = *act;
		relayed |= bit(sig);
	}
	return r;
}

void rt_signals_install(void)
{
	for (int sig = 1; sig <= 64; sig++) {
		struct rt_kernel_sigaction now;
		if (!ends_by_default(sig) ||
		    rt_syscall4(SYS_rt_sigaction, sig, NULL, &now, sizeof(now.mask)) != 0 ||
		    now.handler != (void *)SIG_DFL)
			continue;
		install_relay(sig, &now, NULL);
	}
}

long rt_signal_sigaction(int sig, const struct rt_kernel_sigaction *act,
			 struct rt_kernel_sigaction *old)
{
	struct rt_kernel_sigaction kernel_old;
	bool keep_relay = act && act->handler == (void *)SIG_DFL && ends_by_default(sig);
	if (!act && (relayed & bit(sig))) {
		if (old)
			*old = program_action[sig];
		return 0;
	}
	if (!act || (!is_function(act) && !keep_relay)) {
		long r = rt_syscall4(SYS_rt_sigaction, sig, act, &kernel_old, sizeof(act->mask));
		if (r == 0 && old)
			*old = (relayed & bit(sig)) ? program_action[sig] : kernel_old;
		if (r == 0 && act)
			relayed &= ~bit(sig);
		return r;
	}
	struct rt_kernel_sigaction previous = (relayed & bit(sig)) ? program_action[sig]
								    : (struct rt_kernel_sigaction){ 0 };
	bool was_relayed = (relayed & bit(sig)) != 0;
	long r = install_relay(sig, act, &kernel_old);
	if (r == 0 && old)
		*old = was_relayed ? previous : kernel_old;
	return r;
}

/* Signals the program's own faults and writes raise, not the world. */
static bool raised_by_the_program(int sig)
{
	switch (sig) {
	case SIGSEGV: case SIGBUS: case SIGFPE: case SIGILL: case SIGTRAP: case SIGSYS:
	case SIGPIPE:
		return true;
	default:
		return false;
	}
}

bool rt_signals_handled(void)
{
	for (int sig = 1; sig <= 64; sig++)
		if (!raised_by_the_program(sig) && (relayed & bit(sig)) &&
		    is_function(&program_action[sig]))
			return true;
	return false;
}

bool rt_signal_relayable(int sig)
{
	return sig > 0 && sig <= 64 && sig != SIGSYS && sig != SIGKILL && sig != SIGSTOP &&
	       !rt_is_fault_signal(sig);
}

/* One signal event, then the program's handler (see the top of the file).
 * In a recording the siginfo goes with the event; in a replay the feed
 * gives it back. */
static void deliver(int sig, uint64_t site)
{
	struct rt_signal_record record;
	memset(&record, 0, sizeof(record));
	if (sig > 0)
		record.info = last_info[sig];
	record.point = points_since_event;
	delivering = true;
	int got = (int)rt_io_signal_event(sig, &record, site);
	delivering = false;
	if (got <= 0 || got > 64 || !(relayed & bit(got)))
		return;
	if (program_action[got].handler == (void *)SIG_DFL)
		end_by(got, site);
	rt_timers_handled(got);
	if (!(program_action[got].flags & SA_RESTART) && program_action[got].handler != (void *)SIG_DFL)
		last_restart = false;
	handler_info = record.info;
	handler_due = got;
	send_to_this_thread(got);
}

void rt_signals_note_event(uint64_t seq)
{
	last_seq = seq;
	points_since_event = 0;
}

/* What the program blocks on this thread now: its signal mask (inside the
 * trap every signal is blocked, but that is the runtime's doing, not the
 * program's), which includes the masks of the handlers it is in. */
static uint64_t program_blocked(void)
{
	uint64_t blocked = 0;
	if (rt_trap_program_mask)
		memcpy(&blocked, rt_trap_program_mask, sizeof(blocked));
	else
		rt_syscall4(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &blocked, sizeof(blocked));
	return blocked;
}

/* The lowest unblocked signal pending for this thread or its process,
 * taken off its count; 0 for none.  Lowest first, as the kernel does,
 * thread-directed before process-directed. */
static int next_pending(void)
{
	struct pending_set *own = &thread_pending[rt_self];
	if (!__atomic_load_n(&process_pending.total, __ATOMIC_ACQUIRE) &&
	    !__atomic_load_n(&own->total, __ATOMIC_ACQUIRE))
		return 0;
	uint64_t blocked = program_blocked();
	for (int sig = 1; sig <= 64; sig++) {
		if (blocked & bit(sig))
			continue;
		if (take_pending(own, sig) || take_pending(&process_pending, sig))
			return sig;
	}
	return 0;
}

/* Replay: the recording handled a signal next on this thread, at this
 * point since the thread's last event (traces that did not record the
 * point: at the first where the program's mask lets it through). */
static bool recorded_signal_due(void)
{
	if (last_seq >= rt.schedule_len || !(rt.schedule[last_seq] & DEJA_SCHEDULE_SIGNAL_NEXT))
		return false;
	uint64_t next = last_seq + 1;
	while (next < rt.schedule_len && (rt.schedule[next] & DEJA_SCHEDULE_THREAD) != rt_self)
		next++;
	uint32_t point = 0;
	int sig = next < rt.schedule_len ? rt_io_recorded_signal(next, &point) : 0;
	if (point)
		return point == points_since_event;
	return sig <= 0 || sig > 64 || !(program_blocked() & bit(sig));
}

void rt_signals_deliver(uint64_t site)
{
	if (!rt_managed() || delivering ||
	    rt.model->threads[rt_self].state != DEJA_THREAD_LIVE)
		return;
	/* Inside the trap a handler can only run once the trap returns, and
	 * two signals sent then would run in the reverse order: one per trap,
	 * and its handler's relay looks for the next. */
	bool one = rt_trap_program_mask != NULL;
	points_since_event++;
	last_restart = true;
	if (rt.shared->mode == DEJA_MODE_REPLAY) {
		while (!handler_due && recorded_signal_due()) {
			deliver(0, site); /* the feed says which */
			if (one)
				break;
		}
		return;
	}
	for (int sig; !handler_due && (sig = next_pending()) != 0;) {
		deliver(sig, site);
		if (one)
			break;
	}
}

bool rt_signals_restart(void)
{
	return last_restart;
}

void rt_signals_suspend_end(uint64_t original, sigset_t *trap_mask)
{
	if (handler_due) { /* its handler runs under the suspend mask, then this one */
		restore_after_handler = true;
		mask_after_handler = original;
		return;
	}
	memcpy(trap_mask, &original, sizeof(original));
}

/* ---- waking threads that wait in the model ---- */

/* The calling thread's mask outside the trap, as last read: read again
 * only after something may have changed it (a trapped rt_sigprocmask, a
 * handler's frame), so that giving up the baton costs no syscall. */
static __thread bool mask_known __attribute__((tls_model("initial-exec")));
static __thread uint64_t known_mask __attribute__((tls_model("initial-exec")));

void rt_signals_mask_changed(void)
{
	mask_known = false;
}

void rt_signals_publish_mask(void)
{
	if (!rt_managed())
		return;
	if (rt_trap_program_mask) { /* in the trap: the saved mask, in memory */
		thread_mask[rt_self] = program_blocked();
		return;
	}
	if (!mask_known) {
		known_mask = program_blocked();
		mask_known = true;
	}
	thread_mask[rt_self] = known_mask;
}

/* What thread t blocks: this thread's mask now, another's as published. */
static uint64_t blocked_by(uint32_t t)
{
	return t == rt_self ? program_blocked() : thread_mask[t];
}

static bool live(uint32_t t)
{
	return rt.model->threads[t].state == DEJA_THREAD_LIVE;
}

uint64_t rt_signals_blocked_by_all(void)
{
	uint64_t all = ~0ull;
	for (uint32_t t = 0; t < rt.model->nthreads; t++)
		if (live(t))
			all &= blocked_by(t);
	return all;
}

static bool blocks(uint32_t t, int sig)
{
	return (blocked_by(t) & bit(sig)) != 0;
}

/* Waits in the model: nothing but a signal may let it go on now. */
static bool waiting(uint32_t t)
{
	return live(t) && !deja_model_enabled(rt.model, t);
}

void rt_signals_wake(uint32_t t, int sig)
{
	if (t < rt.model->nthreads && waiting(t) && !blocks(t, sig))
		rt.model->threads[t].pending.interrupt |= DEJA_INTERRUPT_INTERRUPTED;
}

/* One signal pending for the process: give it to the thread the kernel
 * would give it to, when that thread waits (else it is handled by
 * whoever reaches a scheduling point first). */
static void route(int sig)
{
	struct deja_model *m = rt.model;
	int target = -1;
	if (m->nthreads && live(0) && !blocks(0, sig)) {
		target = 0; /* the main thread first, as the kernel does */
	} else {
		for (uint32_t t = 1; t < m->nthreads; t++) {
			if (!live(t) || blocks(t, sig))
				continue;
			if (!waiting(t))
				return; /* a thread that runs will take it */
			if (target < 0)
				target = (int)t;
		}
	}
	if (target < 0 || !waiting((uint32_t)target))
		return;
	if (!take_pending(&process_pending, sig))
		return;
	add_pending(&thread_pending[target], sig);
	rt_signals_wake((uint32_t)target, sig);
}

void rt_signals_route(void)
{
	if (rt.shared->mode == DEJA_MODE_REPLAY || !rt_managed() ||
	    !__atomic_load_n(&process_pending.total, __ATOMIC_ACQUIRE))
		return;
	for (int sig = 1; sig <= 64; sig++)
		if (__atomic_load_n(&process_pending.count[sig], __ATOMIC_RELAXED))
			route(sig);
}

bool rt_signal_post(int sig, int thread, const siginfo_t *info)
{
	if (sig <= 0 || sig > 64)
		return false;
	/* A signal deja does not relay (ignored, a default action left to the
	 * kernel, glibc's own SIGTIMER) still waits for a thread that blocks
	 * it, for its sigwait(): glibc's SIGEV_THREAD helper takes its timer
	 * signals so. */
	bool to_live = thread >= 0 && (uint32_t)thread < rt.model->nthreads && live((uint32_t)thread);
	bool for_sigwait = to_live &&
			   (blocks((uint32_t)thread, sig) || (thread_sigwait[thread] & bit(sig)));
	if (!(relayed & bit(sig)) && !for_sigwait)
		return false;
	if (rt.shared->mode == DEJA_MODE_REPLAY)
		return true; /* handled where the recording handled it */
	last_info[sig] = *info;
	if (to_live) {
		add_pending(&thread_pending[thread], sig);
		rt_signals_wake((uint32_t)thread, sig);
	} else {
		add_pending(&process_pending, sig);
		route(sig);
	}
	return true;
}

int rt_signal_thread_of(long tid)
{
	const struct deja_model *m = rt.model;
	if (rt.shared->mode == DEJA_MODE_REPLAY)
		for (uint32_t t = 0; t < m->nthreads && t < DEJA_MAX_THREADS; t++)
			if (rt.shared->replay_tids[t] == tid && m->threads[t].state == DEJA_THREAD_LIVE)
				return (int)t;
	return thread_of_tid(tid);
}

/* ---- sigwait ---- */

void rt_signals_sigwaiting(uint64_t set)
{
	if (rt_self < DEJA_MAX_THREADS)
		thread_sigwait[rt_self] = set;
}

int rt_signal_take_in(uint64_t set, siginfo_t *info)
{
	/* The thread's own first, then the process's, lowest first in each,
	 * as the kernel dequeues them. */
	struct pending_set *sets[2] = { &thread_pending[rt_self], &process_pending };
	for (int k = 0; k < 2; k++)
		for (int sig = 1; sig <= 64; sig++)
			if ((set & bit(sig)) && take_pending(sets[k], sig)) {
				*info = last_info[sig];
				return sig;
			}
	/* One the program blocks and the kernel holds (sent from outside). */
	struct timespec zero = { 0, 0 };
	long r = rt_syscall4(SYS_rt_sigtimedwait, &set, info, &zero, sizeof(set));
	return r > 0 ? (int)r : 0;
}

uint64_t rt_signals_program_mask(void)
{
	return program_blocked();
}

/* The signals held pending for this thread or its process. */
static uint64_t held_here(void)
{
	uint64_t held = 0;
	const struct pending_set *own = &thread_pending[rt_self];
	for (int sig = 1; sig <= 64; sig++)
		if (__atomic_load_n(&own->count[sig], __ATOMIC_RELAXED) ||
		    __atomic_load_n(&process_pending.count[sig], __ATOMIC_RELAXED))
			held |= bit(sig);
	return held;
}

bool rt_signals_due(void)
{
	return held_here() & ~program_blocked();
}

uint64_t rt_signals_held_pending(void)
{
	return held_here() & program_blocked();
}

/* ---- exec ---- */

/* exec replaces the memory that holds the signals waiting for a
 * scheduling point: a kill that came after this thread's last point would
 * be lost with it (a subshell's `kill $!` of a sibling that was about to
 * exec `sleep`: the sleep then ran to its end).  They go back to the
 * kernel, queued to this thread with the siginfo they came with; the exec
 * runs with every signal blocked (exec.c), so they wait there for the new
 * image, whose relay takes them once its runtime has put the program's
 * mask back, as natively a signal that comes during the exec meets the
 * new image, with the old image's handlers reset. */
void rt_signals_before_exec(void)
{
	if (rt.shared->mode == DEJA_MODE_REPLAY)
		return; /* a replay's signals come from the recording */
	long pid = rt_syscall0(SYS_getpid), tid = rt_syscall0(SYS_gettid);
	struct pending_set *sets[2] = { &thread_pending[rt_self], &process_pending };
	for (int k = 0; k < 2; k++)
		for (int sig = 1; sig <= 64; sig++)
			while (take_pending(sets[k], sig))
				rt_syscall4(SYS_rt_tgsigqueueinfo, pid, tid, sig, &last_info[sig]);
}

void rt_signals_after_exec(uint64_t mask)
{
	mask &= ~RT_OWN_SIGNALS;
	rt_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, sizeof(mask));
	rt_signals_mask_changed();
}
