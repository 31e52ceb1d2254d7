/*
 * layout.c: addresses that must repeat in a replay.  Reads the file named
 * by argv[1] (the test gives it a few MiB, which a replay carries in its
 * channel), then loads a library and maps and allocates memory, and prints
 * where all of it landed, where its stack is, and an environment variable
 * with its address and argv[1]'s.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static char buf[1 << 20];

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
	long total = 0;
	for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;)
		total += n;
	close(fd);
	void *lib = dlopen("libm.so.6", RTLD_NOW);
	void *map = mmap(NULL, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *big = malloc(8 << 20); /* beyond the mmap threshold: a mapping of its own */
	int local;
	const char *var = getenv("LAYOUT_VAR");
	printf("read %ld bytes; cos %p map %p malloc %p stack %p LAYOUT_VAR=%s\n", total,
	       lib ? dlsym(lib, "cos") : NULL, map, big, (void *)&local, var ? var : "(unset)");
	/* The strings at the top of the stack: argv's and the environment's. */
	printf("argv[1] at %p, LAYOUT_VAR at %p\n", (void *)argv[1], (const void *)var);
	return 0;
}
