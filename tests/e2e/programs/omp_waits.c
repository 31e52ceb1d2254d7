/*
 * omp_waits.c: an OpenMP program that waits in each of libgomp's ways,
 * for openmp.sh: a parallel for with a reduction, a critical section, an
 * atomic update, an explicit barrier, tasks with a taskwait, and an
 * omp_lock_t, over a few rounds of two-thread teams.  libgomp's threads
 * wait at each of them by spinning (counting their passes, with a
 * `pause`) before a futex wait, for ever under OMP_WAIT_POLICY=active.
 * Prints what it computed, the same on every run.
 */
#include <omp.h>
#include <stdio.h>

static int fib(int n)
{
	if (n < 2)
		return n;
	int a, b;
#pragma omp task shared(a)
	a = fib(n - 1);
#pragma omp task shared(b)
	b = fib(n - 2);
#pragma omp taskwait
	return a + b;
}

int main(void)
{
	long sum = 0;
	int critical = 0, atomic = 0, locked = 0, f = 0;
	omp_lock_t lock;
	omp_init_lock(&lock);
	for (int round = 0; round < 3; round++) {
#pragma omp parallel for reduction(+ : sum) num_threads(2)
		for (int i = 0; i < 1000; i++)
			sum += i;
#pragma omp parallel num_threads(2)
		{
#pragma omp critical
			critical++;
#pragma omp barrier
#pragma omp atomic
			atomic++;
			omp_set_lock(&lock);
			locked++;
			omp_unset_lock(&lock);
		}
	}
#pragma omp parallel num_threads(2)
#pragma omp single
	f = fib(8);
	omp_destroy_lock(&lock);
	printf("sum %ld, critical %d, atomic %d, locked %d, fib %d\n", sum, critical, atomic, locked, f);
	return 0;
}
