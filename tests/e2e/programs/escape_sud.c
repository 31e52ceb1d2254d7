/*
 * escape_sud.c: a thread that switches off deja's syscall trap escapes the
 * runtime.  Programs that use Syscall User Dispatch themselves (Wine does)
 * turn it off the same way; from then on the main thread's raw syscalls go
 * straight to the kernel, unseen by the runtime, and the kernel-side
 * policy must report them: getppid() three times and one write().
 */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#endif

int main(void)
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
	return ppid > 0 ? 0 : 1;
}
