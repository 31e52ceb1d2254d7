/*
 * rwlock_writers.c: two readers and a writer share an rwlock that prefers
 * writers (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP): one reader
 * takes it with pthread_rwlock_rdlock, the other tries with
 * pthread_rwlock_tryrdlock and counts its refusals, while the writer
 * counts up.  Prints what the readers saw and how often the try was
 * refused, which depends on the interleaving.
 */
#include <pthread.h>
#include <stdio.h>

enum { ROUNDS = 3000 };

static pthread_rwlock_t lock;
static long data, seen[2], refused;

static void *reader(void *arg)
{
	long who = (long)arg;
	for (int i = 0; i < ROUNDS; i++) {
		if (who == 1 && pthread_rwlock_tryrdlock(&lock) != 0) {
			refused++;
			continue;
		}
		if (who == 0)
			pthread_rwlock_rdlock(&lock);
		seen[who] += data;
		pthread_rwlock_unlock(&lock);
	}
	return NULL;
}

static void *writer(void *arg)
{
	for (int i = 0; i < ROUNDS; i++) {
		pthread_rwlock_wrlock(&lock);
		data++;
		pthread_rwlock_unlock(&lock);
	}
	return arg;
}

int main(void)
{
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&lock, &attr);
	pthread_t t[3];
	pthread_create(&t[0], NULL, reader, (void *)0);
	pthread_create(&t[1], NULL, reader, (void *)1);
	pthread_create(&t[2], NULL, writer, NULL);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("data %ld, seen %ld and %ld, tries refused %ld\n", data, seen[0], seen[1], refused);
	return 0;
}
