/*
 * cancel_points.c: pthread_cancel on threads waiting at each kind of
 * cancellation point: a condition wait (its cleanup handler must find the
 * mutex held), a join, a semaphore wait, a sleep, a read from a pipe, and
 * a thread that has cancellation disabled while it sleeps.  Main joins
 * them all and prints, for each, whether it ended cancelled and whether
 * its cleanup handler ran.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

enum { COND, JOIN, SEM, SLEEP, READ, DISABLED, KINDS };
static const char *const names[KINDS] = { "cond_wait", "join", "sem_wait", "sleep", "read",
					  "disabled" };

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static sem_t sem;
static int pipe_fds[2];
static pthread_t forever;
static int cleaned[KINDS];
static int held_in_cleanup;

static void cleanup(void *arg)
{
	int kind = (int)(long)arg;
	cleaned[kind] = 1;
	if (kind == COND) {
		/* POSIX: the mutex is held again when the handler runs. */
		held_in_cleanup = pthread_mutex_trylock(&m) != 0;
		pthread_mutex_unlock(&m);
	}
}

static void *waiter(void *arg)
{
	int kind = (int)(long)arg;
	char byte;
	pthread_cleanup_push(cleanup, arg);
	switch (kind) {
	case COND:
		pthread_mutex_lock(&m);
		for (;;)
			pthread_cond_wait(&c, &m);
	case JOIN:
		pthread_join(forever, NULL);
		break;
	case SEM:
		sem_wait(&sem);
		break;
	case SLEEP:
		sleep(1000);
		break;
	case READ:
		if (read(pipe_fds[0], &byte, 1) < 0)
			perror("read");
		break;
	case DISABLED:
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		usleep(50000); /* the request comes meanwhile, and waits */
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
		pthread_testcancel();
		break;
	}
	pthread_cleanup_pop(0);
	return NULL;
}

static void *sleeps_forever(void *arg)
{
	for (;;)
		pause();
	return arg;
}

int main(void)
{
	sem_init(&sem, 0, 0);
	if (pipe(pipe_fds) != 0)
		return 2;
	pthread_create(&forever, NULL, sleeps_forever, NULL);
	pthread_t t[KINDS];
	for (long k = 0; k < KINDS; k++)
		pthread_create(&t[k], NULL, waiter, (void *)k);
	usleep(10000); /* all of them wait by now */
	for (int k = 0; k < KINDS; k++)
		pthread_cancel(t[k]);
	for (int k = 0; k < KINDS; k++) {
		void *ret;
		pthread_join(t[k], &ret);
		printf("%-9s %s, cleanup %s\n", names[k],
		       ret == PTHREAD_CANCELED ? "cancelled" : "returned",
		       cleaned[k] ? "ran" : "did not run");
	}
	printf("mutex held in the condition wait's cleanup: %s\n", held_in_cleanup ? "yes" : "no");
	pthread_cancel(forever);
	pthread_join(forever, NULL);
	return 0;
}
