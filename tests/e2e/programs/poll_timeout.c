/*
 * poll_timeout.c: a thread polls a socket with a 50 ms timeout until a byte
 * comes; main sends it after a 200 ms sleep.  Under virtual time the polls
 * time out while main sleeps, and a replay must end each of them by its
 * timeout where the recording did (it does not wait on the socket).
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static int sv[2];

static void *poller(void *arg)
{
	int *timeouts = arg;
	struct pollfd p = { .fd = sv[1], .events = POLLIN };
	for (;;) {
		int r = poll(&p, 1, 50);
		if (r == 0) {
			++*timeouts;
			continue;
		}
		char c = 0;
		if (r < 0 || read(sv[1], &c, 1) != 1)
			return NULL;
		printf("poller: got '%c'\n", c);
		return NULL;
	}
}

int main(void)
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		perror("socketpair");
		return 2;
	}
	int timeouts = 0;
	pthread_t t;
	pthread_create(&t, NULL, poller, &timeouts);
	usleep(200000);
	if (write(sv[0], "x", 1) != 1)
		return 2;
	pthread_join(t, NULL);
	printf("poll timed out %s\n", timeouts > 0 ? "at least once" : "never");
	return 0;
}
