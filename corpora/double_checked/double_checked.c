/*
 * double_checked: double-checked locking without barriers.
 *
 * get_config() returns a lazily built singleton.  The first check runs
 * without the lock, so a thread that sees `instance` set skips the lock
 * and uses the object at once.  The builder, under the lock, stores the
 * pointer before the constructor has run (what a compiler may do with
 * `instance = new Config()`, written out here), so a second thread can
 * take the unlocked path between the two and read a zeroed object.  The
 * window lies inside the critical section, with no synchronisation call
 * or syscall: only ticks (deja cflags) let deja preempt there.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define LIMITS 16

struct config {
	int limits[LIMITS];
	int ready;
};

static struct config *instance;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void construct(struct config *c)
{
	for (int i = 0; i < LIMITS; i++)
		c->limits[i] = 100 + i;
	c->ready = 1;
}

static struct config *get_config(void)
{
	if (!instance) { /* first check, without the lock */
		pthread_mutex_lock(&lock);
		if (!instance) {
			struct config *c = calloc(1, sizeof(*c));
			if (!c)
				abort();
			instance = c; /* BUG: published before construct() */
			construct(c);
		}
		pthread_mutex_unlock(&lock);
	}
	return instance;
}

static void *user(void *arg)
{
	(void)arg;
	struct config *c = get_config();
	assert(c->ready);
	assert(c->limits[LIMITS - 1] == 100 + LIMITS - 1);
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, user, NULL);
	pthread_create(&b, NULL, user, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("limit: %d\n", instance->limits[LIMITS - 1]);
	free(instance);
	return 0;
}
