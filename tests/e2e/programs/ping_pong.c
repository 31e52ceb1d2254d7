/*
 * ping_pong.c ROUNDS: two threads hand a token back and forth ROUNDS
 * times under a mutex and a condition variable, about ten events a
 * round: a long run of a small program (replay_memory.sh).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turned = PTHREAD_COND_INITIALIZER;
static int turn;
static long rounds;

/* Wait for the token to be `mine`, then pass it on, rounds times. */
static void play(int mine)
{
	for (long i = 0; i < rounds; i++) {
		pthread_mutex_lock(&lock);
		while (turn != mine)
			pthread_cond_wait(&turned, &lock);
		turn = !mine;
		pthread_cond_signal(&turned);
		pthread_mutex_unlock(&lock);
	}
}

static void *other(void *arg)
{
	(void)arg;
	play(1);
	return NULL;
}

int main(int argc, char **argv)
{
	rounds = argc > 1 ? atol(argv[1]) : 1000;
	pthread_t t;
	pthread_create(&t, NULL, other, NULL);
	play(0);
	pthread_join(t, NULL);
	printf("%ld rounds\n", rounds);
	return 0;
}
