/*
 * lock_poll.c: threads that wait by polling through calls deja sees, and
 * never block: the main thread reads a flag under a mutex until a worker
 * sets it (flag), or retries a trylock until a worker lets go of the
 * mutex (trylock).  Each poll is a scheduling point, so a scheduler that
 * keeps the current thread running while it can would never let the
 * worker start.  Prints the same whatever the interleaving.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t started_lock = PTHREAD_MUTEX_INITIALIZER;
static int flag, started, work;

static void *set_flag(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	flag = 1;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void poll_flag(void)
{
	pthread_t t;
	pthread_create(&t, NULL, set_flag, NULL);
	for (;;) {
		pthread_mutex_lock(&lock);
		int seen = flag;
		pthread_mutex_unlock(&lock);
		if (seen)
			break;
	}
	pthread_join(t, NULL);
	printf("flag: seen\n");
}

static void *hold_then_release(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&held);
	pthread_mutex_lock(&started_lock);
	started = 1;
	pthread_mutex_unlock(&started_lock);
	work = 42;
	pthread_mutex_unlock(&held);
	return NULL;
}

static void retry_trylock(void)
{
	pthread_t t;
	pthread_create(&t, NULL, hold_then_release, NULL);
	for (int go = 0; !go;) { /* until the worker has the mutex */
		pthread_mutex_lock(&started_lock);
		go = started;
		pthread_mutex_unlock(&started_lock);
	}
	while (pthread_mutex_trylock(&held) != 0)
		;
	printf("trylock: work %d\n", work);
	pthread_mutex_unlock(&held);
	pthread_join(t, NULL);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "flag"))
		poll_flag();
	else if (!strcmp(mode, "trylock"))
		retry_trylock();
	else {
		fprintf(stderr, "usage: lock_poll flag|trylock\n");
		return 2;
	}
	return 0;
}
