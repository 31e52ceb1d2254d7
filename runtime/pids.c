/*
 * pids.c: process and thread ids in a replay.
 *
 * A replayed process gets other ids from the kernel than the recording
 * had, and a program that prints its pid, seeds a generator with it or
 * names a temporary file after it would replay differently.  So in a
 * replay the program sees the recorded ids: getpid(), getppid() and
 * gettid() give the recording's values (the supervisor hands them over in
 * the channel), and the ids the program passes to the kernel (kill,
 * tgkill, tkill, sigqueue, affinity and resource limits) are mapped back
 * to the real ones.  A recording runs with the real ids, which are the
 * recorded ones.
 *
 * glibc's own calls go the same way: raise() asks gettid() and getpid()
 * through inline syscalls, which the trap sees, and sends tgkill with the
 * ids it was given; pthread_kill() of another thread passes the real tid
 * glibc keeps in the thread's descriptor, which maps to itself.  A real
 * id equal to another thread's recorded one would be mapped wrongly; ids
 * are handed out in sequence, so that needs the kernel's pid counter to
 * come round to the recording's range between the recording and the
 * replay.
 *
 * A followed child's pid (fork.c) is the recorded one too: fork() gives
 * the parent the pid the recording's child had (the supervisor puts them
 * in the channel by fork index), a wait4 returns it, and kill and wait
 * map it back to the real child.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <sys/resource.h>
#include <sys/syscall.h>

static bool replaying(void)
{
	return rt.active && rt.shared->mode == DEJA_MODE_REPLAY && rt.shared->replay_pid > 0;
}

/* The recorded id of a real one (what the program is shown). */
static long shown_tid(void)
{
	long real = rt_syscall0(SYS_gettid);
	if (rt_self == DEJA_NO_THREAD || rt_self >= DEJA_MAX_THREADS)
		return real;
	int32_t recorded = rt.shared->replay_tids[rt_self];
	return recorded > 0 ? recorded : real;
}

/* The real pids of this process's followed children, by fork index
 * (0: none).  Process memory: a forked child starts with none. */
static int32_t child_real[DEJA_MAX_CHILDREN];

void rt_pids_note_child(uint32_t fork_index, long real_pid)
{
	if (fork_index < DEJA_MAX_CHILDREN)
		child_real[fork_index] = (int32_t)real_pid;
}

void rt_pids_forget_children(void)
{
	for (uint32_t i = 0; i < DEJA_MAX_CHILDREN; i++)
		child_real[i] = 0;
}

long rt_pids_shown_child(uint32_t fork_index, long real_pid)
{
	if (!replaying() || fork_index >= DEJA_MAX_CHILDREN)
		return real_pid;
	int32_t recorded = rt.shared->child_pids[fork_index];
	return recorded > 0 ? recorded : real_pid;
}

static long ask_pid(long id, bool real_to_shown);

/* Replay: the real pid of the process of the tree the recording knew as
 * `shown`, waiting (up to 5 s of real time) while the replay has not
 * started it yet: it has been forked, but may not have asked the
 * supervisor to be followed when its reaper asks.  -1 if none had it. */
static long tree_process_once_started(long shown)
{
	for (int tries = 0; tries < 5000; tries++) {
		long real = ask_pid(shown, false);
		if (real != 0)
			return real;
		struct timespec pause = { 0, 1000000 };
		rt_syscall2(SYS_nanosleep, &pause, NULL);
	}
	return -1;
}

long rt_pids_real_child(long shown_pid)
{
	for (uint32_t i = 0; i < DEJA_MAX_CHILDREN && i < rt.shared->forks; i++) {
		if (child_real[i] <= 0)
			continue;
		if (replaying() ? rt.shared->child_pids[i] == shown_pid : child_real[i] == shown_pid)
			return child_real[i];
	}
	return -1;
}

/* A process reaps more than its own children when it is a subreaper
 * (PR_SET_CHILD_SUBREAPER: orphaned descendants become its children), so
 * a recorded reap of a pid that is not a child of its own is of another
 * process of the tree, asked of the supervisor. */
long rt_pids_real_reaped(long shown_pid)
{
	long real = rt_pids_real_child(shown_pid);
	if (real > 0 || !replaying() || shown_pid <= 0)
		return real;
	return tree_process_once_started(shown_pid);
}

