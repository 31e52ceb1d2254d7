/*
 * process_groups.c: process groups and sessions named after pids
 * (process_groups.sh).
 *
 * A child makes itself a group leader, as a shell's job control does, and
 * its parent does the same for it; each prints whether the calls worked
 * and what getpgid, getpgrp and getsid say about whom.  Natively every
 * line says the ids agree with getpid() and the fork's pid.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t before = getsid(0);
	pid_t pid = fork();
	if (pid == 0) {
		int r = setpgid(getpid(), getpid());
		printf("child: setpgid(own pid) %s\n", r == 0 ? "worked" : "failed");
		printf("child: getpgid(0) is its pid: %d\n", getpgid(0) == getpid());
		printf("child: getpgrp() is its pid: %d\n", getpgrp() == getpid());
		printf("child: getpgid(own pid) is its pid: %d\n", getpgid(getpid()) == getpid());
		printf("child: getsid(0) is its parent's: %d\n", getsid(0) == before);
		fflush(stdout);
		_exit(0);
	}
	int r = setpgid(pid, pid); /* races with the child's own: either may fail with EACCES */
	(void)r;
	waitpid(pid, NULL, 0);
	printf("parent: getpgid(own pid) is getpgrp(): %d\n", getpgid(getpid()) == getpgrp());
	pid_t leader = fork();
	if (leader == 0) {
		pid_t sid = setsid();
		printf("leader: setsid() gave its pid: %d\n", sid == getpid());
		printf("leader: getsid(own pid) is its pid: %d\n", getsid(getpid()) == getpid());
		fflush(stdout);
		_exit(0);
	}
	waitpid(leader, NULL, 0);
	return 0;
}
