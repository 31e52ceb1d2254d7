/*
 * long_stretch.c: a thread that computes for a long while between two
 * scheduling points (tests/e2e/cflags.sh).  Without `deja cflags` deja
 * cannot preempt it there, and deja hunt must say so; built with them, the
 * loop is full of ticks and the stretch without a point is gone.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t result;
static long rounds = 200000000;

static void *work(void *arg)
{
	(void)arg;
	uint64_t x = 1;
	for (long i = 0; i < rounds; i++)
		x = x * 6364136223846793005ull + 1442695040888963407ull;
	pthread_mutex_lock(&lock);
	result ^= x;
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		rounds = atol(argv[1]);
	pthread_t t;
	pthread_create(&t, NULL, work, NULL);
	pthread_join(t, NULL);
	printf("%llx\n", (unsigned long long)result);
	return 0;
}
