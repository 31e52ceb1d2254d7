/*
 * closed_waits.c: a worker waits for a wake-up only the program itself
 * can give, through a descriptor it made; thread 0 joins the worker.  By
 * argv[1]:
 *   eventfd     the worker waits in epoll_wait on an eventfd, which
 *               nobody writes (natively a hang);
 *   socketpair  the worker reads one end of a socketpair, whose other
 *               end nobody writes (natively a hang);
 *   pipe        the worker reads a pipe whose write end the program
 *               keeps and nobody writes (natively a hang);
 *   written     as eventfd, but thread 0 writes the eventfd after a
 *               sleep: the worker wakes and the program ends;
 *   handler     as eventfd, with a SIGUSR1 handler that would write it
 *               (natively a hang until a SIGUSR1 comes);
 *   forked      as eventfd, after a fork whose child ends at once (the
 *               child held a copy of the eventfd; natively a hang).
 */
#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *mode;
static int wake_fd, pair[2], pipe_fds[2];

static void *worker(void *arg)
{
	(void)arg;
	if (strcmp(mode, "socketpair") == 0 || strcmp(mode, "pipe") == 0) {
		char c;
		ssize_t n = read(mode[0] == 's' ? pair[0] : pipe_fds[0], &c, 1);
		printf("read %zd\n", n);
		return NULL;
	}
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = wake_fd };
	assert(epoll_ctl(ep, EPOLL_CTL_ADD, wake_fd, &ev) == 0);
	int n = epoll_wait(ep, &ev, 1, -1);
	printf("woken %d\n", n);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
	uint64_t one = 1;
	ssize_t n = write(wake_fd, &one, sizeof(one));
	(void)n;
}

int main(int argc, char **argv)
{
	assert(argc == 2);
	mode = argv[1];
	wake_fd = eventfd(0, 0);
	assert(wake_fd >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
	assert(pipe(pipe_fds) == 0);
	if (strcmp(mode, "handler") == 0)
		signal(SIGUSR1, on_usr1);
	if (strcmp(mode, "forked") == 0) {
		pid_t child = fork();
		assert(child >= 0);
		if (child == 0)
			_exit(0);
		waitpid(child, NULL, 0);
	}
	printf("waiting (%s)\n", mode);
	fflush(stdout);
	pthread_t t;
	assert(pthread_create(&t, NULL, worker, NULL) == 0);
	if (strcmp(mode, "written") == 0) {
		usleep(100000);
		uint64_t one = 1;
		assert(write(wake_fd, &one, sizeof(one)) == sizeof(one));
	}
	pthread_join(t, NULL);
	return 0;
}
