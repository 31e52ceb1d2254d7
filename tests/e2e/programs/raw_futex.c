/*
 * raw_futex.c -- two threads that synchronise only through raw futex
 * system calls, the way hand-written locks and language runtimes do.
 *
 * A ping-pong: a shared word `turn` says whose move it is; each player waits
 * (FUTEX_WAIT in a loop, since wake-ups may be spurious and the value may
 * already have changed) until it is its turn, makes its move and hands the
 * turn over with FUTEX_WAKE.  A second word, `ready`, is a one-shot flag
 * using the private variants.  Also checks the kernel's answers: EAGAIN
 * when the word no longer holds the expected value, ETIMEDOUT for a timed
 * wait nobody ends, and the number of threads a wake woke.
 *
 * Under deja a FUTEX_WAIT that really blocked in the kernel would hang the
 * serialised run (the waker could never be scheduled), so deja must
 * emulate these calls.  Prints "raw_futex ok".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { ROUNDS = 10 };

static _Atomic uint32_t turn;  /* 0: ping's move, 1: pong's move */
static _Atomic uint32_t ready; /* pong has started */
static int moves[2 * ROUNDS];
static int nmoves;

static long futex(_Atomic uint32_t *word, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, (uint32_t *)word, op, val, ts, NULL, 0);
}

/* Wait until *word == want. */
static void wait_for(_Atomic uint32_t *word, uint32_t want, int op)
{
	uint32_t v;
	while ((v = atomic_load(word)) != want) {
		long r = futex(word, op, v, NULL);
		/* 0: woken (maybe spuriously); EAGAIN: it changed meanwhile. */
		assert(r == 0 || (r == -1 && (errno == EAGAIN || errno == EINTR)));
	}
}

static void play(int me)
{
	for (int i = 0; i < ROUNDS; i++) {
		wait_for(&turn, (uint32_t)me, FUTEX_WAIT);
		moves[nmoves++] = me;
		atomic_store(&turn, (uint32_t)!me);
		long woken = futex(&turn, FUTEX_WAKE, 1, NULL);
		assert(woken == 0 || woken == 1);
	}
}

static void *pong(void *arg)
{
	(void)arg;
	atomic_store(&ready, 1);
	long woken = futex(&ready, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL);
	assert(woken == 0 || woken == 1);
	play(1);
	return NULL;
}

int main(void)
{
	/* The word does not hold the expected value: EAGAIN at once. */
	_Atomic uint32_t word = 5;
	errno = 0;
	assert(futex(&word, FUTEX_WAIT_PRIVATE, 4, NULL) == -1 && errno == EAGAIN);

	/* Nobody wakes this one: it times out (relative timeout). */
	struct timespec rel = { 0, 10 * 1000 * 1000 };
	errno = 0;
	long r = futex(&word, FUTEX_WAIT_PRIVATE, 5, &rel);
	if (r != -1 || errno != ETIMEDOUT)
		fprintf(stderr, "raw_futex: timed FUTEX_WAIT returned %ld, errno %d (%s)\n",
			r, errno, strerror(errno));
	assert(r == -1 && errno == ETIMEDOUT);

	/* Waking a word nobody waits on wakes nobody, also by bitset. */
	assert(futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL) == 0);
	assert(syscall(SYS_futex, &word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL,
		       FUTEX_BITSET_MATCH_ANY) == 0);

	pthread_t t;
	assert(pthread_create(&t, NULL, pong, NULL) == 0);
	wait_for(&ready, 1, FUTEX_WAIT_PRIVATE);
	play(0);
	assert(pthread_join(t, NULL) == 0);

	/* The moves strictly alternate, ping first. */
	assert(nmoves == 2 * ROUNDS);
	for (int i = 0; i < 2 * ROUNDS; i++)
		assert(moves[i] == i % 2);
	printf("raw_futex ok\n");
	return 0;
}
