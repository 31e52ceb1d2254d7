/*
 * parallel_waits.c: a thread blocked in read() while another sleeps
 * before it writes, and a timerfd read alone (parallel_waits.sh).
 *
 * Under --strategy parallel the sleeps and the timer are virtual, and
 * come due only when no thread runs program code.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/timerfd.h>
#include <unistd.h>

static int fds[2];

static void *writer(void *arg)
{
	(void)arg;
	usleep(10000);
	write(fds[1], "x", 1);
	return NULL;
}

int main(void)
{
	pipe(fds);
	pthread_t t;
	pthread_create(&t, NULL, writer, NULL);
	char c = 0;
	read(fds[0], &c, 1);
	pthread_join(t, NULL);
	printf("read %c after the writer's sleep\n", c);
	int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec its = { .it_interval = { 0, 10000000 }, .it_value = { 0, 10000000 } };
	timerfd_settime(tfd, 0, &its, NULL);
	uint64_t expirations = 0, n;
	while (expirations < 3 && read(tfd, &n, sizeof(n)) == sizeof(n))
		expirations += n;
	printf("the timer expired %s\n", expirations >= 3 ? "3 times or more" : "too few times");
	return 0;
}
