/*
 * real_time.c: sleeps and a timed wait that times out, then prints how much
 * wall and monotonic time they took.  Under virtual time that is exactly
 * what was asked for; under real time it is what really passed.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static double now(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *sleeper(void *arg)
{
	(void)arg;
	usleep(200000);
	return NULL;
}

int main(void)
{
	double wall = now(CLOCK_REALTIME), mono = now(CLOCK_MONOTONIC);
	pthread_t t;
	pthread_create(&t, NULL, sleeper, NULL);
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += 100000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&lock);
	int r = pthread_cond_timedwait(&never, &lock, &deadline);
	pthread_mutex_unlock(&lock);
	usleep(200000);
	pthread_join(t, NULL);
	printf("started %.9f timedwait %s elapsed %.9f\n", wall, r ? "timed out" : "woken",
	       now(CLOCK_MONOTONIC) - mono);
	return 0;
}
