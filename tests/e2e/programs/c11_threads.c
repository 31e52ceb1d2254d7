/*
 * c11_threads.c: C11 threads (<threads.h>) for c11_threads.sh.  Three
 * threads made with thrd_create run an initialisation once (call_once),
 * count into a total under an mtx_t, signal a cnd_t and end with their
 * number (the third through thrd_exit); main waits for all three, then
 * once with a timeout that expires, tries the mutex it holds (busy),
 * locks a recursive mutex twice and a timed one, joins the threads and
 * prints the sum of their results, the total, how the timed wait ended
 * and what the other calls gave.
 */
#include <assert.h>
#include <stdio.h>
#include <threads.h>
#include <time.h>

static mtx_t lock;
static cnd_t changed;
static int done, total, inits;
static once_flag once = ONCE_FLAG_INIT;

static void init(void)
{
	inits++;
}

static int count(void *arg)
{
	int me = (int)(long)arg;
	call_once(&once, init);
	for (int i = 0; i < 100; i++) {
		assert(mtx_lock(&lock) == thrd_success);
		total += me;
		assert(mtx_unlock(&lock) == thrd_success);
	}
	assert(mtx_lock(&lock) == thrd_success);
	done++;
	assert(cnd_broadcast(&changed) == thrd_success);
	assert(mtx_unlock(&lock) == thrd_success);
	if (me == 3)
		thrd_exit(me);
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
	int busy = mtx_trylock(&lock);
	assert(mtx_unlock(&lock) == thrd_success);
	mtx_t rec, tm;
	assert(mtx_init(&rec, mtx_plain | mtx_recursive) == thrd_success);
	assert(mtx_lock(&rec) == thrd_success && mtx_lock(&rec) == thrd_success);
	assert(mtx_unlock(&rec) == thrd_success && mtx_unlock(&rec) == thrd_success);
	mtx_destroy(&rec);
	assert(mtx_init(&tm, mtx_timed) == thrd_success);
	int timedlock = mtx_timedlock(&tm, &until);
	assert(mtx_unlock(&tm) == thrd_success);
	mtx_destroy(&tm);
	int sum = 0;
	for (int i = 0; i < 3; i++) {
		int r;
		assert(thrd_join(t[i], &r) == thrd_success);
		sum += r;
	}
	printf("results %d, total %d, timed wait %s, %d init, trylock %s, timedlock %s\n", sum,
	       total, timed == thrd_timedout ? "timed out" : "ended otherwise", inits,
	       busy == thrd_busy ? "busy" : "not busy",
	       timedlock == thrd_success ? "locked" : "failed");
	cnd_destroy(&changed);
	mtx_destroy(&lock);
	return 0;
}
