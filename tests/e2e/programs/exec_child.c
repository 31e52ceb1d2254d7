/*
 * exec_child.c: a parent that locks a mutex in its own function, then
 * starts argv[1] (with the rest of argv) with posix_spawn and waits for
 * it.  The child is a fork that execs another program, whose code loads
 * at the address this one's does: its call sites must be named from its
 * own executable, not from this one.
 */
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>

extern char **environ;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int started;

__attribute__((noinline)) static void parent_work(void)
{
	pthread_mutex_lock(&lock);
	started++;
	pthread_mutex_unlock(&lock);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: exec_child PROGRAM [ARG...]\n");
		return 2;
	}
	parent_work();
	pid_t pid;
	int rc = posix_spawn(&pid, argv[1], NULL, NULL, argv + 1, environ);
	if (rc != 0) {
		fprintf(stderr, "exec_child: cannot start %s\n", argv[1]);
		return 1;
	}
	int status;
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	printf("exec_child: child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
