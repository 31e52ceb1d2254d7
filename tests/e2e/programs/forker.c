/*
 * forker.c: a parent that forks children which each run threads taking a
 * lock, read the clock, randomness and their pid, and report through a
 * pipe; one child prints directly; the parent prints what each child said,
 * the pids fork() and waitpid() gave, and each child's exit status.
 * With an argument "crash", the second child dies of SIGSEGV and the third
 * of abort(); with
 * FORKER_CHILD_LOCKS set, the second child takes one lock more (a replay
 * in that environment diverges in that child).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static char order[64];
static int norder;

static void *worker(void *arg)
{
	for (int i = 0; i < 3; i++) {
		pthread_mutex_lock(&lock);
		counter += (long)arg;
		order[norder++] = (char)('a' + (long)arg);
		pthread_mutex_unlock(&lock);
		sched_yield();
	}
	return NULL;
}

static void child(int n, int fd, int crash)
{
	pthread_t t[3];
	for (long i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, worker, (void *)(i + 1));
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	if (n == 1 && getenv("FORKER_CHILD_LOCKS")) {
		pthread_mutex_lock(&lock);
		pthread_mutex_unlock(&lock);
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	unsigned r;
	getrandom(&r, sizeof(r), 0);
	char line[256];
	int len = snprintf(line, sizeof(line), "child %d: pid %d ppid %d counter %ld order %s time %ld.%09ld random %u\n",
			   n, (int)getpid(), (int)getppid(), counter, order, (long)ts.tv_sec, ts.tv_nsec, r);
	if (write(fd, line, (size_t)len) != len)
		_exit(99);
	if (crash && n == 1)
		*(volatile int *)0 = 1;
	if (crash && n == 2)
		abort();
	_exit(10 + n);
}

int main(int argc, char **argv)
{
	int crash = argc > 1 && strcmp(argv[1], "crash") == 0;
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("parent pid %d\n", (int)getpid());
	int pipes[3][2];
	pid_t pids[3];
	for (int n = 0; n < 3; n++) {
		if (pipe(pipes[n]) != 0)
			return 1;
		pids[n] = fork();
		if (pids[n] == 0) {
			close(pipes[n][0]);
			child(n, pipes[n][1], crash);
		}
		close(pipes[n][1]);
	}
	for (int n = 0; n < 3; n++) {
		char buf[256];
		ssize_t got = read(pipes[n][0], buf, sizeof(buf) - 1);
		buf[got > 0 ? got : 0] = '\0';
		int status = 0;
		pid_t w = waitpid(pids[n], &status, 0);
		printf("%s", buf);
		if (WIFEXITED(status))
			printf("fork gave %d, waitpid gave %d, exit %d\n", (int)pids[n], (int)w, WEXITSTATUS(status));
		else
			printf("fork gave %d, waitpid gave %d, signal %d\n", (int)pids[n], (int)w, WTERMSIG(status));
	}
	/* A child that prints itself, waited for before the parent goes on. */
	pid_t p = fork();
	if (p == 0) {
		struct timespec ts = { 0, 5000000 };
		nanosleep(&ts, NULL);
		printf("direct child %d says hello\n", (int)getpid());
		exit(0);
	}
	int status;
	waitpid(p, &status, 0);
	printf("parent done, counter %ld\n", counter);
	return 0;
}
