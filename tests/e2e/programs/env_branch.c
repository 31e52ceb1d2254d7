/*
 * env_branch.c -- a program whose synchronisation depends on its
 * environment, for diverge.sh: with E2E_EXTRA_LOCKS=N (default 0) the worker
 * takes and releases a mutex N more times.  Recording with one value and
 * replaying with another must make the replay diverge.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int extra, counter;

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3 + extra; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(void)
{
	const char *e = getenv("E2E_EXTRA_LOCKS");
	extra = e ? atoi(e) : 0;
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("env_branch: counter=%d\n", counter);
	return 0;
}
