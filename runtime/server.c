/*
 * server.c: the fork server that `deja hunt` runs its runs from.
 *
 * Starting a run the ordinary way costs a fork of deja, an exec and a
 * dynamic link of the target and the runtime: several times what a small
 * test program itself takes.  With the channel's `server` flag set, the
 * runtime's constructor stops here instead, before any constructor of the
 * program has run, and serves: for each run the supervisor has set up in
 * the channel (model, strategy, clocks), it forks a process that goes on
 * with the constructor as if the program had just been exec'd, waits for
 * it, and reports its wait status.  The program's state at the fork is
 * the same every time, so each run is what an exec would have given.
 *
 * The fork goes through glibc (rule 3 of runtime.h): glibc must reset its
 * own state in the child (the thread's cached tid, its locks), which a raw
 * clone would leave pointing at the server.  No handler of the runtime is
 * registered yet when the server forks, and the syscall trap is not armed.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void wait_for_go(struct deja_shared *sh, uint32_t last)
{
	while (__atomic_load_n(&sh->server_go, __ATOMIC_ACQUIRE) == last)
		rt_syscall4(SYS_futex, &sh->server_go, FUTEX_WAIT, last, NULL);
}

static void report_done(struct deja_shared *sh, uint32_t run, int status)
{
	sh->server_status = status;
	__atomic_store_n(&sh->server_done, run, __ATOMIC_RELEASE);
	rt_syscall3(SYS_futex, &sh->server_done, FUTEX_WAKE, 1);
}

/* The run's stdin: a file of its own, opened afresh, so that each run
 * reads it from its start (served runs would otherwise share one read
 * offset, the server's). */
static void read_from(const char *path)
{
	if (path[0] == '\0')
		return;
	long fd = rt_syscall4(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return;
	rt_syscall3(SYS_dup3, fd, 0, 0);
	rt_syscall1(SYS_close, fd);
}

/* In the run's process: die with the server, read and write where the
 * run's input and output are. */
static void become_run(struct deja_shared *sh)
{
	rt_syscall2(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
	read_from(sh->server_input);
	if (sh->server_output[0] == '\0')
		return;
	long fd = rt_syscall4(SYS_openat, AT_FDCWD, sh->server_output,
			      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	rt_syscall3(SYS_dup3, fd, 1, 0);
	rt_syscall3(SYS_dup3, fd, 2, 0);
	rt_syscall1(SYS_close, fd);
}

void rt_serve(void)
{
	struct deja_shared *sh = rt.shared;
	sh->server_modules = sh->nmodules;
	sh->server_running = 1;
	uint32_t last = 0;
	for (;;) {
		wait_for_go(sh, last);
		last = __atomic_load_n(&sh->server_go, __ATOMIC_ACQUIRE);
		rt_libc_enter();
		pid_t pid = fork();
		rt_libc_leave();
		if (pid == 0) {
			become_run(sh);
			return;
		}
		if (pid < 0) {
			report_done(sh, last, 127 << 8);
			continue;
		}
		__atomic_store_n(&sh->server_child, pid, __ATOMIC_RELEASE);
		int status = 0;
		while (rt_syscall4(SYS_wait4, pid, &status, 0, NULL) < 0)
			;
		report_done(sh, last, status);
	}
}
