/*
 * kill_new_thread.c: pthread_kill() of a thread at once after
 * pthread_create(), before the new thread has run, for
 * kill_new_thread.sh.  Twenty times: a thread sleeps in a loop until its
 * handler has run; main signals it, then joins it.  The handler notes
 * which thread it ran in.  Prints how many signals the thread they were
 * sent to handled (natively all of them).
 */
#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ROUNDS 20

static volatile sig_atomic_t handled;
static pthread_t handled_in;

static void on_usr1(int sig)
{
	(void)sig;
	handled_in = pthread_self();
	handled = 1;
}

static void *wait_for_signal(void *arg)
{
	while (!handled)
		usleep(1000);
	return arg;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	assert(sigaction(SIGUSR1, &sa, NULL) == 0);
	int right = 0;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_t t;
		handled = 0;
		assert(pthread_create(&t, NULL, wait_for_signal, NULL) == 0);
		assert(pthread_kill(t, SIGUSR1) == 0);
		assert(pthread_join(t, NULL) == 0);
		right += pthread_equal(handled_in, t) != 0;
	}
	printf("%d of %d signals handled by the thread they were sent to\n", right, ROUNDS);
	return 0;
}
