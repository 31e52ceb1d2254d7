/*
 * cond_clock.c: a timed wait on a condition variable whose clock is
 * CLOCK_MONOTONIC (pthread_condattr_setclock), with a deadline 2 s away,
 * and a thread that signals after 50 ms: prints "signalled".
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c;
static int done;

static void *signaller(void *arg)
{
	(void)arg;
	usleep(50000);
	pthread_mutex_lock(&m);
	done = 1;
	pthread_cond_signal(&c);
	pthread_mutex_unlock(&m);
	return NULL;
}

int main(void)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c, &attr);
	pthread_t t;
	pthread_create(&t, NULL, signaller, NULL);
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += 2;
	int r = 0;
	pthread_mutex_lock(&m);
	while (!done && r == 0)
		r = pthread_cond_timedwait(&c, &m, &deadline);
	pthread_mutex_unlock(&m);
	pthread_join(t, NULL);
	printf("%s\n", r ? "timed out" : "signalled");
	return r != 0;
}
