/*
 * sig_pending.c: sigpending() of signals a program sent itself while
 * blocking them, for e2e.sig_pending.
 *
 * deja holds a signal a program sends itself until a scheduling point of
 * the thread it is for, so the kernel never has it pending; sigpending()
 * must show it all the same, and no longer once sigwait() took it.
 */
#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static int pending(int sig)
{
	sigset_t set;
	assert(sigpending(&set) == 0);
	return sigismember(&set, sig);
}

int main(void)
{
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	assert(pthread_sigmask(SIG_BLOCK, &block, NULL) == 0);
	printf("before: %d %d\n", pending(SIGUSR1), pending(SIGUSR2));
	assert(kill(getpid(), SIGUSR1) == 0);
	assert(pthread_kill(pthread_self(), SIGUSR2) == 0);
	printf("sent: %d %d\n", pending(SIGUSR1), pending(SIGUSR2));
	int sig;
	assert(sigwait(&block, &sig) == 0);
	printf("took %d, left: %d %d\n", sig, pending(SIGUSR1), pending(SIGUSR2));
	assert(sigwait(&block, &sig) == 0);
	printf("took %d, left: %d %d\n", sig, pending(SIGUSR1), pending(SIGUSR2));
	return 0;
}
