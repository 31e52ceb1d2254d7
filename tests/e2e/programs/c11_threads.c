/*
 * c11_threads.c: C11 threads (<threads.h>) for c11_threads.sh.  Three
 * threads made with thrd_create count into a total under an mtx_t,
 * signal a cnd_t and return their number; main waits for all three,
 * then once with a timeout that expires, joins them and prints the sum
 * of their results, the total and how the timed wait ended.
 */
#include <assert.h>
#include <stdio.h>
#include <threads.h>
#include <time.h>

static mtx_t lock;
static cnd_t changed;
static int done, total;

static int count(void *arg)
{
	int me = (int)(long)arg;
	for (int i = 0; i < 100; i++) {
		assert(mtx_lock(&lock) == thrd_success);
		total += me;
		assert(mtx_unlock(&lock) == thrd_success);
	}
	assert(mtx_lock(&lock) == thrd_success);
	done++;
	assert(cnd_broadcast(&changed) == thrd_success);
	assert(mtx_unlock(&lock) == thrd_success);
	return me;
}

int main(void)
{
	assert(mtx_init(&lock, mtx_timed) == thrd_success);
	assert(cnd_init(&changed) == thrd_success);
	thrd_t t[3];
	for (long i = 0; i < 3; i++)
		assert(thrd_create(&t[i], count, (void *)(i + 1)) == thrd_success);
	assert(mtx_lock(&lock) == thrd_success);
	while (done < 3)
		assert(cnd_wait(&changed, &lock) == thrd_success);
	struct timespec until;
	assert(timespec_get(&until, TIME_UTC) == TIME_UTC);
	until.tv_sec += 1;
	int timed = cnd_timedwait(&changed, &lock, &until);
	assert(mtx_unlock(&lock) == thrd_success);
	int sum = 0;
	for (int i = 0; i < 3; i++) {
		int r;
		assert(thrd_join(t[i], &r) == thrd_success);
		sum += r;
	}
	printf("results %d, total %d, timed wait %s\n", sum, total,
	       timed == thrd_timedout ? "timed out" : "ended otherwise");
	return 0;
}
