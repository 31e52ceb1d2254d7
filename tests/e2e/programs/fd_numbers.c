/*
 * fd_numbers.c: threads that make and close descriptors at once, for
 * parallel_fds.sh.  Four threads, 300 rounds each: one opens /dev/null,
 * one makes a pipe, one an eventfd and a socketpair, one dups stdin; each
 * closes what it made and adds the numbers it got to a sum of its own.
 * The kernel gives each call the lowest free number, so the sums depend
 * on how the threads' calls interleave; each thread prints its sum.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define ROUNDS 300

static long sums[4];

static void *opens(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		sums[0] += fd;
		close(fd);
	}
	return NULL;
}

static void *pipes(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		int p[2];
		if (pipe2(p, O_CLOEXEC) == 0) {
			sums[1] += p[0] * 3 + p[1];
			close(p[0]);
			close(p[1]);
		}
	}
	return NULL;
}

static void *events(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		int e = eventfd(0, EFD_CLOEXEC), s[2] = { -1, -1 };
		socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s);
		sums[2] += e * 5 + s[0] * 3 + s[1];
		close(e);
		close(s[0]);
		close(s[1]);
	}
	return NULL;
}

static void *dups(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		int fd = dup(0);
		int high = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		sums[3] += fd * 3 + high;
		close(high);
		close(fd);
	}
	return NULL;
}

int main(void)
{
	void *(*bodies[4])(void *) = { opens, pipes, events, dups };
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, bodies[i], NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++)
		printf("thread %d: sum of descriptors %ld\n", i, sums[i]);
	return 0;
}
