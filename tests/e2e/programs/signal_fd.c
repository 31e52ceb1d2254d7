/*
 * signal_fd.c: a program that blocks SIGUSR1 and SIGUSR2 and reads them
 * through a signalfd it polls with epoll, beside an eventfd a second
 * thread posts to: it sends itself SIGUSR1 with kill() and SIGUSR2 with
 * pthread_kill() and prints what it read, in order.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

static int efd;

static void *poster(void *arg)
{
	for (int i = 0; i < 3; i++) {
		usleep(1000);
		uint64_t one = 1;
		if (write(efd, &one, sizeof(one)) != sizeof(one))
			perror("write");
	}
	return arg;
}

int main(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* the poster inherits it */
	int sfd = signalfd(-1, &set, 0);
	efd = eventfd(0, 0);
	int ep = epoll_create1(0);
	struct epoll_event e1 = { .events = EPOLLIN, .data.u32 = 1 };
	struct epoll_event e2 = { .events = EPOLLIN, .data.u32 = 2 };
	if (sfd < 0 || efd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &e1) != 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &e2) != 0)
		return 2;
	pthread_t t;
	pthread_create(&t, NULL, poster, NULL);
	kill(getpid(), SIGUSR1);
	pthread_kill(pthread_self(), SIGUSR2);
	int signals = 0;
	uint64_t posts = 0;
	while (signals < 2 || posts < 3) {
		struct epoll_event ev;
		int n = epoll_wait(ep, &ev, 1, 2000);
		if (n <= 0) {
			printf("epoll_wait gave %d with %d signals and %llu posts read\n", n, signals,
			       (unsigned long long)posts);
			return 1;
		}
		if (ev.data.u32 == 1) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				printf("signal %u\n", si.ssi_signo);
				signals++;
			}
		} else {
			uint64_t v;
			if (read(efd, &v, sizeof(v)) == sizeof(v))
				posts += v;
		}
	}
	pthread_join(t, NULL);
	printf("%d signals, %llu posts\n", signals, (unsigned long long)posts);
	return 0;
}
