/*
 * nonblocking.c: what an event loop does with its sockets.  A server
 * thread accepts a TCP connection and sets TCP_NODELAY on it; the client
 * sends two bytes; the server reads its non-blocking socket until EAGAIN
 * (natively at once, never a wait) and answers; the client waits for all
 * of three bytes (MSG_WAITALL) and gets two when the server closes.  Prints
 * what each saw.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listener;

static void *server(void *arg)
{
	(void)arg;
	int c = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	int one = 1;
	int nodelay = setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct pollfd p = { .fd = c, .events = POLLIN };
	poll(&p, 1, -1);
	char buf[16];
	int got = 0, eagain = 0;
	for (;;) {
		ssize_t n = recv(c, buf, sizeof(buf), 0);
		if (n > 0) {
			got += (int)n;
			continue;
		}
		eagain = n < 0 && errno == EAGAIN;
		if (eagain && got < 2) { /* the second byte is on its way */
			poll(&p, 1, -1);
			continue;
		}
		break;
	}
	printf("server: TCP_NODELAY %s, got %d bytes, then %s\n", nodelay == 0 ? "set" : "refused",
	       got, eagain ? "EAGAIN" : "something else");
	fflush(stdout);
	if (send(c, "ok", 2, 0) != 2)
		printf("server: send failed\n");
	close(c);
	return NULL;
}

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(listener, 1) != 0 || getsockname(listener, (struct sockaddr *)&a, &len) != 0) {
		perror("listen");
		return 2;
	}
	pthread_t t;
	pthread_create(&t, NULL, server, NULL);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("connect");
		return 2;
	}
	if (send(s, "a", 1, 0) != 1 || send(s, "b", 1, 0) != 1)
		return 2;
	/* All of three bytes: the two the server sends, then its close ends
	 * the wait early.  The first byte alone must not start it. */
	char buf[4] = { 0 };
	ssize_t n = recv(s, buf, sizeof(buf) - 1, MSG_WAITALL);
	pthread_join(t, NULL);
	printf("client: got '%s' (%zd bytes)\n", buf, n);
	return 0;
}
