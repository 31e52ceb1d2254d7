/*
 * received_fds.c: descriptors received without waiting, beside another
 * thread's pipes, for received_fds.sh.  The main thread polls a
 * non-blocking listening socket and a socket pair, takes each connection
 * with accept4() and each descriptor passed over the pair (SCM_RIGHTS)
 * with recvmsg(MSG_DONTWAIT), and prints their numbers; a connecting
 * thread makes the connections and passes the descriptors, and a third
 * thread makes pipes, prints their numbers, writes and reads a byte
 * through each and closes it.  The kernel gives each the lowest free
 * number, so the numbers depend on how the threads interleave.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define ROUNDS 6

static struct sockaddr_un address = { .sun_family = AF_UNIX };
static int pair[2];

static void *piper(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2 * ROUNDS; i++) {
		int p[2];
		char c;
		if (pipe(p) < 0 || write(p[1], "x", 1) != 1 || read(p[0], &c, 1) != 1) {
			perror("pipe");
			exit(2);
		}
		printf("pipe %d %d\n", p[0], p[1]);
		close(p[0]);
		close(p[1]);
		sched_yield();
	}
	return NULL;
}

/* Pass a descriptor over the socket pair (a dup of fd). */
static void pass(int fd)
{
	int d = dup(fd);
	char byte = 'm';
	struct iovec iov = { &byte, 1 };
	char control[CMSG_SPACE(sizeof(int))];
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			    .msg_controllen = sizeof(control) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &d, sizeof(d));
	if (sendmsg(pair[0], &m, 0) != 1)
		exit(3);
	close(d);
}

static void *connector(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&address, sizeof(address)) < 0) {
			perror("connect");
			exit(2);
		}
		pass(s);
		if (write(s, "hello", 5) != 5)
			exit(3);
		close(s);
	}
	return NULL;
}

/* A descriptor passed over the pair, if one is there: its number, else -1. */
static int take_passed(void)
{
	char byte;
	struct iovec iov = { &byte, 1 };
	char control[CMSG_SPACE(sizeof(int))];
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			    .msg_controllen = sizeof(control) };
	if (recvmsg(pair[1], &m, MSG_DONTWAIT) != 1 || !CMSG_FIRSTHDR(&m))
		return -1;
	int d;
	memcpy(&d, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(d));
	return d;
}

int main(void)
{
	/* An abstract address: nothing on disk to clean up. */
	snprintf(address.sun_path + 1, sizeof(address.sun_path) - 1, "deja-received-fds-%d", getpid());
	int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof(address)) < 0 ||
	    listen(listener, 8) < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair) < 0) {
		perror("listen");
		return 2;
	}
	pthread_t t1, t2;
	pthread_create(&t1, NULL, piper, NULL);
	pthread_create(&t2, NULL, connector, NULL);
	int accepted = 0, passed = 0;
	while (accepted < ROUNDS || passed < ROUNDS) {
		struct pollfd p[2] = { { listener, POLLIN, 0 }, { pair[1], POLLIN, 0 } };
		poll(p, 2, -1);
		int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
		if (c >= 0) {
			char buf[8];
			ssize_t n = read(c, buf, sizeof(buf));
			printf("accepted %d, read %zd\n", c, n);
			close(c);
			accepted++;
		}
		int d = take_passed();
		if (d >= 0) {
			printf("passed %d\n", d);
			close(d);
			passed++;
		}
	}
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}
