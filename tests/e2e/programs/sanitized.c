/*
 * sanitized.c: two threads counting under a mutex, and a heap block
 * written and freed, for sanitizers.sh, which builds it with
 * -fsanitize=address and with -fsanitize=thread.  Prints the count (200).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int counter;

static void *count(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, count, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	char *block = malloc(10);
	block[0] = 1;
	free(block);
	printf("counter %d\n", counter);
	return 0;
}
