/*
 * glibc_threads.c: threads that glibc makes for itself, past
 * pthread_create: POSIX AIO's workers and the helper thread of SIGEV_THREAD
 * timers.  Four reads of the file named on the command line are queued
 * with aio_read at once, while the main thread takes a lock with a worker
 * of its own; it waits for them with aio_suspend and prints what each
 * read.  Then a 100 ms interval timer notifies by SIGEV_THREAD (glibc's
 * helper thread calls the function) until it has fired three times.
 */
#include <aio.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define READS 4

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int counter;

static void *bump(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static pthread_cond_t fired_cond = PTHREAD_COND_INITIALIZER;
static int fired;

static void on_timer(union sigval v)
{
	pthread_mutex_lock(&lock);
	fired += v.sival_int;
	pthread_cond_signal(&fired_cond);
	pthread_mutex_unlock(&lock);
}

static int timer_thrice(void)
{
	struct sigevent sev;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = on_timer;
	sev.sigev_value.sival_int = 1;
	timer_t t;
	if (timer_create(CLOCK_MONOTONIC, &sev, &t) != 0) {
		perror("timer_create");
		return 1;
	}
	struct itimerspec every = { { 0, 100000000 }, { 0, 100000000 } };
	timer_settime(t, 0, &every, NULL);
	pthread_mutex_lock(&lock);
	while (fired < 3)
		pthread_cond_wait(&fired_cond, &lock);
	pthread_mutex_unlock(&lock);
	timer_delete(t);
	printf("timer fired 3 times\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	static char buf[READS][16];
	struct aiocb cb[READS];
	const struct aiocb *list[READS];
	memset(cb, 0, sizeof(cb));
	for (int i = 0; i < READS; i++) {
		cb[i].aio_fildes = fd;
		cb[i].aio_buf = buf[i];
		cb[i].aio_nbytes = 8;
		cb[i].aio_offset = 8 * i;
		list[i] = &cb[i];
		if (aio_read(&cb[i]) != 0) {
			perror("aio_read");
			return 1;
		}
	}
	pthread_t t;
	pthread_create(&t, NULL, bump, NULL);
	bump(NULL);
	/* One at a time: aio_suspend returns at once while any request of its
	 * list is done, and a loop around it would spin without a syscall. */
	for (int i = 0; i < READS; i++)
		while (aio_error(&cb[i]) == EINPROGRESS)
			aio_suspend(&list[i], 1, NULL);
	pthread_join(t, NULL);
	for (int i = 0; i < READS; i++)
		printf("read %d: %zd bytes: %.8s\n", i, aio_return(&cb[i]), buf[i]);
	printf("counter %d\n", counter);
	return timer_thrice();
}
