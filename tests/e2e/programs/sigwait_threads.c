/*
 * sigwait_threads.c: threads that take blocked signals with sigwait()
 * and with a polling sigtimedwait() (sigwait_pending.sh).
 *
 * The main thread blocks SIGUSR1 and SIGUSR2 and starts two threads: one
 * waits for SIGUSR2 in sigwait(), the other polls for SIGUSR1 with a zero
 * timeout between yields.  The main thread then sends its process both
 * signals, so whether each finds its signal already pending depends on
 * the schedule.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static sigset_t usr1, usr2;

static void *waiter(void *arg)
{
	(void)arg;
	int sig = 0;
	sigwait(&usr2, &sig);
	return (void *)(long)sig;
}

static void *poller(void *arg)
{
	(void)arg;
	struct timespec zero = { 0, 0 };
	siginfo_t info;
	int sig, polls = 0;
	while ((sig = sigtimedwait(&usr1, &info, &zero)) < 0) {
		polls++;
		sched_yield();
	}
	return (void *)(long)(polls > 0 ? sig : -sig);
}

int main(void)
{
	sigset_t both;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &both, NULL);
	pthread_t w, p;
	pthread_create(&w, NULL, waiter, NULL);
	pthread_create(&p, NULL, poller, NULL);
	kill(getpid(), SIGUSR2);
	kill(getpid(), SIGUSR1);
	void *ws, *ps;
	pthread_join(w, &ws);
	pthread_join(p, &ps);
	long polled = (long)ps;
	printf("sigwait took %ld, sigtimedwait took %ld\n", (long)ws, polled < 0 ? -polled : polled);
	return 0;
}
