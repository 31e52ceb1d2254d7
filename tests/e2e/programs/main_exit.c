/*
 * main_exit.c: the main thread takes a mutex, starts a worker and ends in
 * pthread_exit, with a cleanup handler that unlocks the mutex and a
 * pthread key whose destructor tells the worker it ran (under the same
 * mutex, through a condition variable).  The worker counts under the
 * mutex, waits for the key's destructor and prints (its first printf
 * allocates stdout's buffer); the process ends when it returns.  Prints
 * "worker counted 100 after main's key destructor".  Given "plain", the
 * main thread only starts the worker and exits, and the worker prints
 * "worker counted 100".
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t key_gone_cv = PTHREAD_COND_INITIALIZER;
static pthread_key_t key;
static int count, key_gone;

static void unlock(void *mutex)
{
	pthread_mutex_unlock(mutex);
}

static void key_destructor(void *value)
{
	(void)value;
	pthread_mutex_lock(&m);
	key_gone = 1;
	pthread_cond_signal(&key_gone_cv);
	pthread_mutex_unlock(&m);
}

static void *worker(void *unused)
{
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&m);
		count++;
		pthread_mutex_unlock(&m);
	}
	pthread_mutex_lock(&m);
	while (!key_gone)
		pthread_cond_wait(&key_gone_cv, &m);
	pthread_mutex_unlock(&m);
	printf("worker counted %d after main's key destructor\n", count);
	return unused;
}

static void *plain_worker(void *unused)
{
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&m);
		count++;
		pthread_mutex_unlock(&m);
	}
	printf("worker counted %d\n", count);
	return unused;
}

int main(int argc, char **argv)
{
	pthread_t t;
	if (argc > 1 && argv[1][0] == 'p') { /* plain */
		pthread_create(&t, NULL, plain_worker, NULL);
		pthread_exit(NULL);
	}
	pthread_key_create(&key, key_destructor);
	pthread_setspecific(key, &key);
	pthread_mutex_lock(&m);
	pthread_create(&t, NULL, worker, NULL);
	pthread_cleanup_push(unlock, &m);
	pthread_exit(NULL);
	pthread_cleanup_pop(0);
}
