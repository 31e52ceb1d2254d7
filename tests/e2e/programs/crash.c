/*
 * crash.c -- a program that ends badly on purpose, for crash.sh.
 *
 * Two threads do some mutex work (so the trace has events from several
 * threads), then main ends the way argv[1] says:
 *   segv   dereference a null pointer (SIGSEGV)
 *   abort  abort() (SIGABRT)
 *   kill   kill(getpid(), SIGKILL)
 *   sent   kill(getpid(), SIGSEGV): a fault signal no instruction raised
 *   exit3  exit(3)
 *   hang   block for ever in pause() (the test interrupts deja)
 *   yields sched_yield() for ever: events, but no end (a livelock)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int counter;

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: crash segv|abort|kill|sent|exit3|hang|yields\n");
		return 2;
	}
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("crash: counter=%d, now %s\n", counter, argv[1]);
	fflush(stdout);

	const char *how = argv[1];
	if (strcmp(how, "segv") == 0) {
		volatile int *volatile p = NULL;
		*p = counter;
	} else if (strcmp(how, "abort") == 0) {
		abort();
	} else if (strcmp(how, "kill") == 0) {
		kill(getpid(), SIGKILL);
	} else if (strcmp(how, "sent") == 0) {
		kill(getpid(), SIGSEGV);
		pause(); /* natively the process has ended by now */
	} else if (strcmp(how, "exit3") == 0) {
		exit(3);
	} else if (strcmp(how, "hang") == 0) {
		for (;;)
			pause();
	} else if (strcmp(how, "yields") == 0) {
		for (;;)
			sched_yield();
	}
	fprintf(stderr, "crash: unknown mode %s\n", how);
	return 2;
}
