/*
 * exec_static.c: execs the program named by argv[1] (in the test, a
 * statically linked one) and reports how the exec went.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PROGRAM [ARG...]\n", argv[0]);
		return 2;
	}
	execv(argv[1], argv + 1);
	printf("exec failed: %s\n", strerror(errno));
	return 3;
}
