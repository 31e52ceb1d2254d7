/*
 * cancel_order.c: pthread_cancel racing the target's way to its
 * cancellation point.  Each round starts a thread that goes straight to a
 * semaphore wait, a condition wait, a join, or a loop of
 * pthread_testcancel() and usleep(), and cancels it at once, so the
 * request comes before the thread waits in some runs and while it waits
 * in others.  Main joins each and prints whether it ended cancelled with
 * its cleanup handler run.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

enum { SEM, COND, JOIN, TESTCANCEL, KINDS };
static const char *const names[KINDS] = { "sem_wait", "cond_wait", "join", "testcancel" };

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static sem_t sem;
static pthread_t forever;
static int cleaned;

static void cleanup(void *arg)
{
	cleaned = 1;
	if ((long)arg == COND)
		pthread_mutex_unlock(&m); /* held again, as POSIX has it */
}

static void *waiter(void *arg)
{
	pthread_cleanup_push(cleanup, arg);
	switch ((long)arg) {
	case SEM:
		sem_wait(&sem);
		break;
	case COND:
		pthread_mutex_lock(&m);
		for (;;)
			pthread_cond_wait(&c, &m);
	case JOIN:
		pthread_join(forever, NULL);
		break;
	case TESTCANCEL:
		for (;;) {
			pthread_testcancel();
			usleep(100);
		}
	}
	pthread_cleanup_pop(0);
	return NULL;
}

static void *sleeps_forever(void *arg)
{
	for (;;)
		sleep(1000);
	return arg;
}

int main(void)
{
	sem_init(&sem, 0, 0);
	pthread_create(&forever, NULL, sleeps_forever, NULL);
	for (int round = 0; round < 3; round++)
		for (long k = 0; k < KINDS; k++) {
			pthread_t t;
			void *ret;
			cleaned = 0;
			pthread_create(&t, NULL, waiter, (void *)k);
			pthread_cancel(t);
			pthread_join(t, &ret);
			printf("%-10s %s, cleanup %s\n", names[k],
			       ret == PTHREAD_CANCELED ? "cancelled" : "returned",
			       cleaned ? "ran" : "did not run");
		}
	pthread_cancel(forever);
	pthread_join(forever, NULL);
	return 0;
}
