/*
 * tick_modules.c: a lost update whose window spans two instrumented
 * modules, for tick_modules.sh.
 *
 * Built with `deja cflags`, like its library (tick_modules_lib.c): each
 * worker reads the balance in this executable, calls into the library
 * (ticks there), then writes the balance back, ITERS times.  Only a
 * preemption at a tick inside that window loses an update; the assert
 * then fails.  `serial` as argv[1] runs the workers one after the other,
 * which can never lose one (the native check); it prints the balance.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define ITERS 200

unsigned long tick_lib_mix(unsigned long x, int rounds);

static volatile long balance;
static volatile unsigned long sink;

static void *worker(void *arg)
{
	for (int i = 0; i < ITERS; i++) {
		long seen = balance;
		sink ^= tick_lib_mix((unsigned long)seen, 16 + i % 8);
		balance = seen + 1;
	}
	return arg;
}

int main(int argc, char **argv)
{
	int serial = argc > 1 && strcmp(argv[1], "serial") == 0;
	pthread_t a, b;
	pthread_create(&a, NULL, worker, NULL);
	if (serial)
		pthread_join(a, NULL);
	pthread_create(&b, NULL, worker, NULL);
	if (!serial)
		pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("balance %ld\n", balance);
	assert(balance == 2 * ITERS);
	return 0;
}
