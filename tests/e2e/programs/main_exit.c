/*
 * main_exit.c: the main thread starts a worker and ends in pthread_exit;
 * the worker counts under a mutex and prints (its first printf allocates
 * stdout's buffer), and the process ends when it returns.  Prints
 * "worker counted 100".
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int count;

static void *worker(void *unused)
{
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&m);
		count++;
		pthread_mutex_unlock(&m);
	}
	printf("worker counted %d\n", count);
	return unused;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	pthread_exit(NULL);
}
