/*
 * datagrams.c: a UDP echo between two threads, for e2e.datagrams.
 *
 * Which peer a datagram came from is part of what the program reads:
 * recvfrom and recvmsg fill in the sender's address (and recvmsg its
 * length, msg_flags such as MSG_TRUNC, and the control data), and the
 * program replies to that address.  The program prints what it got, and
 * checks it against the sender's own address (getsockname); a replay must
 * print the same, without a peer.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int server_fd;

static int udp_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert(fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	return fd;
}

static unsigned port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	return ntohs(a.sin_port);
}

/* The echo: recvfrom, reply to the sender's address. */
static void *echo(void *arg)
{
	(void)arg;
	char buf[64];
	struct sockaddr_in from;
	memset(&from, 0, sizeof(from));
	socklen_t len = sizeof(from);
	ssize_t n = recvfrom(server_fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	assert(n > 0);
	printf("echo got %zd bytes from family %d, length %u\n", n, from.sin_family, len);
	buf[n++] = '!';
	assert(sendto(server_fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len) == n);
	return (void *)(unsigned long)ntohs(from.sin_port);
}

/* recvmsg of a datagram longer than the buffer: the address, its length
 * and MSG_TRUNC in msg_flags. */
static void truncated(int client, unsigned client_port)
{
	static const char longer[] = "a datagram longer than the buffer";
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				  .sin_port = htons((unsigned short)port_of(server_fd)) };
	assert(sendto(client, longer, sizeof(longer), 0, (struct sockaddr *)&to, sizeof(to)) > 0);
	char buf[8];
	struct sockaddr_in from;
	memset(&from, 0, sizeof(from));
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			    .msg_iovlen = 1 };
	ssize_t n = recvmsg(server_fd, &m, 0);
	printf("recvmsg: %zd bytes, from the client: %s, name length %u, truncated: %s\n", n,
	       ntohs(from.sin_port) == client_port ? "yes" : "no", m.msg_namelen,
	       (m.msg_flags & MSG_TRUNC) ? "yes" : "no");
}

int main(void)
{
	server_fd = udp_socket();
	int client = udp_socket();
	unsigned client_port = port_of(client);
	pthread_t t;
	assert(pthread_create(&t, NULL, echo, NULL) == 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				  .sin_port = htons((unsigned short)port_of(server_fd)) };
	assert(sendto(client, "ping", 4, 0, (struct sockaddr *)&to, sizeof(to)) == 4);
	void *seen;
	assert(pthread_join(t, &seen) == 0);
	printf("echo saw the client's port: %s\n",
	       (unsigned long)seen == client_port ? "yes" : "no");
	char reply[16];
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	ssize_t n = recvfrom(client, reply, sizeof(reply), 0, (struct sockaddr *)&from, &len);
	assert(n > 0);
	printf("reply %.*s from the server: %s\n", (int)n, reply,
	       ntohs(from.sin_port) == port_of(server_fd) ? "yes" : "no");
	truncated(client, client_port);
	return 0;
}