long rt_pids_child_index(long real_pid)
{
	for (uint32_t i = 0; i < DEJA_MAX_CHILDREN && i < rt.shared->forks; i++)
		if (child_real[i] == real_pid)
			return i;
	return -1;
}

long rt_pids_shown(long real_pid)
{
	if (!replaying())
		return real_pid;
	for (uint32_t i = 0; i < DEJA_MAX_CHILDREN && i < rt.shared->forks; i++)
		if (child_real[i] == real_pid && rt.shared->child_pids[i] > 0)
			return rt.shared->child_pids[i];
	long shown = real_pid > 0 ? ask_pid(real_pid, true) : -1; /* an orphan it adopted */
	return shown > 0 ? shown : real_pid;
}

/* Ask the supervisor for the other pid of a process of the traced tree
 * (struct deja_pid_query): -1 if the tree had none such. */
static long ask_pid(long id, bool real_to_shown)
{
	struct deja_pid_query q = {
		.magic = DEJA_PID_QUERY_MAGIC,
		.version = DEJA_PROTOCOL_VERSION,
		.run_id = rt.shared->run_id,
		.id = (int32_t)id,
		.real_to_shown = real_to_shown,
	};
	struct deja_pid_answer a;
	int fd;
	if (rt_proc_ask(&q, sizeof(q), &a, sizeof(a), &fd) != RT_ASK_OK)
		return -1;
	if (fd >= 0)
		rt_syscall1(SYS_close, fd);
	return a.known ? a.pid : -1;
}

/* The real pid of another process of the traced tree (its parent, a
 * sibling, the top process) by the pid the recording had: 0 if the replay
 * has not started it yet, -1 if the recorded tree had no such process. */
static long tree_real_pid(long shown)
{
	return ask_pid(shown, false);
}

/* The real id behind one the program was shown (or passes as is). */
static long real_id(long id)
{
	const struct deja_shared *sh = rt.shared;
	if (id <= 0)
		return id;
	if (id == sh->replay_pid)
		return rt_syscall0(SYS_getpid);
	for (uint32_t i = 0; i < DEJA_MAX_CHILDREN && i < sh->forks; i++)
		if (sh->child_pids[i] == id && child_real[i] > 0)
			return child_real[i];
	const struct deja_model *m = rt.model;
	for (uint32_t t = 0; t < m->nthreads && t < DEJA_MAX_THREADS; t++)
		if (sh->replay_tids[t] == id && m->threads[t].os_tid > 0)
			return m->threads[t].os_tid;
	return id;
}

/* A pid, process group or session id the program passes (0: its own),
 * made real: its own, a child's, a thread's, or another process's of the
 * tree. */
static long real_any(long id)
{
	if (id <= 0)
		return id;
	long real = real_id(id);
	if (real != id || real == rt_syscall0(SYS_getpid) || rt_pids_child_index(real) >= 0)
		return real;
	long other = tree_real_pid(id);
	return other > 0 ? other : id;
}

/* getpriority/setpriority (PRIO_PROCESS, PRIO_PGRP) and
 * ioprio_get/ioprio_set (IOPRIO_WHO_PROCESS, IOPRIO_WHO_PGRP) whose `who`
 * is a pid or a process group, not a user. */
static bool names_process_or_group(long nr, long which)
{
	if (nr == SYS_getpriority || nr == SYS_setpriority)
		return which == PRIO_PROCESS || which == PRIO_PGRP;
	return which == 1 || which == 2; /* IOPRIO_WHO_PROCESS, IOPRIO_WHO_PGRP */
}

/* Replay: pidfds the program opened on processes of the traced tree, a
 * bit per descriptor: a signal sent through one is held back, as a kill
 * of the process is. */
#define TREE_PIDFDS 1024
static uint64_t tree_pidfds[TREE_PIDFDS / 64];

static bool is_tree_pidfd(long fd)
{
	return fd >= 0 && fd < TREE_PIDFDS &&
	       (__atomic_load_n(&tree_pidfds[fd / 64], __ATOMIC_RELAXED) >> (fd % 64)) & 1;
}

void rt_pids_forget_fd(long fd)
{
	if (fd >= 0 && fd < TREE_PIDFDS)
		__atomic_fetch_and(&tree_pidfds[fd / 64], ~(1ull << (fd % 64)), __ATOMIC_RELAXED);
}

