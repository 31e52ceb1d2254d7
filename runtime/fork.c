/*
 * fork.c: following forked children.
 *
 * Every process of the target's tree has a channel of its own (struct
 * deja_shared in a memfd): its own model, with its own threads and
 * virtual clock, and its own event ring, which the supervisor drains into
 * the trace as that process's event stream.  The top process gets its
 * channel at launch.  A forked child starts with a copy of its parent's
 * memory but must not touch the parent's channel, which the parent goes
 * on using; and the supervisor cannot reach into a grandchild without
 * ptrace.  So the child asks for a channel: it sends a hello (struct
 * deja_hello: its parent's process number and the parent's fork count,
 * which name it the same way in every run of the same schedule) on the
 * process socket the supervisor handed the top process (DEJA_PROC_FD,
 * inherited down the tree and through exec), with one end of a private
 * socket pair, and waits on the other end for the answer: a memfd set up
 * with its model (one thread, the one that forked; the clock continuing
 * from the parent's) and, in a replay, its recorded schedule and inputs.
 * Only then does it go on with the program.  Its first event is
 * thread_start; the parent's fork is a `fork` event in the parent's
 * stream (arg: the fork's index).  Which child a wait returns, and whether
 * a WNOHANG wait finds one ended, depends on how the processes ran side by
 * side; so every wait4 is a `reap` event (arg: the reaped child's fork
 * index + 1, or 0; result: what the program got; data: the status), and a
 * replay gives each wait the recorded result, waiting (blocking) for the
 * recorded child if there was one.  waitid is not followed this way.
 *
 * The handshake runs in the child right after the clone returns, inside
 * the syscall trap, with raw syscalls only: glibc has not yet reset its
 * locks in the child, and other threads of the parent are gone.
 *
 * Not followed (the child runs unscheduled, as before): forks from a
 * thread the runtime does not manage, forks in parallel mode, and forks
 * when the supervisor gave no process socket.  A child whose hello the
 * supervisor refuses (a replay's child that the recording did not have)
 * ends at once, with the refusal on stderr: it is never half-traced.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "model.h"
#include "syscall_marker.h"

/* Claimed by the forking thread before the clone, so that the child (a
 * copy of this memory) knows them without reading the parent's channel,
 * which the parent goes on changing. */
static uint32_t pending_index;
static uint32_t pending_run;
static uint64_t pending_vclock;
static bool pending_follow;
/* In the child: the trap's clone already followed it (glibc's fork then
 * runs the atfork handler, which must not undo that). */
static bool followed_here;

bool rt_fork_before(void)
{
	rt_world_fds_forked(); /* the child holds copies of them all */
	pending_follow = rt_managed() && rt.proc_fd >= 0 && rt.shared->follow_children;
	if (!pending_follow)
		return false;
	/* Parallel mode: the other threads stay out of the model, and of the
	 * runtime state its operations change, until the fork event has run,
	 * so the child copies none of it half changed.  (The child runs
	 * serialised, with a model of its own: it never takes this lock.) */
	rt_model_enter();
	pending_index = __atomic_fetch_add(&rt.shared->forks, 1, __ATOMIC_RELAXED);
	pending_vclock = rt.model->vclock;
	pending_run = rt.shared->run_id;
	return true;
}

long rt_fork_parent(long r, uint64_t site)
{
	/* Read before the fork event: pending_index is the process's, and
	 * another thread's fork after that event claims it anew. */
	uint32_t index = pending_index;
	if (r > 0)
		rt_lock_holders_after_fork(); /* the child shares its open files */
	if (!pending_follow) {
		if (r > 0 && rt.active)
			__atomic_fetch_add(&rt.shared->forks, 1, __ATOMIC_RELAXED);
		return r;
	}
	if (r > 0) {
		__atomic_fetch_add(&rt.shared->forks_followed, 1, __ATOMIC_RELEASE);
		rt_pids_note_child(index, r);
	}
	struct deja_pending *p = rt_declare(DEJA_OP_FORK, NULL, index, site);
	p->value = r > 0 ? 0 : r;
	rt_run();
	return r > 0 ? rt_pids_shown_child(index, r) : r;
}

/* The old behaviour, for a child that is not followed: it runs free. */
static void run_unscheduled(void)
{
	rt.active = false;
	rt_self = DEJA_NO_THREAD;
	/* The child's own rdtsc reads the real counter, and so does any image
	 * it execs. */
	rt_syscall2(SYS_prctl, PR_SET_TSC, PR_TSC_ENABLE);
}

