/*
 * gdb_crash.c: two ways a run ends that gdb, attached by deja replay
 * --gdb, cannot see by their signals (e2e.gdb_crash).
 *
 *   gdb_crash segv      a worker takes a lock three times, reads the
 *                       time-stamp counter (a SIGSEGV the runtime
 *                       emulates, which gdb must pass silently), then
 *                       stores through a null pointer on the line marked
 *                       CRASH: the process dies of SIGSEGV.
 *   gdb_crash deadlock  two workers take two locks in opposite orders; a
 *                       semaphore makes the first wait until the second
 *                       holds its first lock, so that every schedule ends
 *                       in the same deadlock, which deja ends.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <x86intrin.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static sem_t b_held;
static int *volatile nowhere; /* null, and not known to be by the compiler */
static volatile unsigned long long stamps;
static long turns;

static void *crasher(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++) {
		pthread_mutex_lock(&lock_a);
		turns++;
		pthread_mutex_unlock(&lock_a);
	}
	stamps += __rdtsc();
	*nowhere = (int)turns; /* CRASH */
	return NULL;
}

static void *a_then_b(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock_a);
	sem_wait(&b_held);
	pthread_mutex_lock(&lock_b); /* WAITS_FOR_B */
	return NULL;
}

static void *b_then_a(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock_b);
	sem_post(&b_held);
	pthread_mutex_lock(&lock_a); /* WAITS_FOR_A */
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gdb_crash segv|deadlock\n");
		return 2;
	}
	pthread_t t[2];
	if (strcmp(argv[1], "segv") == 0) {
		pthread_create(&t[0], NULL, crasher, NULL);
		pthread_join(t[0], NULL);
		return 0;
	}
	sem_init(&b_held, 0, 0);
	pthread_create(&t[0], NULL, a_then_b, NULL);
	pthread_create(&t[1], NULL, b_then_a, NULL);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	return 0;
}
