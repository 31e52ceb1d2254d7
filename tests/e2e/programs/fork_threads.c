/*
 * fork_threads.c: a multi-threaded parent forks from a thread other than
 * main while another thread takes a lock in a loop.  Each child (whose
 * only thread is the one that forked) runs a thread of its own on the
 * inherited counter and exits with its number; the parent prints what it
 * saw of each child and of the counter.  Each child also prints its ids:
 * getpid(), gettid() and the raw gettid syscall of its main thread (all
 * three equal natively, the forking thread having become the child's
 * main thread) and gettid() of the thread it created.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int shared;

static void *spinner(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++) {
		pthread_mutex_lock(&lock);
		shared++;
		pthread_mutex_unlock(&lock);
		sched_yield();
	}
	return NULL;
}

static void *spinner_id(void *arg)
{
	*(pid_t *)arg = gettid();
	return spinner(NULL);
}

static void *forker(void *arg)
{
	(void)arg;
	for (int k = 0; k < 3; k++) {
		pid_t p = fork();
		if (p == 0) {
			pthread_t t;
			pid_t thread_tid = 0;
			pthread_create(&t, NULL, spinner_id, &thread_tid);
			pthread_join(t, NULL);
			printf("child %d: counter %d\n", k, shared);
			printf("child %d ids: pid %d tid %d raw %ld thread %d\n", k, (int)getpid(),
			       (int)gettid(), (long)syscall(SYS_gettid), (int)thread_tid);
			_exit(k);
		}
		int status;
		waitpid(p, &status, 0);
		pthread_mutex_lock(&lock);
		printf("parent: child %d exit %d, counter %d\n", k, WEXITSTATUS(status), shared);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	pthread_t a, b;
	pthread_create(&a, NULL, spinner, NULL);
	pthread_create(&b, NULL, forker, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("done, counter %d\n", shared);
	return 0;
}
