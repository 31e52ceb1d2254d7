/*
 * many_lines.c: two threads take turns (strictly, so the output is the
 * same in every run) printing numbered lines to stdout, far more than a
 * pipe holds, then main prints "done".
 *
 * Used by closed_reader.sh: its replay is piped into a reader that stops
 * after the first line, and it is recorded into such a reader.
 */
#include <pthread.h>
#include <stdio.h>

#define LINES 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn = PTHREAD_COND_INITIALIZER;
static int next;

/* Prints the lines whose number has the parity of its name's. */
static void *printer(void *arg)
{
	const char *name = arg;
	int parity = name[0] - 'a';
	pthread_mutex_lock(&lock);
	while (next < LINES) {
		if (next % 2 != parity) {
			pthread_cond_wait(&turn, &lock);
			continue;
		}
		printf("%s %d\n", name, next++);
		pthread_cond_broadcast(&turn);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, printer, "a");
	pthread_create(&b, NULL, printer, "b");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("done\n");
	return 0;
}
