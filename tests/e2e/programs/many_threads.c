/*
 * many_threads.c: makes 1500 threads one after the other, joining each,
 * and prints how many it made (or which creation failed, and how).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void *nothing(void *arg)
{
	return arg;
}

int main(void)
{
	for (int i = 0; i < 1500; i++) {
		pthread_t t;
		int r = pthread_create(&t, NULL, nothing, NULL);
		if (r != 0) {
			printf("thread %d: pthread_create: %s\n", i, strerror(r));
			return 1;
		}
		pthread_join(t, NULL);
	}
	printf("1500 threads\n");
	return 0;
}
