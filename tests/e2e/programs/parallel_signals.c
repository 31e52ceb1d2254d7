/*
 * parallel_signals.c: a thread blocked in the kernel for input gets a
 * signal from another thread (pthread_kill) while it waits.
 *
 *   eintr    read() of a pipe; the handler lacks SA_RESTART: read fails
 *            with EINTR.
 *   restart  the same with SA_RESTART: the handler runs and read goes on,
 *            getting the byte the main thread writes after the signal.
 *   poll     poll() with no timeout: fails with EINTR (poll is never
 *            restarted).
 *   timed    poll() with a 20 s timeout: fails with EINTR at once, not
 *            when the timeout ends.
 *   select   select() with a 300 ms timeout and no signal: times out,
 *            with nothing left of the timeout.
 *   ready    select() with a 5 s timeout, the pipe written to after
 *            100 ms: 1 ready, and prints the time left, which differs
 *            from run to run (the other modes print the same in every
 *            run).
 *
 * Prints what the reader saw.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

static int fds[2];
static volatile sig_atomic_t handled;
static const char *mode = "";

static void on_usr1(int sig)
{
	(void)sig;
	handled = 1;
}

static void *reader(void *arg)
{
	(void)arg;
	char c = 0;
	long r;
	if (!strcmp(mode, "poll") || !strcmp(mode, "timed")) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		r = poll(&p, 1, strcmp(mode, "poll") ? 20000 : -1);
	} else if (!strcmp(mode, "select") || !strcmp(mode, "ready")) {
		fd_set in;
		FD_ZERO(&in);
		FD_SET(fds[0], &in);
		struct timeval tv = { strcmp(mode, "ready") ? 0 : 5, strcmp(mode, "ready") ? 300000 : 0 };
		r = select(fds[0] + 1, &in, NULL, NULL, &tv);
		printf("select: %ld, %ld.%06ld s left\n", r, (long)tv.tv_sec, (long)tv.tv_usec);
		return NULL;
	} else {
		r = read(fds[0], &c, 1);
	}
	int e = errno;
	printf("%s: %ld %s, handler %s\n", mode, r, r < 0 ? strerror(e) : (c ? "got x" : ""),
	       handled ? "ran" : "did not run");
	return NULL;
}

int main(int argc, char **argv)
{
	mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "eintr") && strcmp(mode, "restart") && strcmp(mode, "poll") &&
	    strcmp(mode, "timed") && strcmp(mode, "select") && strcmp(mode, "ready")) {
		fprintf(stderr, "usage: parallel_signals eintr|restart|poll|timed|select|ready\n");
		return 2;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = strcmp(mode, "restart") ? 0 : SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	if (pipe(fds) != 0)
		return 1;
	pthread_t t;
	pthread_create(&t, NULL, reader, NULL);
	usleep(100000); /* the reader is waiting by now */
	if (strcmp(mode, "select") && strcmp(mode, "ready"))
		pthread_kill(t, SIGUSR1);
	if (!strcmp(mode, "restart") || !strcmp(mode, "ready")) {
		usleep(100000);
		if (write(fds[1], "x", 1) != 1)
			return 1;
	}
	pthread_join(t, NULL);
	return 0;
}
