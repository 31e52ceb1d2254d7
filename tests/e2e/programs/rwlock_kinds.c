/*
 * rwlock_kinds.c: main holds a read lock, a writer waits for the lock, and
 * main asks for a second read lock (with a 1 s timeout), for a lock of the
 * default kind and one made PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP.
 * glibc lets the second reader in beside the first only on the default
 * kind; the writer-preferring one keeps it out while the writer waits.
 * Prints what the second read lock gave for each.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void *writer(void *arg)
{
	pthread_rwlock_t *rw = arg;
	pthread_rwlock_wrlock(rw);
	pthread_rwlock_unlock(rw);
	return NULL;
}

static const char *second_read(int kind)
{
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, kind);
	static pthread_rwlock_t rw;
	pthread_rwlock_init(&rw, &attr);
	pthread_rwlock_rdlock(&rw);
	pthread_t t;
	pthread_create(&t, NULL, writer, &rw);
	usleep(50000); /* the writer waits by now */
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 1;
	int r = pthread_rwlock_timedrdlock(&rw, &deadline);
	if (r == 0)
		pthread_rwlock_unlock(&rw);
	pthread_rwlock_unlock(&rw);
	pthread_join(t, NULL);
	pthread_rwlock_destroy(&rw);
	return r == 0 ? "taken" : strerror(r);
}

int main(void)
{
	printf("default kind: second read lock %s\n",
	       second_read(PTHREAD_RWLOCK_PREFER_READER_NP));
	printf("writer-preferring kind: second read lock %s\n",
	       second_read(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP));
	return 0;
}