__attribute__((noreturn)) static void child_gives_up(const char *why)
{
	rt_write_stderr("deja: a forked child cannot be followed (");
	rt_write_stderr(why);
	rt_write_stderr("); it ends here\n");
	rt_syscall1(SYS_exit_group, DEJA_RUNTIME_EXIT_STATUS);
	__builtin_unreachable();
}

/* Ask the supervisor for a channel; returns its memfd. */
static long ask_for_channel(uint32_t *process)
{
	struct deja_hello hello = {
		.magic = DEJA_HELLO_MAGIC,
		.version = DEJA_PROTOCOL_VERSION,
		.parent = rt.shared->process,
		.fork_index = pending_index,
		.pid = (int32_t)rt_syscall0(SYS_getpid),
		.run_id = pending_run,
		.vclock = pending_vclock,
	};
	struct deja_answer answer;
	int fd;
	switch (rt_proc_ask(&hello, sizeof(hello), &answer, sizeof(answer), &fd)) {
	case RT_ASK_NO_PAIR:
		child_gives_up("no socket pair");
	case RT_ASK_NOT_SENT:
		child_gives_up("the supervisor's process socket is gone");
	case RT_ASK_NO_ANSWER:
		child_gives_up("the supervisor did not answer");
	case RT_ASK_OK:
		break;
	}
	answer.message[sizeof(answer.message) - 1] = '\0';
	if (answer.status != 0)
		child_gives_up(answer.message);
	if (fd < 0)
		child_gives_up("the answer carried no channel");
	*process = answer.process;
	return fd;
}

static void follow(void)
{
	uint32_t process;
	long fd = ask_for_channel(&process);
	struct deja_shared *parent = rt.shared;
	rt.shared = NULL; /* a fatal error from here on must not end the parent's run */
	struct deja_shared *sh = rt_channel_map(fd);
	/* The call sites' modules are the parent's current image's: the
	 * child's image 0. */
	uint32_t n = parent->nmodules < DEJA_MAX_MODULES ? parent->nmodules : DEJA_MAX_MODULES;
	uint32_t first = n;
	while (first > 0 && parent->modules[first - 1].image == parent->image)
		first--;
	memcpy(sh->modules, parent->modules + first, (n - first) * sizeof(sh->modules[0]));
	for (uint32_t i = 0; i < n - first; i++)
		sh->modules[i].image = 0;
	sh->nmodules = n - first;
	sh->image = 0;
	memcpy(sh->user_output_dev, parent->user_output_dev, sizeof(sh->user_output_dev));
	memcpy(sh->user_output_ino, parent->user_output_ino, sizeof(sh->user_output_ino));
	sh->stdio_kinds = parent->stdio_kinds;
	sh->stdio_inherited = parent->stdio_inherited;
	/* Never touch the parent's channel again. */
	rt_syscall2(SYS_munmap, parent, parent->size);
	rt_syscall1(SYS_close, rt.shm_fd);
	rt.shared = sh;
	rt.model = &sh->model;
	rt.shm_fd = rt_keep_own_fd(fd);
	rt_channel_views();
	rt_pids_forget_children();
	rt_lock_holders_after_fork();
	rt_io_after_fork();
	rt_signals_after_fork();
	rt_timers_reset(); /* a child inherits no timer */
	rt_threads_after_fork_child();
	rt_self = 0; /* the forking thread is the child's only one */
	sh->model.threads[0].os_tid = (int32_t)rt_syscall0(SYS_gettid);
	/* Its recorded id: the supervisor keeps no threads table for a
	 * child, but its thread_start carries the id, as a new thread's. */
	rt_thread_take_recorded_tid(0);
	sh->target_pid = (int32_t)rt_syscall0(SYS_getpid);
	sh->target_ppid = (int32_t)rt_syscall0(SYS_getppid);
	rt_ticks_thread_managed();
	rt_trap_arm(); /* fork cleared the syscall user dispatch */
	rt_announce(DEJA_ANNOUNCE_STARTED);
	__atomic_store_n(&sh->runtime_ready, 1, __ATOMIC_RELEASE);
	followed_here = true;
	rt_run(); /* thread_start, the child's first event */
}

void rt_fork_child(void)
{
	rt_interrupts_forked();
	if (pending_follow) {
		pending_follow = false;
		follow();
		return;
	}
	run_unscheduled();
}

/* glibc's fork() runs this in the child after its own reset. */
void rt_fork_child_after_libc(void)
{
	if (!followed_here)
		run_unscheduled();
	followed_here = false;
	rt_threads_after_fork_child();
}

/* A child this process reaped ended after everything it waited for: the
 * clock moves on to where the child's stood at its end (deja_clock_query
 * in protocol.h).  A replay asks the same of the replayed child. */
