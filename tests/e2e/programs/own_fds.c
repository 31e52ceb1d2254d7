/*
 * own_fds.c: a program that puts its stderr on every descriptor number
 * from 3 to 1023 (dup2), as a daemon clearing its table might, then closes
 * them, forks a child that runs a thread and writes through a pipe, and
 * execs a shell command.  deja keeps descriptors of its own at high
 * numbers: the program must be able to take any number, and deja must go
 * on following it (the fork and the exec still reported and replayed).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void *worker(void *arg)
{
	int fd = (int)(long)arg;
	(void)!write(fd, "from the child's thread\n", 24);
	return NULL;
}

int main(void)
{
	int taken = 0;
	for (int fd = 3; fd < 1024; fd++)
		if (dup2(2, fd) == fd)
			taken++;
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	printf("took %d descriptors\n", taken);
	fflush(stdout);
	int p[2];
	if (pipe(p) != 0)
		return 1;
	pid_t child = fork();
	if (child == 0) {
		pthread_t t;
		pthread_create(&t, NULL, worker, (void *)(long)p[1]);
		pthread_join(t, NULL);
		_exit(0);
	}
	close(p[1]);
	char buf[64];
	ssize_t n = read(p[0], buf, sizeof(buf));
	int status;
	waitpid(child, &status, 0);
	printf("child said: %.*s", (int)(n > 0 ? n : 0), buf);
	fflush(stdout);
	execl("/bin/sh", "sh", "-c", "echo exec went on", (char *)NULL);
	return 1;
}
