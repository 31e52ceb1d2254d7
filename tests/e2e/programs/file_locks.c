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
 *   file_locks PATH close    a thread waits in flock for the main thread,
 *                            which lets its lock go by closing the file
 *   file_locks PATH cycle    deadlocks under every schedule: the main
 *                            thread holds a flock and waits for a mutex
 *                            whose holder waits for the flock
 *   file_locks PATH ranges   deadlocks under every schedule: two threads
 *                            each hold an OFD lock on one byte and wait
 *                            for the other's
 *
 * Natively the second locker waits in the kernel until the first unlocks.
 */
#include <assert.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
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

static int open_rw(void)
{
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	assert(fd >= 0);
	return fd;
}

static void *close_waiter(void *arg)
{
	(void)arg;
	int fd = open_rw();
	printf("waiter: flock %d\n", flock(fd, LOCK_EX));
	return NULL;
}

/* The main thread lets its lock go by closing its only descriptor. */
static int release_by_close(void)
{
	int fd = open_rw();
	assert(flock(fd, LOCK_EX) == 0);
	pthread_t t;
	assert(pthread_create(&t, NULL, close_waiter, NULL) == 0);
	usleep(1000);
	close(fd);
	assert(pthread_join(t, NULL) == 0);
	return 0;
}

static pthread_mutex_t held_mutex = PTHREAD_MUTEX_INITIALIZER;
static sem_t mutex_taken;

static void *mutex_then_flock(void *arg)
{
	(void)arg;
	int fd = open_rw();
	pthread_mutex_lock(&held_mutex);
	sem_post(&mutex_taken);
	flock(fd, LOCK_EX);
	return NULL;
}

static int flock_mutex_cycle(void)
{
	int fd = open_rw();
	sem_init(&mutex_taken, 0, 0);
	assert(flock(fd, LOCK_EX) == 0);
	pthread_t t;
	assert(pthread_create(&t, NULL, mutex_then_flock, NULL) == 0);
	sem_wait(&mutex_taken);
	pthread_mutex_lock(&held_mutex);
	puts("not reached");
	return 1;
}

static pthread_barrier_t both_hold;

static void lock_byte(int fd, long byte)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1 };
	assert(fcntl(fd, F_OFD_SETLKW, &l) == 0);
}

static void *byte_locker(void *arg)
{
	long first = (long)arg;
	int fd = open_rw();
	lock_byte(fd, first);
	pthread_barrier_wait(&both_hold);
	lock_byte(fd, 1 - first);
	return NULL;
}

static int range_cycle(void)
{
	pthread_barrier_init(&both_hold, NULL, 2);
	run_threads(byte_locker, 2);
	puts("not reached");
	return 1;
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
	if (argc == 3 && strcmp(argv[2], "close") == 0)
		return release_by_close();
	if (argc == 3 && strcmp(argv[2], "cycle") == 0)
		return flock_mutex_cycle();
	if (argc == 3 && strcmp(argv[2], "ranges") == 0)
		return range_cycle();
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
