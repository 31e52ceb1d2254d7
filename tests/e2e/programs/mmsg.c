/*
 * mmsg.c: datagrams sent with sendmmsg and received with recvmmsg, both
 * sockets in this process, so that a replay (which sends nothing) can only
 * print what it received from the trace (mmsg.sh).
 */
#include <assert.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MESSAGES 3

int main(void)
{
	int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in at = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(at);
	assert(rx >= 0 && tx >= 0 && bind(rx, (struct sockaddr *)&at, sizeof(at)) == 0);
	assert(getsockname(rx, (struct sockaddr *)&at, &len) == 0);

	static const char *const words[MESSAGES] = { "first", "second datagram", "3rd" };
	struct iovec out_iov[MESSAGES];
	struct mmsghdr out[MESSAGES];
	memset(out, 0, sizeof(out));
	for (int i = 0; i < MESSAGES; i++) {
		out_iov[i] = (struct iovec){ (void *)words[i], strlen(words[i]) };
		out[i].msg_hdr = (struct msghdr){ .msg_name = &at, .msg_namelen = sizeof(at),
						  .msg_iov = &out_iov[i], .msg_iovlen = 1 };
	}
	int sent = sendmmsg(tx, out, MESSAGES, 0);
	printf("sent %d\n", sent);

	char buf[MESSAGES + 1][32];
	struct iovec in_iov[MESSAGES + 1];
	struct sockaddr_in from[MESSAGES + 1];
	struct mmsghdr in[MESSAGES + 1];
	memset(in, 0, sizeof(in));
	memset(buf, 0, sizeof(buf));
	for (int i = 0; i <= MESSAGES; i++) {
		in_iov[i] = (struct iovec){ buf[i], sizeof(buf[i]) - 1 };
		in[i].msg_hdr = (struct msghdr){ .msg_name = &from[i], .msg_namelen = sizeof(from[i]),
						 .msg_iov = &in_iov[i], .msg_iovlen = 1 };
	}
	int got = 0;
	while (got < MESSAGES) {
		int n = recvmmsg(rx, in + got, MESSAGES + 1 - got, MSG_WAITFORONE, NULL);
		assert(n > 0);
		got += n;
	}
	for (int i = 0; i < got; i++)
		printf("got %u bytes \"%s\" from the sender's port: %s\n", in[i].msg_len, buf[i],
		       from[i].sin_port != 0 && in[i].msg_hdr.msg_namelen == sizeof(from[i]) ? "yes"
											   : "no");
	return 0;
}
