/*
 * ticks_sum.c: a correct program for `deja cflags` (tests/e2e/cflags.sh).
 * Two threads sum disjoint ranges into their own slots; main joins them
 * and prints the total, which is the same whatever the schedule.  Built
 * with the flags, its loops are full of ticks, so deja may preempt the
 * threads anywhere; the output must not change, natively or under deja.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t partial[2];
static long per_thread = 100000;

static void *sum(void *arg)
{
	long k = (long)(intptr_t)arg;
	uint64_t s = 0;
	for (long i = k * per_thread; i < (k + 1) * per_thread; i++)
		s += (uint64_t)i * (uint64_t)i % 7919;
	partial[k] = s;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		per_thread = atol(argv[1]);
	pthread_t t[2];
	for (long k = 0; k < 2; k++)
		pthread_create(&t[k], NULL, sum, (void *)(intptr_t)k);
	for (int k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	printf("sum %llu\n", (unsigned long long)(partial[0] + partial[1]));
	return 0;
}
