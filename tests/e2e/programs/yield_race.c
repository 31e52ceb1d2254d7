/*
 * yield_race.c: a lost update across a yield.  Each of two workers reads
 * a counter under the lock, yields, and writes it back plus one under the
 * lock again.  Nonpreemptively the yield hands over to the other worker,
 * which reads the same value: the counter ends at 1 and the program
 * exits 1.  A schedule that keeps a worker running at its yield passes.
 */
#include <assert.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int counter;

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	int seen = counter;
	pthread_mutex_unlock(&lock);
	sched_yield();
	pthread_mutex_lock(&lock);
	counter = seen + 1;
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(void)
{
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert(pthread_create(&t[i], NULL, worker, NULL) == 0);
	for (int i = 0; i < 2; i++)
		assert(pthread_join(t[i], NULL) == 0);
	printf("counter %d\n", counter);
	return counter == 2 ? 0 : 1;
}
