/*
 * child_signal_wait.c: a parent waits in sigsuspend() for its child's
 * SIGCHLD, with an alarm as its timeout (child_signal_wait.sh).
 *
 * This is how coreutils' `timeout` waits: a SIGCHLD handler, a timer,
 * then sigsuspend() until one of the two signals comes.  The child sleeps
 * 0.2 s, well inside the 5 s alarm, and exits 3.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t child_ended, alarm_rang;

static void on_child(int sig)
{
	(void)sig;
	child_ended = 1;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarm_rang = 1;
}

int main(void)
{
	sigset_t both, old;
	sigemptyset(&both);
	sigaddset(&both, SIGCHLD);
	sigaddset(&both, SIGALRM);
	sigprocmask(SIG_BLOCK, &both, &old);
	signal(SIGCHLD, on_child);
	signal(SIGALRM, on_alarm);
	pid_t child = fork();
	if (child == 0) {
		struct timespec ts = { 0, 200000000 };
		nanosleep(&ts, NULL);
		_exit(3);
	}
	alarm(5);
	while (!child_ended && !alarm_rang)
		sigsuspend(&old);
	int status = 0;
	waitpid(child, &status, 0);
	printf("%s; child exit %d\n", alarm_rang ? "the alarm rang first" : "the child ended first",
	       WEXITSTATUS(status));
	return alarm_rang;
}
