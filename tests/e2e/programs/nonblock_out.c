/*
 * nonblock_out.c: prints 1 MiB to a stdout it has made non-blocking, as
 * xz does, in 64 KiB writes: a write into a full pipe takes part of its
 * bytes or fails with EAGAIN, and the program waits in poll for room and
 * writes the rest.  A second thread counts the lines as they are made, so
 * that the process is threaded and deja schedules it.  Prints, on stderr,
 * the bytes written and the writes that came up short.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 65536
#define CHUNKS 16

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int made;

static void *counter(void *arg)
{
	(void)arg;
	for (int i = 0; i < CHUNKS; i++) {
		pthread_mutex_lock(&lock);
		made++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

/* All of buf, waiting for room where the pipe is full; how many calls
 * came up short. */
static int write_all(const char *buf, size_t len)
{
	int short_writes = 0;
	while (len > 0) {
		ssize_t n = write(1, buf, len);
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = 1, .events = POLLOUT };
			poll(&p, 1, -1);
			short_writes++;
			continue;
		}
		if (n < 0)
			return -1;
		short_writes += (size_t)n < len;
		buf += n;
		len -= (size_t)n;
	}
	return short_writes;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, counter, NULL) != 0)
		return 2;
	if (fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK) != 0)
		return 2;
	static char chunk[CHUNK];
	long total = 0;
	int shorts = 0;
	for (int i = 0; i < CHUNKS; i++) {
		for (int j = 0; j < CHUNK; j++)
			chunk[j] = j % 64 == 63 ? '\n' : (char)('a' + (i + j / 64) % 26);
		int s = write_all(chunk, CHUNK);
		if (s < 0)
			return 1;
		shorts += s;
		total += CHUNK;
	}
	pthread_join(t, NULL);
	fprintf(stderr, "wrote %ld bytes, %d short\n", total, shorts);
	return 0;
}