/* Replay: pidfd_open() of a pid the program was shown (Python's
 * os.pidfd_open(child.pid)): opened on the real process, and noted when
 * that is one of the tree's. */
static long pidfd_open_shown(const long a[6])
{
	long id = (int)a[0];
	long real = real_any(id);
	bool tree = real != id || (id > 0 && tree_real_pid(id) == 0);
	long fd = rt_syscall2(SYS_pidfd_open, real, a[1]);
	if (tree && fd >= 0 && fd < TREE_PIDFDS)
		__atomic_fetch_or(&tree_pidfds[fd / 64], 1ull << (fd % 64), __ATOMIC_RELAXED);
	return fd;
}

/* Replay: kill() of another process of the traced tree, or of the
 * process group one leads, by the pid the recording had (a shell's
 * subshell signals its parent by `$$`, a sibling by `$!`).  The signal is
 * held back, as for a followed child (rt_pids_kill_held_back): that
 * process replays its recorded signals where they came.  The existence
 * check (signal 0) asks the real process, if the replay has started it.
 * Returns true with *result when the call is answered here; else a[0] is
 * made the real pid (or group) and the kill goes on. */
static bool kill_in_tree(long a[6], long *result)
{
	long id = a[0] < -1 ? -a[0] : a[0];
	if (id <= 0)
		return false;
	long real = real_id(id);
	if (real != id || real == rt_syscall0(SYS_getpid) || rt_pids_child_index(real) >= 0) {
		a[0] = a[0] < -1 ? -real : real;
		return false;
	}
	long other = tree_real_pid(id);
	if (other < 0)
		return false; /* not a process of the tree: the world's */
	if (a[1] != 0 || other == 0) {
		*result = 0;
		return true;
	}
	a[0] = a[0] < -1 ? -other : other;
	return false;
}

bool rt_pid_syscall(long nr, long a[6], long *result)
{
	if (!replaying())
		return false;
	switch (nr) {
	case SYS_getpid:
		*result = rt.shared->replay_pid;
		return true;
	case SYS_getppid:
		if (rt.shared->replay_ppid <= 0)
			return false;
		*result = rt.shared->replay_ppid;
		return true;
	case SYS_gettid:
		*result = shown_tid();
		return true;
	case SYS_kill: case SYS_rt_sigqueueinfo:
		return kill_in_tree(a, result);
	case SYS_tkill:
		a[0] = real_id(a[0]);
		return false;
	case SYS_sched_setaffinity: case SYS_sched_getaffinity: case SYS_prlimit64:
	case SYS_sched_setscheduler: case SYS_sched_getscheduler:
	case SYS_sched_setparam: case SYS_sched_getparam:
	case SYS_sched_setattr: case SYS_sched_getattr:
	case SYS_process_vm_readv: case SYS_process_vm_writev:
		a[0] = real_any((int)a[0]);
		return false;
	case SYS_kcmp:
		a[0] = real_any((int)a[0]);
		a[1] = real_any((int)a[1]);
		return false;
	case SYS_getpriority: case SYS_setpriority:
	case SYS_ioprio_get: case SYS_ioprio_set:
		if (names_process_or_group(nr, a[0]))
			a[1] = real_any((int)a[1]);
		return false;
	case SYS_wait4:
		a[0] = real_id(a[0]); /* its result is mapped back by the trap */
		return false;
	case SYS_pidfd_open:
		*result = pidfd_open_shown(a);
		return true;
	case SYS_pidfd_send_signal:
		if ((int)a[1] == 0 || !is_tree_pidfd(a[0]))
			return false;
		*result = 0; /* held back: that process replays its recorded signals */
		return true;
	case SYS_tgkill: case SYS_rt_tgsigqueueinfo:
		a[0] = real_id(a[0]);
		a[1] = real_id(a[1]);
		return false;
	default:
		return false;
	}
}

bool rt_pids_kill_held_back(long nr, const long a[6])
{
	if (!replaying() || nr != SYS_kill || a[1] == 0)
		return false;
	if (a[0] > 0)
		return rt_pids_child_index(a[0]) >= 0;
	/* A process group a followed child leads (start_new_session). */
	return a[0] < -1 && rt_pids_child_index(-a[0]) >= 0;
}
