/* shared_accept: three threads wait in a blocking accept() on one
 * listening socket, and the main thread connects to it six times, one
 * connection at a time, then once more per thread to tell it to quit.
 * Each connection wakes every acceptor; only one takes it.  Prints
 * "handled 6". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ACCEPTORS 3
#define CONNECTIONS 6

static int listener, port;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int handled;

static void *acceptor(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(listener, NULL, NULL);
		if (c < 0)
			return NULL;
		char buf[16];
		ssize_t n = read(c, buf, sizeof(buf));
		if (n == 4 && memcmp(buf, "quit", 4) == 0) {
			close(c);
			return NULL;
		}
		if (write(c, "ok", 2) != 2)
			exit(3);
		close(c);
		pthread_mutex_lock(&lock);
		handled++;
		pthread_mutex_unlock(&lock);
	}
}

/* One connection: send msg, wait for the answer (or the close). */
static void connect_once(const char *msg)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("connect");
		exit(2);
	}
	if (write(s, msg, strlen(msg)) != (ssize_t)strlen(msg))
		exit(3);
	char b[4];
	if (read(s, b, sizeof(b)) < 0)
		exit(3);
	close(s);
}

int main(void)
{
	listener = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	if (listener < 0 || bind(listener, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(listener, (struct sockaddr *)&a, &len) < 0 || listen(listener, 16) < 0) {
		perror("listen");
		return 2;
	}
	port = ntohs(a.sin_port);
	pthread_t t[ACCEPTORS];
	for (int i = 0; i < ACCEPTORS; i++)
		pthread_create(&t[i], NULL, acceptor, NULL);
	for (int i = 0; i < CONNECTIONS; i++)
		connect_once("job");
	for (int i = 0; i < ACCEPTORS; i++)
		connect_once("quit");
	for (int i = 0; i < ACCEPTORS; i++)
		pthread_join(t[i], NULL);
	printf("handled %d\n", handled);
	return 0;
}
