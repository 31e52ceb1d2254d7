/*
 * pipe_writes.c: writes bigger than a pipe or a socket buffer holds, to a
 * reader that is another thread of the same process.
 *
 * Natively the writer waits in the kernel while the reader drains; the
 * writes return the whole count (a writev of 200 pieces too, and a sendmsg
 * that passes a descriptor with its first byte).  A write to a full pipe
 * that a signal interrupts before any byte goes on after a handler with
 * SA_RESTART, as the kernel restarts it.  Last, a reader that
 * stops early and closes its end: the write returns what went through
 * (SIGPIPE ignored).
 */
#include <assert.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define BIG (1 << 20)

static int rd; /* the descriptor the reader thread reads */
static long stop_after; /* 0: read to the end */

static void *reader(void *arg)
{
	static char buf[5000]; /* not a divisor of anything the writers write */
	uint64_t sum = 0, total = 0;
	ssize_t n;
	while ((n = read(rd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + (unsigned char)buf[i];
		total += (uint64_t)n;
		if (stop_after && total >= (uint64_t)stop_after)
			break;
	}
	close(rd);
	if (!stop_after) /* else how much it got before it stopped varies */
		printf("reader %s: %llu bytes, sum %016llx\n", (const char *)arg,
		       (unsigned long long)total, (unsigned long long)sum);
	return NULL;
}

/* Reads a socket with recvmsg, taking the descriptor that comes with
 * the first byte, and prints what that descriptor reads. */
static void *fd_reader(void *arg)
{
	static char buf[5000];
	union {
		struct cmsghdr align;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	uint64_t sum = 0, total = 0;
	int passed = -1;
	for (;;) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
				    .msg_controllen = sizeof(control) };
		ssize_t n = recvmsg(rd, &m, 0);
		if (n <= 0)
			break;
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		if (c && c->cmsg_type == SCM_RIGHTS) {
			printf("descriptor passed at byte %llu\n", (unsigned long long)total);
			memcpy(&passed, CMSG_DATA(c), sizeof(passed));
		}
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + (unsigned char)buf[i];
		total += (uint64_t)n;
	}
	char word[16] = "";
	if (passed >= 0 && read(passed, word, sizeof(word) - 1) < 0)
		strcpy(word, "(unreadable)");
	printf("reader %s: %llu bytes, sum %016llx; the passed descriptor reads '%s'\n",
	       (const char *)arg, (unsigned long long)total, (unsigned long long)sum, word);
	return NULL;
}

static pthread_t writer;
static volatile sig_atomic_t handled;
static sem_t handler_ran;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
	sem_post(&handler_ran);
}

/* Signals the writer (waiting on a full pipe, or about to), and once its
 * handler has run (so that no byte went before it), drains. */
static void *signal_then_read(void *arg)
{
	assert(pthread_kill(writer, SIGUSR1) == 0);
	while (sem_wait(&handler_ran) != 0)
		;
	return reader(arg);
}

/* Fills the pipe's write end until it takes no more. */
static void fill(int fd)
{
	static char junk[4096];
	int flags = fcntl(fd, F_GETFL);
	assert(fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0);
	while (write(fd, junk, sizeof(junk)) > 0)
		;
	assert(fcntl(fd, F_SETFL, flags) == 0);
}

static char *pattern(void)
{
	char *b = malloc(BIG);
	assert(b);
	for (int i = 0; i < BIG; i++)
		b[i] = (char)(i * 7 + i / 251);
	return b;
}

int main(void)
{
	char *big = pattern();
	pthread_t t;
	int p[2];

	assert(pipe(p) == 0);
	rd = p[0];
	assert(pthread_create(&t, NULL, reader, "pipe") == 0);
	printf("write to the pipe: %zd\n", write(p[1], big, BIG));
	close(p[1]);
	assert(pthread_join(t, NULL) == 0);

	int s[2];
	assert(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	rd = s[0];
	assert(pthread_create(&t, NULL, reader, "socket") == 0);
	printf("send to the socket: %zd\n", send(s[1], big, BIG, 0));
	printf("write to the socket: %zd\n", write(s[1], big, 1000));
	close(s[1]);
	assert(pthread_join(t, NULL) == 0);

	/* writev: three pieces, the middle one empty, out of order. */
	struct iovec iov[3] = { { big + BIG / 2, BIG / 2 }, { big, 0 }, { big, BIG / 2 } };
	assert(pipe(p) == 0);
	rd = p[0];
	assert(pthread_create(&t, NULL, reader, "pipe, writev") == 0);
	printf("writev to the pipe: %zd\n", writev(p[1], iov, 3));
	close(p[1]);
	assert(pthread_join(t, NULL) == 0);
	assert(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	rd = s[0];
	assert(pthread_create(&t, NULL, reader, "socket, writev") == 0);
	printf("writev to the socket: %zd\n", writev(s[1], iov, 3));
	close(s[1]);
	assert(pthread_join(t, NULL) == 0);

	/* writev of 200 pieces (more than deja writes at once), 5 KiB each. */
	static struct iovec many[200];
	for (int i = 0; i < 200; i++)
		many[i] = (struct iovec){ big + (i * 4099) % (BIG - 5120), 5120 };
	assert(pipe(p) == 0);
	rd = p[0];
	assert(pthread_create(&t, NULL, reader, "pipe, writev of 200") == 0);
	printf("writev of 200 pieces to the pipe: %zd\n", writev(p[1], many, 200));
	close(p[1]);
	assert(pthread_join(t, NULL) == 0);

	/* sendmsg of 200 pieces passing a pipe's read end, which holds a word. */
	int word[2];
	assert(pipe(word) == 0 && write(word[1], "hello", 5) == 5);
	union {
		struct cmsghdr align;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr m = { .msg_iov = many, .msg_iovlen = 200, .msg_control = &control,
			    .msg_controllen = sizeof(control) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &word[0], sizeof(int));
	assert(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	rd = s[0];
	assert(pthread_create(&t, NULL, fd_reader, "socket, sendmsg of 200") == 0);
	printf("sendmsg of 200 pieces to the socket: %zd\n", sendmsg(s[1], &m, 0));
	close(s[1]);
	assert(pthread_join(t, NULL) == 0);

	/* A write to a full pipe, interrupted by a handler with SA_RESTART. */
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	assert(sigaction(SIGUSR1, &sa, NULL) == 0);
	assert(pipe(p) == 0);
	fill(p[1]);
	rd = p[0];
	writer = pthread_self();
	/* Before the thread that signals: a handler that ran before this
	 * would have its post wiped out, and the thread wait for ever. */
	assert(sem_init(&handler_ran, 0, 0) == 0);
	assert(pthread_create(&t, NULL, signal_then_read, "full pipe, SA_RESTART") == 0);
	ssize_t restarted = write(p[1], big, 100000);
	printf("write to a full pipe under SA_RESTART: %zd, handler ran %d time(s)\n", restarted,
	       (int)handled);
	close(p[1]);
	assert(pthread_join(t, NULL) == 0);

	signal(SIGPIPE, SIG_IGN);
	assert(pipe(p) == 0);
	rd = p[0];
	stop_after = 200000;
	assert(pthread_create(&t, NULL, reader, "stopping early") == 0);
	ssize_t w = write(p[1], big, BIG);
	assert(pthread_join(t, NULL) == 0);
	printf("write to a pipe closed early: %s\n",
	       w > 0 && w < BIG ? "short" : w == BIG ? "whole" : "failed");
	return 0;
}
