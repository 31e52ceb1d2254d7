/*
 * world_timeout.c PORT: a client with timeouts, as wget and Python's
 * urlopen(URL, timeout=...) are.  It asks a server on 127.0.0.1:PORT for
 * an answer that takes the server a while, waiting with poll and with
 * select and with epoll_wait (5 s timeouts; the epoll set also holds a
 * socketpair, as an event loop's wake-ups), then asks a question the server never answers
 * (a 50 ms poll that must time out), and last polls an eventfd nobody
 * writes (10 s, a timeout that only the program's own threads could
 * cut short, as an event loop's timer).
 */
#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

static void ask(int s, const char *q)
{
	assert(write(s, q, strlen(q)) == (ssize_t)strlen(q));
}

static void answer(int s, const char *how)
{
	char buf[128];
	ssize_t n = read(s, buf, sizeof(buf) - 1);
	assert(n > 0);
	buf[n] = '\0';
	printf("%s: %s", how, buf);
}

int main(int argc, char **argv)
{
	assert(argc == 2);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert(s >= 0 && connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);

	ask(s, "first\n");
	struct pollfd p = { .fd = s, .events = POLLIN };
	int r = poll(&p, 1, 5000);
	printf("poll: %d\n", r);
	if (r == 1)
		answer(s, "poll");

	ask(s, "second\n");
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(s, &rd);
	struct timeval tv = { 5, 0 };
	r = select(s + 1, &rd, NULL, NULL, &tv);
	printf("select: %d\n", r);
	if (r == 1)
		answer(s, "select");

	/* An event loop's: the socket and its own wake-up socketpair. */
	ask(s, "third\n");
	int ep = epoll_create1(0), wake[2];
	assert(ep >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, wake) == 0);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = wake[0] };
	assert(epoll_ctl(ep, EPOLL_CTL_ADD, wake[0], &ev) == 0);
	ev.data.fd = s;
	assert(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
	r = epoll_wait(ep, &ev, 1, 5000);
	printf("epoll_wait: %d\n", r);
	if (r == 1 && ev.data.fd == s)
		answer(s, "epoll_wait");
	assert(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL) == 0);
	printf("epoll_wait on the socketpair alone: %d\n", epoll_wait(ep, &ev, 1, 10000));

	ask(s, "unanswered\n");
	printf("poll for no answer: %d\n", poll(&p, 1, 50));

	int e = eventfd(0, 0);
	struct pollfd pe = { .fd = e, .events = POLLIN };
	printf("poll on an eventfd nobody writes: %d\n", poll(&pe, 1, 10000));
	close(s);
	return 0;
}
