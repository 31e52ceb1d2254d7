/*
 * syscall_edges.c: the syscall trap's edges, one per argument:
 *   unsupported  call io_uring_setup and an unknown syscall number through
 *                syscall(); both must fail with ENOSYS (exit 0 if they do)
 *   output       write the value of $E2E_WORD to stdout with a raw write
 *                (the bytes a replay must compare)
 *   sleep        raw nanosleep of 30 s (virtual under deja: instant)
 *   alarm        wait in pause() for a SIGALRM handler to set a flag
 *   child        a forked child calls io_uring_setup and prints the error
 *                it got
 *   unseenchild  the same with the trap switched off first and a raw
 *                fork, which the runtime does not see: a child deja does
 *                not follow
 *   clonefiles   a raw clone(CLONE_FILES) of a process (a child sharing
 *                the parent's descriptor table); prints what it gave
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#endif

static volatile sig_atomic_t alarmed;

static void on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "unsupported";
	if (strcmp(what, "unsupported") == 0) {
		errno = 0;
		long a = syscall(SYS_io_uring_setup, 4, NULL);
		int ea = errno;
		errno = 0;
		long b = syscall(999);
		int eb = errno;
		printf("io_uring_setup=%ld/%d syscall999=%ld/%d\n", a, ea, b, eb);
		return a == -1 && ea == ENOSYS && b == -1 && eb == ENOSYS ? 0 : 1;
	}
	if (strcmp(what, "output") == 0) {
		const char *w = getenv("E2E_WORD");
		if (!w)
			w = "none";
		return syscall(SYS_write, 1, w, strlen(w)) == (long)strlen(w) ? 0 : 1;
	}
	if (strcmp(what, "sleep") == 0) {
		struct timespec ts = { 30, 0 };
		return syscall(SYS_nanosleep, &ts, NULL) == 0 ? 0 : 1;
	}
	if (strcmp(what, "child") == 0) {
		pid_t c = fork();
		if (c == 0) {
			errno = 0;
			long r = syscall(SYS_io_uring_setup, 4, NULL);
			printf("child io_uring_setup: %ld %s\n", r, strerror(errno));
			fflush(stdout);
			_exit(0);
		}
		return waitpid(c, NULL, 0) == c ? 0 : 1;
	}
	if (strcmp(what, "unseenchild") == 0) {
		if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0) != 0)
			perror("prctl");
		long c = syscall(SYS_fork);
		if (c == 0) {
			errno = 0;
			long r = syscall(SYS_io_uring_setup, 4, NULL);
			printf("child io_uring_setup: %ld %s\n", r, strerror(errno));
			fflush(stdout);
			syscall(SYS_exit_group, 0);
		}
		return c > 0 && syscall(SYS_wait4, c, NULL, 0, NULL) == c ? 0 : 1;
	}
	if (strcmp(what, "clonefiles") == 0) {
		errno = 0;
		long r = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
		if (r == 0)
			_exit(0);
		int err = errno;
		if (r > 0)
			waitpid((pid_t)r, NULL, 0);
		printf("clone(CLONE_FILES): %s\n", r > 0 ? "made a process" : strerror(err));
		return 0;
	}
	if (strcmp(what, "alarm") == 0) {
		signal(SIGALRM, on_alarm);
		alarm(1);
		while (!alarmed)
			pause();
		printf("alarm handled\n");
		return 0;
	}
	return 2;
}
