/*
 * many_threads.c MODE: threads by the thousand.
 *   joined: makes 1500 threads one after the other, joining each, and
 *           prints how many it made and the sum of their kernel ids
 *           (gettid), which a replay must show as recorded;
 *   alive:  makes 1100 threads that all wait until main lets them go, so
 *           that they are alive at once; prints which creation failed, if
 *           one did (and how), then lets them go and joins them.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go = PTHREAD_COND_INITIALIZER;
static int released;

static void *tells_its_id(void *arg)
{
	*(long *)arg = gettid();
	return NULL;
}

static void *waits(void *arg)
{
	pthread_mutex_lock(&m);
	while (!released)
		pthread_cond_wait(&go, &m);
	pthread_mutex_unlock(&m);
	return arg;
}

static int joined(void)
{
	long sum = 0;
	for (int i = 0; i < 1500; i++) {
		pthread_t t;
		long tid = 0;
		int r = pthread_create(&t, NULL, tells_its_id, &tid);
		if (r != 0) {
			printf("thread %d: pthread_create: %s\n", i, strerror(r));
			return 1;
		}
		pthread_join(t, NULL);
		sum += tid;
	}
	printf("1500 threads\nkernel ids summed: %ld\n", sum);
	return 0;
}

static int alive(void)
{
	static pthread_t t[1100];
	int made = 0;
	for (; made < 1100; made++) {
		int r = pthread_create(&t[made], NULL, waits, NULL);
		if (r != 0) {
			printf("thread %d: pthread_create: %s\n", made, strerror(r));
			break;
		}
	}
	pthread_mutex_lock(&m);
	released = 1;
	pthread_cond_broadcast(&go);
	pthread_mutex_unlock(&m);
	for (int i = 0; i < made; i++)
		pthread_join(t[i], NULL);
	printf("%d threads alive at once\n", made);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "joined") == 0)
		return joined();
	if (argc == 2 && strcmp(argv[1], "alive") == 0)
		return alive();
	fprintf(stderr, "usage: %s joined|alive\n", argv[0]);
	return 2;
}
