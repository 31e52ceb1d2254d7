/*
 * cancel_poll.c: a thread computes in a loop that polls for its
 * cancellation with pthread_testcancel() and does nothing else the
 * runtime sees; the main thread cancels it, joins it and prints
 * "cancelled 1".
 */
#include <pthread.h>
#include <stdio.h>

static void *compute(void *unused)
{
	volatile unsigned long x = 0;
	for (;;) {
		x++;
		if (x % 1000 == 0)
			pthread_testcancel();
	}
	return unused;
}

int main(void)
{
	pthread_t t;
	void *result;
	pthread_create(&t, NULL, compute, NULL);
	pthread_cancel(t);
	pthread_join(t, &result);
	printf("cancelled %d\n", result == PTHREAD_CANCELED);
	return result == PTHREAD_CANCELED ? 0 : 1;
}
