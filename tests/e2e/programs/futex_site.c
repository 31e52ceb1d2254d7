/*
 * futex_site.c: a lock waited for in raw futex calls made through
 * glibc's syscall(), as Rust's std::sync and C++20's waits make them,
 * taken in the opposite order by two threads: a deadlock.  Each thread
 * takes its first lock, yields so that the other takes its own, then
 * waits for the other's in wait_for_lock().
 */
#include <assert.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static _Atomic uint32_t locks[2];

static __attribute__((noinline)) void wait_for_lock(_Atomic uint32_t *word)
{
	uint32_t free_word = 0;
	while (!atomic_compare_exchange_strong(word, &free_word, 1)) {
		syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
		free_word = 0;
	}
}

static void release(_Atomic uint32_t *word)
{
	atomic_store(word, 0);
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *worker(void *arg)
{
	int first = (int)(intptr_t)arg;
	wait_for_lock(&locks[first]);
	sched_yield();
	wait_for_lock(&locks[1 - first]);
	release(&locks[1 - first]);
	release(&locks[first]);
	return NULL;
}

int main(void)
{
	pthread_t t[2];
	for (intptr_t i = 0; i < 2; i++)
		assert(pthread_create(&t[i], NULL, worker, (void *)i) == 0);
	for (int i = 0; i < 2; i++)
		assert(pthread_join(t[i], NULL) == 0);
	puts("no deadlock");
	return 0;
}