static void catch_up_with_child(uint32_t fork_index)
{
	struct deja_clock_query q = {
		.magic = DEJA_CLOCK_QUERY_MAGIC,
		.version = DEJA_PROTOCOL_VERSION,
		.parent = rt.shared->process,
		.fork_index = fork_index,
		.run_id = rt.shared->run_id,
	};
	struct deja_clock_answer a;
	int fd;
	if (rt_proc_ask(&q, sizeof(q), &a, sizeof(a), &fd) != RT_ASK_OK)
		return;
	if (fd >= 0)
		rt_syscall1(SYS_close, fd);
	if (a.known && a.vclock > rt.model->vclock)
		rt.model->vclock = a.vclock;
}

/* The REAP event of a wait4 (arguments a) that gave r (a pid as the
 * program sees it, 0, or an error): which child, where its clock ended,
 * and the status the program got. */
void rt_fork_reap_fill(struct deja_pending *p, const long a[6], long r)
{
	long index = r > 0 ? rt_pids_child_index(rt_pids_real_child(r)) : -1;
	if (index >= 0)
		catch_up_with_child((uint32_t)index);
	p->arg = (uint64_t)(index + 1);
	p->value = r;
	p->data = r > 0 && a[1] ? (uint64_t)(uint32_t) * (const int *)a[1] : 0;
}

/* Replay: after the REAP event, which gave the recorded result and
 * status (io.c), the real child it reaped is waited for, when every event
 * recorded before it has run (the child may need them: its parent's other
 * threads draining its output), however long it takes here. */
static void reap_real_child(long r, const long a[6], const sigset_t *mask)
{
	if (r <= 0)
		return;
	long real = rt_pids_real_reaped(r);
	int status; /* the program keeps the recorded one */
	long args[6] = { real > 0 ? real : a[0], (long)&status, a[2] & ~(long)WNOHANG, a[3],
			 a[4], a[5] };
	/* A real signal (a SIGCHLD) may cut the wait short: a replay drops
	 * real signals, so it waits on. */
	long got;
	do
		got = rt_pass_interruptible(SYS_wait4, args, mask);
	while (got == -EINTR);
}

/* A wait4 in a process with one thread: nobody else could run while it
 * waits, so it waits in the kernel (a replay, for the recorded child),
 * and its event follows with what it gave.  f: the recorded REAP (replay),
 * or NULL. */
static long reap_alone(const struct deja_feed *f, const long a[6], const sigset_t *mask,
		       uint64_t site)
{
	long args[6] = { a[0], a[1], a[2], a[3], a[4], a[5] };
	long r;
	if (f) {
		r = f->result;
		if (r > 0) {
			long real = rt_pids_real_reaped(r);
			args[0] = real > 0 ? real : a[0];
			args[2] &= ~(long)WNOHANG;
			long got;
			do
				got = rt_pass_interruptible(SYS_wait4, args, mask);
			while (got == -EINTR);
			r = got == args[0] ? f->result : got;
		}
	} else {
		r = rt_pass_interruptible(SYS_wait4, args, mask);
		if (r > 0)
			r = rt_pids_shown(r);
	}
	struct deja_pending *p = rt_declare(DEJA_OP_REAP, NULL, 0, site);
	rt_fork_reap_fill(p, a, r);
	rt_run();
	return r;
}

bool rt_fork_wait4(const long a[6], const sigset_t *mask, uint64_t site, long *result)
{
	if (!rt_managed() || !rt.shared->follow_children)
		return false;
	bool replay = rt.shared->mode == DEJA_MODE_REPLAY;
	/* In parallel mode the other threads run on while this one waits in
	 * the kernel, as when it is alone. */
	if (rt.shared->parallel || rt.model->live_threads <= 1 ||
	    (!replay && (a[2] & WNOHANG))) {
		const struct deja_feed *f = replay ? rt_io_feed_peek(rt_next_event_of_self()) : NULL;
		*result = reap_alone(f, a, mask, site);
		return true;
	}
	/* A wait that would block, with other threads live: they run
	 * meanwhile (one of them may be what the child waits for: asyncio's
	 * watcher thread waits while the loop feeds the child), and the
	 * wait4 runs at its event, once a child has ended (io.c).  A replay
	 * gives the recorded result at the event, then reaps the child. */
	long r = rt_io_reap_waiting(a, site);
	if (replay)
		reap_real_child(r, a, mask);
	*result = r;
	return true;
}

/* waitid is a wait4 in other words (siginfo for the status), except for
 * WNOWAIT, which leaves the child to be waited for again, and pidfds;
 * made as one, it gets wait4's handling above: with other threads live,
 * they run while it waits (a thread feeding the child), and its REAP
 * event replays.  Else it would wait in the kernel holding the right to
 * run, and a child that needed another thread of its parent never ended. */
