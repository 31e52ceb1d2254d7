/*
 * subreaper.c: a subreaper reaps an orphaned grandchild (subreaper.sh).
 *
 * With PR_SET_CHILD_SUBREAPER, the children of a child that ends before
 * them become this process's; its wait() returns them too, as an init
 * or a service manager reaps what its services leave.
 */
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid_t child = fork();
	if (child == 0) {
		if (fork() == 0) {
			usleep(50000);
			_exit(7);
		}
		_exit(0); /* its child is left to the subreaper */
	}
	int status, n = 0;
	pid_t pid;
	while ((pid = wait(&status)) > 0) {
		n++;
		printf("reaped the %s: exit %d\n", pid == child ? "child" : "grandchild",
		       WEXITSTATUS(status));
	}
	printf("%d reaped\n", n);
	return 0;
}
