/*
 * group_kill.c: kill() of a process group: kill(0, sig) of the caller's
 * own, kill(-pgrp, sig) of any.
 *
 * The program starts in deja's process group (deja sits between it and
 * the shell that started it), so a kill of that group sent as it is would
 * reach deja too, and kill it.  It used to be taken as a signal to the
 * caller alone, so the rest of the program's processes never got it: a
 * shell's `trap 'kill 0' EXIT` left its background jobs running, and the
 * recording waited for them to end of their own accord.  Now, in a
 * recording, the supervisor sends it to the other processes of the run's
 * tree in deja's group (struct deja_group_kill), and the caller, if in the
 * group, takes its own share as a signal to itself (rt_signal_to_self);
 * processes outside the tree are not sent it.  A group the program made
 * (setpgid, setsid: a shell's job under `set -m`) holds no deja process
 * and is sent the kill as it is.  A replay sends nothing: the tree's
 * processes replay their recorded signals where they came.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>

/* Record: how many other processes of the tree in pgrp got sig. */
static long others_in_group(long pgrp, int sig)
{
	struct deja_group_kill q = {
		.magic = DEJA_GROUP_KILL_MAGIC,
		.version = DEJA_PROTOCOL_VERSION,
		.run_id = rt.shared->run_id,
		.pgrp = (int32_t)pgrp,
		.sig = sig,
		.caller = (int32_t)rt_syscall0(SYS_getpid),
	};
	struct deja_group_kill_answer a;
	int fd;
	if (rt_proc_ask(&q, sizeof(q), &a, sizeof(a), &fd) != RT_ASK_OK)
		return 0;
	if (fd >= 0)
		rt_syscall1(SYS_close, fd);
	return a.delivered;
}

/* The caller's own share: a signal to itself, as rt_signal_to_self makes
 * it; one it does not take (SIGKILL, SIGSTOP, a signal deja does not
 * relay) goes to the caller's process alone, for real. */
static long to_self(int sig, uint64_t site)
{
	long self[6] = { 0, sig, 0, 0, 0, 0 };
	long r;
	if (rt_signal_to_self(SYS_kill, self, site, &r))
		return r;
	return rt_syscall2(SYS_kill, rt_syscall0(SYS_getpid), sig);
}

/* The process group deja itself is in. */
static long deja_group(void)
{
	return rt.shared->supervisor_pid > 0
		       ? rt_syscall1(SYS_getpgid, rt.shared->supervisor_pid)
		       : -1;
}

bool rt_group_kill(const long a[6], uint64_t site, long *result)
{
	if (!rt.active || a[0] > 0 || a[0] == -1)
		return false;
	long own = rt_syscall1(SYS_getpgid, 0);
	long pgrp = a[0] == 0 ? own : -a[0];
	int sig = (int)a[1];
	bool record = rt.shared->mode == DEJA_MODE_RECORD;
	if (record && pgrp != deja_group())
		return false; /* the program's own group: sent as it is */
	if (sig < 0 || sig > 64) {
		*result = -EINVAL;
		return true;
	}
	long others = record ? others_in_group(pgrp, sig) : 0;
	if (pgrp == own)
		*result = sig == 0 ? 0 : to_self(sig, site);
	else
		*result = others > 0 || !record ? 0 : -ESRCH;
	return true;
}
