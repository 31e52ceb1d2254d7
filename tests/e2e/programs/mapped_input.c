/*
 * mapped_input.c FILE: reads FILE through a private mapping, as git reads
 * its index, and prints its first line and a checksum of every byte.  A
 * replay must print the recorded bytes with FILE changed or gone
 * (mapped_files.sh).
 */
#include <assert.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int fd = open(argv[1], O_RDONLY);
	assert(fd >= 0);
	struct stat st;
	assert(fstat(fd, &st) == 0 && st.st_size > 0);
	const unsigned char *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	assert(p != MAP_FAILED);
	close(fd);
	unsigned long sum = 0;
	for (off_t i = 0; i < st.st_size; i++)
		sum = sum * 31 + p[i];
	const unsigned char *nl = memchr(p, '\n', (size_t)st.st_size);
	printf("first line: %.*s\n", (int)(nl ? nl - p : st.st_size), (const char *)p);
	printf("%lld bytes, checksum %016lx\n", (long long)st.st_size, sum);
	return 0;
}
