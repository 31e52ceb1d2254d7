/*
 * stdin_kinds.c: the main thread reads its stdin in small pieces while a
 * second thread takes a lock and prints a line now and then, so that a
 * random schedule switches away from the reader at many of its reads.
 * Whether those switches are preemptions depends on whether such a read
 * may wait, which depends on what stdin is (a file never waits, a pipe
 * may): stdin_kinds.sh replays with another stdin than the recording's.
 * Prints the bytes and lines counted.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counted;

static void *printer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++) {
		pthread_mutex_lock(&lock);
		long seen = counted;
		pthread_mutex_unlock(&lock);
		char line[64];
		int n = snprintf(line, sizeof(line), "printer %d\n", i);
		if (write(1, line, (size_t)n) != n)
			return NULL;
		(void)seen;
	}
	return NULL;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, printer, NULL) != 0)
		return 2;
	char buf[16];
	long bytes = 0, lines = 0;
	ssize_t n;
	while ((n = read(0, buf, sizeof(buf))) > 0) {
		pthread_mutex_lock(&lock);
		counted += n;
		pthread_mutex_unlock(&lock);
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
		bytes += n;
	}
	pthread_join(t, NULL);
	printf("read %ld bytes, %ld lines\n", bytes, lines);
	return n < 0;
}
