/*
 * file_effects.c: a program that changes the file system, in a directory
 * named on its command line.
 *
 * It makes a temporary file (mkstemp, whose name comes from random bytes),
 * creates a file with O_EXCL, appends a line to a log, writes its result
 * file with O_TRUNC, makes and removes a directory, renames and unlinks,
 * and sizes and maps a memfd, which is shared memory rather than a file.
 * Two threads take turns at the log.  It prints what each step answered.
 * Run again in the same directory, the O_EXCL create fails: a replay must
 * not run it again, nor repeat any of the other changes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[4096];

static const char *in_dir(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

static void *log_lines(void *arg)
{
	char path[4200];
	for (int i = 0; i < 3; i++) {
		FILE *f = fopen(in_dir(path, sizeof(path), "log.txt"), "a");
		if (!f)
			return NULL;
		fprintf(f, "thread %ld line %d\n", (long)(intptr_t)arg, i);
		fclose(f);
	}
	return NULL;
}

static void step(const char *what, int r)
{
	printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	char path[4200], other[4200];

	snprintf(path, sizeof(path), "%s/tmpXXXXXX", dir);
	int fd = mkstemp(path);
	step("mkstemp", fd);
	printf("temporary file ends %s\n", path + strlen(path) - 6);
	step("write temporary", (int)write(fd, "scratch\n", 8));
	close(fd);
	step("unlink temporary", unlink(path));

	fd = open(in_dir(path, sizeof(path), "once"), O_CREAT | O_EXCL | O_WRONLY, 0644);
	step("create once", fd);
	step("write once", (int)write(fd, "made once\n", 10));
	close(fd);

	pthread_t t[2];
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, log_lines, (void *)(intptr_t)i);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);

	fd = open(in_dir(path, sizeof(path), "result.txt"), O_CREAT | O_TRUNC | O_WRONLY, 0644);
	step("open result", fd);
	step("write result", (int)write(fd, "result 42\n", 10));
	close(fd);

	step("mkdir", mkdir(in_dir(path, sizeof(path), "sub"), 0755));
	fd = open(in_dir(path, sizeof(path), "sub/inner"), O_CREAT | O_WRONLY, 0644);
	step("create inner", fd);
	close(fd);
	step("rename inner", rename(path, in_dir(other, sizeof(other), "sub/renamed")));
	step("unlink renamed", unlink(other));
	step("rmdir", rmdir(in_dir(path, sizeof(path), "sub")));

	int mem = memfd_create("shared", 0);
	step("ftruncate memfd", ftruncate(mem, 4096));
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mem, 0);
	step("mmap memfd", p == MAP_FAILED ? -1 : 0);
	if (p != MAP_FAILED) {
		step("pwrite memfd", (int)pwrite(mem, "through the file", 16, 0));
		printf("memfd holds: %.16s\n", p);
	}
	return 0;
}
