/*
 * file_locks.c: file locks (flock, and fcntl's record locks and open file
 * description locks) as inputs whose waits are attempts.
 *
 * Whether a lock is granted depends on who else holds it, another thread
 * of the program (two opens of one file are two open file descriptions,
 * whose flock locks conflict) or another process: an input, recorded and
 * given back in a replay, which does not take the lock (it writes to no
 * file either, files.c).  And a lock that is held must not be waited for
 * in the kernel: in the serialised mode the waiting thread holds the
 * right to run, so the holder, a thread of the same process, would never
 * get to unlock, and the run would hang.
 *
 * So a call that would wait (flock without LOCK_NB, F_SETLKW,
 * F_OFD_SETLKW) is made as attempts that do not wait (LOCK_NB, F_SETLK,
 * F_OFD_SETLK), each an event of the call with its result, EWOULDBLOCK
 * (or EACCES from fcntl) until the last, with a virtual sleep between in
 * which other threads run (rt_retry_backoff: 1 ms, doubling up to 16 ms,
 * as a lock may be held for long), as a FIFO's open is (files.c).  A
 * replay goes through the same attempts, fed.  Calls that do not wait
 * (unlocks, LOCK_NB, F_SETLK) are one event each.  F_GETLK still runs
 * live, as fcntl's other commands do.
 *
 * Except when, run one thread at a time, the lock in the way is the
 * process's own (a flock or OFD lock held through another of its open
 * files, lock_holders.c): then only a thread of the process can let it
 * go, so the attempt is recorded as DEJA_LOCK_HELD_HERE and the thread
 * waits in the model (FILE_LOCK_WAIT) until a flock or OFD lock of the
 * process changes, or a descriptor that took one closes, and tries
 * again.  Its wait has a holder, so a cycle of them (a thread holding a
 * file lock waits for a mutex whose holder waits for the file) ends as a
 * deadlock with its wait-for graph.  The changes are counted, the count
 * read before the attempt, and the wait lasts while the generation of the
 * process's DEJA_OBJ_FILE_LOCK object, the count, is the one read: a
 * change made while the attempt waited for its event still counts, and a
 * replay, whose changes come at the same events, counts alike.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/file.h>
#include <sys/syscall.h>

#include "model.h"
#include "real.h"
#include "syscall_table.h"

static bool sets_lock(long cmd)
{
	return cmd == F_SETLK || cmd == F_SETLKW || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
}

bool rt_file_lock_call(long nr, const long a[6])
{
	return nr == SYS_flock || (nr == SYS_fcntl && sets_lock(a[1]));
}

/* Natively, this call would wait in the kernel for a conflicting lock. */
static bool would_wait(long nr, const long a[6])
{
	if (nr == SYS_flock)
		return !(a[1] & LOCK_NB) && (a[1] & (LOCK_SH | LOCK_EX));
	return a[1] == F_SETLKW || a[1] == F_OFD_SETLKW;
}

/* Record: the call, made so that it does not wait. */
static long attempt(long nr, const long a[6])
{
	if (nr == SYS_flock)
		return rt_syscall2(SYS_flock, a[0], a[1] | LOCK_NB);
	long cmd = a[1] == F_SETLKW ? F_SETLK : a[1] == F_OFD_SETLKW ? F_OFD_SETLK : a[1];
	return rt_syscall3(SYS_fcntl, a[0], cmd, a[2]);
}

/* The attempt found the lock held (fcntl may say so with EACCES). */
static bool held(long nr, long r)
{
	return r == -EWOULDBLOCK || (nr == SYS_fcntl && r == -EACCES);
}

/* A lock of an open file (flock, OFD), which another open file of the
 * same process can be in the way of; a POSIX lock is the process's and
 * never is. */
static bool open_file_lock(long nr, const long a[6])
{
	return nr == SYS_flock || a[1] == F_OFD_SETLK || a[1] == F_OFD_SETLKW;
}

/* How often the process's locks changed, and the process's
 * DEJA_OBJ_FILE_LOCK object (its address is this anchor's), made when a
 * thread first waits, in each process's model: a program whose threads
 * never wait for each other's file locks has the objects it had before. */
static uint32_t changes;
static char changes_anchor;
static struct deja_object *changes_object;
static const struct deja_model *changes_model;

