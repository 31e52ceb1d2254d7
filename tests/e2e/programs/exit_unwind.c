/*
 * exit_unwind.c: two threads each take a mutex, push a cleanup handler
 * that unlocks it, set a pthread key whose destructor counts them out
 * under the mutex, and call pthread_exit holding it; the main thread
 * waits for both counts, then joins them.  Being C, it has not loaded
 * libgcc_s: the first pthread_exit makes glibc load it to unwind, while
 * the main thread may be making the second thread.  Prints "exited 2".
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t counted = PTHREAD_COND_INITIALIZER;
static pthread_key_t key;
static int exited;

static void unlock(void *mutex)
{
	pthread_mutex_unlock(mutex);
}

static void count_out(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&m);
	exited++;
	pthread_cond_broadcast(&counted);
	pthread_mutex_unlock(&m);
}

static void *exit_holding_lock(void *unused)
{
	pthread_setspecific(key, &key);
	pthread_mutex_lock(&m);
	pthread_cleanup_push(unlock, &m);
	pthread_exit(unused);
	pthread_cleanup_pop(1);
	return NULL;
}

int main(void)
{
	pthread_t t[2];
	pthread_key_create(&key, count_out);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, exit_holding_lock, NULL);
	pthread_mutex_lock(&m);
	while (exited < 2)
		pthread_cond_wait(&counted, &m);
	pthread_mutex_unlock(&m);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("exited %d\n", exited);
	return exited == 2 ? 0 : 1;
}
