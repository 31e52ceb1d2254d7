/*
 * omp_race.c: an OpenMP reduction done wrong, for openmp.sh: a parallel
 * for adds into a shared sum with neither reduction(+:sum) nor an atomic
 * update, so a thread that reads the sum, calls term() and is preempted
 * before it writes the sum back loses the other thread's additions.  The
 * assert fails then; natively it rarely does (the chunks are short).
 * Built with $(deja cflags), so that deja may switch threads inside the
 * loop.
 */
#include <assert.h>
#include <stdio.h>

__attribute__((noinline)) static long term(int i)
{
	return i >= 0;
}

int main(void)
{
	long sum = 0;
#pragma omp parallel for num_threads(2) shared(sum)
	for (int i = 0; i < 100; i++)
		sum = sum + term(i); /* the bug: no reduction, no atomic */
	printf("sum %ld\n", sum);
	assert(sum == 100);
	return 0;
}
