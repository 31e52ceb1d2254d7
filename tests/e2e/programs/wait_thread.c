/*
 * wait_thread.c: a thread waits for a child process while the main thread
 * feeds it, for e2e.wait_thread.
 *
 * The child counts the bytes it reads from a pipe until end of file; the
 * waiter thread is in waitpid() before the main thread has written them
 * (the main thread waits on a semaphore the waiter posts right before
 * waiting).  The child can end only once the main thread writes and closes
 * the pipe, so the waitpid must not keep the main thread from running
 * (asyncio's child watcher thread and a loop feeding the child's stdin are
 * this program).
 */
#include <assert.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;
static sem_t waiting;
static int status;

static void *waiter(void *arg)
{
	(void)arg;
	assert(sem_post(&waiting) == 0);
	assert(waitpid(child, &status, 0) == child);
	return NULL;
}

static void count_input(int fd)
{
	char buf[256];
	long total = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	printf("child read %ld bytes\n", total);
	fflush(stdout);
	_exit(total == 3000 ? 7 : 1);
}

int main(void)
{
	int pipe_fds[2];
	assert(pipe(pipe_fds) == 0);
	assert(sem_init(&waiting, 0, 0) == 0);
	fflush(stdout);
	child = fork();
	assert(child >= 0);
	if (child == 0) {
		close(pipe_fds[1]);
		count_input(pipe_fds[0]);
	}
	close(pipe_fds[0]);
	pthread_t t;
	assert(pthread_create(&t, NULL, waiter, NULL) == 0);
	assert(sem_wait(&waiting) == 0);
	char block[100];
	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (char)('a' + i % 26);
	for (int i = 0; i < 30; i++)
		assert(write(pipe_fds[1], block, sizeof(block)) == (ssize_t)sizeof(block));
	close(pipe_fds[1]);
	assert(pthread_join(t, NULL) == 0);
	printf("waiter saw exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
