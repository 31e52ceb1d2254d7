/*
 * pass_fds.c: a descriptor passed between threads over a Unix socket
 * (SCM_RIGHTS), for e2e.datagrams.
 *
 * The receiving thread reads the passed pipe, opens a file after it and
 * closes both; it prints the numbers and what each call gave, which a
 * replay must repeat: the passed number must exist in the replay as it
 * did when recorded (Python's multiprocessing forkserver lives on this).
 */
#include <assert.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int pair[2];

static void *receiver(void *arg)
{
	(void)arg;
	char byte;
	union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int))]; } control;
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			    .msg_controllen = sizeof(control.buf) };
	assert(recvmsg(pair[1], &m, MSG_CMSG_CLOEXEC) == 1);
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	assert(c && c->cmsg_type == SCM_RIGHTS);
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	char text[32] = "";
	ssize_t n = read(fd, text, sizeof(text) - 1);
	int other = open("/dev/null", O_RDONLY);
	printf("received descriptor %d, read %zd: %s; then opened %d\n", fd, n, text, other);
	printf("close: %d %d\n", close(fd), close(other));
	return NULL;
}

int main(void)
{
	int pipe_fds[2];
	assert(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
	assert(pipe(pipe_fds) == 0);
	assert(write(pipe_fds[1], "through the pipe", 16) == 16);
	pthread_t t;
	assert(pthread_create(&t, NULL, receiver, NULL) == 0);
	union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int))]; } control;
	memset(&control, 0, sizeof(control));
	struct iovec iov = { "x", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			    .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &pipe_fds[0], sizeof(int));
	assert(sendmsg(pair[0], &m, 0) == 1);
	close(pipe_fds[0]); /* the receiver's copy is its own */
	assert(pthread_join(t, NULL) == 0);
	return 0;
}
