/*
 * hang_waits.c: a program that hangs, every thread waiting for what only
 * the world could give.  Thread 0 joins a worker that, by argv[1]:
 *   read   reads its stdin, which the caller makes a pipe another
 *          program holds open and never writes;
 *   pause  waits in pause() for a signal nobody sends;
 *   child  waits in waitpid() for a child that itself waits in pause().
 * Natively it never ends.  deja hang_waits.sh ends it from outside (a
 * wall-clock --timeout, or SIGINT to deja) and reads back what each
 * thread waited for.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *mode;

static void *worker(void *arg)
{
	(void)arg;
	if (strcmp(mode, "read") == 0) {
		char c;
		ssize_t n = read(0, &c, 1);
		printf("read gave %zd\n", n);
	} else if (strcmp(mode, "pause") == 0) {
		pause();
	} else {
		pid_t child = fork();
		assert(child >= 0);
		if (child == 0) {
			pause();
			_exit(0);
		}
		int status;
		waitpid(child, &status, 0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	assert(argc == 2);
	mode = argv[1];
	printf("waiting (%s)\n", mode);
	fflush(stdout);
	pthread_t t;
	assert(pthread_create(&t, NULL, worker, NULL) == 0);
	pthread_join(t, NULL);
	return 0;
}
