/*
 * file_locks.c: threads and processes that take file locks on one file,
 * each write two lines under the lock with a sleep between.
 *
 *   file_locks PATH          flock between threads (each its own open),
 *                            F_OFD_SETLKW between threads, lockf between
 *                            a parent and its child; prints whether every
 *                            pair of lines stayed together
 *   file_locks PATH wait     one flock(LOCK_EX) on PATH, which someone
 *                            else may hold
 *
 * Natively the second locker waits in the kernel until the first unlocks.
 */
#include <assert.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *path;

static void two_lines(int fd, const char *who, long k, int round)
{
	char b[80];
	int n = snprintf(b, sizeof(b), "%s %ld round %d\n", who, k, round);
	assert(write(fd, b, n) == n);
	usleep(1000); /* the other lockers run meanwhile, and must wait */
	assert(write(fd, b, n) == n);
}

static void *flocker(void *arg)
{
	for (int round = 0; round < 3; round++) {
		int fd = open(path, O_WRONLY | O_APPEND);
		assert(fd >= 0);
		assert(flock(fd, LOCK_EX) == 0);
		two_lines(fd, "flock", (long)arg, round);
		assert(flock(fd, LOCK_UN) == 0);
		close(fd);
	}
	return NULL;
}

static void *ofd_locker(void *arg)
{
	for (int round = 0; round < 2; round++) {
		int fd = open(path, O_WRONLY | O_APPEND);
		assert(fd >= 0);
		struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		assert(fcntl(fd, F_OFD_SETLKW, &l) == 0);
		two_lines(fd, "ofd", (long)arg, round);
		l.l_type = F_UNLCK;
		assert(fcntl(fd, F_OFD_SETLK, &l) == 0);
		close(fd);
	}
	return NULL;
}

static void run_threads(void *(*fn)(void *), int n)
{
	pthread_t t[4];
	for (long i = 0; i < n; i++)
		assert(pthread_create(&t[i], NULL, fn, (void *)i) == 0);
	for (int i = 0; i < n; i++)
		assert(pthread_join(t[i], NULL) == 0);
}

/* lockf (fcntl F_SETLKW) between processes: the child asks while the
 * parent holds it. */
static void processes(void)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	assert(fd >= 0 && lockf(fd, F_LOCK, 0) == 0);
	pid_t pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		int cfd = open(path, O_WRONLY | O_APPEND);
		assert(cfd >= 0 && lockf(cfd, F_LOCK, 0) == 0);
		two_lines(cfd, "child", 0, 0);
		/* lockf locks from the offset on, which the writes moved */
		_exit(lseek(cfd, 0, SEEK_SET) == 0 && lockf(cfd, F_ULOCK, 0) == 0 ? 0 : 1);
	}
	two_lines(fd, "parent", 0, 0);
	assert(lseek(fd, 0, SEEK_SET) == 0 && lockf(fd, F_ULOCK, 0) == 0);
	int status;
	assert(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd);
}

int main(int argc, char **argv)
{
	assert(argc >= 2);
	path = argv[1];
	if (argc == 3 && strcmp(argv[2], "wait") == 0) {
		int fd = open(path, O_RDONLY);
		assert(fd >= 0);
		printf("flock: %d\n", flock(fd, LOCK_EX));
		return 0;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert(fd >= 0);
	close(fd);
	run_threads(flocker, 3);
	run_threads(ofd_locker, 2);
	processes();

	FILE *f = fopen(path, "r");
	assert(f);
	char a[80], b[80];
	int pairs = 0, split = 0;
	while (fgets(a, sizeof(a), f)) {
		if (!fgets(b, sizeof(b), f) || strcmp(a, b) != 0)
			split++;
		else
			pairs++;
	}
	fclose(f);
	printf("%d pairs of lines, %d split\n", pairs, split);
	return split == 0 ? 0 : 1;
}
