/*
 * waitid_threads.c: waitid for a child that can end only after another
 * thread of its parent has written to it, then for a child that dies of
 * a signal (P_ALL), then with WNOHANG when none is left.  Prints what the
 * siginfo says.
 */
#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int p[2];

static void *feeder(void *arg)
{
	usleep(1000);
	assert(write(p[1], "go", 2) == 2);
	close(p[1]);
	return arg;
}

static void show(const char *what, int r, const siginfo_t *si, pid_t pid)
{
	printf("%s: %d, pid %s, code %s, status %d\n", what, r, si->si_pid == pid ? "right" : "wrong",
	       si->si_code == CLD_EXITED ? "exited" : si->si_code == CLD_KILLED ? "killed" : "other",
	       si->si_status);
}

int main(void)
{
	assert(pipe(p) == 0);
	pid_t pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		char b[2];
		close(p[1]);
		_exit(read(p[0], b, 2) == 2 ? 5 : 1);
	}
	close(p[0]);
	pthread_t t;
	assert(pthread_create(&t, NULL, feeder, NULL) == 0);
	siginfo_t si = { 0 };
	int r = waitid(P_PID, pid, &si, WEXITED);
	show("waitid for the fed child", r, &si, pid);
	assert(pthread_join(t, NULL) == 0);

	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		raise(SIGKILL);
		_exit(0);
	}
	r = waitid(P_ALL, 0, &si, WEXITED);
	show("waitid for the killed child", r, &si, pid);

	si.si_pid = 123;
	r = waitid(P_ALL, 0, &si, WEXITED | WNOHANG);
	printf("waitid with no child: %d\n", r);
	return 0;
}
