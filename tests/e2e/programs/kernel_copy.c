/*
 * kernel_copy.c FILE: copies FILE to stdout with the calls that move bytes
 * inside the kernel (copy_file_range, sendfile with and without an offset,
 * splice from a pipe a thread fills), and prints what each returned.  A
 * replay must print the same bytes with FILE gone (kernel_copy.sh).
 */
#include <assert.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

static int pipe_fds[2];

static void *fill_pipe(void *arg)
{
	(void)arg;
	const char msg[] = "through a pipe, spliced\n";
	for (int i = 0; i < 3; i++)
		assert(write(pipe_fds[1], msg, strlen(msg)) == (ssize_t)strlen(msg));
	close(pipe_fds[1]);
	return NULL;
}

/* Copy the whole of fd to stdout, one call at a time as callers do. */
static long copy_all(const char *how, int fd, off_t size)
{
	long total = 0, calls = 0;
	off_t at = 0;
	for (;;) {
		ssize_t n;
		if (strcmp(how, "copy_file_range") == 0)
			n = copy_file_range(fd, NULL, STDOUT_FILENO, NULL, (size_t)size, 0);
		else if (strcmp(how, "sendfile+offset") == 0)
			n = sendfile(STDOUT_FILENO, fd, &at, (size_t)size);
		else
			n = sendfile(STDOUT_FILENO, fd, NULL, (size_t)size);
		if (n <= 0)
			break;
		total += n;
		calls++;
	}
	fflush(stdout);
	fprintf(stderr, "%s: %ld bytes in %s calls%s\n", how, total, calls > 1 ? "several" : "one",
		strcmp(how, "sendfile+offset") == 0 && at == total ? ", offset moved" : "");
	return total;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int fd = open(argv[1], O_RDONLY);
	assert(fd >= 0);
	off_t size = lseek(fd, 0, SEEK_END);
	static const char *const ways[] = { "copy_file_range", "sendfile+offset", "sendfile" };
	for (int i = 0; i < 3; i++) {
		assert(lseek(fd, 0, SEEK_SET) == 0);
		if (copy_all(ways[i], fd, size) != size)
			return 1;
	}
	/* sendfile with an offset leaves the file position alone. */
	assert(lseek(fd, 0, SEEK_SET) == 0);
	off_t at = 10;
	assert(sendfile(STDOUT_FILENO, fd, &at, 5) == 5 && at == 15);
	assert(lseek(fd, 0, SEEK_CUR) == 0);
	printf("\n");
	fflush(stdout);

	assert(pipe(pipe_fds) == 0);
	pthread_t t;
	pthread_create(&t, NULL, fill_pipe, NULL);
	long spliced = 0;
	ssize_t n;
	while ((n = splice(pipe_fds[0], NULL, STDOUT_FILENO, NULL, 4096, 0)) > 0)
		spliced += n;
	pthread_join(t, NULL);
	fprintf(stderr, "splice: %ld bytes\n", spliced);
	return 0;
}
