/*
 * net_peer.c: one side of a TCP conversation, to show that a replay needs
 * no peer.
 *   net_peer client PORT   connect to 127.0.0.1:PORT, send "ping", print
 *                          the reply
 *   net_peer server        listen on an ephemeral port, print it, take one
 *                          connection, print the request, answer "pong"
 * A worker thread does the talking while main waits for it, so the
 * conversation crosses threads as well.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int port;

static void *client(void *arg)
{
	(void)arg;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || connect(s, (struct sockaddr *)&to, sizeof(to)) != 0) {
		perror("connect");
		exit(1);
	}
	if (send(s, "ping", 4, 0) != 4)
		exit(1);
	char reply[64] = "";
	ssize_t n = recv(s, reply, sizeof(reply) - 1, 0);
	printf("client got %zd bytes: %s\n", n, n > 0 ? reply : "");
	close(s);
	return NULL;
}

static void *server(void *arg)
{
	(void)arg;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in at = { .sin_family = AF_INET };
	at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(at);
	if (s < 0 || bind(s, (struct sockaddr *)&at, sizeof(at)) != 0 || listen(s, 1) != 0 ||
	    getsockname(s, (struct sockaddr *)&at, &len) != 0) {
		perror("listen");
		exit(1);
	}
	printf("port %d\n", ntohs(at.sin_port));
	fflush(stdout);
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	int c = accept(s, (struct sockaddr *)&from, &fromlen);
	if (c < 0) {
		perror("accept");
		exit(1);
	}
	char req[64] = "";
	ssize_t n = read(c, req, sizeof(req) - 1);
	printf("server got %zd bytes from %s: %s\n", n, inet_ntoa(from.sin_addr), n > 0 ? req : "");
	if (write(c, "pong", 4) != 4)
		exit(1);
	close(c);
	close(s);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	if (argc == 3 && strcmp(argv[1], "client") == 0) {
		port = atoi(argv[2]);
		pthread_create(&t, NULL, client, NULL);
	} else if (argc == 2 && strcmp(argv[1], "server") == 0) {
		pthread_create(&t, NULL, server, NULL);
	} else {
		fprintf(stderr, "usage: net_peer client PORT | net_peer server\n");
		return 2;
	}
	pthread_join(t, NULL);
	return 0;
}
