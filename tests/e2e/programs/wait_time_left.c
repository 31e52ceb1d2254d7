/*
 * wait_time_left.c: select() and raw ppoll/pselect6 write the time left
 * into their timeout (wait_time_left.sh).
 *
 * A select on an empty pipe times out and leaves its timeval at zero; one
 * a signal interrupts after about a second of its five leaves about four;
 * the raw ppoll and pselect6 syscalls (glibc's wrappers hand the kernel a
 * copy) leave their timespec at zero when they time out.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void ring(int sig)
{
	(void)sig;
}

int main(void)
{
	int p[2];
	if (pipe(p) != 0)
		return 2;
	fd_set rf;
	FD_ZERO(&rf);
	FD_SET(p[0], &rf);
	struct timeval tv = { 0, 10000 };
	int r = select(p[0] + 1, &rf, NULL, NULL, &tv);
	printf("select timed out: %d, left %ld.%06ld\n", r, (long)tv.tv_sec, (long)tv.tv_usec);

	struct sigaction sa = { .sa_handler = ring }; /* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	FD_SET(p[0], &rf);
	tv = (struct timeval){ 5, 0 };
	r = select(p[0] + 1, &rf, NULL, NULL, &tv);
	printf("select interrupted: %d (%s), between 3 and 5 s left: %d\n", r,
	       r < 0 && errno == EINTR ? "EINTR" : "?", tv.tv_sec >= 3 && tv.tv_sec < 5);

	struct pollfd pf = { .fd = p[0], .events = POLLIN };
	struct timespec ts = { 0, 10000000 };
	r = (int)syscall(SYS_ppoll, &pf, 1, &ts, NULL, 8);
	printf("raw ppoll timed out: %d, left %ld.%09ld\n", r, (long)ts.tv_sec, ts.tv_nsec);
	FD_SET(p[0], &rf);
	ts = (struct timespec){ 0, 10000000 };
	r = (int)syscall(SYS_pselect6, p[0] + 1, &rf, NULL, NULL, &ts, NULL);
	printf("raw pselect6 timed out: %d, left %ld.%09ld\n", r, (long)ts.tv_sec, ts.tv_nsec);
	return 0;
}
