/*
 * fd_sources.c A B: reads a line from A, puts B's descriptor in A's place
 * with dup2() and reads again through the same number, then closes it,
 * opens B again (which gets the freed number back) and reads once more.
 * The trace must name each read's real source, whatever deja remembered.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static void read_one(int fd)
{
	char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	printf("fd %d: %s", fd, buf);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int a = open(argv[1], O_RDONLY), b = open(argv[2], O_RDONLY);
	if (a < 0 || b < 0)
		return 2;
	read_one(a);
	dup2(b, a);
	read_one(a);
	close(a);
	close(b);
	int again = open(argv[1], O_RDONLY);
	read_one(again);
	return 0;
}
