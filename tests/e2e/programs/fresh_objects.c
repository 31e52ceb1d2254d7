/*
 * fresh_objects.c: threads that each start by using objects no other
 * thread has touched (parallel_objects.sh).
 *
 * Eight threads start together; each locks a mutex and runs a
 * pthread_once of its own, then the main thread joins them all.  Under
 * --strategy parallel the threads reach those first uses at the same
 * time, in whatever order the cores give them.  With the argument `wait`
 * each then waits on a semaphore of its own that nobody posts: the run
 * ends in a deadlock, its threads waiting on objects never used before.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>

#define THREADS 8

static pthread_mutex_t own_lock[THREADS];
static pthread_once_t own_once[THREADS] = {
	PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT,
	PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT,
};
static sem_t never_posted[THREADS]; /* zero: glibc's layout of an unposted one */
static int done[THREADS];
static int wait_at_end;

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
	if (wait_at_end)
		sem_wait(&never_posted[i]);
	return NULL;
}

int main(int argc, char **argv)
{
	wait_at_end = argc > 1 && strcmp(argv[1], "wait") == 0;
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
