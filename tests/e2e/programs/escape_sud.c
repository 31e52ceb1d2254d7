/*
 * escape_sud.c: a thread that switches off deja's syscall trap escapes the
 * runtime.  Programs that use Syscall User Dispatch themselves (Wine does)
 * turn it off the same way; from then on the main thread's raw syscalls go
 * straight to the kernel, unseen by the runtime, and the kernel-side
 * policy must report them: getppid() three times and one write().
 * With the argument `fork`, it then forks with a raw fork() the runtime
 * does not see either: the child, which deja does not follow, writes a
 * line with a raw write() and exits.
 */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#endif

/* A child deja does not see forked: it writes and exits, raw. */
static int fork_unseen(void)
{
	long child = syscall(SYS_fork);
	if (child == 0) {
		const char msg[] = "child: unseen\n";
		syscall(SYS_write, 1, msg, strlen(msg));
		syscall(SYS_exit_group, 0);
	}
	int status = 1;
	return child > 0 && syscall(SYS_wait4, child, &status, 0, NULL) == child &&
	       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	printf("before: trapped\n");
	fflush(stdout);
	if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0) != 0)
		perror("prctl");
	long ppid = 0;
	for (int i = 0; i < 3; i++)
		ppid += syscall(SYS_getppid);
	const char msg[] = "after: escaped\n";
	syscall(SYS_write, 1, msg, strlen(msg));
	if (argc > 1 && strcmp(argv[1], "fork") == 0 && fork_unseen() != 0)
		return 1;
	return ppid > 0 ? 0 : 1;
}
