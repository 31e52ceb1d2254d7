/*
 * sessions.c: setsid() in a replay, for the session it makes.
 *
 * setsid is an input (its result names a pid, and whether it fails
 * depends on the process groups there are), so a replay gives back its
 * recorded result without running it.  But a new session is also state
 * the kernel consults in what a replay runs live: the ioctl that takes a
 * terminal as the controlling one (TIOCSCTTY, which login_tty() makes,
 * and so forkpty(), Python's pty.fork(), ssh and expect) succeeds only
 * for a session leader without a terminal.  Not run, the replay's child
 * stayed in deja's session, its TIOCSCTTY failed with EPERM, and
 * forkpty()'s child exited 1 where the recording's had printed and
 * exited 0 (`e2e.pty_session`).  So where the recording's setsid
 * succeeded, the replay's runs too, after its event.  It cannot fail for
 * a reason the recording did not have: a replay's processes never lead a
 * process group before it (their setpgid is not run either, pids.c), and
 * should it fail all the same, the program still gets the recorded
 * result.  The calls that only ask (getsid, getpgid) stay fed.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <sys/syscall.h>

bool rt_sessions_replay_follows(long nr)
{
	return nr == SYS_setsid;
}
