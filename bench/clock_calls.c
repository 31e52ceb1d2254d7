/*
 * bench/clock_calls.c: one million clock_gettime(CLOCK_MONOTONIC) calls
 * (argv[1] overrides the count); prints how many times the clock moved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	long calls = argc > 1 ? atol(argv[1]) : 1000000;
	struct timespec prev = { 0, 0 }, now;
	long moved = 0;
	for (long i = 0; i < calls; i++) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		moved += now.tv_nsec != prev.tv_nsec || now.tv_sec != prev.tv_sec;
		prev = now;
	}
	printf("clock_calls: %ld calls, the clock moved %s\n", calls, moved > calls / 2 ? "almost always" : "rarely");
	return 0;
}
