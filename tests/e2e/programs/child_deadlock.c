/*
 * child_deadlock.c: a parent forks a child whose main thread holds a lock
 * and joins a thread that waits for that lock, so the child deadlocks
 * under every schedule (natively it hangs; under deja its runtime ends
 * it).  The parent waits for the child and prints how it ended.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *taker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t p = fork();
	if (p < 0)
		return 2;
	if (p == 0) {
		pthread_mutex_lock(&lock);
		pthread_t t;
		pthread_create(&t, NULL, taker, NULL);
		pthread_join(t, NULL); /* t waits for the lock this thread holds */
		_exit(0);
	}
	int status;
	if (waitpid(p, &status, 0) != p)
		return 2;
	if (WIFEXITED(status))
		printf("child exit %d\n", WEXITSTATUS(status));
	else
		printf("child signal %d\n", WTERMSIG(status));
	return 0;
}
