/*
 * static_hello.c: a statically linked program (built with -static), which
 * deja's runtime cannot enter: deja must refuse it rather than run it
 * untraced.  Prints the real time, which an untraced run would leak.
 */
#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	printf("static: %lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
	return 0;
}
