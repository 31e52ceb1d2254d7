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
 *
 * Prints what the reader saw, the same in every run.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
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
	if (!strcmp(mode, "poll")) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		r = poll(&p, 1, -1);
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
	if (strcmp(mode, "eintr") && strcmp(mode, "restart") && strcmp(mode, "poll")) {
		fprintf(stderr, "usage: parallel_signals eintr|restart|poll\n");
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
	pthread_kill(t, SIGUSR1);
	if (!strcmp(mode, "restart")) {
		usleep(100000);
		if (write(fds[1], "x", 1) != 1)
			return 1;
	}
	pthread_join(t, NULL);
	return 0;
}
