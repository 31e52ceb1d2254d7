/*
 * counted_spins.c: threads that wait by spinning with a `pause` and a
 * count of their passes (as libgomp's waits do), for counted_spins.sh.
 *
 *   counted_spins turns [N]  two threads take turns (3, or N each) through
 *                         a shared word, each spinning while it is not its
 *                         turn, counting its passes up to a bound it never
 *                         reaches (then it would say it gave up); prints
 *                         each turn (with N, only the last of each).
 *   counted_spins scan    main counts its way through a large zeroed
 *                         buffer, one byte a pass, with no `pause`, while
 *                         a new thread waits to start: computing, not
 *                         waiting; prints how far it got.
 */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Far more passes than a spin makes before deja stops it (2^40, hours). */
#define SPIN_BOUND (1ull << 40)

static atomic_int turn;
static int rounds = 3;

/* Wait for `me`'s turn; false if the bound ran out first.  The count is
 * in a register and changes at every pass: deja's old rule (every
 * register as the pass before) took this for computing, and the thread
 * whose turn it was never ran. */
static int wait_turn(int me)
{
	for (uint64_t n = 0; n < SPIN_BOUND; n++) {
		if (atomic_load_explicit(&turn, memory_order_acquire) == me)
			return 1;
		__builtin_ia32_pause();
	}
	return 0;
}

static void *player(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (int i = 0; i < rounds; i++) {
		if (!wait_turn(me)) {
			printf("player %d gave up\n", me);
			return NULL;
		}
		if (rounds == 3 || i == rounds - 1) {
			printf("player %d, turn %d\n", me, i);
			fflush(stdout);
		}
		atomic_store_explicit(&turn, 1 - me, memory_order_release);
	}
	return NULL;
}

static int turns(void)
{
	pthread_t a, b;
	assert(pthread_create(&a, NULL, player, (void *)(intptr_t)0) == 0);
	assert(pthread_create(&b, NULL, player, (void *)(intptr_t)1) == 0);
	assert(pthread_join(a, NULL) == 0);
	assert(pthread_join(b, NULL) == 0);
	return 0;
}

static void *idle(void *arg)
{
	return arg;
}

/* One register (the index) changes by one at each pass, as in a counted
 * spin, but there is no `pause`: a scan another thread's store could end
 * at another place, so deja must leave it running. */
static int scan(void)
{
	size_t size = (size_t)1 << 30;
	volatile unsigned char *buf = calloc(size, 1);
	assert(buf);
	pthread_t t;
	assert(pthread_create(&t, NULL, idle, NULL) == 0);
	size_t i = 0;
	for (int round = 0; round < 2; round++)
		for (i = 0; i < size && buf[i] == 0; i++)
			;
	assert(pthread_join(t, NULL) == 0);
	printf("scanned %zu bytes\n", i);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "turns") == 0) {
		if (argc == 3)
			rounds = atoi(argv[2]);
		return turns();
	}
	if (argc == 2 && strcmp(argv[1], "scan") == 0)
		return scan();
	fprintf(stderr, "usage: counted_spins turns [N]|scan\n");
	return 2;
}
