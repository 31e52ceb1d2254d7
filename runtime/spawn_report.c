/*
 * spawn_report.c: the exec failure of a vfork-style clone's child, told
 * to its parent.
 *
 * A vfork-style clone becomes a fork (trap.c, vfork_as_fork): the child
 * gets a copy of the memory rather than a share.  glibc's posix_spawn
 * counts on the share: its child, when every exec failed (no such
 * program, no permission) or a file action failed, stores errno in the
 * parent's memory and exits 127, and posix_spawn returns that errno.  On
 * a copy the parent saw 0 and a child that exited 127: posix_spawn
 * succeeded for a program that does not exist, so the callers that ask
 * whether a program can be run at all (Rust's Command::status() and
 * output() answer Err from posix_spawn's error, Python's subprocess the
 * same through its own fork) were told yes.
 *
 * So the clone's parent waits for its child as a vfork's does, until the
 * child's exec succeeds or the child exits, on a pipe whose write end
 * only the child keeps (close-on-exec, at a high number out of the
 * program's way): a successful exec closes it, and the parent reads
 * nothing.  A child that exits 127, glibc's status for a spawn that
 * failed, writes its errno (the value glibc stores) on the pipe first;
 * the parent then reaps that child and its clone fails with that errno,
 * which is what glibc's posix_spawn turns a failure in the child into
 * (and what it returns).  Any other end is the child's own: the clone
 * gave its pid, as before.  The same happens in a replay, where the
 * child's exec fails again on the same files.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* The status glibc's posix_spawn child exits with when it failed. */
#define SPAWN_FAILED_STATUS 127

/* In the parent between the pipe and the clone: both ends; in the child:
 * the write end; -1 when there is none.  The forking thread's own: in
 * parallel mode two threads may spawn at once (the child's only thread
 * is a copy of the forking one, with its thread-local storage). */
static __thread int report_read __attribute__((tls_model("initial-exec"))) = -1;
static __thread int report_write __attribute__((tls_model("initial-exec"))) = -1;

/* A descriptor moved out of the program's way, close-on-exec. */
static int moved_high(long fd)
{
	long high = rt_syscall3(SYS_fcntl, fd, F_DUPFD_CLOEXEC, RT_OWN_FD_BASE);
	rt_syscall1(SYS_close, fd);
	return (int)high;
}

void rt_spawn_report_open(void)
{
	int fds[2];
	report_read = report_write = -1;
	if (rt_syscall2(SYS_pipe2, (long)fds, O_CLOEXEC) < 0)
		return; /* no report: the clone gives its pid, as a fork's */
	report_read = moved_high(fds[0]);
	report_write = moved_high(fds[1]);
	if (report_read < 0 || report_write < 0) {
		if (report_read >= 0)
			rt_syscall1(SYS_close, report_read);
		if (report_write >= 0)
			rt_syscall1(SYS_close, report_write);
		report_read = report_write = -1;
	}
}

void rt_spawn_report_child(void)
{
	if (report_read >= 0)
		rt_syscall1(SYS_close, report_read);
	report_read = -1;
}

long rt_spawn_report_wait(long pid, long shown)
{
	if (report_write >= 0)
		rt_syscall1(SYS_close, report_write);
	report_write = -1;
	if (report_read < 0)
		return shown;
	int err = 0;
	long n;
	do
		n = rt_syscall3(SYS_read, report_read, (long)&err, sizeof(err));
	while (n == -EINTR);
	rt_syscall1(SYS_close, report_read);
	report_read = -1;
	if (pid <= 0 || n != (long)sizeof(err) || err <= 0)
		return shown;
	/* The child failed and exits: reaped here, as glibc's posix_spawn
	 * reaps it, for the program never learns its pid. */
	long r;
	do
		r = rt_syscall4(SYS_wait4, pid, 0, __WALL, 0);
	while (r == -EINTR);
	return -err;
}

void rt_spawn_report_exit(long status)
{
	if (report_write < 0)
		return;
	int err = errno; /* the program's: the trap keeps it (on_sigsys) */
	if ((status & 0xff) == SPAWN_FAILED_STATUS && err > 0)
		rt_syscall3(SYS_write, report_write, (long)&err, sizeof(err));
	rt_syscall1(SYS_close, report_write);
	report_write = -1;
}
