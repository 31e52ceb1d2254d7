/*
 * clock_spins.c: threads that read the clock far more often than they do
 * anything else, for tests/e2e/clock_reads.sh.
 *
 *   timer     reads the monotonic clock 200,000 times and checks that it
 *             never goes back;
 *   deadline  reads it until 5 ms have passed (a loop of clock reads and
 *             nothing else);
 *   waiter    waits 2 ms on a condition variable that nobody signals,
 *             beside them;
 *   spinner   reads the clock until the main thread sets a flag in
 *             memory, which it does once the others are done: how often
 *             it reads is the timing's.
 *
 * What it prints is the same in every run.
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define TIMER_READS 200000

static atomic_int done;

static int64_t now_ns(clockid_t clock)
{
	struct timespec ts;
	int rc = clock_gettime(clock, &ts);
	assert(rc == 0);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *timer(void *arg)
{
	(void)arg;
	int64_t last = now_ns(CLOCK_MONOTONIC);
	int back = 0;
	for (int i = 1; i < TIMER_READS; i++) {
		int64_t t = now_ns(CLOCK_MONOTONIC);
		back += t < last;
		last = t;
	}
	printf("timer: %d reads, %s\n", TIMER_READS, back ? "the clock went back" : "never back");
	return NULL;
}

static void *deadline(void *arg)
{
	(void)arg;
	int64_t end = now_ns(CLOCK_MONOTONIC) + 5000000;
	while (now_ns(CLOCK_MONOTONIC) < end)
		;
	printf("deadline: 5 ms passed\n");
	return NULL;
}

static void *waiter(void *arg)
{
	(void)arg;
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec at;
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_nsec += 2000000;
	if (at.tv_nsec >= 1000000000) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&m);
	int rc = 0;
	while (rc == 0)
		rc = pthread_cond_timedwait(&c, &m, &at);
	pthread_mutex_unlock(&m);
	printf("waiter: %s\n", rc == ETIMEDOUT ? "timed out" : "woke otherwise");
	return NULL;
}

static void *spinner(void *arg)
{
	(void)arg;
	int64_t first = now_ns(CLOCK_REALTIME), last = first;
	while (!atomic_load(&done))
		last = now_ns(CLOCK_REALTIME);
	printf("spinner: saw the flag, %s\n", last >= first ? "time went on" : "time went back");
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_t spin, others[3];
	void *(*const work[3])(void *) = { timer, deadline, waiter };
	int rc = pthread_create(&spin, NULL, spinner, NULL);
	assert(rc == 0);
	for (int i = 0; i < 3; i++) {
		rc = pthread_create(&others[i], NULL, work[i], NULL);
		assert(rc == 0);
	}
	for (int i = 0; i < 3; i++)
		pthread_join(others[i], NULL);
	atomic_store(&done, 1);
	pthread_join(spin, NULL);
	printf("main: all done\n");
	return 0;
}
