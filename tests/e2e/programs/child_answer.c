/*
 * child_answer.c: a thread reads a child's answer from a pipe while the
 * main thread waits for it with a timeout (child_answer.sh).
 *
 * The child answers after 0.2 s and lives on for 3 s; the main thread
 * waits at most 2 s on a condition variable for the reader thread to
 * pass the answer on, as multiprocessing's Pool does with
 * apply_async().get(timeout=...).
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t answered = PTHREAD_COND_INITIALIZER;
static char answer;
static int fds[2];

static void *reader(void *arg)
{
	(void)arg;
	char c = 0;
	read(fds[0], &c, 1);
	pthread_mutex_lock(&lock);
	answer = c;
	pthread_cond_signal(&answered);
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(void)
{
	pipe(fds);
	pid_t child = fork();
	if (child == 0) {
		struct timespec answer_after = { 0, 200000000 }, live_on = { 3, 0 };
		nanosleep(&answer_after, NULL);
		write(fds[1], "y", 1);
		nanosleep(&live_on, NULL);
		_exit(0);
	}
	pthread_t t;
	pthread_create(&t, NULL, reader, NULL);
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 2;
	pthread_mutex_lock(&lock);
	while (!answer && pthread_cond_timedwait(&answered, &lock, &deadline) == 0)
		;
	printf("%s\n", answer ? "the child answered in time" : "timed out waiting for the child");
	pthread_mutex_unlock(&lock);
	if (!answer)
		write(fds[1], "n", 1); /* let the reader end */
	pthread_join(t, NULL);
	waitpid(child, NULL, 0);
	return 0;
}
