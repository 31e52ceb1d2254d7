/*
 * sleep_waits.c: select, pselect and poll on no descriptor at all, an old
 * way to sleep.  Each prints how long it took on the monotonic clock,
 * which under deja's virtual time must be its timeout exactly
 * (sleep_waits.sh).
 */
#include <poll.h>
#include <stdio.h>
#include <sys/select.h>
#include <time.h>

static long long now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int main(void)
{
	long long t0 = now_us();
	struct timeval tv = { 1, 500000 };
	int r = select(0, NULL, NULL, NULL, &tv);
	printf("select: %d after %lld ms\n", r, (now_us() - t0) / 1000);

	fd_set none;
	FD_ZERO(&none);
	tv = (struct timeval){ 0, 250000 };
	t0 = now_us();
	r = select(8, &none, NULL, NULL, &tv);
	printf("select of an empty set: %d after %lld ms\n", r, (now_us() - t0) / 1000);

	struct timespec ts = { 0, 300000000 };
	t0 = now_us();
	r = pselect(0, NULL, NULL, NULL, &ts, NULL);
	printf("pselect: %d after %lld ms\n", r, (now_us() - t0) / 1000);

	t0 = now_us();
	r = poll(NULL, 0, 700);
	printf("poll: %d after %lld ms\n", r, (now_us() - t0) / 1000);
	return 0;
}
