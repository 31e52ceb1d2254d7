/*
 * pool_stats.c: a thread pool whose statistics lose an update now and
 * then.  Four workers take 600 jobs from a queue under a mutex and a
 * condition variable; one job in a hundred counts itself in two critical
 * sections (read the count, then write it plus one), so a worker
 * preempted between them and another counting meanwhile loses a count,
 * and main aborts.  A random schedule preempts it thousands of times,
 * most of them beside the point (shrink_long.sh).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define WORKERS 4
#define JOBS 600

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_ready = PTHREAD_COND_INITIALIZER;
static int jobs[JOBS], head, tail, closed;
static long counted;

/* The next job, or -1 once the queue is closed and empty. */
static int take(void)
{
	pthread_mutex_lock(&queue_lock);
	while (head == tail && !closed)
		pthread_cond_wait(&queue_ready, &queue_lock);
	int job = head == tail ? -1 : jobs[head++];
	pthread_mutex_unlock(&queue_lock);
	return job;
}

static void count(int job)
{
	pthread_mutex_lock(&stats_lock);
	long seen = counted;
	if (job % 100 == 7) { /* the bug: the count is read and written apart */
		pthread_mutex_unlock(&stats_lock);
		pthread_mutex_lock(&stats_lock);
	}
	counted = seen + 1;
	pthread_mutex_unlock(&stats_lock);
}

static void *worker(void *arg)
{
	(void)arg;
	for (int job; (job = take()) >= 0;)
		count(job);
	return NULL;
}

int main(void)
{
	pthread_t t[WORKERS];
	for (int i = 0; i < WORKERS; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < JOBS; i++) {
		pthread_mutex_lock(&queue_lock);
		jobs[tail++] = i;
		pthread_cond_signal(&queue_ready);
		pthread_mutex_unlock(&queue_lock);
	}
	pthread_mutex_lock(&queue_lock);
	closed = 1;
	pthread_cond_broadcast(&queue_ready);
	pthread_mutex_unlock(&queue_lock);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(t[i], NULL);
	if (counted != JOBS) {
		fprintf(stderr, "pool_stats: %ld of %d jobs counted\n", counted, JOBS);
		abort();
	}
	return 0;
}
