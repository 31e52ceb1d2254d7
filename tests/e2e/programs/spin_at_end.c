/*
 * spin_at_end.c: a thread left spinning when the program exits, for
 * spin_at_end.sh.  Each thread waits for the other by spinning on an
 * atomic flag (no call deja sees), so deja stops each spin at an
 * interrupt; the worker, once it has set `done`, spins on a flag nobody
 * sets, and main exits while the worker stands stopped there.  Before
 * that main yields twice: each yield lets the worker go on from its stop,
 * into the same spin, where it is stopped again with the same registers.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_int ready, go, done, never;

static void *worker(void *arg)
{
	(void)arg;
	atomic_store(&ready, 1);
	while (!atomic_load(&go))
		;
	atomic_store(&done, 1);
	while (!atomic_load(&never))
		;
	return NULL;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 2;
	while (!atomic_load(&ready))
		;
	atomic_store(&go, 1);
	while (!atomic_load(&done))
		;
	sched_yield();
	sched_yield();
	printf("done\n");
	exit(0);
}