static struct deja_object *lock_changes(void)
{
	if (changes_model != rt.model) {
		changes_object = rt_object(&changes_anchor, DEJA_OBJ_FILE_LOCK);
		changes_model = rt.model;
	}
	deja_model_file_locks_seen(changes_object, changes);
	return changes_object;
}

/* The threads waiting for one of the process's locks try again. */
static void locks_changed(void)
{
	changes++;
	if (changes_object && changes_model == rt.model)
		deja_model_file_locks_seen(changes_object, changes);
}

/* Whether the model keeps the waits for the process's own locks: when one
 * thread runs at a time (in parallel mode the holder runs anyway). */
static bool waits_in_model(void)
{
	return !rt.shared->parallel;
}

/* Record: the attempt, and whether the lock in its way is the process's
 * own (DEJA_LOCK_HELD_HERE - its descriptor). */
static long attempt_here(long nr, const long a[6], bool wait_here)
{
	long r = attempt(nr, a);
	if (!wait_here || !held(nr, r))
		return r;
	long fd = rt_lock_holder_fd(nr, a);
	return fd >= 0 ? DEJA_LOCK_HELD_HERE - fd : r;
}

/* A lock call succeeded: the process's locks changed (a lock let go or
 * made shared lets a waiter in), and a lock taken has a holder. */
static void note_success(long nr, const long a[6])
{
	if (!open_file_lock(nr, a))
		return;
	bool unlock = nr == SYS_flock ? (a[1] & LOCK_UN) != 0
				      : ((const struct flock *)a[2])->l_type == F_UNLCK;
	if (!unlock)
		rt_lock_holders_took(a[0], rt_self);
	locks_changed();
}

/* Wait in the model until the process's locks change from `seen`. */
static long wait_for_change(uint32_t seen, long holder_fd, uint64_t site)
{
	struct deja_pending *p = rt_declare(DEJA_OP_FILE_LOCK_WAIT, lock_changes(),
					    rt_lock_holder_thread(holder_fd), site);
	p->value = seen;
	return rt_run();
}

void rt_file_locks_closed(long fd)
{
	if (rt_managed() && waits_in_model() && rt_lock_holders_closed(fd))
		locks_changed(); /* its open file's locks may be gone */
}

long rt_file_lock(long nr, const long a[6], uint64_t site)
{
	bool replay = rt.shared->mode == DEJA_MODE_REPLAY;
	bool wait_here = would_wait(nr, a) && open_file_lock(nr, a) && waits_in_model();
	for (unsigned tries = 0;; tries++) {
		uint32_t seen = changes;
		long r = rt_io_emulated_event(nr, a, replay ? 0 : attempt_here(nr, a, wait_here),
					      site);
		if (r == 0)
			note_success(nr, a);
		if (wait_here && r <= DEJA_LOCK_HELD_HERE) {
			if (wait_for_change(seen, DEJA_LOCK_HELD_HERE - r, site) == -EINTR &&
			    !rt_signals_restart())
				return -EINTR;
			continue;
		}
		if (!would_wait(nr, a) || !held(nr, r))
			return r;
		/* A signal ends the wait as it ends the kernel's: EINTR,
		 * unless the handler has SA_RESTART. */
		if (rt_retry_backoff(site, tries) == EINTR && !rt_signals_restart())
			return -EINTR;
	}
}

/* libc's flock() and fcntl() (for its lock commands), so that their
 * events, and a wait-for graph's line for a thread waiting in them, name
 * the program's call rather than libc's. */
RT_EXPORT int flock(int fd, int operation)
{
	const long a[6] = { fd, operation, 0, 0, 0, 0 };
	if (rt_managed())
		return (int)rt_to_libc(rt_file_lock(SYS_flock, a, RT_CALLER));
	return (int)rt_to_libc(rt_input(deja_syscall(SYS_flock), SYS_flock, a, RT_CALLER));
}

/* Every command takes one argument or none, which glibc reads as one
 * anyway. */
RT_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	long arg = va_arg(ap, long);
	va_end(ap);
	const long a[6] = { fd, cmd, arg, 0, 0, 0 };
	if (rt_managed() && rt_file_lock_call(SYS_fcntl, a))
		return (int)rt_to_libc(rt_file_lock(SYS_fcntl, a, RT_CALLER));
	return RT_REAL(fcntl)(fd, cmd, arg);
}

RT_EXPORT int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));
