/*
 * default_signal.c MODE: ends by a signal left at its default action.
 *   alarm: alarm(1), then pause() until SIGALRM ends the process;
 *   term:  two threads count under a lock, and one sends its own process
 *          SIGTERM halfway through.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int count;

static void *counter(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&lock);
		if (++count == 200)
			kill(getpid(), SIGTERM);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "alarm") == 0) {
		alarm(1);
		for (;;)
			pause();
	}
	pthread_t a, b;
	pthread_create(&a, NULL, counter, NULL);
	pthread_create(&b, NULL, counter, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("count %d: SIGTERM did not end the process\n", count);
	return 0;
}
