/*
 * robust_mutex.c: robust mutexes whose owner thread ends holding them
 * (robust_mutex.sh).
 *
 * For each kind (normal, error-checking): an owner thread locks and ends;
 * the next lock says EOWNERDEAD.  One mutex is then made consistent and
 * works again; the other is unlocked without, which makes it not
 * recoverable, and every later lock or trylock, by this thread or another,
 * must say ENOTRECOVERABLE at once, not wait for ever.
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void *lock_and_end(void *mx)
{
	int r = pthread_mutex_lock(mx);
	assert(r == 0);
	return NULL; /* ends holding it */
}

static void *lock_once(void *mx)
{
	printf("  other thread lock: %s\n", strerror(pthread_mutex_lock(mx)));
	return NULL;
}

static void orphan(pthread_mutex_t *mx, int type)
{
	pthread_mutexattr_t at;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_settype(&at, type);
	pthread_mutex_init(mx, &at);
	pthread_mutexattr_destroy(&at);
	pthread_t t;
	pthread_create(&t, NULL, lock_and_end, mx);
	pthread_join(t, NULL);
}

static void in_other_thread(pthread_mutex_t *mx)
{
	pthread_t t;
	pthread_create(&t, NULL, lock_once, mx);
	pthread_join(t, NULL);
}

static void kind(const char *name, int type)
{
	pthread_mutex_t mx;
	printf("%s, made consistent:\n", name);
	orphan(&mx, type);
	printf("  lock: %s\n", strerror(pthread_mutex_lock(&mx)));
	printf("  consistent: %s\n", strerror(pthread_mutex_consistent(&mx)));
	printf("  unlock: %s\n", strerror(pthread_mutex_unlock(&mx)));
	printf("  lock: %s\n", strerror(pthread_mutex_lock(&mx)));
	printf("  unlock: %s\n", strerror(pthread_mutex_unlock(&mx)));

	printf("%s, left inconsistent:\n", name);
	orphan(&mx, type);
	printf("  lock: %s\n", strerror(pthread_mutex_lock(&mx)));
	printf("  unlock: %s\n", strerror(pthread_mutex_unlock(&mx)));
	for (int i = 0; i < 2; i++)
		printf("  lock: %s\n", strerror(pthread_mutex_lock(&mx)));
	in_other_thread(&mx);
	printf("  trylock: %s\n", strerror(pthread_mutex_trylock(&mx)));
}

int main(void)
{
	kind("normal", PTHREAD_MUTEX_NORMAL);
	kind("error-checking", PTHREAD_MUTEX_ERRORCHECK);
	return 0;
}