bool rt_fork_waitid(const long a[6], const sigset_t *mask, uint64_t site, long *result)
{
	long idtype = a[0], id = a[1], options = a[3], pid;
	siginfo_t *info = (siginfo_t *)a[2];
	if ((options & WNOWAIT) || !(options & WEXITED))
		return false;
	switch (idtype) {
	case P_ALL:
		pid = -1;
		break;
	case P_PID:
		pid = id;
		break;
	case P_PGID:
		pid = id ? -id : 0;
		break;
	default:
		return false;
	}
	int status = 0;
	long w[6] = { pid, (long)&status,
		      (options & (WNOHANG | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD)) |
			      ((options & WSTOPPED) ? WUNTRACED : 0),
		      a[4], 0, 0 };
	long r;
	if (!rt_fork_wait4(w, mask, site, &r))
		return false;
	*result = r < 0 ? r : 0;
	if (r < 0 || !info)
		return true;
	memset(info, 0, sizeof(*info));
	if (r == 0) /* WNOHANG, and no child has changed state */
		return true;
	info->si_signo = SIGCHLD;
	info->si_pid = (pid_t)r;
	info->si_uid = (uid_t)rt_syscall0(SYS_getuid);
	if (WIFEXITED(status)) {
		info->si_code = CLD_EXITED;
		info->si_status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		info->si_code = WCOREDUMP(status) ? CLD_DUMPED : CLD_KILLED;
		info->si_status = WTERMSIG(status);
	} else if (WIFSTOPPED(status)) {
		info->si_code = CLD_STOPPED;
		info->si_status = WSTOPSIG(status);
	} else {
		info->si_code = CLD_CONTINUED;
		info->si_status = SIGCONT;
	}
	return true;
}

/* A child of this process is still running: none has ended unwaited for,
 * and there is at least one (waitid answers ECHILD when there is none). */
static bool child_running(void)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	long r = rt_syscall(SYS_waitid, P_ALL, 0, (long)&si, WEXITED | WNOHANG | WNOWAIT, 0, 0);
	return r == 0 && si.si_pid == 0;
}

/* Wait up to ns for what the threads wait for, with the signals some
 * thread does not block let in (the relay notes them, rt_signals_route
 * passes them on); true when that made a thread able to run.  Above all
 * the child's answer on a pipe that a thread reads (multiprocessing's
 * result handler) and the child's SIGCHLD (a parent in sigsuspend() with
 * a timer armed, as coreutils' timeout): each must wake its thread
 * before the clock jumps to another thread's deadline or to the timer. */
static bool wait_for_inputs(uint64_t ns)
{
	if (!rt_io_wait_external((int64_t)ns)) { /* no input waits: signals only */
		struct timespec ts = { (long)(ns / 1000000000ull), (long)(ns % 1000000000ull) };
		uint64_t blocked = rt_signals_blocked_by_all() & ~RT_OWN_SIGNALS;
		rt_syscall(SYS_ppoll, 0, 0, (long)&ts, (long)&blocked, sizeof(blocked), 0);
	}
	rt_signals_route();
	return deja_model_other_enabled(rt.model, DEJA_NO_THREAD);
}

/* A program's sleeps are virtual, but its child processes run in real
 * time (processes.c).  A parent that polls for a child's end between short
 * sleeps (Python's subprocess.run with a timeout: waitpid(WNOHANG), then
 * sleep) would otherwise see its virtual clock run past the timeout before
 * the child has even started, and a parent that sleeps longer than its
 * child would find it still running.  So a recording gives a running child
 * the real time the parent's sleep stands for, until a child ends (its
 * SIGCHLD, pending by then, is let in at the end, also when it ended
 * before) or an input or a signal lets a thread run; the parent's clock
 * still jumps, and a replay, which follows the recorded waits, waits for
 * nothing. */
void rt_fork_let_children_run(uint64_t deadline)
{
	const uint64_t step_ns = 1000000;
	if (rt.shared->mode != DEJA_MODE_RECORD || deadline == DEJA_NO_DEADLINE ||
	    deadline <= rt.model->vclock)
		return;
	uint64_t want = deadline - rt.model->vclock;
	int64_t start = rt_clock_real_monotonic_ns();
	uint64_t waited = 0;
	while (waited < want && child_running()) {
		if (wait_for_inputs(want - waited < step_ns ? want - waited : step_ns))
			return;
		waited = (uint64_t)(rt_clock_real_monotonic_ns() - start);
	}
	/* A child that ended, meanwhile or before, left its SIGCHLD pending
	 * in the kernel, blocked while the runtime runs. */
	wait_for_inputs(0);
}
