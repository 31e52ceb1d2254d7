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
static uint32_t pending[65];
static uint32_t pending_total; /* the sum: every scheduling point looks at it */
static __thread bool delivering __attribute__((tls_model("initial-exec")));
static __thread uint64_t last_seq __attribute__((tls_model("initial-exec")));

void rt_signals_after_fork(void)
{
	/* A forked child has no pending signals of its own yet. */
	for (int i = 0; i < 65; i++)
		pending[i] = 0;
	pending_total = 0;
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

/* The default action, now: this process ends by the signal. */
static void end_by(int sig)
{
	__atomic_store_n(&rt.shared->ended_by_signal, (uint32_t)sig, __ATOMIC_RELEASE);
	struct rt_kernel_sigaction dfl = { .handler = (void *)SIG_DFL };
	rt_syscall4(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
	uint64_t set = bit(sig);
	rt_syscall4(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, sizeof(set));
	rt_syscall3(SYS_tgkill, rt_syscall0(SYS_getpid), rt_syscall0(SYS_gettid), sig);
	rt_fatal("a signal whose default action ends the process did not end it");
}

static void call_program_handler(int sig, siginfo_t *info)
{
	const struct rt_kernel_sigaction *a = &program_action[sig];
	if (a->handler == (void *)SIG_DFL)
		end_by(sig);
	static ucontext_t context; /* handlers rarely look at it */
	if (a->flags & SA_SIGINFO)
		a->handler(sig, info, &context);
	else
		((void (*)(int))(void *)a->handler)(sig);
}

static void add_pending(int sig)
{
	__atomic_fetch_add(&pending[sig], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&pending_total, 1, __ATOMIC_RELEASE);
}

static void on_relay(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (!rt.active) { /* a process deja does not manage (a forked child) */
		call_program_handler(sig, si);
		return;
	}
	/* Whatever thread the kernel picked (even one leaving the model), the
	 * handler runs at a scheduling point, or in a replay as recorded. */
	if (rt.shared->mode == DEJA_MODE_REPLAY)
		return;
	last_info[sig] = *si;
	add_pending(sig);
}

/* kill() or tgkill() of the program's own process with a relayed signal:
 * noted as pending here rather than sent, so that it is handled at the
 * sender's next scheduling point, as natively it would be handled before
 * kill() returns, instead of by whichever thread the kernel picks. */
bool rt_signal_to_self(long nr, const long a[6], long *result)
{
	if (!rt.active)
		return false;
	long pid = rt_syscall0(SYS_getpid);
	int sig;
	if (nr == SYS_kill && (a[0] == pid || a[0] == 0))
		sig = (int)a[1];
	else if (nr == SYS_tgkill && a[0] == pid)
		sig = (int)a[2];
	else
		return false;
	/* abort() ends the process by SIGABRT whatever its handler does: a
	 * forked child's supervisor cannot wait for it, so say so. */
	if (sig == SIGABRT)
		__atomic_store_n(&rt.shared->ended_by_signal, SIGABRT, __ATOMIC_RELEASE);
	if (!rt_managed() || rt.shared->mode == DEJA_MODE_REPLAY)
		return false;
	if (sig <= 0 || sig > 64 || !(relayed & bit(sig)))
		return false;
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = nr == SYS_kill ? SI_USER : SI_TKILL;
	info.si_pid = (pid_t)pid;
	last_info[sig] = info;
	add_pending(sig);
	*result = 0;
	return true;
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

bool rt_signal_relayable(int sig)
{
	return sig > 0 && sig <= 64 && sig != SIGSYS && sig != SIGKILL && sig != SIGSTOP &&
	       !rt_is_fault_signal(sig);
}

/* One signal event and the program's handler.  In a recording the
 * siginfo goes with the event; in a replay the feed gives it back. */
static void deliver(int sig, uint64_t site)
{
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	if (sig > 0)
		info = last_info[sig];
	int got = (int)rt_io_signal_event(sig, &info, site);
	if (got > 0 && got <= 64 && (relayed & bit(got)))
		call_program_handler(got, &info);
}

void rt_signals_note_event(uint64_t seq)
{
	last_seq = seq;
}

void rt_signals_deliver(uint64_t site)
{
	if (!rt_managed() || delivering ||
	    rt.model->threads[rt_self].state != DEJA_THREAD_LIVE)
		return;
	delivering = true;
	if (rt.shared->mode == DEJA_MODE_REPLAY) {
		while (last_seq < rt.schedule_len &&
		       (rt.schedule[last_seq] & DEJA_SCHEDULE_SIGNAL_NEXT))
			deliver(0, site); /* the feed says which */
	} else if (__atomic_load_n(&pending_total, __ATOMIC_ACQUIRE)) {
		/* The program's own mask: inside the trap every signal is
		 * blocked, but that is the runtime's doing, not the program's. */
		uint64_t blocked = 0;
		if (rt_trap_program_mask)
			memcpy(&blocked, rt_trap_program_mask, sizeof(blocked));
		else
			rt_syscall4(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &blocked, sizeof(blocked));
		for (int sig = 1; sig <= 64; sig++) {
			if (blocked & bit(sig))
				continue;
			while (__atomic_load_n(&pending[sig], __ATOMIC_RELAXED)) {
				__atomic_fetch_sub(&pending[sig], 1, __ATOMIC_RELAXED);
				__atomic_fetch_sub(&pending_total, 1, __ATOMIC_RELAXED);
				deliver(sig, site);
			}
		}
	}
	delivering = false;
}
