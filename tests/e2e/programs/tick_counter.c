/* tick_counter.c: a lost update in plain code.  Two workers add to a
 * plain counter in a loop with no call deja sees; only a tick (the
 * program built with deja cflags; next_value()'s first block, as if it
 * were in another file) can split one worker's read and write, and one
 * preemption there loses updates.  Used by
 * ipb_ticks.sh: ipb, which preempts at events only, must not claim it
 * tried every one-preemption schedule of this program. */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>

#define ROUNDS 200

static volatile int counter;

__attribute__((noinline)) static int next_value(int v)
{
	return v + 1;
}

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		int seen = counter;
		counter = next_value(seen); /* BUG: no lock across the two */
	}
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, worker, NULL);
	pthread_create(&b, NULL, worker, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("%d\n", counter);
	assert(counter == 2 * ROUNDS);
	return 0;
}
