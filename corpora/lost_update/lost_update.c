/*
 * lost_update: two threads add to a plain counter without a lock.
 *
 * Each worker runs `hits++` in a loop.  The compiler keeps the counter in a
 * register for the loop (legal for plain memory) and stores it at the end,
 * so a worker that is preempted inside its loop, while the other one runs
 * its own loop, writes back a stale total: updates are lost and main's
 * check fails.  No synchronisation call or syscall lies inside the loops:
 * only ticks (deja cflags) let deja preempt there.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>

#define ROUNDS 2000

static long hits;

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++)
		hits++; /* BUG: a read-modify-write of shared memory without a lock */
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, worker, NULL);
	pthread_create(&b, NULL, worker, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("hits: %ld of %d\n", hits, 2 * ROUNDS);
	assert(hits == 2 * ROUNDS);
	return 0;
}
