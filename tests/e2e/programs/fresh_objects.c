/*
 * fresh_objects.c: threads that each start by using objects no other
 * thread has touched (parallel_objects.sh).
 *
 * Eight threads start together; each locks a mutex and runs a
 * pthread_once of its own, then the main thread joins them all.  Under
 * --strategy parallel the threads reach those first uses at the same
 * time, in whatever order the cores give them.
 */
#include <pthread.h>
#include <stdio.h>

#define THREADS 8

static pthread_mutex_t own_lock[THREADS];
static pthread_once_t own_once[THREADS] = {
	PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT,
	PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT,
};
static int done[THREADS];

static void nothing(void)
{
}

static void *worker(void *arg)
{
	long i = (long)arg;
	pthread_mutex_lock(&own_lock[i]);
	done[i] = 1;
	pthread_mutex_unlock(&own_lock[i]);
	pthread_once(&own_once[i], nothing);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++) {
		pthread_mutex_init(&own_lock[i], NULL);
		pthread_create(&t[i], NULL, worker, (void *)i);
	}
	int n = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		n += done[i];
	}
	printf("%d threads done\n", n);
	return 0;
}
