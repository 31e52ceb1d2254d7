/*
 * parallel_timing.c: timed waits of one thread while two others make
 * events as fast as they can.
 *
 * The main thread reads the monotonic clock, computes a little, and
 * sleeps to one millisecond after its reading (clock_nanosleep with
 * TIMER_ABSTIME, as CPython's time.sleep does), sleeps one millisecond
 * relative, and waits on a condition variable until an absolute deadline
 * nobody signals before; twenty rounds.  Under --strategy parallel the
 * workers' events move the virtual clock on while the main thread
 * computes, by as much as the real timing lets them, so how far away a
 * deadline is when the thread gets to its wait differs from run to run.
 * Prints the number of rounds and the workers' count.
 *
 * parallel_timing stdio: three threads take stdout's lock (flockfile) a
 * thousand times each, with a mutex event inside: glibc's lock waits in
 * futex only when it is contended, which depends on the timing.
 *
 * parallel_timing cycle: deadlocks natively; one thread holds stdout's
 * lock and waits for a mutex whose holder waits for stdout's lock.
 *
 * parallel_timing memcycle: the same with a lock of the program's own,
 * taken in memory and waited for in futex.
 */
#include <assert.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static int done; /* under counter_lock: a replay reads it where recorded */

static void *busy(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&counter_lock);
		int stop = done;
		counter++;
		pthread_mutex_unlock(&counter_lock);
		if (stop)
			return NULL;
	}
}

static struct timespec after_ms(struct timespec t, long ms)
{
	t.tv_nsec += ms * 1000000;
	t.tv_sec += t.tv_nsec / 1000000000;
	t.tv_nsec %= 1000000000;
	return t;
}

static void compute(void)
{
	volatile unsigned x = 1;
	for (int i = 0; i < 20000; i++)
		x = x * 1103515245u + 12345u;
}

static void *stdio_user(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		flockfile(stdout);
		pthread_mutex_lock(&counter_lock);
		counter++;
		pthread_mutex_unlock(&counter_lock);
		funlockfile(stdout);
	}
	return NULL;
}

static int stdio_contention(void)
{
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		assert(pthread_create(&t[i], NULL, stdio_user, NULL) == 0);
	for (int i = 0; i < 3; i++)
		assert(pthread_join(t[i], NULL) == 0);
	printf("%ld turns at stdout's lock\n", counter);
	return 0;
}

static pthread_barrier_t both_hold;

static void *mutex_then_stdio(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&counter_lock);
	pthread_barrier_wait(&both_hold);
	flockfile(stdout);
	return NULL;
}

static int stdio_mutex_cycle(void)
{
	pthread_barrier_init(&both_hold, NULL, 2);
	pthread_t t;
	flockfile(stdout);
	assert(pthread_create(&t, NULL, mutex_then_stdio, NULL) == 0);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&counter_lock);
	puts("not reached");
	return 1;
}

/* A lock of the program's own in memory, waiting in futex when taken:
 * deja sees its waits, not who holds it. */
static atomic_int memlock;

static void memlock_take(void)
{
	int free_ = 0;
	while (!atomic_compare_exchange_strong(&memlock, &free_, 1)) {
		syscall(SYS_futex, &memlock, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
		free_ = 0;
	}
}

static void *mutex_then_memlock(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&counter_lock);
	pthread_barrier_wait(&both_hold);
	memlock_take();
	return NULL;
}

static int memlock_mutex_cycle(void)
{
	pthread_barrier_init(&both_hold, NULL, 2);
	pthread_t t;
	memlock_take();
	assert(pthread_create(&t, NULL, mutex_then_memlock, NULL) == 0);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&counter_lock);
	puts("not reached");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "stdio") == 0)
		return stdio_contention();
	if (argc == 2 && strcmp(argv[1], "cycle") == 0)
		return stdio_mutex_cycle();
	if (argc == 2 && strcmp(argv[1], "memcycle") == 0)
		return memlock_mutex_cycle();
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert(pthread_create(&t[i], NULL, busy, NULL) == 0);
	pthread_cond_t never = PTHREAD_COND_INITIALIZER;
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	int rounds = 0;
	for (; rounds < 20; rounds++) {
		struct timespec now, rel = { 0, 1000000 };
		clock_gettime(CLOCK_MONOTONIC, &now);
		compute();
		struct timespec until = after_ms(now, 1);
		assert(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == 0);
		compute();
		assert(nanosleep(&rel, NULL) == 0);
		clock_gettime(CLOCK_REALTIME, &now);
		compute();
		until = after_ms(now, 1);
		pthread_mutex_lock(&m);
		while (pthread_cond_timedwait(&never, &m, &until) == 0)
			;
		pthread_mutex_unlock(&m);
	}
	pthread_mutex_lock(&counter_lock);
	done = 1;
	pthread_mutex_unlock(&counter_lock);
	for (int i = 0; i < 2; i++)
		assert(pthread_join(t[i], NULL) == 0);
	printf("%d rounds, workers busy: %s\n", rounds, counter > 0 ? "yes" : "no");
	return 0;
}
