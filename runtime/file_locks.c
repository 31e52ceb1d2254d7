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
 * as a lock may be held for long), as a FIFO's open is (files.c).  A replay goes through the same attempts, fed.  Calls
 * that do not wait (unlocks, LOCK_NB, F_SETLK) are one event each.
 * F_GETLK still runs live, as fcntl's other commands do.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/syscall.h>

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

long rt_file_lock(long nr, const long a[6], uint64_t site)
{
	bool replay = rt.shared->mode == DEJA_MODE_REPLAY;
	for (unsigned tries = 0;; tries++) {
		long r = rt_io_emulated_event(nr, a, replay ? 0 : attempt(nr, a), site);
		if (!would_wait(nr, a) || !held(nr, r))
			return r;
		/* A signal ends the wait as it ends the kernel's: EINTR,
		 * unless the handler has SA_RESTART. */
		if (rt_retry_backoff(site, tries) == EINTR && !rt_signals_restart())
			return -EINTR;
	}
}
