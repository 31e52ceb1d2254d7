/*
 * pipe_threads.c: threads of one program talking through pipes, which
 * must not hang under the serialised scheduler: main reads a pipe that a
 * writer thread fills slowly (blocking reads), and a poller thread waits in
 * poll() (or select(), with the argument "select") for main's final word on
 * a second pipe.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

static int data[2], done[2];
static int use_select;

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++) {
		char m[16];
		snprintf(m, sizeof(m), "msg%d\n", i);
		if (write(data[1], m, strlen(m)) < 0)
			return NULL;
		usleep(1000);
	}
	close(data[1]);
	return NULL;
}

static void *poller(void *arg)
{
	(void)arg;
	int r;
	if (use_select) {
		fd_set set;
		FD_ZERO(&set);
		FD_SET(done[0], &set);
		struct timeval tv = { 5, 0 };
		r = select(done[0] + 1, &set, NULL, NULL, &tv);
	} else {
		struct pollfd f = { .fd = done[0], .events = POLLIN };
		r = poll(&f, 1, 5000);
	}
	char b[8] = "";
	if (r > 0 && read(done[0], b, sizeof(b) - 1) < 0)
		return NULL;
	printf("poller: poll gave %d, read '%s'\n", r, b);
	return NULL;
}

int main(int argc, char **argv)
{
	use_select = argc > 1 && strcmp(argv[1], "select") == 0;
	if (pipe(data) || pipe(done))
		return 2;
	pthread_t w, p;
	pthread_create(&p, NULL, poller, NULL);
	pthread_create(&w, NULL, writer, NULL);
	char buf[64];
	ssize_t n;
	int total = 0;
	while ((n = read(data[0], buf, sizeof(buf))) > 0)
		total += (int)n;
	if (write(done[1], "done", 4) != 4)
		return 2;
	pthread_join(w, NULL);
	pthread_join(p, NULL);
	printf("main read %d bytes\n", total);
	return total == 15 ? 0 : 1;
}
