/*
 * queue_poll.c: a correct program that polls under a lock.  The main
 * thread queues an item for a consumer and then, until the consumer has
 * taken it, takes the lock, looks, and lets it go: it never blocks or
 * yields.  The consumer waits on a condition variable for the item.
 * Prints "sum 5".
 */
#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int queued, sum;
static bool stop;

static void *consumer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (!stop && queued == 0)
			pthread_cond_wait(&ready, &lock);
		if (queued == 0)
			break;
		sum += queued;
		queued = 0;
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(void)
{
	pthread_t t;
	assert(pthread_create(&t, NULL, consumer, NULL) == 0);
	pthread_mutex_lock(&lock);
	queued = 5;
	pthread_mutex_unlock(&lock);
	pthread_cond_signal(&ready);
	for (bool taken = false; !taken;) { /* poll until it is taken */
		pthread_mutex_lock(&lock);
		taken = queued == 0;
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	stop = true;
	pthread_mutex_unlock(&lock);
	pthread_cond_signal(&ready);
	assert(pthread_join(t, NULL) == 0);
	printf("sum %d\n", sum);
	return 0;
}
