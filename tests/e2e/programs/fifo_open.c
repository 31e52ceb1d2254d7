/*
 * fifo_open.c: two threads meet at a FIFO (named pipe) in the directory
 * given: the main thread opens it for reading, a second thread for
 * writing.  Natively each open waits for the other end; under deja's
 * serialised scheduler, a thread waiting in the kernel while it holds the
 * right to run would keep the other thread from ever opening its end.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[4096];

static void *writer(void *arg)
{
	(void)arg;
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return NULL;
	(void)!write(fd, "through the fifo\n", 17);
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/fifo", argv[1]);
	unlink(path);
	if (mkfifo(path, 0600) != 0) {
		perror("mkfifo");
		return 1;
	}
	pthread_t t;
	pthread_create(&t, NULL, writer, NULL);
	int fd = open(path, O_RDONLY);
	char buf[64];
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	printf("read %zd: %.*s", n, (int)(n > 0 ? n : 0), buf);
	pthread_join(t, NULL);
	unlink(path);
	return 0;
}
