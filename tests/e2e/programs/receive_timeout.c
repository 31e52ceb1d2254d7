/*
 * receive_timeout.c: a read that SO_RCVTIMEO ends, for receive_timeout.sh.
 * A server thread accepts the main thread's connection, sets a receive
 * timeout of 0.2 s on it, reads the client's request, then reads again:
 * the client sends nothing more, so that read fails with EAGAIN once the
 * timeout has run out, and only then does the server answer.  The client
 * waits for the answer with poll() for up to 5 s.  Prints
 * "server read 4, then EAGAIN; client got 3".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listener;
static ssize_t first, second;
static int second_errno;

static void *server(void *arg)
{
	(void)arg;
	int c = accept(listener, NULL, NULL);
	struct timeval tv = { 0, 200000 };
	char buf[16];
	if (c < 0 || setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return NULL;
	first = read(c, buf, sizeof(buf));
	second = read(c, buf, sizeof(buf)); /* nothing comes: times out */
	second_errno = errno;
	if (write(c, "bye", 3) != 3)
		second = -2;
	close(c);
	return NULL;
}

int main(void)
{
	listener = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	if (listener < 0 || bind(listener, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(listener, (struct sockaddr *)&a, &len) < 0 || listen(listener, 4) < 0) {
		perror("listen");
		return 2;
	}
	pthread_t t;
	pthread_create(&t, NULL, server, NULL);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0 || write(s, "ping", 4) != 4) {
		perror("connect");
		return 2;
	}
	struct pollfd p = { .fd = s, .events = POLLIN };
	char buf[8];
	ssize_t got = poll(&p, 1, 5000) == 1 ? read(s, buf, sizeof(buf)) : -1;
	pthread_join(t, NULL);
	printf("server read %zd, then %s; client got %zd\n", first,
	       second < 0 && second_errno == EAGAIN ? "EAGAIN" : "something else", got);
	return got == 3 ? 0 : 1;
}
