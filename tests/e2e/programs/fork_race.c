/*
 * fork_race.c: threads that fork at the same time, each waiting for the
 * child its fork() returned (fork_race.sh), as two threads calling
 * system() or posix_spawn() together do.
 *
 * Each of THREADS threads forks a child that exits with the thread's
 * number; the thread waits for the pid its fork() gave and prints the
 * status it got.  A fork() that returned another thread's child's pid
 * makes waitpid() reap that child, or fail.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

enum { THREADS = 3 };

static void *forker(void *arg)
{
	long n = (long)arg;
	pid_t pid = fork();
	if (pid == 0)
		_exit((int)n);
	int status = -1;
	pid_t got = waitpid(pid, &status, 0);
	return (void *)(long)(got == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int main(void)
{
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, forker, (void *)(i + 1));
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		printf("thread %d: its child exited %ld\n", i + 1, (long)r);
	}
	return 0;
}
