/*
 * parallel_writes.c: a thread blocked writing into a full pipe, while
 * the main thread
 *
 *   sleep    sleeps 2 ms, then reads the pipe dry: the write ends.
 *   eintr    sends it SIGUSR1 (pthread_kill), whose handler lacks
 *            SA_RESTART: the write fails with EINTR.
 *   restart  the same with SA_RESTART: the handler runs and the write
 *            goes on, and ends once main has read the pipe dry.
 *   cancel   cancels it (and reads nothing): it ends cancelled, its
 *            cleanup handler run.
 *
 * Prints what the writer saw.
 */
#include <errno.h>
#include <fcntl.h>
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

static void cleanup(void *arg)
{
	(void)arg;
	printf("cancelled, cleanup ran\n");
}

/* Fill the pipe without waiting, then wait to write one byte more. */
static void *writer(void *arg)
{
	static char block[4096];
	pthread_cleanup_push(cleanup, arg);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	while (write(fds[1], block, sizeof(block)) > 0)
		;
	fcntl(fds[1], F_SETFL, 0);
	long r = write(fds[1], "x", 1);
	int e = errno;
	printf("write: %ld%s%s, handler %s\n", r, r < 0 ? " " : "", r < 0 ? strerror(e) : "",
	       handled ? "ran" : "did not run");
	pthread_cleanup_pop(0);
	return NULL;
}

static void drain(void)
{
	char buf[4096];
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	for (int idle = 0; idle < 200; idle++) {
		while (read(fds[0], buf, sizeof(buf)) > 0)
			idle = 0;
		usleep(1000);
	}
}

int main(int argc, char **argv)
{
	mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "sleep") && strcmp(mode, "eintr") && strcmp(mode, "restart") &&
	    strcmp(mode, "cancel")) {
		fprintf(stderr, "usage: parallel_writes sleep|eintr|restart|cancel\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = strcmp(mode, "restart") ? 0 : SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	if (pipe(fds) != 0)
		return 1;
	pthread_t t;
	pthread_create(&t, NULL, writer, NULL);
	usleep(20000); /* it waits by now */
	if (!strcmp(mode, "eintr") || !strcmp(mode, "restart"))
		pthread_kill(t, SIGUSR1);
	else if (!strcmp(mode, "cancel"))
		pthread_cancel(t);
	if (!strcmp(mode, "sleep") || !strcmp(mode, "restart"))
		drain();
	void *ret;
	pthread_join(t, &ret);
	if (ret == PTHREAD_CANCELED)
		printf("writer cancelled\n");
	return 0;
}
